from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from a4ep_portal.models import AuditEntry
from a4ep_portal.workflow import ALLOWED_MOVES, State, WorkflowError
from papers import services, tasks
from papers.models import Paper
from tests.factories import PaperFactory, PublisherFactory

pytestmark = pytest.mark.django_db

BUTTON_MOVES = ["submit", "return", "approve", "publish", "withdraw", "reopen"]
STATES = ["draft", "in_review", "approved", "published", "withdrawn"]

# (state, move) pairs each role may make; every other pair must be refused.
EDITOR_MAY = {
    ("draft", "submit"),
    ("in_review", "return"),
    ("approved", "return"),
    ("withdrawn", "reopen"),
}
PUBLISHER_MAY = EDITOR_MAY | {
    ("draft", "withdraw"),
    ("in_review", "approve"),
    ("in_review", "withdraw"),
    ("approved", "publish"),
    ("approved", "withdraw"),
    ("published", "withdraw"),
}
ALLOWED = {
    "editor": EDITOR_MAY,
    "publisher": PUBLISHER_MAY,
    # The publisher who submitted and last edited the item: everything but approving it.
    "author_publisher": PUBLISHER_MAY - {("in_review", "approve")},
    "member": set(),
    "visitor": set(),
}
TARGET = {
    "submit": "in_review",
    "return": "draft",
    "approve": "approved",
    "publish": "published",
    "withdraw": "withdrawn",
    "reopen": "draft",
}


@pytest.fixture
def actors(editor, publisher, member):
    author = PublisherFactory(first_name="Aiko")
    return {
        "editor": editor,
        "publisher": publisher,
        "author_publisher": author,
        "member": member,
        "visitor": AnonymousUser(),
    }


def paper_in(state: str, *, author) -> Paper:
    paper = PaperFactory(published=state == "published")
    Paper.objects.filter(pk=paper.pk).update(
        state=state, submitted_by=author, last_edited_by=author
    )
    paper.refresh_from_db()
    return paper


@pytest.mark.parametrize("role", list(ALLOWED))
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("move", BUTTON_MOVES)
def test_move_is_allowed_exactly_by_the_table(actors, role, state, move):
    actor = actors[role]
    paper = paper_in(state, author=actors["author_publisher"])
    if (state, move) in ALLOWED[role]:
        services.move(paper, move, actor=actor, note="checked")
        paper.refresh_from_db()
        assert paper.state == TARGET[move]
        event = AuditEntry.objects.about(paper).get()
        assert (event.actor, event.action, event.before, event.after, event.note) == (
            actor,
            move,
            {"state": state},
            {"state": TARGET[move]},
            "checked",
        )
    else:
        with pytest.raises(WorkflowError) as error:
            services.move(paper, move, actor=actor)
        # The reason is the state when the table has no such move, or else who may make it.
        reason = str(error.value)
        if move in ALLOWED_MOVES[State(state)]:
            assert reason.startswith(("Only ", "You cannot approve", "Log in")), reason
        else:
            assert f"the item is {State(state).label}" in reason, reason
        paper.refresh_from_db()
        assert paper.state == state
        assert AuditEntry.objects.about(paper).count() == 0


def test_illegal_move_names_both_states(publisher):
    paper = PaperFactory()
    with pytest.raises(WorkflowError) as error:
        services.move(paper, "publish", actor=publisher)
    assert str(error.value) == (
        "“Publish” is not possible: the item is Draft, and it cannot go to Published."
    )


def test_editor_is_told_only_publishers_approve(editor):
    paper = paper_in("in_review", author=None)
    with pytest.raises(WorkflowError) as error:
        services.move(paper, "approve", actor=editor)
    assert str(error.value) == "Only publishers may approve this item."


