import csv
import io

import pytest
from django.core import mail

from dialogues.models import Dialogue, Registration
from members.models import Organisation
from tests.clients import logged_in
from tests.factories import (
    BreakoutGroupFactory,
    DialogueFactory,
    EditorFactory,
    PublisherFactory,
    RegistrationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/dialogues/registration/"


@pytest.fixture
def dialogue():
    return DialogueFactory(capacity=2, slug="accountability", title="Accountability")


def waitlisted(dialogue, number: int) -> Registration:
    return RegistrationFactory(
        dialogue=dialogue, status="waitlisted", confirmed_at=None, waitlist_number=number
    )


def test_registrants_list_shows_counts_filters_and_search(dialogue):
    ngo = Organisation.objects.create(name="Coast Trust", kind="national_ngo")
    amina = UserFactory(first_name="Amina", last_name="Diallo")
    amina.member.country = "NE"
    amina.member.organisation = ngo
    amina.member.save()
    RegistrationFactory(dialogue=dialogue, member=amina.member, attended=True)
    RegistrationFactory(dialogue=dialogue)
    waitlisted(dialogue, 1)
    RegistrationFactory(dialogue=dialogue, status="cancelled")
    client = logged_in(EditorFactory())
    page = client.get(CHANGELIST, {"dialogue__id__exact": dialogue.pk}).content.decode()
    assert "Confirmed: 2 · On the waiting list: 1 · Cancelled: 1 · Attended: 1" in page
    filtered = client.get(CHANGELIST, {"member__country": "NE"}).content.decode()
    assert "Confirmed: 1 · On the waiting list: 0 · Cancelled: 0 · Attended: 1" in filtered
    by_kind = client.get(CHANGELIST, {"member__organisation__kind__exact": "national_ngo"})
    assert "Amina Diallo" in by_kind.content.decode()
    searched = client.get(CHANGELIST, {"q": "Diallo"}).content.decode()
    assert "Amina Diallo" in searched
    assert "Confirmed: 1 ·" in searched


def test_csv_export_keeps_non_latin_names_intact(dialogue):
    user = UserFactory(first_name="أمينة", last_name="ديالو")
    registration = RegistrationFactory(
        dialogue=dialogue, member=user.member, organisation_name="ساحل"
    )
    response = logged_in(EditorFactory()).post(
        CHANGELIST, {"action": "export_csv", "_selected_action": [registration.pk]}
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:4] == ["dialogue", "name", "email", "organisation"]
    assert rows[1][:4] == ["Accountability", "أمينة ديالو", user.email, "ساحل"]
    assert rows[1][6] == "Confirmed"


def test_mark_attendance_and_cancel_actions(dialogue, django_capture_on_commit_callbacks):
    first = RegistrationFactory(dialogue=dialogue)
    second = RegistrationFactory(dialogue=dialogue)
    waiting = waitlisted(dialogue, 1)
    client = logged_in(EditorFactory())
    client.post(CHANGELIST, {"action": "mark_attended", "_selected_action": [first.pk, waiting.pk]})
    assert Registration.objects.filter(attended=True).count() == 1  # only confirmed can attend
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CHANGELIST, {"action": "cancel_registrations", "_selected_action": [second.pk]})
    second.refresh_from_db()
    waiting.refresh_from_db()
    assert (second.status, waiting.status) == ("cancelled", "confirmed")
    assert sorted((m.to[0], m.subject.split(":")[0]) for m in mail.outbox) == sorted(
        [
            (second.member.user.email, "Your registration is cancelled"),
            (waiting.member.user.email, "A seat is yours"),
        ]
    )


def test_raising_capacity_in_admin_promotes_in_order(dialogue, django_capture_on_commit_callbacks):
    RegistrationFactory(dialogue=dialogue)
    RegistrationFactory(dialogue=dialogue)
    first, second, third = (waitlisted(dialogue, n) for n in (1, 2, 3))
    client = logged_in(EditorFactory())
    form = client.get(f"/admin/dialogues/dialogue/{dialogue.pk}/change/").context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and not isinstance(value, list)
    }
    data.update(_inline_management())
    data["co_hosts"] = []
    data["capacity"] = 4
    data["starts_at_0"], data["starts_at_1"] = (
        dialogue.starts_at.strftime("%Y-%m-%d"),
        dialogue.starts_at.strftime("%H:%M:%S"),
    )
    data.pop("starts_at", None)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/dialogues/dialogue/{dialogue.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    statuses = [Registration.objects.get(pk=r.pk).status for r in (first, second, third)]
    assert statuses == ["confirmed", "confirmed", "waitlisted"]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [first.member.user.email, second.member.user.email]
    )
    dialogue.refresh_from_db()
    assert dialogue.capacity == 4


def _inline_management() -> dict:
    data = {}
    for prefix in ("sessions", "speaker_roles", "breakout_groups"):  # the admin form's inlines
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": 0,
                f"{prefix}-INITIAL_FORMS": 0,
                f"{prefix}-MIN_NUM_FORMS": 0,
                f"{prefix}-MAX_NUM_FORMS": 1000,
            }
        )
    return data


def test_cancel_dialogue_action_tells_every_registrant(
    dialogue, django_capture_on_commit_callbacks
):
    confirmed = RegistrationFactory(dialogue=dialogue)
    waiting = waitlisted(dialogue, 1)
    RegistrationFactory(dialogue=dialogue, status="cancelled")
    with django_capture_on_commit_callbacks(execute=True):
        logged_in(PublisherFactory()).post(
            "/admin/dialogues/dialogue/",
            {"action": "cancel_dialogues", "_selected_action": [dialogue.pk]},
        )
    dialogue.refresh_from_db()
    assert dialogue.status == Dialogue.Status.CANCELLED
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [confirmed.member.user.email, waiting.member.user.email]
    )
    assert {m.subject for m in mail.outbox} == {"Cancelled: Accountability"}


def test_registrants_are_not_visible_to_members_or_visitors(client, dialogue):
    RegistrationFactory(dialogue=dialogue)
    assert client.get(CHANGELIST).status_code == 302
    assert logged_in(UserFactory()).get(CHANGELIST).status_code == 302
    assert logged_in(PublisherFactory()).get(CHANGELIST).status_code == 200


def test_registrations_cannot_be_added_or_deleted_in_admin(dialogue):
    registration = RegistrationFactory(dialogue=dialogue)
    client = logged_in(PublisherFactory())
    assert client.get(f"{CHANGELIST}add/").status_code == 403
    assert client.get(f"{CHANGELIST}{registration.pk}/delete/").status_code == 403


def test_registration_change_form_cannot_bypass_group_capacity_or_attendance(dialogue):
    full = BreakoutGroupFactory(dialogue=dialogue, capacity=1)
    RegistrationFactory(dialogue=dialogue, breakout_group=full)
    registration = RegistrationFactory(dialogue=dialogue)
    url = f"{CHANGELIST}{registration.pk}/change/"
    client = logged_in(PublisherFactory())
    response = client.post(
        url,
        {
            "organisation_name": "Coast Trust",
            "role": "Director",
            "language": "en",
            "needs": "",
            "breakout_group": full.pk,
            "attended": "on",
        },
    )
    assert response.status_code == 302
    registration.refresh_from_db()
    # Organisers may correct what the member typed; group and attendance go through services.
    assert (registration.role, registration.breakout_group, registration.attended) == (
        "Director",
        None,
        False,
    )
    assert full.registrations.count() == 1
