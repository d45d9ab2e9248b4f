"""allauth's login rate limit counts in the shared Redis cache, so every web node sees the
same count: a second node refuses an account that the first one locked."""

import hashlib

import pytest
import redis
from django.contrib.sites.models import Site
from django.core.cache import caches

from tests.factories import UserFactory

pytestmark = [pytest.mark.redis, pytest.mark.django_db]

LOGIN_URL = "/accounts/login/"
# allauth.account.adapter.DefaultAccountAdapter.error_messages
WRONG_PASSWORD = "The email address and/or password you specified are not correct."
TOO_MANY = "Too many failed login attempts. Try again later."


def _log_in(client, email: str, password: str):
    return client.post(LOGIN_URL, {"login": email, "password": password})


def _another_web_node(settings) -> None:
    """Drop this process's cache clients and build new ones from the same configuration, as a
    second web process would."""
    caches.close_all()
    settings.CACHES = {alias: dict(config) for alias, config in settings.CACHES.items()}


def test_login_rate_limit_is_shared_by_web_nodes(client, settings, password):
    user = UserFactory(email="locked@example.org")
    # "login_failed": "10/m/ip,5/5m/key": five wrong passwords for one account, then refusal.
    refused_at = None
    for attempt in range(1, 11):
        response = _log_in(client, user.email, "wrong-password")
        assert response.status_code == 200
        if TOO_MANY in response.content.decode():
            refused_at = attempt
            break
        assert WRONG_PASSWORD in response.content.decode()
    assert refused_at == 6

    first_node_cache = caches["default"]
    _another_web_node(settings)
    assert caches["default"] is not first_node_cache
    response = _log_in(client, user.email, password)

    assert response.status_code == 200
    assert TOO_MANY in response.content.decode()
    assert "_auth_user_id" not in client.session

    # The counters are in Redis itself, under the portal's cache prefix.
    fresh = redis.Redis.from_url(settings.REDIS_URL)
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    counters = f"{prefix}:1:allauth:rl:allauth.account:login_failed:"
    account = hashlib.sha256(f"{Site.objects.get_current().domain}:{user.email}".encode())
    # Each key is <counters><rate>/<per>:<whom>, e.g. ...:login_failed:10/60/ip:ip:127.0.0.1
    whom = {key.decode().split("/")[-1] for key in fresh.scan_iter(f"{counters}*")}
    assert whom == {"ip:ip:127.0.0.1", f"key:{account.hexdigest()}"}
