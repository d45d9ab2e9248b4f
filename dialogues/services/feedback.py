"""Feedback from attendees after a dialogue."""

from django.utils.translation import gettext as _

from ..models import Feedback, Registration
from .questions import ParticipationError, clean_question_text


def may_give_feedback(registration: Registration | None) -> bool:
    return bool(
        registration
        and registration.attended
        and registration.member_id
        and registration.dialogue.is_over()
    )


def give_feedback(
    registration: Registration, *, rating: int, useful: str, change: str, may_quote: bool
) -> Feedback:
    """Store (or replace) the attendee's feedback on the dialogue."""
    if not may_give_feedback(registration):
        raise ParticipationError(_("Feedback is open to attendees once the dialogue is over."))
    if not 1 <= rating <= 5:
        raise ParticipationError(_("Give a rating from 1 to 5."))
    feedback, _created = Feedback.objects.update_or_create(
        dialogue_id=registration.dialogue_id,
        member_id=registration.member_id,
        defaults={
            "rating": rating,
            "useful": useful,
            "change": clean_question_text(change)[:2000],
            "may_quote": may_quote,
        },
    )
    return feedback
