"""Health checks for load balancers and orchestrators.

/healthz answers as long as the process serves requests; /readyz checks each service the
portal uses and names it. Without its database or file store a node cannot serve, and /readyz
answers 503 so that it is taken out of rotation. Redis (cache and broker) is a helper: without
it every node still serves (cache misses, mail waiting in the outbox), so /readyz says
"degraded" and names it but answers 200; taking every node out of rotation because their one
shared Redis is away would turn a slower site into no site.
"""

import logging
import os
import uuid

from django.core.cache import cache
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _cache() -> str:
    if hasattr(cache, "probe"):  # Redis itself, not the process's memory of an outage
        cache.probe()
        return "ok"
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    if cache.get(key) != "1":
        raise RuntimeError("a value written to the cache could not be read back")
    cache.delete(key)
    return "ok"


def _broker() -> str:
    from a4ep_portal.celery import app

    if app.conf.task_always_eager:
        return "ok (tasks run in-process)"
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "ok"


def _storage() -> str:
    # Listing the top folder needs read access to the store (bucket or disk) and nothing more.
    try:
        default_storage.listdir("")
    except FileNotFoundError:
        if not isinstance(default_storage, FileSystemStorage):
            raise
        # A local folder nothing was uploaded to yet: make it, as the first upload would.
        os.makedirs(default_storage.location, exist_ok=True)
    return "ok"


CHECKS = {"database": _database, "cache": _cache, "broker": _broker, "storage": _storage}
# What a node can serve without, more slowly.
HELPERS = {"cache", "broker"}


@never_cache
@require_safe
def healthz(request):
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def readyz(request):
    results, ready, degraded = {}, True, False
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as error:  # any failure is reported; say which and why
            logger.warning("readiness check %s failed: %s", name, error)
            results[name] = f"unavailable: {type(error).__name__}"
            if name in HELPERS:
                degraded = True
            else:
                ready = False
    status = "unavailable" if not ready else "degraded" if degraded else "ok"
    return JsonResponse({"status": status, "checks": results}, status=200 if ready else 503)
