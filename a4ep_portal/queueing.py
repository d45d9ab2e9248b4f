"""Handing work to the Celery workers: a speed-up that may fail, never the only record.

Whatever the portal owes someone is a row, written in the transaction of the change that owes
it (a Delivery, a registration message); queueing a task only gets the row done sooner. So a
broker that does not answer must not turn the committed change into an error page: dispatch()
logs (once per REDIS_OUTAGE_LOG_SECONDS), answers False, and the row waits for the sweep the
beat scheduler runs every OUTBOX_SWEEP_SECONDS (and each worker runs as it starts). After one
failure the process stops trying for REDIS_RETRY_SECONDS, so an outage costs a request nothing.

Every task the portal queues goes through here; tests/test_outage.py checks that no module
calls .delay() or .apply_async() itself.
"""

import logging

from django.db import transaction
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

from .breaker import Breaker

logger = logging.getLogger(__name__)
breaker = Breaker(
    "the task queue (Redis)", logger, fallback="leaving the work to the outbox's sweep"
)
# What publishing raises when the broker is away: kombu wraps connection errors in its
# OperationalError; the rest are what redis-py and sockets raise on their own.
BROKER_ERRORS = (OperationalError, RedisError, OSError)


def dispatch(task, *, queue: str | None = None, **kwargs) -> bool:
    """Queue `task` with these keyword arguments; False when the broker did not take it (the
    caller's row then waits for the sweep). Without a broker (tasks in-process) it runs the
    task now, and the task's own errors propagate as before."""
    options = {"queue": queue} if queue else {}
    if task.app.conf.task_always_eager:
        task.apply_async(kwargs=kwargs, **options)
        return True
    if breaker.is_open():
        return False
    try:
        task.apply_async(kwargs=kwargs, **options)
    except BROKER_ERRORS as error:
        breaker.failed(error)
        return False
    breaker.succeeded()
    return True


def dispatch_on_commit(task, *, queue: str | None = None, **kwargs) -> None:
    """dispatch() once the current transaction has committed (at once outside one)."""
    # robust: should anything still raise, it is logged and the next callback runs; the
    # change has committed and its row is owed either way.
    transaction.on_commit(lambda: dispatch(task, queue=queue, **kwargs), robust=True)
