"""Sending a batch of deliveries, as a worker does: claim the queued ones under a row lock
(queued -> sending), compose each message (composing.py) and send them over one SMTP
connection, committing each as sent right after the server accepted it. A transient error
puts the rest back in the queue for the task's retry; a permanent one fails the delivery.
Writing and queueing deliveries, and recovering lost ones, is in outbox.py."""

import contextlib
import functools
import smtplib
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.core.mail import get_connection
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Delivery
from . import wire
from .audiences import skip_reason
from .composing import Composer


@dataclass
class BatchOutcome:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    retry_ids: list[int] = field(default_factory=list)
    error: str = ""


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:1000]


def is_transient(error: BaseException) -> bool:
    """Worth trying again later: SMTP 4xx replies, a refused, dropped or timed-out connection.
    Everything else (5xx replies, bad addresses, our own bugs) is permanent."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return True
    if isinstance(error, smtplib.SMTPException):
        return False
    return isinstance(error, ConnectionError | TimeoutError)


def _throttle() -> None:
    """Keep to MAIL_RATE_PER_SECOND across every worker, counted in the shared cache."""
    rate = settings.MAIL_RATE_PER_SECOND
    if not rate:
        return
    while True:
        second = int(time.time())
        key = f"members:mail-rate:{second}"
        cache.add(key, 0, timeout=10)
        try:
            if cache.incr(key) <= rate:
                return
        except ValueError:
            return  # the cache is unavailable: nothing to count in, so no limit to keep
        time.sleep(max(second + 1 - time.time(), 0.001))


def _claim(delivery_ids: list[int]) -> list[int]:
    """Mark the still-queued deliveries as sending, under a row lock; skip ones another
    worker holds. Returns what this worker now owns."""
    with transaction.atomic():
        claimed = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(pk__in=delivery_ids, status=Delivery.Status.QUEUED)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        Delivery.objects.filter(pk__in=claimed).update(
            status=Delivery.Status.SENDING, claimed_at=timezone.now(), attempts=F("attempts") + 1
        )
    return claimed


def _finish(delivery: Delivery, status: str, reason: str = "") -> None:
    Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.SENDING).update(
        status=status, last_error=reason
    )


@functools.cache
def _mark_sent_sql() -> str:
    meta, quote = Delivery._meta, connection.ops.quote_name
    status, sent_at, last_error, pk = (
        quote(meta.get_field(name).column) for name in ("status", "sent_at", "last_error", "id")
    )
    # Only the model's own table and column names, quoted, go into the text; values are
    # parameters.
    return (
        f"UPDATE {quote(meta.db_table)} SET {status} = %s, {sent_at} = %s, "  # noqa: S608
        f"{last_error} = '' WHERE {pk} = %s"
    )


def _mark_sent(delivery_id: int) -> None:
    """Record a delivery as sent (committed at once: autocommit). It runs once per message,
    so the statement is written once instead of being built by the ORM every time, which
    cost a fifth of a worker's time per message."""
    with connection.cursor() as cursor:
        cursor.execute(_mark_sent_sql(), [Delivery.Status.SENT, timezone.now(), delivery_id])


def _back_to_queue(ids: list[int], reason: str) -> None:
    Delivery.objects.filter(pk__in=ids, status=Delivery.Status.SENDING).update(
        status=Delivery.Status.QUEUED, last_error=reason, queued_at=timezone.now()
    )


@contextlib.contextmanager
def _commits_without_waiting_for_disk():
    """On PostgreSQL, let this connection's commits return before the WAL reaches the disk
    (synchronous_commit off), for the "sent" marks only. Each is still committed before the
    next message goes out, and visible to every worker at once; only a crash of PostgreSQL
    itself could lose the last fraction of a second of marks, which would make those few
    messages go out twice, never be lost. Waiting for the disk would cost a flush per
    message and halve the throughput."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def send_delivery_batch(delivery_ids: list[int]) -> BatchOutcome:
    """Send the queued deliveries among these ids over one SMTP connection: each becomes
    sent, skipped (opted out or gone since it was queued), failed (permanent error), or goes
    back to the queue for a retry (transient error; listed in the outcome)."""
    outcome = BatchOutcome()
    claimed = _claim(delivery_ids)
    if not claimed:
        return outcome
    with _commits_without_waiting_for_disk():
        _send_claimed(claimed, outcome)
    return outcome


def _send_claimed(claimed: list[int], outcome: BatchOutcome) -> None:
    deliveries = list(
        Delivery.objects.filter(pk__in=claimed)
        .select_related("mailing__dialogue", "member__user")
        .order_by("pk")
    )
    sender = _Sender()
    try:
        for index, delivery in enumerate(deliveries):
            reason = _skip_reason_now(delivery)
            if reason:
                _finish(delivery, Delivery.Status.SKIPPED, reason)
                outcome.skipped += 1
                continue
            try:
                sender.send(delivery)
            except Exception as error:
                if _record_failure(error, deliveries, index, outcome):
                    break
                continue
            _mark_sent(delivery.pk)
            outcome.sent += 1
    finally:
        sender.close()


def _skip_reason_now(delivery: Delivery) -> str:
    """Why a claimed delivery is no longer sent: the account was deleted, deactivated or
    opted out since it was queued ("" when it goes; a non-member invited by address does)."""
    member = delivery.member
    if not delivery.address:
        return _("The account was deleted.")
    if member is None:
        return ""
    return skip_reason(member.user.is_active, member.wants(delivery.mailing.kind))


class _Sender:
    """A batch's SMTP connection, opened for its first message, and a composer per mailing
    (made once: it keeps the rendered layouts)."""

    def __init__(self) -> None:
        self.smtp = None
        self.composers: dict[int, Composer] = {}

    def send(self, delivery: Delivery) -> None:
        mailing = delivery.mailing
        if mailing.pk not in self.composers:
            self.composers[mailing.pk] = Composer(mailing)
        message = self.composers[mailing.pk].compose(delivery)
        _throttle()
        if self.smtp is None:
            self.smtp = get_connection()
            self.smtp.open()
        wire.send(self.smtp, message)

    def close(self) -> None:
        if self.smtp is not None:
            # A dead connection has nothing left to close.
            with contextlib.suppress(Exception):
                self.smtp.close()


def _record_failure(
    error: Exception, deliveries: list[Delivery], index: int, outcome: BatchOutcome
) -> bool:
    """Record why deliveries[index] was not sent: failed for a permanent error; back to the
    queue for a transient one, with the rest of the batch unless only this recipient was
    refused (the connection is fine). True when the rest went back: the batch stops."""
    delivery = deliveries[index]
    if not is_transient(error):
        _finish(delivery, Delivery.Status.FAILED, _describe(error))
        outcome.failed += 1
        return False
    outcome.error = _describe(error)
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        retry = [delivery.pk]
    else:
        retry = [d.pk for d in deliveries[index:]]
    _back_to_queue(retry, outcome.error)
    outcome.retry_ids.extend(retry)
    return len(retry) > 1


def give_up_deliveries(delivery_ids: list[int], reason: str) -> int:
    """Record as failed the queued deliveries whose transient errors outlasted the retries."""
    return Delivery.objects.filter(pk__in=delivery_ids, status=Delivery.Status.QUEUED).update(
        status=Delivery.Status.FAILED, last_error=reason
    )
