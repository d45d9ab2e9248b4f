"""Votes under bursts, on PostgreSQL: many requests for the same (member, question) or
(member, topic) at once, each thread on its own connection, leave exactly one vote."""

import pytest

from dialogues.models import Vote
from dialogues.services import vote_for_question, vote_for_topic
from tests.factories import (
    DialogueFactory,
    QuestionFactory,
    RegistrationFactory,
    TopicProposalFactory,
    UserFactory,
)
from tests.integration.test_registration_concurrency import THREADS, run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_votes_for_one_question_by_one_member_count_once():
    dialogue = DialogueFactory()
    question = QuestionFactory(dialogue=dialogue)
    voter = RegistrationFactory(dialogue=dialogue).member
    votes = run_together([lambda: vote_for_question(question, voter)] * THREADS)
    assert len({vote.pk for vote in votes}) == 1
    assert Vote.objects.filter(question=question, member=voter).count() == 1


def test_concurrent_votes_for_one_topic_by_one_member_count_once():
    proposal = TopicProposalFactory()
    voter = UserFactory(verified=False).member
    votes = run_together([lambda: vote_for_topic(proposal, voter)] * THREADS)
    assert len({vote.pk for vote in votes}) == 1
    assert Vote.objects.filter(proposal=proposal, member=voter).count() == 1
