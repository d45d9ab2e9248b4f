import re

import pytest
from django.contrib.auth.models import AnonymousUser

from a4ep_portal.models import AuditEntry
from papers import services
from papers.access import can_see_registrant_items
from papers.models import Paper, Recording
from tests.factories import (
    DialogueFactory,
    PaperFactory,
    RecordingFactory,
    RegistrationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def buttons(page: str) -> list[str]:
    return re.findall(r'<button type="submit" name="_move" value="(\w+)" class="button">', page)


def test_editor_sees_submit_and_publisher_sees_approve(client, editor, publisher):
    paper = PaperFactory()
    url = f"/admin/papers/paper/{paper.pk}/change/"
    client.force_login(editor)
    assert buttons(client.get(url).content.decode()) == ["submit"]
    client.post(f"/admin/papers/paper/{paper.pk}/move/", {"move": "submit", "note": "Ready"})
    paper.refresh_from_db()
    assert paper.state == "in_review"
    assert buttons(client.get(url).content.decode()) == ["return"]

    client.force_login(publisher)
    page = client.get(url).content.decode()
    assert buttons(page) == ["approve", "return", "withdraw"]
    assert "State: <strong>In review</strong> · not on the site" in page


def test_admin_move_button_calls_the_service_and_reports(client, editor, publisher):
    paper = PaperFactory(title="Accountability paper")
    services.move(paper, "submit", actor=editor)
    client.force_login(publisher)
    response = client.post(
        f"/admin/papers/paper/{paper.pk}/move/",
        {"move": "approve", "note": "Looks good"},
        follow=True,
    )
    assert "“Accountability paper” is now approved." in response.content.decode()
    event = AuditEntry.objects.about(paper).latest("pk")
    assert (event.actor, event.action, event.note) == (publisher, "approve", "Looks good")
    page = client.get(f"/admin/papers/paper/{paper.pk}/change/").content.decode()
    assert "Looks good" in page  # the history inline


def test_admin_refuses_a_forbidden_move_with_the_reason(client, editor):
    paper = PaperFactory()
    services.move(paper, "submit", actor=editor)
    client.force_login(editor)
    response = client.post(
        f"/admin/papers/paper/{paper.pk}/move/", {"move": "approve"}, follow=True
    )
    assert "Only publishers may approve this item." in response.content.decode()
    paper.refresh_from_db()
    assert paper.state == "in_review"


def test_publisher_who_submitted_gets_no_approve_button(client, publisher):
    paper = PaperFactory()
    services.move(paper, "submit", actor=publisher)
    client.force_login(publisher)
    page = client.get(f"/admin/papers/paper/{paper.pk}/change/").content.decode()
    assert buttons(page) == ["return", "withdraw"]


def test_member_cannot_reach_the_move_view(client, member):
    paper = PaperFactory()
    client.force_login(member)
    response = client.post(f"/admin/papers/paper/{paper.pk}/move/", {"move": "submit"})
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    paper.refresh_from_db()
    assert paper.state == "draft"


def test_saving_a_published_recording_in_admin_sends_it_to_review(client, editor):
    recording = RecordingFactory(title="Old title", published=True)
    client.force_login(editor)
    url = f"/admin/papers/recording/{recording.pk}/change/"
    page = client.get(url).content.decode()
    data = dict(
        re.findall(r'name="([^"]+-(?:TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS)" value="(\d+)"', page)
    )
    data.update(
        title_en="New title",
        slug=recording.slug,
        dialogue=recording.dialogue_id,
        language="en",
        audience="public",
        video_url=recording.video_url,
        transcript=recording.transcript,
        duration="01:30:00",
    )
    assert client.post(url, data).status_code == 302
    recording.refresh_from_db()
    assert (recording.state, recording.live_version.title) == ("in_review", "Old title")
    assert client.get(recording.get_absolute_url()).content.decode().count("Old title") >= 1


def test_editors_and_publishers_have_the_papers_permissions(editor, publisher):
    assert editor.has_perm("papers.change_paper")
    assert editor.has_perm("papers.add_recording")
    assert not editor.has_perm("papers.publish_paper")
    assert not editor.has_perm("papers.delete_paper")
    assert publisher.has_perm("papers.publish_paper")
    assert publisher.has_perm("papers.publish_recording")
    assert editor.has_perm("a4ep_portal.view_auditentry")
    assert publisher.has_perm("a4ep_portal.view_auditentry")


def test_registrant_items_are_for_organisers_and_the_dialogues_confirmed_registrants(
    editor, member
):
    dialogue = DialogueFactory()
    for model in (Paper, Recording):
        assert can_see_registrant_items(editor, dialogue, model) is True
        assert can_see_registrant_items(member, dialogue, model) is False
        assert can_see_registrant_items(AnonymousUser(), dialogue, model) is False
        assert can_see_registrant_items(UserFactory(is_staff=True), dialogue, model) is False
    # On the waiting list: no seat yet, so not the registrants' papers either.
    waiting = RegistrationFactory(dialogue=dialogue, status="waitlisted", waitlist_number=1)
    assert can_see_registrant_items(waiting.member.user, dialogue, Paper) is False
    confirmed = RegistrationFactory(dialogue=dialogue)
    assert can_see_registrant_items(confirmed.member.user, dialogue, Paper) is True
    assert can_see_registrant_items(confirmed.member.user, dialogue, Recording) is True
    RegistrationFactory(dialogue=dialogue, member=member.member, status="cancelled")
    assert can_see_registrant_items(member, dialogue, Paper) is False
    RegistrationFactory(dialogue=DialogueFactory(), member=member.member)
    assert can_see_registrant_items(member, dialogue, Paper) is False


def test_workflow_history_list_is_read_only(client, editor, publisher):
    paper = PaperFactory(title="History paper")
    services.move(paper, "submit", actor=editor)
    client.force_login(publisher)
    page = client.get("/admin/a4ep_portal/auditentry/").content.decode()
    assert "History paper" in page
    event = AuditEntry.objects.get(action="submit")
    assert client.get(f"/admin/a4ep_portal/auditentry/{event.pk}/delete/").status_code == 403
