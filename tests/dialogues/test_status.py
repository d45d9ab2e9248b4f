"""A dialogue's status: changed only by the moves of its table, from the admin's buttons,
checked on the server for whoever sends them, each refusal saying why, each move logged."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from a4ep_portal.models import AuditEntry
from a4ep_portal.states import StateError
from dialogues.models import Dialogue, RegistrationMessage
from dialogues.services import move_dialogue
from tests.factories import (
    DialogueFactory,
    EditorFactory,
    PublisherFactory,
    RegistrationFactory,
    UserFactory,
)
from tests.html import visible_text

pytestmark = pytest.mark.django_db


def change_url(dialogue) -> str:
    return f"/admin/dialogues/dialogue/{dialogue.pk}/change/"


def status_url(dialogue) -> str:
    return f"/admin/dialogues/dialogue/{dialogue.pk}/status/"


def buttons(html: str) -> list[str]:
    panel = html.split('class="workflow dialogue-status"')[1].split("</section>")[0]
    return [
        visible_text(label)
        for label in re.findall(
            r"<(?:button|a)[^>]*class=\"button\"[^>]*>(.*?)</(?:button|a)>", panel
        )
    ]


def status_of(dialogue) -> str:
    return Dialogue.objects.values_list("status", flat=True).get(pk=dialogue.pk)


@pytest.mark.parametrize("who", ["editor", "publisher"])
def test_organisers_see_the_moves_the_table_allows_and_make_them(client, who):
    organiser = (EditorFactory if who == "editor" else PublisherFactory)()
    dialogue = DialogueFactory(status=Dialogue.Status.DRAFT, title="Funding")
    client.force_login(organiser)

    page = client.get(change_url(dialogue)).content.decode()
    assert buttons(page) == ["Announce", "Cancel and tell the registrants…"]
    # The status is shown, not a field of the form.
    assert 'name="status"' not in page

    response = client.post(status_url(dialogue), {"move": "announce"}, follow=True)

    assert f"“{dialogue}” is now announced." in visible_text(response.content.decode())
    assert status_of(dialogue) == "announced"
    entry = AuditEntry.objects.about(dialogue).get()
    assert (entry.actor, entry.action, entry.before, entry.after) == (
        organiser,
        "announce",
        {"status": "draft"},
        {"status": "announced"},
    )
    page = client.get(change_url(dialogue)).content.decode()
    assert buttons(page) == ["Back to draft", "Cancel and tell the registrants…"]


@pytest.mark.parametrize("who", ["visitor", "member", "staff without a group"])
def test_others_cannot_move_a_dialogue(client, who):
    dialogue = DialogueFactory(status=Dialogue.Status.DRAFT)
    if who == "member":
        client.force_login(UserFactory())
    elif who == "staff without a group":
        client.force_login(UserFactory(is_staff=True))

    response = client.post(status_url(dialogue), {"move": "announce"})

    if who == "staff without a group":
        assert response.status_code == 403
    else:
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
    assert status_of(dialogue) == "draft"
    assert not AuditEntry.objects.exists()


def test_the_service_refuses_someone_without_the_permission_and_says_why():
    dialogue = DialogueFactory(status=Dialogue.Status.DRAFT)
    with pytest.raises(StateError) as error:
        move_dialogue(dialogue, "announce", actor=UserFactory(is_staff=True))
    assert str(error.value) == "Only editors and publishers may change the status of a dialogue."
    assert status_of(dialogue) == "draft"


def test_a_move_outside_the_table_is_refused_naming_the_move_and_both_states(client):
    dialogue = DialogueFactory(status=Dialogue.Status.CANCELLED)
    client.force_login(EditorFactory())

    page = client.get(change_url(dialogue)).content.decode()
    assert "Its status cannot change any more." in visible_text(page)
    # A forged button.
    response = client.post(status_url(dialogue), {"move": "announce"}, follow=True)

    assert (
        "This dialogue cannot be announced: it is “Cancelled” and cannot become “Announced”."
        in visible_text(response.content.decode())
    )
    assert status_of(dialogue) == "cancelled"
    assert not AuditEntry.objects.exists()


def test_marking_as_held_waits_for_the_start(client):
    dialogue = DialogueFactory(starts_at=timezone.now() + timedelta(days=1))
    editor = EditorFactory()
    client.force_login(editor)
    assert "Mark as held" not in buttons(client.get(change_url(dialogue)).content.decode())

    with pytest.raises(StateError) as error:
        move_dialogue(dialogue, "mark_held", actor=editor)
    assert str(error.value) == "“Mark as held” is not possible: this dialogue has not started yet."

    Dialogue.objects.filter(pk=dialogue.pk).update(starts_at=timezone.now() - timedelta(hours=2))
    dialogue.refresh_from_db()
    assert buttons(client.get(change_url(dialogue)).content.decode()) == [
        "Mark as held",
        "Back to draft",
        "Cancel and tell the registrants…",
    ]
    client.post(status_url(dialogue), {"move": "mark_held"})
    assert status_of(dialogue) == "held"


def test_back_to_draft_is_refused_once_members_registered(client):
    dialogue = DialogueFactory()
    RegistrationFactory(dialogue=dialogue)
    client.force_login(EditorFactory())
    assert buttons(client.get(change_url(dialogue)).content.decode()) == [
        "Cancel and tell the registrants…"
    ]

    with pytest.raises(StateError) as error:
        move_dialogue(dialogue, "back_to_draft", actor=EditorFactory())

    assert str(error.value) == (
        "“Back to draft” is not possible: members have registered for this dialogue. "
        "Cancel it instead, which tells them."
    )
    assert status_of(dialogue) == "announced"


def test_cancelling_asks_first_then_tells_the_registrants(
    client, django_capture_on_commit_callbacks
):
    dialogue = DialogueFactory(title="Funding")
    RegistrationFactory(dialogue=dialogue)
    RegistrationFactory(dialogue=dialogue, status="waitlisted", waitlist_number=1)
    publisher = PublisherFactory()
    client.force_login(publisher)

    confirm = client.get(status_url(dialogue), {"move": "cancel"})
    assert "its 2 registrants (confirmed, waiting or waiting for approval) will be mailed" in (
        visible_text(confirm.content.decode())
    )
    # The button of the change page without the confirmation cancels nothing.
    client.post(status_url(dialogue), {"move": "cancel"})
    assert status_of(dialogue) == "announced"

    with django_capture_on_commit_callbacks(execute=True):
        client.post(status_url(dialogue), {"move": "cancel", "confirmed": "yes"})

    assert status_of(dialogue) == "cancelled"
    assert RegistrationMessage.objects.filter(kind="dialogue_cancelled").count() == 2
    assert len(mail.outbox) == 2
    entry = AuditEntry.objects.about(dialogue).get()
    assert (entry.actor, entry.action, entry.after) == (
        publisher,
        "cancel",
        {"status": "cancelled"},
    )


def test_the_status_is_shown_above_the_form_and_not_in_it(client):
    dialogue = DialogueFactory(status=Dialogue.Status.DRAFT)
    client.force_login(EditorFactory())
    page = client.get(change_url(dialogue)).content.decode()
    panel = page.split('class="workflow dialogue-status"')[1].split("</section>")[0]
    assert "<strong>Draft</strong>" in panel
    assert 'name="status"' not in page and "field-status" not in page


def test_the_list_action_cancels_what_it_may_and_says_what_it_may_not(client):
    held = DialogueFactory(status=Dialogue.Status.HELD, title="Over")
    announced = DialogueFactory(title="Soon")
    client.force_login(EditorFactory())

    response = client.post(
        "/admin/dialogues/dialogue/",
        {"action": "cancel_dialogues", "_selected_action": [held.pk, announced.pk]},
        follow=True,
    )

    text = visible_text(response.content.decode())
    assert (
        f"{held}: This dialogue cannot be cancelled: it is “Held” and cannot become “Cancelled”."
        in text
    )
    assert "Cancelled; registrants are being told." in text
    assert (status_of(held), status_of(announced)) == ("held", "cancelled")
