"""The Celery app. Its settings live in a4ep_portal/settings.py under the CELERY_ prefix."""

import logging
import os

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "a4ep_portal.settings")

app = Celery("a4ep_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger(__name__)


@worker_ready.connect
def sweep_as_the_worker_starts(**kwargs) -> None:
    """A worker that starts (a deploy, a restart after a crash or an outage) hands over at
    once what is owed and was never queued, instead of waiting for beat's next sweep."""
    from django.conf import settings

    from .queueing import BROKER_ERRORS

    for name in settings.OUTBOX_SWEEP_TASKS:
        try:
            app.send_task(name)
        except BROKER_ERRORS as error:
            logger.warning("could not queue %s as the worker started: %s", name, error)