def test_publisher_cannot_approve_what_they_submitted(publisher, other_publisher, editor):
    paper = PaperFactory()
    services.save_item(paper, actor=editor, created=True)
    services.move(paper, "submit", actor=publisher)
    with pytest.raises(WorkflowError) as error:
        services.move(paper, "approve", actor=publisher)
    assert str(error.value) == (
        "You cannot approve an item that you last edited or submitted: ask another publisher."
    )
    services.move(paper, "approve", actor=other_publisher)
    assert paper.state == "approved"


def test_publisher_cannot_approve_what_they_last_edited(editor, publisher, other_publisher):
    paper = PaperFactory()
    services.move(paper, "submit", actor=editor)
    paper.abstract = "A shorter abstract."
    services.save_item(paper, actor=publisher, created=False)
    assert paper.state == "in_review"
    with pytest.raises(WorkflowError, match="that you last edited or submitted"):
        services.move(paper, "approve", actor=publisher)
    services.move(paper, "approve", actor=other_publisher)
    assert paper.state == "approved"


def test_publishing_makes_version_one_live(editor, publisher):
    paper = PaperFactory(title="Solidarity and diversity")
    services.move(paper, "submit", actor=editor)
    services.move(paper, "approve", actor=publisher)
    services.move(paper, "publish", actor=publisher)
    assert paper.state == "published"
    assert paper.live_version.number == 1
    assert paper.live_version.title == "Solidarity and diversity"
    assert paper.first_published_at is not None
    moves = list(
        AuditEntry.objects.about(paper)
        .order_by("pk")
        .values_list("action", "before__state", "after__state", "actor__first_name")
    )
    assert moves == [
        ("submit", "draft", "in_review", "Edith"),
        ("approve", "in_review", "approved", "Pablo"),
        ("publish", "approved", "published", "Pablo"),
    ]


def test_editing_a_published_paper_sends_a_new_version_through_review(client, editor, publisher):
    paper = PaperFactory(title="First title", published=True)
    paper.title = "Corrected title"
    services.save_item(paper, actor=editor, created=False)

    assert paper.state == "in_review"
    assert paper.submitted_by == editor
    page = client.get(paper.get_absolute_url()).content.decode()
    assert '<h1 lang="en">First title</h1>' in page
    assert "Corrected title" not in page

    services.move(paper, "approve", actor=publisher)
    services.move(paper, "publish", actor=publisher)
    paper.refresh_from_db()
    assert paper.live_version.number == 2
    page = client.get(paper.get_absolute_url()).content.decode()
    assert '<h1 lang="en">Corrected title</h1>' in page
    assert "Earlier versions" in page
    assert f'href="/papers/{paper.slug}/versions/1/">Version 1</a>' in page
    old = client.get(f"/papers/{paper.slug}/versions/1/").content.decode()
    assert "First title" in old
    assert "This is version 1, an earlier version of this paper." in old


def test_withdrawing_takes_the_paper_off_the_site(client, publisher):
    paper = PaperFactory(published=True)
    assert client.get(paper.get_absolute_url()).status_code == 200
    services.move(paper, "withdraw", actor=publisher, note="Wrong file")
    assert paper.live_version is None
    assert client.get(paper.get_absolute_url()).status_code == 404


def test_scheduled_publication_publishes_only_approved_items_whose_time_came(editor):
    past = timezone.now() - timedelta(minutes=1)
    due = paper_in("approved", author=editor)
    later = paper_in("approved", author=editor)
    draft = paper_in("draft", author=editor)
    Paper.objects.filter(pk__in=[due.pk, draft.pk]).update(publish_at=past)
    Paper.objects.filter(pk=later.pk).update(publish_at=timezone.now() + timedelta(hours=1))

    assert tasks.publish_scheduled.delay().get() == 1

    states = dict(Paper.objects.values_list("pk", "state"))
    assert states == {due.pk: "published", later.pk: "approved", draft.pk: "draft"}
    due.refresh_from_db()
    assert due.live_version.number == 1
    event = AuditEntry.objects.about(due).get()
    assert (event.actor, event.action, event.note) == (None, "publish", "Published on schedule.")
