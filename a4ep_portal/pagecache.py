"""Anonymous visitors' public pages, kept in the shared cache and dropped when content changes.

Django's cache middleware keys pages by URL and Vary headers and can only expire them; here the
key also carries a generation number, bumped whenever what those pages show changes:
publishing, a new dialogue, a changed agenda, a full dialogue. Every invalidation goes through
this module: `invalidate(reason)` for a change made without a model signal (update(), a seat
taken), `invalidate_when_changed(reason, *models)` for models whose saves and deletes change
the pages (each app lists its own from AppConfig.ready()). Bumping is one atomic INCR, and
every web node sees it within GENERATION_SECONDS (the process that bumps it, at once). Other
caches of public content key on `generation()` too (the JSON API), so the same bump drops
them. Logged-in members' pages are never cached.

A hit is served by PublicPageCacheMiddleware before the rest of the middleware stack runs, with
one cache round trip: the generation is kept in the process for GENERATION_SECONDS, and what is
stored is the finished response (headers, compressed body), so nothing is done twice.
"""

import hashlib
import logging
import re
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import translation

logger = logging.getLogger(__name__)

GENERATION_KEY = "public-pages:generation"
# How long a process trusts the generation it last read: another node's bump reaches its
# visitors this much later at most.
GENERATION_SECONDS = 1.0
# The cookies a cached page depends on: the visitor's chosen time zone (members.timezones).
VARY_ON_COOKIES = ("a4ep_tz",)
ACCEPTS_GZIP = re.compile(r"\bgzip\b")

_known_generation: tuple[float, int] | None = None  # (when read, value)


def _generation() -> int:
    global _known_generation
    now = time.monotonic()
    if _known_generation is not None and now - _known_generation[0] < GENERATION_SECONDS:
        return _known_generation[1]
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # A fresh start (or an evicted key) must never meet pages cached under an old number.
        cache.add(GENERATION_KEY, int(time.time() * 1000), timeout=None)
        generation = cache.get(GENERATION_KEY)
    if generation is not None:
        _known_generation = (now, generation)
    return generation


def generation() -> int | None:
    """The number every cache of public content keys on (None: the cache does not answer)."""
    try:
        return _generation()
    except Exception:  # an unreachable cache is a miss
        logger.warning("Cache unavailable for the pages' generation", exc_info=True)
        return None


def invalidate(reason: str) -> None:
    """Drop every cached public page and API answer: what they show has changed (`reason`,
    for the debug log). Nothing to do while both caches are off."""
    global _known_generation
    if not (settings.PUBLIC_PAGE_CACHE_SECONDS or settings.API_CACHE_SECONDS):
        return
    logger.debug("Public pages dropped: %s", reason)
    _known_generation = None
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, int(time.time() * 1000), timeout=None)


def invalidate_when_changed(reason: str, *models) -> None:
    """Drop the cached pages, and the cached fragments of pages (a4ep_portal/fragments.py),
    whenever a row of one of these models is saved or deleted; for the automatic model of a
    many-to-many (Dialogue.co_hosts.through), whenever links are added or removed. Connected
    once per model, however often it is called."""

    def receiver(sender, **kwargs) -> None:
        from .fragments import invalidate_content  # fragments key on this module's cache

        invalidate_content(reason)
        # Inside a transaction, a page or fragment rendered on another connection between this
        # bump and the commit read the rows as they were and was kept under the new
        # generation: bump again once the change is visible to everyone.
        using = kwargs.get("using")
        if transaction.get_connection(using).in_atomic_block:
            transaction.on_commit(lambda: invalidate_content(reason), using=using, robust=True)

    for model in models:
        if model._meta.auto_created:
            signals = {"links": m2m_changed}
        else:
            signals = {"save": post_save, "delete": post_delete}
        for name, signal in signals.items():
            uid = f"pagecache:{model._meta.label}:{name}"
            signal.connect(receiver, sender=model, weak=False, dispatch_uid=uid)


def _cacheable_request(request) -> bool:
    return (
        settings.PUBLIC_PAGE_CACHE_SECONDS > 0
        and request.method == "GET"
        and not request.user.is_authenticated
        and "messages" not in request.COOKIES
    )


def _cacheable_response(response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in response.get("Cache-Control", "")
    )


def _key(request) -> str:
    parts = [
        str(_generation()),
        request.get_full_path(),
        getattr(request, "time_zone_name", "UTC"),
        translation.get_language() or "",
    ]
    return "public-page:" + hashlib.sha256("\0".join(parts).encode()).hexdigest()


def cache_public_page(view):
    """Serve anonymous GETs of this view from the shared cache."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not _cacheable_request(request):
            return view(request, *args, **kwargs)
        if getattr(request, "public_page_key", None):
            # PublicPageCacheMiddleware looked it up already and stores the finished response.
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            response.public_page = _cacheable_response(response)
            return response
        key = _key(request)
        response = cache.get(key)
        if response is not None:
            return response
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if _cacheable_response(response):
            cache.set(key, response, settings.PUBLIC_PAGE_CACHE_SECONDS)
        return response

    return wrapped


def _fast_key(request) -> str | None:
    """The key of the finished page for this request, or None when the request may not be
    served from the cache: not a GET, a session (perhaps logged in), a message waiting."""
    if (
        settings.PUBLIC_PAGE_CACHE_SECONDS <= 0
        or request.method != "GET"
        or settings.SESSION_COOKIE_NAME in request.COOKIES
        or "messages" in request.COOKIES
    ):
        return None
    generation = _generation()
    if generation is None:
        return None
    parts = [
        str(generation),
        # The finished response carries HSTS on https only.
        request.scheme,
        request.get_full_path(),
        # Pages speak their address's language (i18n_patterns, English unprefixed).
        translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE,
        *(request.COOKIES.get(name, "") for name in VARY_ON_COOKIES),
        "gzip" if ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")) else "",
    ]
    return "public-page:final:" + hashlib.sha256("\0".join(parts).encode()).hexdigest()


class PublicPageCacheMiddleware:
    """Serves an anonymous visitor's cached public page before the rest of the middleware stack
    runs, and stores the finished response of pages cache_public_page marks as public.

    Stored after compression: these pages carry nothing secret (no session, no CSRF token, no
    join link), so a body that keeps the same random padding gives BREACH nothing to read."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = _fast_key(request)
        if key is not None:
            stored = cache.get(key)
            if stored is not None:
                status, headers, content = stored
                response = HttpResponse(content, status=status)
                for header, value in headers:
                    response.headers[header] = value
                return response
            request.public_page_key = key
        response = self.get_response(request)
        if key is not None and getattr(response, "public_page", False) and not response.cookies:
            cache.set(
                key,
                (response.status_code, list(response.items()), response.content),
                settings.PUBLIC_PAGE_CACHE_SECONDS,
            )
        return response
