"""Topic consultation: members propose topics for future dialogues and vote; organisers merge
duplicates and mark the chosen one with the dialogue that came of it."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Member

from ..models import Dialogue, TopicProposal, Vote
from .questions import ParticipationError, clean_question_text
from .votes import add_vote, fold_votes, remove_vote


def propose_topic(member: Member, *, title: str, why: str, region: str) -> TopicProposal:
    """Store a member's proposal, open for votes at once (organisers can decline it)."""
    title, why = clean_question_text(title), clean_question_text(why)
    if not title or not why:
        raise ParticipationError(_("Please give the topic and why it matters."))
    return TopicProposal.objects.create(
        member=member, title=title[:200], why=why[:2000], region=region
    )


def vote_for_topic(proposal: TopicProposal, member: Member) -> Vote:
    """Add the member's vote to an open proposal of someone else; voting again changes
    nothing."""
    if proposal.status != TopicProposal.Status.OPEN:
        raise ParticipationError(_("Votes are closed for this proposal."))
    if proposal.member_id == member.pk:
        raise ParticipationError(_("You cannot vote for your own proposal."))
    return add_vote(member, proposal=proposal)


def withdraw_topic_vote(proposal: TopicProposal, member: Member) -> bool:
    """Remove the member's vote from an open proposal; return whether there was one."""
    if proposal.status != TopicProposal.Status.OPEN:
        raise ParticipationError(_("Votes are closed for this proposal."))
    return remove_vote(member, proposal=proposal)


def _move(proposal: TopicProposal, to: str, **changes) -> TopicProposal:
    allowed = TopicProposal.TRANSITIONS[TopicProposal.Status(proposal.status)]
    if to not in allowed:
        raise ParticipationError(
            _("A proposal cannot go from “%(from)s” to “%(to)s”.")
            % {"from": proposal.get_status_display(), "to": TopicProposal.Status(to).label}
        )
    proposal.status = to
    proposal.decided_at = timezone.now()
    for field, value in changes.items():
        setattr(proposal, field, value)
    proposal.save(update_fields=["status", "decided_at", *changes])
    return proposal


@transaction.atomic
def merge_topics(duplicates: Iterable[TopicProposal], into: TopicProposal, *, actor) -> int:
    """Fold duplicate proposals into one: their voters, and their proposers, vote for `into`
    (once each, never for their own proposal). Return how many were merged."""
    into = TopicProposal.objects.select_for_update().get(pk=into.pk)
    if into.status != TopicProposal.Status.OPEN:
        raise ParticipationError(_("Merge into a proposal that is open for votes."))
    ids = [p.pk for p in duplicates if p.pk != into.pk]
    duplicates = list(TopicProposal.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    fold_votes("proposal", duplicates, into)
    for proposal in duplicates:
        _move(proposal, TopicProposal.Status.MERGED, merged_into=into)
    return len(duplicates)


@transaction.atomic
def choose_topic(proposal: TopicProposal, dialogue: Dialogue | None, *, actor) -> TopicProposal:
    """Mark the proposal as chosen, linked to the dialogue that came of it (if there is one
    yet); the public then sees it on /topics/."""
    proposal = TopicProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status == TopicProposal.Status.CHOSEN:
        if proposal.dialogue_id != (dialogue.pk if dialogue else None):
            proposal.dialogue = dialogue
            proposal.save(update_fields=["dialogue"])
        return proposal
    return _move(proposal, TopicProposal.Status.CHOSEN, dialogue=dialogue)


@transaction.atomic
def decline_topic(proposal: TopicProposal, *, actor) -> TopicProposal:
    """Close the proposal to votes without choosing it."""
    proposal = TopicProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status == TopicProposal.Status.DECLINED:
        return proposal
    return _move(proposal, TopicProposal.Status.DECLINED)
