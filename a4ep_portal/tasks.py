"""Housekeeping tasks of the portal as a whole (scheduled in settings.CELERY_BEAT_SCHEDULE)."""

from importlib import import_module

from celery import shared_task
from django.conf import settings


@shared_task(name="portal.clear_expired_sessions")
def clear_expired_sessions() -> None:
    """Delete the sessions whose expiry date has passed."""
    # Sessions live in the database, shared by every web node, and nothing else purges them:
    # Django deletes a session row only on logout, so expired ones pile up without this.
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
