"""The outbox's tasks; members.services does the work. acks_late and reject-on-worker-lost
are global (settings), so a killed worker's batch is redone, and the claim on each delivery
makes redoing it harmless."""

from celery import shared_task
from celery.exceptions import Retry
from django.conf import settings

from a4ep_portal.queueing import BROKER_ERRORS

from .services.outbox import forget_dispatch, requeue_stuck_deliveries, send_scheduled_mailings
from .services.sending import give_up_deliveries, send_delivery_batch

MAX_RETRIES = 5


def backoff(retries: int) -> int:
    """Seconds before retry number `retries + 1`: 30 s doubling, never above 15 minutes (well
    under the visibility timeout, so a waiting retry is not taken for a lost one)."""
    return min(30 * 2**retries, 900)


# ignore_result: the outcome is in the deliveries; no result to store per batch, and no
# result channel for the process that queues the batches to subscribe to.
@shared_task(name="members.send_deliveries", bind=True, max_retries=MAX_RETRIES, ignore_result=True)
def send_deliveries(self, *, delivery_ids: list[int]) -> dict:
    """Send a batch of deliveries over one SMTP connection; retry the transient failures."""
    outcome = send_delivery_batch(delivery_ids)
    if outcome.retry_ids:
        if self.request.retries < self.max_retries:
            try:
                raise self.retry(
                    kwargs={"delivery_ids": outcome.retry_ids},
                    countdown=backoff(self.request.retries),
                    queue=settings.MAIL_QUEUE,
                )
            except Retry:
                raise
            except BROKER_ERRORS:
                # The broker went away meanwhile: the sweep hands them over again.
                forget_dispatch(outcome.retry_ids)
        else:
            give_up_deliveries(outcome.retry_ids, outcome.error)
    return {"sent": outcome.sent, "failed": outcome.failed, "skipped": outcome.skipped}


@shared_task(name="members.requeue_stuck_deliveries", ignore_result=True)
def requeue_stuck_deliveries_task() -> int:
    """Queue again the deliveries a lost task or a killed worker left behind."""
    return requeue_stuck_deliveries()


@shared_task(name="members.send_scheduled_mailings", ignore_result=True)
def send_scheduled_mailings_task() -> int:
    """Run every minute by beat: send the approved mailings whose time has come."""
    return len(send_scheduled_mailings())
