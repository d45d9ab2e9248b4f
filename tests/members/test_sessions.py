"""Sessions as the portal keeps them with Redis (Django's cached_db: read from the cache,
written through to the database) and the member's profile read once per request: a logout,
a deleted account, a zone changed on another device and a stopped Redis behave as with
sessions in the database alone."""

import pytest
from django.conf import settings as django_settings
from django.core.cache.backends.redis import RedisCacheClient
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from redis.exceptions import ConnectionError as RedisConnectionError

from a4ep_portal import cache as resilient_cache
from members.services import delete_account
from tests.factories import DEMO_PASSWORD, UserFactory
from tests.test_fragments import own_redis  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

CACHED_DB = "django.contrib.sessions.backends.cached_db"


def copy_of(client: Client) -> Client:
    """Another browser holding the same session cookie (a second tab, or a stolen cookie)."""
    other = Client()
    other.cookies[django_settings.SESSION_COOKIE_NAME] = client.cookies[
        django_settings.SESSION_COOKIE_NAME
    ].value
    return other


def logged_in_client(user) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"login": user.email, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    return client


def test_a_member_page_reads_the_session_from_the_cache(cached_sessions):
    client = logged_in_client(UserFactory())
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/me/").status_code == 200
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"]]


def test_logging_out_ends_the_session_for_every_copy_of_its_cookie(cached_sessions):
    client = logged_in_client(UserFactory())
    other = copy_of(client)
    assert other.get("/me/").status_code == 200

    client.post("/accounts/logout/")

    assert client.get("/me/").status_code == 302
    response = other.get("/me/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/me/"


def test_a_deleted_accounts_session_stops_working(cached_sessions):
    user = UserFactory()
    client = logged_in_client(user)
    other = copy_of(client)

    delete_account(user, password=DEMO_PASSWORD)

    response = other.get("/me/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/me/"


def test_a_zone_chosen_on_one_device_shows_on_the_others_at_once(cached_sessions):
    user = UserFactory()
    phone, laptop = logged_in_client(user), logged_in_client(user)
    assert laptop.get("/me/").wsgi_request.time_zone_name == "UTC"

    phone.post("/time-zone/", {"time_zone": "Asia/Dhaka", "next": "/"})

    assert laptop.get("/me/").wsgi_request.time_zone_name == "Asia/Dhaka"
    assert laptop.get("/dialogues/").wsgi_request.time_zone_name == "Asia/Dhaka"


@pytest.mark.redis
def test_a_logout_while_redis_is_away_is_not_undone_when_it_answers_again(settings, monkeypatch):
    """Redis keeps its data through an outage: the cached session a logout could not delete
    is deleted as soon as Redis answers, so the old cookie does not log in again."""
    settings.SESSION_ENGINE = CACHED_DB
    settings.REDIS_RETRY_SECONDS = 0
    resilient_cache._breakers.clear()
    resilient_cache._pending_deletes.clear()
    client = logged_in_client(UserFactory())
    other = copy_of(client)
    assert other.get("/me/").status_code == 200

    def refused(*args, **kwargs):
        raise RedisConnectionError("Error 111 connecting. Connection refused.")

    with monkeypatch.context() as outage:
        for method in ("get", "set", "delete", "delete_many", "get_many", "add", "incr"):
            outage.setattr(RedisCacheClient, method, refused)
        client.post("/accounts/logout/")
        assert other.get("/me/").status_code == 302

    response = other.get("/me/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/me/"
    resilient_cache._breakers.clear()
    resilient_cache._pending_deletes.clear()


@pytest.mark.redis
def test_with_redis_stopped_member_pages_answer_and_logging_in_works(settings, own_redis):  # noqa: F811
    settings.SESSION_ENGINE = CACHED_DB
    # As in production: with Redis away, login rate limits count in the database.
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            **settings.CACHES["default"],
            "FALLBACK": "ratelimits",
            "FALLBACK_KEY_PREFIXES": ["allauth:rl:"],
        },
        "ratelimits": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "a4ep_cache",
        },
    }
    user = UserFactory()
    client = logged_in_client(user)
    assert client.get("/me/").status_code == 200

    own_redis.kill()
    own_redis.wait(timeout=10)

    assert client.get("/me/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/me/").status_code == 302
    again = logged_in_client(user)
    response = again.get("/me/")
    assert response.status_code == 200
    assert user.email in response.content.decode()
