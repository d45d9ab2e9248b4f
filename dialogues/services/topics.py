"""Topic consultation: members propose topics for future dialogues and vote; organisers merge
duplicates and mark the chosen one with the dialogue that came of it."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from a4ep_portal.audit import log_action
from a4ep_portal.states import change_state
from members.models import Member

from ..models import Dialogue, TopicProposal, Vote
from .questions import ParticipationError, clean_question_text
from .votes import add_vote, fold_votes, remove_vote


def propose_topic(member: Member, *, title: str, why: str, region: str) -> TopicProposal:
    """Store a member's proposal, open for votes at once (organisers can decline it)."""
    title, why = clean_question_text(title), clean_question_text(why)
    if not title or not why:
        raise ParticipationError(_("Please give the topic and why it matters."))
    proposal = TopicProposal.objects.create(
        member=member, title=title[:200], why=why[:2000], region=region
    )
    log_action(
        proposal,
        "propose",
        actor=member.user_id,
        after={"status": proposal.status},
        subject=member,
    )
    return proposal


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


def _move(proposal: TopicProposal, to: str, *, actor, action: str, **changes) -> TopicProposal:
    proposal.decided_at = timezone.now()
    for field, value in changes.items():
        setattr(proposal, field, value)
    return change_state(
        proposal,
        to,
        actor=actor,
        action=action,
        update_fields=["decided_at", *changes],
        after={f"{field}_id": value.pk if value else None for field, value in changes.items()},
        subject=proposal.member_id,
        error=ParticipationError,
    )


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
        _move(proposal, TopicProposal.Status.MERGED, actor=actor, action="merge", merged_into=into)
    return len(duplicates)


@transaction.atomic
def choose_topic(proposal: TopicProposal, dialogue: Dialogue | None, *, actor) -> TopicProposal:
    """Mark the proposal as chosen, linked to the dialogue that came of it (if there is one
    yet); the public then sees it on /topics/."""
    proposal = TopicProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status == TopicProposal.Status.CHOSEN:
        if proposal.dialogue_id != (dialogue.pk if dialogue else None):
            before = proposal.dialogue_id
            proposal.dialogue = dialogue
            proposal.save(update_fields=["dialogue"])
            log_action(
                proposal,
                "choose",
                actor=actor,
                before={"dialogue_id": before},
                after={"dialogue_id": proposal.dialogue_id},
                subject=proposal.member_id,
            )
        return proposal
    return _move(
        proposal, TopicProposal.Status.CHOSEN, actor=actor, action="choose", dialogue=dialogue
    )


@transaction.atomic
def decline_topic(proposal: TopicProposal, *, actor) -> TopicProposal:
    """Close the proposal to votes without choosing it."""
    proposal = TopicProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status == TopicProposal.Status.DECLINED:
        return proposal
    return _move(proposal, TopicProposal.Status.DECLINED, actor=actor, action="decline")
