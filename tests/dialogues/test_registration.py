from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from dialogues.models import Dialogue, Registration
from dialogues.services import (
    RegistrationDetails,
    RegistrationError,
    cancel_registration,
    change_capacity,
    register_member,
)
from tests.factories import DialogueFactory, EditorFactory, UserFactory, utc

pytestmark = pytest.mark.django_db

JOIN = "https://zoom.us/j/123456789?pwd=secret-join-link"
FORM = {
    "organisation_name": "Coast Trust",
    "role": "Programme officer",
    "language": "fr",
    "needs": "Interpretation into French",
    "consents_to_recording": "on",
    "question": "How do we fund local leadership?",
}


def register(dialogue, user=None) -> Registration:
    user = user or UserFactory()
    return register_member(dialogue, user.member, RegistrationDetails())


@pytest.fixture
def dialogue():
    return DialogueFactory(capacity=2, slug="accountability", title="Accountability")


def test_register_member_confirms_until_full_then_waitlists_in_order(dialogue):
    first, second, third, fourth = (register(dialogue) for _ in range(4))
    assert [r.status for r in (first, second, third, fourth)] == [
        "confirmed",
        "confirmed",
        "waitlisted",
        "waitlisted",
    ]
    assert [third.waitlist_position(), fourth.waitlist_position()] == [1, 2]


def test_register_member_twice_changes_nothing(dialogue):
    user = UserFactory()
    first = register(dialogue, user)
    again = register(dialogue, user)
    assert again.pk == first.pk
    assert Registration.objects.filter(dialogue=dialogue).count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"registration_opens_at": timezone.now() + timedelta(days=1)},
            "Registration for this dialogue has not opened yet.",
        ),
        (
            {"registration_closes_at": timezone.now() - timedelta(minutes=1)},
            "Registration for this dialogue has closed.",
        ),
        (
            {"starts_at": timezone.now() - timedelta(minutes=5)},
            "This dialogue has already started.",
        ),
        ({"status": Dialogue.Status.CANCELLED}, "This dialogue has been cancelled."),
    ],
)
def test_register_member_refuses_when_registration_is_closed(changes, message):
    dialogue = DialogueFactory(**changes)
    with pytest.raises(RegistrationError) as error:
        register(dialogue)
    assert str(error.value) == message
    assert dialogue.registrations.count() == 0


def test_cancelling_a_seat_promotes_the_first_on_the_waiting_list(
    dialogue, django_capture_on_commit_callbacks
):
    first, _second, third, fourth = (register(dialogue) for _ in range(4))
    with django_capture_on_commit_callbacks(execute=True):
        cancel_registration(first, actor=first.member.user)
    third.refresh_from_db()
    fourth.refresh_from_db()
    assert (third.status, fourth.status) == ("confirmed", "waitlisted")
    assert fourth.waitlist_position() == 1
    assert sorted((m.to, m.subject) for m in mail.outbox) == sorted(
        [
            ([first.member.user.email], "Your registration is cancelled: Accountability"),
            ([third.member.user.email], "A seat is yours: Accountability"),
        ]
    )


def test_raising_capacity_promotes_in_order_and_lowering_removes_nobody(dialogue):
    registrations = [register(dialogue) for _ in range(5)]
    change_capacity(dialogue, 3, actor=EditorFactory())
    assert [Registration.objects.get(pk=r.pk).status for r in registrations] == [
        "confirmed",
        "confirmed",
        "confirmed",
        "waitlisted",
        "waitlisted",
    ]
    change_capacity(dialogue, 1, actor=EditorFactory())
    assert dialogue.registrations.confirmed().count() == 3
    late = register(dialogue)
    assert late.status == "waitlisted"
    assert late.waitlist_position() == 3


def test_confirmation_mail_is_in_the_members_zone_with_the_calendar_attached(
    django_capture_on_commit_callbacks,
):
    next_year = timezone.now().year + 1
    dialogue = DialogueFactory(
        title="Accountability", slug="accountability", starts_at=utc(next_year, 3, 10, 12)
    )
    user = UserFactory(first_name="Amina", time_zone="Asia/Karachi")
    with django_capture_on_commit_callbacks(execute=True):
        register(dialogue, user)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "You are registered: Accountability"
    assert message.to == [user.email]
    assert "Dear Amina," in message.body
    assert "17:00 (Asia/Karachi)" in message.body
    assert JOIN in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "17:00 (<bdi>Asia/Karachi</bdi>)" in html
    filename, content, attachment_type = message.attachments[0]
    assert (filename, attachment_type) == ("accountability.ics", "text/calendar")
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    assert JOIN in str(event["DESCRIPTION"])


def test_waitlist_mail_names_the_position_and_carries_no_join_link(
    dialogue, django_capture_on_commit_callbacks
):
    register(dialogue)
    register(dialogue)
    with django_capture_on_commit_callbacks(execute=True):
        register(dialogue)
    assert len(mail.outbox) == 1
    assert "waiting list, number 1" in mail.outbox[0].body
    assert JOIN not in mail.outbox[0].body
    assert mail.outbox[0].attachments == []
