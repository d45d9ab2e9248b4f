"""The dialogues app's tasks; dialogues.services does the work."""

from celery import shared_task

from .models import Registration
from .services import retention
from .services.mailings import mail_registration_message, send_due_reminders


# Nobody reads its result: storing none also spares the web process, which queues it, from
# subscribing to a result channel in Redis for every registration.
@shared_task(name="dialogues.send_registration_message", ignore_result=True)
def send_registration_message(*, registration_id: int, message: str) -> None:
    """Mail a registrant about their registration, through the outbox (the request that
    changed the registration only queues this)."""
    registration = (
        Registration.objects.select_related("dialogue__series", "member__user")
        .with_waitlist_position()
        .filter(pk=registration_id)
        .first()
    )
    if registration is None:
        return
    mail_registration_message(registration, message)


@shared_task(name="dialogues.send_reminders")
def send_reminders() -> int:
    """Run every minute by beat: remind confirmed registrants MAIL_REMINDER_HOURS before the
    start, each once."""
    return send_due_reminders()


@shared_task(name="dialogues.forget_registration_details")
def forget_registration_details() -> int:
    """Run daily by beat: forget registrants' details REGISTRATION_RETENTION_DAYS after a
    dialogue."""
    return retention.forget_registration_details()
