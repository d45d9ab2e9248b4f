"""Questions for a dialogue: asking, moderating (approve, hide, merge duplicates) and voting.

Votes work as for topic proposals (votes.py).
"""

import re
import unicodedata
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from a4ep_portal.audit import log_action
from a4ep_portal.states import change_state
from members.models import Member

from ..models import (
    QUESTION_MAX_LENGTH,
    Dialogue,
    Question,
    Registration,
    Session,
    Speaker,
    Vote,
)
from .votes import add_vote, fold_votes, remove_vote


class ParticipationError(Exception):
    """A question, vote, group choice, proposal or feedback that is not allowed, with a message
    for the member."""


def clean_question_text(text: str) -> str:
    """Plain text only: tags and control characters removed, runs of blank lines shortened.
    Pages escape it when they show it; this keeps pasted markup out of the run sheet too."""
    text = strip_tags(text or "")
    text = "".join(
        ch for ch in text if ch in "\n\t" or not unicodedata.category(ch).startswith("C")
    )
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r"\n\s*\n\s*\n+", "\n\n", text)
    return text.strip()


def is_confirmed_registrant(dialogue: Dialogue, member: Member) -> bool:
    return Registration.objects.filter(dialogue=dialogue, member=member).confirmed().exists()


def ask_question(
    dialogue: Dialogue,
    member: Member,
    text: str,
    *,
    speaker: Speaker | None = None,
    session: Session | None = None,
    from_registration: bool = False,
) -> Question:
    """Store a question waiting for moderation. Confirmed registrants ask before the dialogue
    starts; the registration form asks for the member it is registering (confirmed or not)."""
    text = clean_question_text(text)
    if not text:
        raise ParticipationError(_("Please write your question."))
    if len(text) > QUESTION_MAX_LENGTH:
        raise ParticipationError(
            _("A question may be at most %(limit)s characters long.")
            % {"limit": QUESTION_MAX_LENGTH}
        )
    if not from_registration:
        if timezone.now() >= dialogue.starts_at:
            raise ParticipationError(_("Questions can be sent until the dialogue starts."))
        if not is_confirmed_registrant(dialogue, member):
            raise ParticipationError(_("Only confirmed registrants can send questions."))
    if session is not None and session.dialogue_id != dialogue.pk:
        raise ParticipationError(_("Pick an agenda item of this dialogue."))
    if speaker is not None and not dialogue.speaker_roles.filter(speaker=speaker).exists():
        raise ParticipationError(_("Pick a speaker of this dialogue."))
    question = Question.objects.create(
        dialogue=dialogue, member=member, text=text, speaker=speaker, session=session
    )
    # Its text stays out of the log (a member wrote it): the status is enough.
    log_action(
        question,
        "ask",
        actor=member.user_id,
        after={"status": question.status},
        subject=member,
    )
    return question


def _move(questions: Iterable[Question], to: str, *, actor, action: str, **changes) -> int:
    """Move each question to `to` where the table allows it; return how many moved."""
    moved = 0
    now = timezone.now()
    for question in questions:
        if question.status == to:
            continue
        question.moderated_at = now
        question.moderated_by = actor
        for field, value in changes.items():
            setattr(question, field, value)
        change_state(
            question,
            to,
            actor=actor,
            action=action,
            update_fields=["moderated_at", "moderated_by", *changes],
            after={f"{field}_id": value.pk for field, value in changes.items()},
            subject=question.member_id,
            error=ParticipationError,
        )
        moved += 1
    return moved


@transaction.atomic
def approve_questions(questions: Iterable[Question], *, actor) -> int:
    """Make the questions visible to the dialogue's registrants; return how many changed."""
    return _move(_locked(questions), Question.Status.APPROVED, actor=actor, action="approve")


@transaction.atomic
def hide_questions(questions: Iterable[Question], *, actor) -> int:
    """Hide the questions from everyone but organisers; return how many changed."""
    return _move(_locked(questions), Question.Status.HIDDEN, actor=actor, action="hide")


@transaction.atomic
def merge_questions(duplicates: Iterable[Question], into: Question, *, actor) -> int:
    """Fold duplicates into one question: their votes, and their askers as voters, move to
    `into` (never a vote for one's own question, never twice); return how many merged."""
    into = Question.objects.select_for_update().get(pk=into.pk)
    if into.status not in (Question.Status.PENDING, Question.Status.APPROVED):
        raise ParticipationError(_("Merge into a question that is waiting or approved."))
    duplicates = [q for q in _locked(duplicates) if q.pk != into.pk]
    if any(q.dialogue_id != into.dialogue_id for q in duplicates):
        raise ParticipationError(_("Only questions of the same dialogue can be merged."))
    fold_votes("question", duplicates, into)
    return _move(duplicates, Question.Status.MERGED, actor=actor, action="merge", merged_into=into)


def _locked(questions: Iterable[Question]) -> list[Question]:
    ids = [q.pk for q in questions]
    return list(Question.objects.select_for_update().filter(pk__in=ids).order_by("pk"))


def vote_for_question(question: Question, member: Member) -> Vote:
    """Add the member's vote; voting again changes nothing. Confirmed registrants only, for
    approved questions of others."""
    if not question.is_approved():
        raise ParticipationError(_("You can vote only for approved questions."))
    if question.member_id == member.pk:
        raise ParticipationError(_("You cannot vote for your own question."))
    if question.dialogue.is_over():
        raise ParticipationError(_("This dialogue is over; its questions stay as they are."))
    if not is_confirmed_registrant(question.dialogue, member):
        raise ParticipationError(_("Only confirmed registrants can vote."))
    return add_vote(member, question=question)


def withdraw_question_vote(question: Question, member: Member) -> bool:
    """Remove the member's vote if there is one; return whether there was."""
    if question.dialogue.is_over():
        raise ParticipationError(_("This dialogue is over; its questions stay as they are."))
    return remove_vote(member, question=question)
