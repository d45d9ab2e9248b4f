"""What one process remembers about a helper service that failed (Redis as the cache, Redis as
the broker), so that an outage costs each request nothing and fills no log.

Redis is a helper, never the only copy of anything: a cache error is a miss, and a task that
could not be queued is found again by the outbox's sweep. So when a call fails, the process
stops calling for REDIS_RETRY_SECONDS (each call would otherwise wait for its own refusal or
time-out, in every request), and says so in the log once, then at most once per
REDIS_OUTAGE_LOG_SECONDS while it lasts, and once more when the service answers again.
"""

import logging
import threading
import time

from django.conf import settings


class Breaker:
    def __init__(self, name: str, logger: logging.Logger, *, fallback: str) -> None:
        self.name = name
        self.logger = logger
        self.fallback = fallback
        self._lock = threading.Lock()
        self._retry_at = 0.0  # monotonic; 0 while the service answers
        self._logged_at = 0.0
        self._failures = 0  # since the last line logged

    def is_open(self) -> bool:
        """True while callers should not try the service (it failed moments ago)."""
        return self._retry_at > time.monotonic()

    def failed(self, error: BaseException) -> None:
        now = time.monotonic()
        with self._lock:
            self._retry_at = now + settings.REDIS_RETRY_SECONDS
            self._failures += 1
            if self._logged_at and now - self._logged_at < settings.REDIS_OUTAGE_LOG_SECONDS:
                return
            failures, self._failures, self._logged_at = self._failures, 0, now
        self.logger.warning(
            "%s unavailable (%s: %s); %d failed call(s) since the last report, %s",
            self.name,
            type(error).__name__,
            error,
            failures,
            self.fallback,
        )

    def succeeded(self) -> None:
        if not self._logged_at:
            return
        with self._lock:
            if not self._logged_at:
                return
            self._retry_at = self._logged_at = 0.0
            self._failures = 0
        self.logger.warning("%s answers again", self.name)
