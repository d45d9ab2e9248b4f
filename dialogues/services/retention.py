"""Forgetting on time: registrants' personal details are kept for REGISTRATION_RETENTION_DAYS
after a dialogue, then blanked, whether or not the member ever deletes the account."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from a4ep_portal.audit import log_action

from ..models import Dialogue, Feedback, Question, Registration


def forget_registration_details(*, now: datetime | None = None) -> int:
    """Blank the organisation, role and needs of every registration of the dialogues that ended
    more than REGISTRATION_RETENTION_DAYS ago, and detach their questions and feedback from the
    members; statuses, attendance and the members' links stay, so figures and the members' own
    history keep their counts. Each dialogue is done once; returns how many were done."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.REGISTRATION_RETENTION_DAYS)
    due = Dialogue.objects.filter(ends_at__lte=cutoff, details_forgotten_at=None).order_by("pk")
    done = 0
    for dialogue_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            # Lock and recheck: two beat runs (or two workers) forget a dialogue once.
            dialogue = (
                Dialogue.objects.select_for_update()
                .filter(pk=dialogue_id, details_forgotten_at=None)
                .first()
            )
            if dialogue is None:
                continue
            registrations = Registration.objects.filter(dialogue=dialogue).update(
                organisation_name="", role="", needs=""
            )
            questions = Question.objects.filter(dialogue=dialogue).update(member=None)
            feedback = Feedback.objects.filter(dialogue=dialogue).update(member=None)
            dialogue.details_forgotten_at = timezone.now()
            dialogue.save(update_fields=["details_forgotten_at"])
            # Counts only: the log keeps nothing of what was forgotten.
            log_action(
                dialogue,
                "forget_registration_details",
                actor=None,
                after={
                    "registrations": registrations,
                    "questions": questions,
                    "feedback": feedback,
                },
            )
        done += 1
    return done
