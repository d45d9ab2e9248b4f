"""Django's Redis cache, for which a Redis that does not answer is a cache that is empty.

Django's RedisCache raises whatever redis-py raises, so a stopped Redis turned every page that
reads the cache (the anonymous page cache, the figures, allauth's rate limits) into an error
page. Everything the portal keeps in the cache can be recomputed from the database, so here a
failed call is a miss: reads return the default, writes are dropped, `incr` raises ValueError
as for a missing key. After a failure the process leaves Redis alone for REDIS_RETRY_SECONDS
(a miss at once, instead of a refused or timed-out connection in every request) and logs the
outage once per REDIS_OUTAGE_LOG_SECONDS (a4ep_portal.breaker).

Two things must not simply be lost with Redis:

- Rate limits. allauth counts failed logins and sign-ups in the default cache; a cache that
  forgets would let anyone guess passwords for as long as Redis is down, and one that refused
  (allauth takes a failed lock as "limited") would lock everybody out. Keys under
  FALLBACK_KEY_PREFIXES therefore go to the FALLBACK cache (the database, shared by every web
  node, so the limits hold as written) while Redis is down.
- Invalidations. A delete (or an `incr` of the pages' generation, or a `set` that replaces a
  value: a member's session, their time zone) that fails while Redis keeps its data would leave
  stale entries behind; the process remembers those keys and deletes them as soon as Redis
  answers again.
"""

import logging
import threading

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

from .breaker import Breaker

logger = logging.getLogger(__name__)

# Keys whose delete failed, per Redis location, deleted when it answers again (bounded: a long
# outage of a busy site must not grow a process without end; past this, entries age out by
# their own timeouts).
MAX_PENDING_DELETES = 10_000
_pending_deletes: dict[str, set[tuple[str, int | None]]] = {}
_pending_lock = threading.Lock()
# One breaker per process and location: Django makes a backend instance per thread.
_breakers: dict[str, Breaker] = {}


def _breaker(location: str) -> Breaker:
    if location not in _breakers:
        _breakers[location] = Breaker(
            "the cache (Redis)",
            logger,
            fallback="serving cache misses and counting rate limits in the database",
        )
    return _breakers[location]


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        params = dict(params)
        self._fallback_alias = params.pop("FALLBACK", None)
        self._fallback_prefixes = tuple(params.pop("FALLBACK_KEY_PREFIXES", ()))
        super().__init__(server, params)
        self._location = server if isinstance(server, str) else ",".join(server)
        self.breaker = _breaker(self._location)

    # --- how a call is made -------------------------------------------------------------

    def _fallback(self, key):
        if (
            self._fallback_alias
            and isinstance(key, str)
            and key.startswith(self._fallback_prefixes)
        ):
            return caches[self._fallback_alias]
        return None

    def _try(self, call, key=None):
        """(True, result) when Redis answered, else (False, the fallback cache or None)."""
        if not self.breaker.is_open():
            try:
                self._delete_what_was_missed()
                result = call()
            except RedisError as error:
                self.breaker.failed(error)
            else:
                self.breaker.succeeded()
                return True, result
        return False, self._fallback(key)

    def _delete_what_was_missed(self) -> None:
        if not _pending_deletes.get(self._location):
            return
        with _pending_lock:
            pending = _pending_deletes.pop(self._location, set())
        try:
            RedisCache.delete_many(self, [key for key, version in pending if version is None])
            for key, version in pending:
                if version is not None:
                    RedisCache.delete(self, key, version=version)
        except RedisError:
            self._remember_deletes(pending)
            raise

    def _remember_deletes(self, keys) -> None:
        with _pending_lock:
            pending = _pending_deletes.setdefault(self._location, set())
            for key in keys:
                if len(pending) >= MAX_PENDING_DELETES:
                    return
                pending.add(key)

    def probe(self) -> None:
        """Write and read a value in Redis itself, raising if it does not answer (for
        /readyz, which reports the cache as it is, not as the breaker remembers it)."""
        self._cache.set(self.make_and_validate_key("readyz:probe"), "1", 10)
        if self._cache.get(self.make_and_validate_key("readyz:probe"), None) != "1":
            raise RedisError("a value written to the cache could not be read back")

    # --- the cache's methods ------------------------------------------------------------

    def get(self, key, default=None, version=None):
        answered, result = self._try(lambda: RedisCache.get(self, key, default, version), key)
        if answered:
            return result
        return result.get(key, default, version) if result else default

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        answered, result = self._try(
            lambda: RedisCache.set(self, key, value, timeout, version), key
        )
        if answered:
            return
        if result:
            result.set(key, value, timeout, version)
        else:
            # The value Redis still holds is the one this set replaced: gone once it answers.
            self._remember_deletes([(key, version)])

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        answered, result = self._try(
            lambda: RedisCache.add(self, key, value, timeout, version), key
        )
        if answered:
            return result
        return result.add(key, value, timeout, version) if result else False

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        answered, result = self._try(lambda: RedisCache.touch(self, key, timeout, version), key)
        if answered:
            return result
        return result.touch(key, timeout, version) if result else False

    def delete(self, key, version=None):
        answered, result = self._try(lambda: RedisCache.delete(self, key, version), key)
        if answered:
            return result
        self._remember_deletes([(key, version)])
        return result.delete(key, version) if result else False

    def get_many(self, keys, version=None):
        answered, result = self._try(lambda: RedisCache.get_many(self, keys, version))
        return result if answered else {}

    def has_key(self, key, version=None):
        answered, result = self._try(lambda: RedisCache.has_key(self, key, version), key)
        if answered:
            return result
        return result.has_key(key, version) if result else False

    def incr(self, key, delta=1, version=None):
        answered, result = self._try(lambda: RedisCache.incr(self, key, delta, version), key)
        if answered:
            return result
        if result:
            return result.incr(key, delta, version)
        # A counter that could not move is as good as gone (the pages' generation number):
        # delete it once Redis is back, so that nobody reads the old value again.
        self._remember_deletes([(key, version)])
        raise ValueError(f"Key '{key}' not found (the cache is unavailable)")

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        answered, result = self._try(lambda: RedisCache.set_many(self, data, timeout, version))
        return result if answered else list(data)

    def delete_many(self, keys, version=None):
        keys = list(keys)
        answered, _result = self._try(lambda: RedisCache.delete_many(self, keys, version))
        if not answered:
            self._remember_deletes([(key, version) for key in keys])

    def clear(self):
        answered, result = self._try(lambda: RedisCache.clear(self))
        return result if answered else False
