"""Rendered pieces of pages that are the same for every viewer, kept in the cache.

A dialogue card reads the same for everyone who reads that language in that time zone, and
costs more to render (localised times, translations, an address) than to fetch; the parts of a
dialogue page that do not depend on the viewer (facts, agenda, speakers) the same. They are kept
under a key made of:

- the content generation, a number bumped by `invalidate_content` whenever something a
  fragment may show changes (the signal receivers in dialogues/apps.py and papers/apps.py: a
  dialogue, its co-hosts, sessions, speakers, organisations, papers and recordings). Unlike the
  page cache's generation it is bumped whether or not the page cache is on, and registrations
  do not bump it (no fragment shows seats), so a burst of sign-ups keeps the fragments;
- what the fragment is of (a dialogue's id and its `updated_at`, so that an edit shows at once
  on every node, even before the generation reaches it);
- the language and the time zone it was rendered in.

The cache is the "fragments" alias (Redis, fail-soft, when there is one; else the process's
memory): Redis down means every fragment is rendered, never an error page.
"""

import hashlib
import time
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import caches
from django.utils import timezone, translation

from . import pagecache

CONTENT_GENERATION_KEY = "content:generation"
# How long a process trusts the generation it last read (as for the page cache).
GENERATION_SECONDS = 1.0
# Fragments are dropped by a new generation, not by age; this only bounds what lingers.
FRAGMENT_SECONDS = 24 * 3600

_known_generation: tuple[float, int] | None = None  # (when read, value)


def fragment_cache():
    """The cache fragments live in (tests that set only a default cache get that one)."""
    return caches["fragments" if "fragments" in settings.CACHES else "default"]


def content_generation() -> int | None:
    """The current content generation, or None when the cache does not answer (then nothing is
    read from it or kept in it)."""
    global _known_generation
    now = time.monotonic()
    if _known_generation is not None and now - _known_generation[0] < GENERATION_SECONDS:
        return _known_generation[1]
    cache = fragment_cache()
    generation = cache.get(CONTENT_GENERATION_KEY)
    if generation is None:
        # A fresh start (or an evicted key) must never meet fragments kept under an old number.
        cache.add(CONTENT_GENERATION_KEY, int(time.time() * 1000), timeout=None)
        generation = cache.get(CONTENT_GENERATION_KEY)
    _known_generation = (now, generation) if generation is not None else None
    return generation


def invalidate_content(reason: str = "the content changed") -> None:
    """What public pages show changed: drop every fragment and every cached public page.
    pagecache.invalidate_when_changed connects it to the models that hold content."""
    global _known_generation
    _known_generation = None
    cache = fragment_cache()
    try:
        cache.incr(CONTENT_GENERATION_KEY)
    except ValueError:
        cache.set(CONTENT_GENERATION_KEY, int(time.time() * 1000), timeout=None)
    pagecache.invalidate(reason)


def fragment_key(generation: int, kind: str, *parts) -> str:
    """The key of a fragment of `kind` (with its own parts, e.g. an id and a change time) in the
    active language and time zone."""
    text = "\0".join(
        str(part)
        for part in (
            generation,
            *parts,
            translation.get_language() or settings.LANGUAGE_CODE,
            timezone.get_current_timezone_name(),
        )
    )
    return f"fragment:{kind}:" + hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def get_many(keys: Iterable[str]) -> dict[str, str]:
    keys = list(keys)
    return fragment_cache().get_many(keys) if keys else {}


def set_many(values: dict[str, str]) -> None:
    if values:
        fragment_cache().set_many(values, FRAGMENT_SECONDS)


class PageParts:
    """The parts of one page that are the same for everyone who sees that variant of them,
    read with one cache call when the view starts. The view looks at `complete` to decide
    whether to fetch what the parts show; the template wraps each part in
    `{% shared_part "name" %}...{% endshared_part %}`, which prints the kept HTML or renders
    the part and keeps it.

    `parts` maps each part's name to its variant (what, besides the page's own key, its HTML
    depends on: e.g. whether the viewer may see registrant-only papers); None: not kept for
    this viewer."""

    def __init__(self, kind: str, parts: dict[str, object], *page_key) -> None:
        generation = content_generation()
        self.keys = (
            {}
            if generation is None
            else {
                name: fragment_key(generation, f"{kind}:{name}", *page_key, variant)
                for name, variant in parts.items()
                if variant is not None
            }
        )
        stored = get_many(self.keys.values())
        self.found = {name: stored[key] for name, key in self.keys.items() if key in stored}
        self.complete = len(self.found) == len(parts)

    def forget(self, name: str) -> None:
        """Render the part for this request without keeping it (what it was rendered from
        turned out not to match its key)."""
        self.keys.pop(name, None)

    def keep(self, name: str, html: str) -> None:
        if name in self.keys:
            fragment_cache().set(self.keys[name], str(html), FRAGMENT_SECONDS)
