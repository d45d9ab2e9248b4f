"""What operators rely on: health checks, request ids in logs, the anonymous page cache."""

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import DialogueFactory, RegistrationFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent
LOCAL_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def test_healthz_answers_while_the_process_is_up(client):
    response = client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


@pytest.mark.django_db
def test_readyz_names_each_service_it_checked(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert sorted(body["checks"]) == ["broker", "cache", "database", "storage"]
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["cache"] == "ok"
    assert body["checks"]["storage"] == "ok"
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_readyz_names_redis_when_it_is_down_but_keeps_the_node_in_rotation(client, settings):
    # The portal's own cache backend pointed at a port where nothing listens: every node
    # serves without Redis, so taking them all out of rotation would only take the site down.
    settings.CACHES = {
        "default": {
            "BACKEND": "a4ep_portal.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 0.5},
        }
    }
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["cache"] == "unavailable: ConnectionError"
    assert response.json()["checks"]["database"] == "ok"


def test_readyz_is_503_and_names_the_database_when_it_is_down(client, monkeypatch):
    from a4ep_portal import health

    def refused():
        raise OperationalError("connection refused")

    monkeypatch.setitem(health.CHECKS, "database", refused)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["checks"]["database"] == "unavailable: OperationalError"


@pytest.mark.django_db
def test_every_response_carries_a_request_id_and_keeps_the_proxys(client):
    made = client.get("/healthz")["X-Request-ID"]
    assert len(made) == 32
    assert client.get("/healthz", HTTP_X_REQUEST_ID="lb-1234")["X-Request-ID"] == "lb-1234"


def test_production_logs_are_json_lines_with_a_request_id():
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "LOG_FORMAT", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(DJANGO_DEBUG="false", SECRET_KEY="k" * 60, ALLOWED_HOSTS="dialogues.example")
    code = "import logging; logging.getLogger('portal.test').warning('seat freed')"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    line = [line for line in result.stderr.splitlines() if "seat freed" in line][0]
    record = json.loads(line)
    assert (record["level"], record["logger"], record["message"]) == (
        "WARNING",
        "portal.test",
        "seat freed",
    )
    assert record["request_id"] == "none"


# --- The anonymous page cache -----------------------------------------------------------------


@pytest.fixture
def page_cache(settings):
    settings.CACHES = LOCAL_CACHE
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db
def test_anonymous_dialogue_page_comes_from_the_cache_and_changes_show_at_once(client, page_cache):
    dialogue = DialogueFactory(slug="accountability", title="Accountability")
    first = client.get("/dialogues/accountability/").content
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/dialogues/accountability/").content
    assert (len(queries), again) == (0, first)
    dialogue.title = "Accountability to communities"
    dialogue.save()
    assert (
        "Accountability to communities" in client.get("/dialogues/accountability/").content.decode()
    )
    assert "Accountability to communities" in client.get("/dialogues/").content.decode()


@pytest.mark.django_db
def test_logged_in_pages_are_never_cached(client, page_cache):
    dialogue = DialogueFactory(slug="accountability")
    registered = RegistrationFactory(dialogue=dialogue).member.user
    client.force_login(registered)
    assert "Your registration:" in client.get("/dialogues/accountability/").content.decode()
    client.force_login(UserFactory())
    other = client.get("/dialogues/accountability/").content.decode()
    assert "Your registration:" not in other
    assert "zoom.us" not in other
    client.logout()
    anonymous = client.get("/dialogues/accountability/").content.decode()
    assert "Your registration:" not in anonymous
    assert "zoom.us" not in anonymous


@pytest.mark.django_db
def test_cached_pages_follow_the_visitors_time_zone(client, page_cache):
    DialogueFactory(slug="accountability")
    utc = client.get("/dialogues/accountability/").content.decode()
    client.cookies["a4ep_tz"] = "Asia/Karachi"
    karachi = client.get("/dialogues/accountability/").content.decode()
    assert "(UTC)" in utc
    assert "(Asia/Karachi)" in karachi


@pytest.mark.django_db
def test_marking_attendance_refreshes_a_past_dialogues_cached_figures(client, page_cache):
    from dialogues.services import mark_attendance
    from tests.factories import EditorFactory

    past = DialogueFactory(slug="past", starts_at=timezone.now() - timedelta(days=3))
    registration = RegistrationFactory(dialogue=past)
    before = client.get("/dialogues/past/").content
    assert client.get("/dialogues/past/").content == before  # from the cache
    mark_attendance([registration], attended=True, actor=EditorFactory())
    assert client.get("/dialogues/past/").content != before
