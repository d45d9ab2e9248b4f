"""The dialogues app's tasks; dialogues.services does the work."""

from celery import shared_task

from .models import Registration
from .services import retention
from .services.alerts import (
    forget_unconfirmed_addresses,
    make_date_alerts,
    make_owed_date_alerts,
)
from .services.mailings import (
    mail_registration_message,
    make_owed_registration_messages,
    make_registration_message,
    send_due_reminders,
)


# Nobody reads its result: storing none also spares the web process, which queues it, from
# subscribing to a result channel in Redis for every registration.
@shared_task(name="dialogues.make_registration_message", ignore_result=True)
def make_registration_message_task(*, message_id: int) -> None:
    """Mail a registrant the message their registration's change owes them, through the
    outbox (the request that changed the registration wrote the row and queued this)."""
    make_registration_message(message_id)


@shared_task(name="dialogues.make_owed_registration_messages", ignore_result=True)
def make_owed_registration_messages_task() -> int:
    """Run by beat every OUTBOX_SWEEP_SECONDS and as a worker starts: make the registration
    messages whose task never reached a worker."""
    return make_owed_registration_messages()


@shared_task(name="dialogues.make_date_alerts", ignore_result=True)
def make_date_alerts_task(*, alert_ids: list[int]) -> None:
    """Mail everyone who asked to be told a dialogue's date, now that it is set (the save that
    set it wrote the owed rows and queued this)."""
    make_date_alerts(alert_ids)


@shared_task(name="dialogues.make_owed_date_alerts", ignore_result=True)
def make_owed_date_alerts_task() -> int:
    """Run by beat every OUTBOX_SWEEP_SECONDS and as a worker starts: make the date mails
    whose task never reached a worker, and forget addresses never confirmed."""
    forget_unconfirmed_addresses()
    return make_owed_date_alerts()


# Tasks queued by the release before registration messages were rows: made as they were then,
# so that none is dropped as unknown while the workers are replaced.
@shared_task(name="dialogues.send_registration_message", ignore_result=True)
def send_registration_message(*, registration_id: int, message: str) -> None:
    registration = (
        Registration.objects.select_related("dialogue__series", "member__user")
        .with_waitlist_position()
        .filter(pk=registration_id)
        .first()
    )
    if registration is not None:
        mail_registration_message(registration, message)


@shared_task(name="dialogues.send_reminders", ignore_result=True)
def send_reminders() -> int:
    """Run every minute by beat: remind confirmed registrants MAIL_REMINDER_HOURS before the
    start, each once."""
    return send_due_reminders()


@shared_task(name="dialogues.forget_registration_details", ignore_result=True)
def forget_registration_details() -> int:
    """Run daily by beat: forget registrants' details REGISTRATION_RETENTION_DAYS after a
    dialogue."""
    return retention.forget_registration_details()
