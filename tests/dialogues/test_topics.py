"""Topic consultation on /topics/: members propose and vote once; the public sees chosen ones."""

import pytest
from django.test import Client

from dialogues.models import TopicProposal, Vote
from dialogues.services import (
    ParticipationError,
    choose_topic,
    merge_topics,
    vote_for_topic,
    withdraw_topic_vote,
)
from tests.clients import logged_in
from tests.factories import DialogueFactory, EditorFactory, TopicProposalFactory, UserFactory
from tests.html import main_text

pytestmark = pytest.mark.django_db


def test_vote_once_withdraw_and_never_for_own_proposal():
    proposal = TopicProposalFactory()
    voter = UserFactory().member
    assert vote_for_topic(proposal, voter).pk == vote_for_topic(proposal, voter).pk
    assert Vote.objects.count() == 1
    with pytest.raises(ParticipationError, match="your own proposal"):
        vote_for_topic(proposal, proposal.member)
    assert withdraw_topic_vote(proposal, voter) is True
    assert Vote.objects.count() == 0


def test_merge_and_choose():
    keep, duplicate = TopicProposalFactory(), TopicProposalFactory()
    voter = UserFactory().member
    vote_for_topic(duplicate, voter)
    vote_for_topic(keep, voter)
    editor = EditorFactory()
    assert merge_topics([duplicate], keep, actor=editor) == 1
    assert sorted(keep.votes.values_list("member", flat=True)) == sorted(
        [voter.pk, duplicate.member_id]
    )
    dialogue = DialogueFactory(title="Who funds local leadership?")
    chosen = choose_topic(keep, dialogue, actor=editor)
    assert (chosen.status, chosen.dialogue) == ("chosen", dialogue)
    with pytest.raises(ParticipationError, match="Votes are closed"):
        vote_for_topic(chosen, UserFactory().member)


@pytest.mark.parametrize("who", ["visitor", "member", "registrant", "staff"])
def test_topics_page_shows_open_proposals_to_members_and_chosen_ones_to_all(who):
    TopicProposalFactory(title="Open idea")
    TopicProposalFactory(title="Declined idea", status="declined")
    dialogue = DialogueFactory(title="Who funds local leadership?", slug="funding")
    chosen = TopicProposalFactory(title="Chosen idea", status="chosen", dialogue=dialogue)
    hidden_votes = TopicProposalFactory(title="Quiet idea", status="chosen", public_votes=False)
    for proposal in (chosen, hidden_votes):
        Vote.objects.create(proposal=proposal, member=UserFactory().member)
    client = Client()
    if who != "visitor":
        user = EditorFactory() if who == "staff" else UserFactory()
        if who == "registrant":
            from tests.factories import RegistrationFactory

            RegistrationFactory(dialogue=dialogue, member=user.member)
        client = logged_in(user)
    text = main_text(client.get("/topics/").content)
    assert "Declined idea" not in text
    assert ("Open idea" in text) is (who != "visitor")
    assert "Chosen idea All regions · Chosen · 1 vote · Became the dialogue" in text
    if who == "visitor":
        assert "Quiet idea All regions · Chosen Because" in text
        assert "Propose a topic" not in text
    else:
        assert "Quiet idea All regions · Chosen · 1 vote" in text
        assert "Propose a topic" in text


def test_member_proposes_and_votes_through_the_page():
    client = logged_in(UserFactory())
    response = client.post(
        "/topics/",
        {"title": "Who funds <b>local</b> leadership?", "why": "Money decides.", "region": "asia"},
        follow=True,
    )
    assert "your proposal is open for votes" in response.content.decode()
    proposal = TopicProposal.objects.get()
    assert (proposal.title, proposal.region) == ("Who funds local leadership?", "asia")
    other = logged_in(UserFactory())
    other.post(f"/topics/{proposal.pk}/vote/")
    other.post(f"/topics/{proposal.pk}/vote/")
    assert proposal.votes.count() == 1
    assert f'action="/topics/{proposal.pk}/unvote/"' in other.get("/topics/").content.decode()
    other.post(f"/topics/{proposal.pk}/unvote/")
    assert proposal.votes.count() == 0


def test_visitors_cannot_propose_or_vote():
    proposal = TopicProposalFactory()
    client = Client()
    assert client.post("/topics/", {"title": "x", "why": "y", "region": "asia"}).status_code == 302
    assert client.post(f"/topics/{proposal.pk}/vote/").status_code == 302
    assert (TopicProposal.objects.count(), Vote.objects.count()) == (1, 0)


@pytest.mark.parametrize("size", [3, 60])
@pytest.mark.parametrize(("who", "queries"), [("visitor", 2), ("member", 5)])
def test_topics_page_query_count_does_not_grow(
    client, django_assert_num_queries, size, who, queries
):
    # The page's count and its rows; a member costs the session, the user and the profile.
    voters = [UserFactory().member for _ in range(3)]
    for n in range(size):
        proposal = TopicProposalFactory(status="chosen" if n % 2 else "open")
        Vote.objects.bulk_create(Vote(proposal=proposal, member=v) for v in voters)
    if who == "member":
        client.force_login(UserFactory())
    with django_assert_num_queries(queries):
        assert client.get("/topics/").status_code == 200


def test_admin_merge_choose_and_decline():
    first, second, third = (TopicProposalFactory() for _ in range(3))
    client = logged_in(EditorFactory())
    url = "/admin/dialogues/topicproposal/"
    client.post(url, {"action": "merge", "_selected_action": [first.pk, second.pk]})
    client.post(url, {"action": "choose", "_selected_action": [first.pk]})
    client.post(url, {"action": "decline", "_selected_action": [third.pk]})
    statuses = list(TopicProposal.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == ["chosen", "merged", "declined"]
