"""Votes for questions and for topic proposals, which work alike: one Vote row per (item,
member) under a unique constraint, so a double click or two requests at once leave exactly
one vote; merging duplicates folds their votes, and their authors as voters, into the one
kept. The checks of who may vote when are the callers' (questions.py, topics.py). An item is
named by its field of Vote: `question=...` or `proposal=...`."""

from django.db import IntegrityError, transaction

from members.models import Member

from ..models import Vote


def add_vote(member: Member, **item) -> Vote:
    """The member's vote for the item, added unless it is there already."""
    try:
        with transaction.atomic():
            vote, _created = Vote.objects.get_or_create(member=member, **item)
    except IntegrityError:
        # Another request inserted the same vote between our look-up and insert.
        vote = Vote.objects.get(member=member, **item)
    return vote


def remove_vote(member: Member, **item) -> bool:
    """Remove the member's vote for the item if there is one; return whether there was."""
    deleted, _counts = Vote.objects.filter(member=member, **item).delete()
    return bool(deleted)


def fold_votes(field: str, duplicates: list, into) -> None:
    """Move the votes of the duplicates (items of Vote's `field`), and their authors as
    voters, to `into`: once each, never a vote for one's own item. Inside the caller's
    transaction, with the items locked."""
    of_duplicates = Vote.objects.filter(**{f"{field}__in": duplicates})
    voters = set(of_duplicates.values_list("member_id", flat=True))
    voters |= {item.member_id for item in duplicates if item.member_id}
    voters -= set(into.votes.values_list("member_id", flat=True))
    voters.discard(into.member_id)
    Vote.objects.bulk_create(
        [Vote(**{field: into}, member_id=member_id) for member_id in sorted(voters)]
    )
    of_duplicates.delete()
