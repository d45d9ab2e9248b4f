"""Dialogues that require approval: registrants wait (pending, no join link) until an
organiser approves (a seat while seats last, then the waiting list) or declines them."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail

from a4ep_portal.models import AuditEntry
from a4ep_portal.states import check_state_move
from dialogues.models import Registration
from dialogues.services import (
    RegistrationDetails,
    RegistrationError,
    approve_registrations,
    cancel_dialogue,
    cancel_registration,
    decline_registrations,
    register_member,
)
from tests.clients import logged_in
from tests.factories import DialogueFactory, EditorFactory, UserFactory
from tests.html import main_text, visible_text

pytestmark = pytest.mark.django_db

JOIN = "https://zoom.us/j/123456789?pwd=secret-join-link"


def register(dialogue, first_name="Amina") -> Registration:
    user = UserFactory(first_name=first_name)
    return register_member(dialogue, user.member, RegistrationDetails())


@pytest.fixture
def dialogue():
    return DialogueFactory(
        capacity=2, requires_approval=True, slug="closed-door", title="Closed door"
    )


def statuses(registrations) -> list[tuple[str, int | None]]:
    fresh = {r.pk: r for r in Registration.objects.filter(pk__in=[r.pk for r in registrations])}
    return [(fresh[r.pk].status, fresh[r.pk].waitlist_position()) for r in registrations]


def test_registering_for_a_dialogue_that_requires_approval_waits_without_a_seat(
    dialogue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(dialogue)
    assert (registration.status, registration.confirmed_at, registration.waitlist_number) == (
        "pending",
        None,
        None,
    )
    assert [m.subject for m in mail.outbox] == ["Waiting for approval: Closed door"]
    body = mail.outbox[0].body
    assert "The organisers approve each registration for this dialogue" in body
    assert JOIN not in body
    assert mail.outbox[0].attachments == []


def test_approving_gives_seats_in_order_then_the_waiting_list(
    dialogue, django_capture_on_commit_callbacks
):
    a, b, c, d = (register(dialogue, name) for name in ("Amina", "Bilal", "Chiara", "Dario"))
    editor = EditorFactory()
    with django_capture_on_commit_callbacks(execute=True):
        approve_registrations([c], actor=editor)
        approve_registrations([d, a, b], actor=editor)
    # Chiara first (approved first); then Amina, Bilal, Dario in the order they registered.
    assert statuses([c, a, b, d]) == [
        ("confirmed", None),
        ("confirmed", None),
        ("waitlisted", 1),
        ("waitlisted", 2),
    ]
    subjects = sorted((m.to[0], m.subject) for m in mail.outbox)
    assert subjects == sorted(
        [
            (c.member.user.email, "Your registration is approved: Closed door"),
            (a.member.user.email, "Your registration is approved: Closed door"),
            (b.member.user.email, "You are on the waiting list: Closed door"),
            (d.member.user.email, "You are on the waiting list: Closed door"),
        ]
    )
    approved_mail = next(m for m in mail.outbox if m.to == [a.member.user.email])
    assert JOIN in approved_mail.body
    assert [name for name, _content, _type in approved_mail.attachments] == ["closed-door.ics"]
    waiting_mail = next(m for m in mail.outbox if m.to == [b.member.user.email])
    assert "waiting list, number 1." in waiting_mail.body
    assert JOIN not in waiting_mail.body


def test_approved_to_the_waiting_list_are_promoted_as_today(
    dialogue, django_capture_on_commit_callbacks
):
    a, b, c = (register(dialogue, name) for name in ("Amina", "Bilal", "Chiara"))
    editor = EditorFactory()
    approve_registrations([a, b, c], actor=editor)
    with django_capture_on_commit_callbacks(execute=True):
        cancel_registration(a, actor=a.member.user)
    assert statuses([a, b, c]) == [("cancelled", None), ("confirmed", None), ("confirmed", None)]
    assert sorted(m.subject for m in mail.outbox) == [
        "A seat is yours: Closed door",
        "Your registration is cancelled: Closed door",
    ]


def test_approving_twice_changes_nothing_and_mails_once(
    dialogue, django_capture_on_commit_callbacks
):
    registration = register(dialogue)
    editor = EditorFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first = approve_registrations([registration], actor=editor)
        again = approve_registrations([registration], actor=editor)
    assert (len(first), again) == (1, [])
    assert [m.subject for m in mail.outbox] == ["Your registration is approved: Closed door"]


def test_declining_mails_the_registrant_and_keeps_them_out(
    dialogue, django_capture_on_commit_callbacks
):
    registration = register(dialogue)
    editor = EditorFactory()
    with django_capture_on_commit_callbacks(execute=True):
        assert decline_registrations([registration], actor=editor) == 1
        assert decline_registrations([registration], actor=editor) == 0
    registration.refresh_from_db()
    assert registration.status == "declined"
    assert registration.decided_at is not None
    assert [m.subject for m in mail.outbox] == ["Your registration was not approved: Closed door"]
    again = register_member(dialogue, registration.member, RegistrationDetails())
    assert (again.pk, again.status, again.was_already_registered) == (
        registration.pk,
        "declined",
        True,
    )
    assert approve_registrations([registration], actor=editor) == []


def test_each_decision_leaves_an_audit_row(dialogue):
    a, b = register(dialogue, "Amina"), register(dialogue, "Bilal")
    editor = EditorFactory()
    approve_registrations([a], actor=editor)
    decline_registrations([b], actor=editor)
    rows = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Registration)
    ).order_by("pk")
    assert [(r.object_id, r.actor, r.action, r.before, r.after) for r in rows] == [
        (a.pk, a.member.user, "register", {"status": None}, {"status": "pending"}),
        (b.pk, b.member.user, "register", {"status": None}, {"status": "pending"}),
        (a.pk, editor, "approve", {"status": "pending"}, {"status": "confirmed"}),
        (b.pk, editor, "decline", {"status": "pending"}, {"status": "declined"}),
    ]
    # Each names the registration by number and dialogue, never by the member.
    assert {r.object_repr for r in rows} == {f"#{a.pk} · closed-door", f"#{b.pk} · closed-door"}
    assert [r.subject for r in rows] == [a.member, b.member, a.member, b.member]


def test_only_organisers_who_may_change_registrations_decide(dialogue):
    registration = register(dialogue)
    with pytest.raises(RegistrationError) as error:
        approve_registrations([registration], actor=UserFactory())
    assert str(error.value) == "You may not change registrations."
    registration.refresh_from_db()
    assert registration.status == "pending"


def test_a_registration_move_outside_the_table_names_both_states(dialogue):
    registration = register(dialogue)
    decline_registrations([registration], actor=EditorFactory())
    registration.refresh_from_db()
    with pytest.raises(RegistrationError) as error:
        check_state_move(
            registration, Registration.Status.CONFIRMED, action="approve", error=RegistrationError
        )
    assert str(error.value) == (
        "This registration cannot be approved: it is “Declined” and cannot become “Confirmed”."
    )


def test_cancelling_the_dialogue_tells_pending_registrants_too(
    dialogue, django_capture_on_commit_callbacks
):
    register(dialogue)
    with django_capture_on_commit_callbacks(execute=True):
        cancel_dialogue(dialogue, actor=EditorFactory())
    assert [m.subject for m in mail.outbox][-1] == "Cancelled: Closed door"
    with pytest.raises(RegistrationError, match="registrations of a cancelled or past dialogue"):
        approve_registrations(dialogue.registrations.all(), actor=EditorFactory())


def test_a_member_registering_sees_that_organisers_decide_and_gets_no_join_link(dialogue):
    user = UserFactory()
    client = logged_in(user)
    form = client.get("/dialogues/closed-door/register/")
    assert (
        "The organisers approve each registration for this dialogue: we will mail you when "
        "they have decided, with the join link if you have a seat."
    ) in main_text(form.content)
    response = client.post(
        "/dialogues/closed-door/register/", {"language": "en", "organisation_name": "Coast Trust"}
    )
    assert response["Location"] == "/dialogues/closed-door/"
    page = client.get("/dialogues/closed-door/")
    text = main_text(page.content)
    assert (
        "Thank you. The organisers approve each registration for this dialogue; "
        "we will mail you when they have decided."
    ) in visible_text(page.content)
    assert "Your registration: Waiting for the organisers' approval. Your dialogues" in text
    assert "Questions from participants" not in text  # registrants only, once approved
    assert JOIN not in page.content.decode()
    mine = client.get("/me/dialogues/")
    assert "Waiting for the organisers' approval" in main_text(mine.content)
    assert JOIN not in mine.content.decode()
    # Coming back to the form while waiting changes nothing.
    again = client.get("/dialogues/closed-door/register/")
    assert again["Location"] == "/dialogues/closed-door/"


def test_a_declined_member_sees_it_and_has_nothing_to_cancel(dialogue):
    user = UserFactory()
    registration = register_member(dialogue, user.member, RegistrationDetails())
    decline_registrations([registration], actor=EditorFactory())
    client = logged_in(user)
    page = main_text(client.get("/dialogues/closed-door/").content)
    assert "Your registration: Not approved by the organisers." in page
    assert "Questions from participants" not in page
    again = client.get("/dialogues/closed-door/register/", follow=True)
    assert "The organisers did not approve your registration for this dialogue." in visible_text(
        again.content
    )
    mine = main_text(client.get("/me/dialogues/").content)
    assert "Not approved by the organisers" in mine
    assert "Cancel registration" not in mine


def test_organisers_approve_and_decline_from_the_registrations_list(
    dialogue, django_capture_on_commit_callbacks
):
    a, b, c = (register(dialogue, name) for name in ("Amina", "Bilal", "Chiara"))
    client = logged_in(EditorFactory())
    changelist = "/admin/dialogues/registration/"
    listing = client.get(changelist + f"?dialogue__id__exact={dialogue.pk}")
    assert "Waiting for approval: 3" in visible_text(listing.content)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            changelist,
            {"action": "approve", "_selected_action": [a.pk, b.pk, c.pk]},
            follow=True,
        )
    assert "3 registrations approved: 2 with a seat, 1 on the waiting list." in visible_text(
        response.content
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            changelist, {"action": "decline", "_selected_action": [a.pk]}, follow=True
        )
    text = visible_text(response.content)
    assert "0 registrations declined." in text
    assert "1 selected registration was not waiting for approval: left as it was." in text
    assert statuses([a, b, c]) == [("confirmed", None), ("confirmed", None), ("waitlisted", 1)]
    assert len(mail.outbox) == 3


def test_the_dialogue_list_in_admin_counts_those_to_approve(dialogue):
    register(dialogue)
    page = logged_in(EditorFactory()).get("/admin/dialogues/dialogue/")
    assert "0 confirmed · 0 waiting · 1 to approve" in visible_text(page.content)
