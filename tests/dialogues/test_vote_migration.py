"""Question and topic votes merged into one table (dialogues 0017): every vote survives the
migration, with its item, member and time, and the way back as well."""

import pytest
from django.db import IntegrityError, connection
from django.db.migrations.executor import MigrationExecutor

from dialogues.models import Vote
from tests.factories import QuestionFactory, TopicProposalFactory, UserFactory

BEFORE = ("dialogues", "0016_interpretation_channels")
AFTER = ("dialogues", "0017_one_vote_model")


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


def rows(model, field):
    return set(model.objects.values_list(f"{field}_id", "member_id", "created_at"))


@pytest.mark.django_db(transaction=True)
def test_every_vote_survives_the_merge_and_the_way_back():
    members = [UserFactory().member for _ in range(3)]
    questions = [QuestionFactory(), QuestionFactory()]
    proposals = [TopicProposalFactory(), TopicProposalFactory()]
    for member in members:
        Vote.objects.create(question=questions[0], member=member)
        Vote.objects.create(proposal=proposals[1], member=member)
    Vote.objects.create(question=questions[1], member=members[0])
    question_votes = set(
        Vote.objects.filter(question__isnull=False).values_list(
            "question_id", "member_id", "created_at"
        )
    )
    topic_votes = set(
        Vote.objects.filter(proposal__isnull=False).values_list(
            "proposal_id", "member_id", "created_at"
        )
    )
    assert (len(question_votes), len(topic_votes)) == (4, 3)
    try:
        old = migrate(BEFORE)
        assert rows(old.get_model("dialogues", "QuestionVote"), "question") == question_votes
        assert rows(old.get_model("dialogues", "TopicVote"), "proposal") == topic_votes

        new = migrate(AFTER).get_model("dialogues", "Vote")
        merged = set(
            new.objects.values_list("question_id", "proposal_id", "member_id", "created_at")
        )
        assert merged == {(q, None, m, t) for q, m, t in question_votes} | {
            (None, p, m, t) for p, m, t in topic_votes
        }
    finally:
        # Back to every app's latest migration, not just AFTER: migrating to BEFORE also undid
        # what came after it (co-host accounts), which the rest of the suite needs.
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db
@pytest.mark.parametrize("items", ["none", "both"])
def test_a_vote_is_for_exactly_one_question_or_proposal(items):
    fields = {
        "none": {},
        "both": {"question": QuestionFactory(), "proposal": TopicProposalFactory()},
    }
    with pytest.raises(IntegrityError):
        Vote.objects.create(member=UserFactory().member, **fields[items])
