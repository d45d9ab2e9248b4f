"""The one audit log: written by the services, read-only in admin for organisers, in the
member's data download where it concerns them, and never keeping what retention forgets."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone, translation

from a4ep_portal.models import AuditEntry
from dialogues.services import (
    RegistrationDetails,
    approve_questions,
    approve_registrations,
    ask_question,
    auto_assign_breakout_groups,
    cancel_registration,
    change_capacity,
    mark_attendance,
    register_member,
)
from dialogues.services.retention import forget_registration_details
from members.models import Delivery, Mailing, MailKind
from members.services import delete_account, retry_failed_deliveries
from papers import services as papers
from tests.factories import (
    DEMO_PASSWORD,
    BreakoutGroupFactory,
    DialogueFactory,
    EditorFactory,
    PaperFactory,
    PublisherFactory,
    QuestionFactory,
    RegistrationFactory,
    UserFactory,
)
from tests.html import visible_text

pytestmark = pytest.mark.django_db

LOG = "/admin/a4ep_portal/auditentry/"


def actions(obj) -> list[tuple]:
    return list(
        AuditEntry.objects.about(obj).order_by("pk").values_list("action", "before", "after")
    )


def test_organisers_actions_on_registrations_are_logged_with_before_and_after():
    dialogue = DialogueFactory(capacity=1)
    first, second = UserFactory(), UserFactory()
    editor = EditorFactory()
    seat = register_member(dialogue, first.member, RegistrationDetails(needs="Captions"))
    waiting = register_member(dialogue, second.member, RegistrationDetails())
    group = BreakoutGroupFactory(dialogue=dialogue)

    change_capacity(dialogue, 2, actor=editor)
    auto_assign_breakout_groups(dialogue, actor=editor)
    mark_attendance([seat, waiting], attended=True, actor=editor)
    cancel_registration(waiting, actor=second)

    assert actions(seat) == [
        ("register", {"status": None}, {"status": "confirmed"}),
        ("mark_attended", {"attended": False}, {"attended": True}),
    ]
    assert actions(waiting) == [
        ("register", {"status": None}, {"status": "waitlisted", "waitlist_number": 1}),
        ("promote", {"status": "waitlisted", "waitlist_number": 1}, {"status": "confirmed"}),
        ("mark_attended", {"attended": False}, {"attended": True}),
        ("cancel", {"status": "confirmed", "breakout_group": group.pk}, {"status": "cancelled"}),
    ]
    assert actions(dialogue) == [
        ("change_capacity", {"capacity": 1}, {"capacity": 2}),
        ("assign_breakout_groups", {}, {"groups": {str(group.pk): [seat.pk, waiting.pk]}}),
    ]
    by = AuditEntry.objects.order_by("pk").values_list("action", "actor", "subject")
    assert list(by) == [
        ("register", first.pk, first.member.pk),
        ("register", second.pk, second.member.pk),
        ("change_capacity", editor.pk, None),
        # The seat was freed by the organiser's change: theirs is the promotion.
        ("promote", editor.pk, second.member.pk),
        ("assign_breakout_groups", editor.pk, None),
        ("mark_attended", editor.pk, first.member.pk),
        ("mark_attended", editor.pk, second.member.pk),
        ("cancel", second.pk, second.member.pk),
    ]


def test_retrying_failed_deliveries_is_logged_on_the_mailing():
    mailing = Mailing.objects.create(
        kind=MailKind.NEWS, subject="News", body="Hello", state="published"
    )
    failed = Delivery.objects.create(
        mailing=mailing, member=UserFactory().member, status=Delivery.Status.FAILED
    )
    publisher = PublisherFactory()

    assert retry_failed_deliveries([failed], actor=publisher) == 1

    entry = AuditEntry.objects.about(mailing).get()
    assert (entry.actor, entry.action, entry.before, entry.after) == (
        publisher,
        "retry_deliveries",
        {"status": "failed", "deliveries": [failed.pk]},
        {"status": "queued", "deliveries": [failed.pk]},
    )


@pytest.mark.parametrize("who", ["editor", "publisher"])
def test_organisers_read_the_log_filtered_and_searched_but_never_change_it(client, who):
    editor = EditorFactory(email="edith@example.org")
    paper = PaperFactory(title="Localisation paper")
    papers.move(paper, "submit", actor=editor)
    question = QuestionFactory(status="pending")
    approve_questions([question], actor=editor)
    client.force_login(editor if who == "editor" else PublisherFactory())

    page = visible_text(client.get(LOG).content.decode())
    assert "Submitted for review" in page and "Localisation paper" in page
    assert f"#{question.pk} · {question.dialogue.slug}" in page
    approved = visible_text(client.get(LOG, {"action": "approve"}).content.decode())
    assert "Localisation paper" not in approved and f"#{question.pk}" in approved
    searched = visible_text(client.get(LOG, {"q": "Localisation"}).content.decode())
    assert "Localisation paper" in searched and f"#{question.pk}" not in searched
    by_editor = visible_text(client.get(LOG, {"actor__id__exact": editor.pk}).content.decode())
    assert "Localisation paper" in by_editor

    entry = AuditEntry.objects.about(paper).get()
    assert client.get(f"{LOG}add/").status_code == 403
    assert client.get(f"{LOG}{entry.pk}/delete/").status_code == 403
    assert client.post(f"{LOG}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    client.post(f"{LOG}{entry.pk}/change/", {"action": "publish", "note": "forged"})
    client.post(LOG, {"action": "delete_selected", "_selected_action": [entry.pk]})
    entry.refresh_from_db()
    assert (entry.action, entry.note) == ("submit", "")
    assert AuditEntry.objects.count() == 2


@pytest.mark.parametrize("who", ["visitor", "member", "staff without a group"])
def test_others_cannot_read_the_log(client, who):
    if who == "member":
        client.force_login(UserFactory())
    elif who == "staff without a group":
        client.force_login(UserFactory(is_staff=True))
    response = client.get(LOG)
    assert response.status_code == (403 if who == "staff without a group" else 302)


def test_an_objects_history_page_shows_its_entries(client):
    registration = RegistrationFactory(status="pending", dialogue__requires_approval=True)
    editor = EditorFactory(email="edith@example.org")
    approve_registrations([registration], actor=editor)
    client.force_login(editor)

    url = f"/admin/dialogues/registration/{registration.pk}/history/"
    page = visible_text(client.get(url).content.decode())

    assert "Approved" in page
    assert "edith@example.org" in page
    assert "status: Waiting for approval → Confirmed" in page


def test_the_members_data_download_holds_what_they_did_and_what_was_done_to_theirs(client):
    member = UserFactory(email="mariam@example.org").member
    other = UserFactory().member
    dialogue = DialogueFactory(requires_approval=True, title="Who decides?")
    mine = register_member(dialogue, member, RegistrationDetails())
    register_member(dialogue, other, RegistrationDetails())
    approve_registrations([mine], actor=EditorFactory())
    client.force_login(member.user)

    data = json.loads(client.get("/me/data/").content)

    assert [
        (e["action"], e["by_you"], e["about_you"], e["after"], e["object"])
        for e in data["audit_log"]
    ] == [
        ("register", True, True, {"status": "pending"}, f"#{mine.pk} · {dialogue.slug}"),
        ("approve", False, True, {"status": "confirmed"}, f"#{mine.pk} · {dialogue.slug}"),
    ]


def _log_text() -> str:
    return json.dumps(
        list(AuditEntry.objects.values("object_repr", "before", "after", "note")),
        ensure_ascii=False,
    )


def test_the_log_keeps_no_personal_detail_that_retention_forgets(settings):
    settings.REGISTRATION_RETENTION_DAYS = 30
    dialogue = DialogueFactory()
    user = UserFactory(first_name="Mariam", last_name="Odhiambo", email="mariam@example.org")
    registration = register_member(
        dialogue,
        user.member,
        RegistrationDetails(organisation_name="Coast Trust", role="Lead", needs="Captions"),
    )
    question = ask_question(dialogue, user.member, "Who funds us?")
    approve_questions([question], actor=EditorFactory())
    mark_attendance([registration], attended=True, actor=EditorFactory())
    type(dialogue).objects.filter(pk=dialogue.pk).update(
        starts_at=timezone.now() - timedelta(days=40), ends_at=timezone.now() - timedelta(days=40)
    )

    assert forget_registration_details() == 1

    assert [e.action for e in AuditEntry.objects.about(question).order_by("pk")] == [
        "ask",
        "approve",
    ]
    text = _log_text()
    for detail in ("Mariam", "Odhiambo", "mariam@example.org", "Coast Trust", "Lead", "Captions"):
        assert detail not in text
    assert "Who funds us?" not in text
    entry = AuditEntry.objects.about(dialogue).get(action="forget_registration_details")
    assert (entry.actor, entry.after) == (
        None,
        {"registrations": 1, "questions": 1, "feedback": 0},
    )


def test_deleting_an_account_leaves_its_entries_anonymous():
    user = UserFactory(first_name="Mariam", email="mariam@example.org")
    member_pk = user.member.pk
    dialogue = DialogueFactory()
    register_member(dialogue, user.member, RegistrationDetails(needs="Captions"))

    delete_account(user, password=DEMO_PASSWORD)

    rows = list(AuditEntry.objects.order_by("pk").values_list("action", "actor", "subject"))
    assert rows == [
        ("register", None, None),
        ("cancel", None, None),
        ("delete_account", None, None),
    ]
    assert AuditEntry.objects.get(action="delete_account").object_repr == f"Member #{member_pk}"
    assert "Mariam" not in _log_text() and "mariam@example.org" not in _log_text()


@pytest.mark.django_db(transaction=True)
def test_the_publishing_history_moves_into_the_log():
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    before = [("a4ep_portal", "0003_cache_table")]
    executor.migrate(before)
    others = [node for node in latest if node[0] != "a4ep_portal"]
    old = executor.loader.project_state([*before, *others]).apps
    ContentType = old.get_model("contenttypes", "ContentType")
    Paper = old.get_model("papers", "Paper")
    User = old.get_model("members", "User")
    WorkflowEvent = old.get_model("a4ep_portal", "WorkflowEvent")
    paper_type, _ = ContentType.objects.get_or_create(app_label="papers", model="paper")
    paper = Paper.objects.create(title="Moved paper", slug="moved-paper", language="en")
    publisher = User.objects.create(email="pablo@example.org")
    WorkflowEvent.objects.create(
        content_type=paper_type,
        object_id=paper.pk,
        actor=publisher,
        move="approve",
        from_state="in_review",
        to_state="approved",
        note="Looks good",
    )

    executor = MigrationExecutor(connection)
    executor.migrate(latest)

    entry = AuditEntry.objects.get()
    assert (
        entry.actor_id,
        entry.action,
        entry.content_type.model,
        entry.object_id,
        entry.object_repr,
        entry.before,
        entry.after,
        entry.note,
    ) == (
        publisher.pk,
        "approve",
        "paper",
        paper.pk,
        "Moved paper",
        {"state": "in_review"},
        {"state": "approved"},
        "Looks good",
    )


def test_before_and_after_read_in_the_readers_language():
    dialogue = DialogueFactory(capacity=2)
    change_capacity(dialogue, 4, actor=EditorFactory())
    entry = AuditEntry.objects.about(dialogue).get()

    assert entry.change_summary() == "capacity: 2 → 4"
    with translation.override("ar"):
        # The arrow points the way Arabic reads.
        assert entry.change_summary() == "السعة: 2 ← 4"
        assert entry.action_label == "تغيّرت السعة"
