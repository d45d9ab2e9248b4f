"""Fixtures every test shares, and the markers that skip service tests on a bare machine.

`make test` without services runs on SQLite and skips the tests marked postgres, redis or
browser, each with the reason; .ci/run sets DATABASE_URL and REDIS_URL, installs Chromium,
and fails if anything was skipped.
"""

import os
import shutil

import pytest
from django.conf import settings as django_settings
from django.utils import translation

from tests.factories import DEMO_PASSWORD

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")


def _skip_reasons() -> dict[str, str | None]:
    engine = django_settings.DATABASES["default"]["ENGINE"]
    return {
        "postgres": None
        if "postgresql" in engine
        else "needs PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/a4ep",
        "redis": None
        if django_settings.REDIS_URL
        else "needs Redis: set REDIS_URL=redis://127.0.0.1:6379/15",
        "browser": None
        if CHROMIUM
        else "needs Chromium for Playwright: apt-get install chromium (or set CHROMIUM_PATH)",
    }


def pytest_collection_modifyitems(config, items) -> None:
    reasons = _skip_reasons()
    for item in items:
        for marker, reason in reasons.items():
            if reason and item.get_closest_marker(marker):
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    # Uncollected static files are fine in tests; uploaded files go to a fresh folder.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Exact query counts need every request to run its queries; tests of the page cache
    # switch it on themselves.
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    # Sessions in the database alone, whatever the machine has: with Redis the portal reads
    # them from the cache (cached_db), which would make every logged-in request's query count
    # differ between a bare machine and CI. Tests of the member pages' counts and of the
    # cached sessions themselves ask for `cached_sessions`.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    # Each test starts in English, whatever the last one activated (objects a test makes
    # write their translated fields in the active language's column).
    translation.deactivate()


@pytest.fixture
def cached_sessions(settings):
    """Sessions as the portal keeps them with Redis (read from the cache, written through to
    the database), in a cache of the test's own, so that query counts are the same on a bare
    machine and in CI."""
    settings.CACHES = {
        **settings.CACHES,
        "sessions": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "s"},
    }
    settings.SESSION_CACHE_ALIAS = "sessions"
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    from django.core.cache import caches

    caches["sessions"].clear()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters must not leak from one test into the next. Redis outlives a test;
    the database cache (the bare-machine default) lives in the test database, rolled back
    after each test."""
    if django_settings.REDIS_URL:
        from django.core.cache import cache

        cache.clear()
    yield


@pytest.fixture(autouse=True)
def _tasks_in_process(request):
    """Unit tests run Celery tasks in-process; integration tests mark celery_worker instead."""
    if request.node.get_closest_marker("celery_worker"):
        yield
        return
    from a4ep_portal.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def password() -> str:
    return DEMO_PASSWORD


@pytest.fixture
def throwaway_catalogues(settings, tmp_path):
    """The portal speaks a few strings of French, Spanish and Arabic from catalogues made for
    the test (tests/catalogue.py), whatever locale/ holds."""
    from tests import catalogue

    settings.LOCALE_PATHS = [catalogue.install(tmp_path / "locale")]
    return catalogue.MESSAGES
