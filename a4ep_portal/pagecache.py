"""Anonymous visitors' public pages, kept in the shared cache and dropped when content changes.

Django's cache middleware keys pages by URL and Vary headers and can only expire them; here the
key also carries a generation number that apps bump (invalidate_public_pages) whenever what
those pages show changes: publishing, a new dialogue, a changed agenda. Bumping is one atomic
INCR, and every web node sees it at once. Logged-in members' pages are never cached.
"""

import hashlib
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.utils import translation

GENERATION_KEY = "public-pages:generation"


def _generation() -> int:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # A fresh start (or an evicted key) must never meet pages cached under an old number.
        cache.add(GENERATION_KEY, int(time.time() * 1000), timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation


def invalidate_public_pages(*args, **kwargs) -> None:
    """Drop every cached public page (usable directly as a signal receiver)."""
    if not settings.PUBLIC_PAGE_CACHE_SECONDS:
        return
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, int(time.time() * 1000), timeout=None)


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
