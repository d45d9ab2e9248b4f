"""Redis is a helper: when it does not answer, pages serve from the database, committed changes
never become error pages, rate limits count in the database, and what the portal owes is a row
that the sweep hands over later, once. (tests/integration/test_redis_outage.py stops a real
Redis under real gunicorn and Celery processes.)"""

import logging
import re
from datetime import timedelta
from pathlib import Path

import pytest
from celery.app.task import Task
from django.core import mail
from django.core.cache.backends.redis import RedisCacheClient
from django.db import connection
from django.test import Client
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import ConnectionError as RedisConnectionError

from a4ep_portal import cache as resilient_cache
from a4ep_portal import queueing
from a4ep_portal.workflow import State
from dialogues.models import Registration, RegistrationMessage
from dialogues.services.mailings import make_owed_registration_messages, make_registration_message
from members.models import Delivery, Mailing, MailKind
from members.services import requeue_stuck_deliveries
from tests.factories import DialogueFactory, PublisherFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent
# A port where nothing listens: connections are refused at once, as with a stopped Redis.
DEAD_REDIS = "redis://127.0.0.1:9/0"


@pytest.fixture
def fresh_breakers():
    """Each test starts with Redis answering, as far as this process remembers."""
    resilient_cache._breakers.clear()
    resilient_cache._pending_deletes.clear()
    queueing.breaker.succeeded()
    yield
    resilient_cache._breakers.clear()
    resilient_cache._pending_deletes.clear()
    queueing.breaker.succeeded()


@pytest.fixture
def redis_down(settings, fresh_breakers):
    """The portal's cache configuration with Redis away; rate limits fall back to the
    database cache, as in production."""
    settings.CACHES = {
        "default": {
            "BACKEND": "a4ep_portal.cache.ResilientRedisCache",
            "LOCATION": DEAD_REDIS,
            "OPTIONS": {"socket_connect_timeout": 0.5},
            "FALLBACK": "ratelimits",
            "FALLBACK_KEY_PREFIXES": ["allauth:rl:"],
        },
        "ratelimits": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "a4ep_cache",
        },
    }
    from django.core.cache import cache

    return cache


class Broker:
    """Publishing fails as kombu fails when Redis refuses the connection, until back()."""

    def __init__(self) -> None:
        self.refused: list[str] = []
        self.down = True

    def back(self) -> None:
        from a4ep_portal.celery import app

        self.down = False
        app.conf.task_always_eager = True  # the worker's side, run here in-process
        queueing.breaker.succeeded()


@pytest.fixture
def broker(monkeypatch, fresh_breakers):
    """Tasks go to a broker (not in-process), which is down until broker.back()."""
    from a4ep_portal.celery import app

    state, original = Broker(), Task.apply_async

    def apply_async(task, *args, **kwargs):
        if state.down:
            state.refused.append(task.name)
            raise BrokerError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        return original(task, *args, **kwargs)

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    monkeypatch.setattr(Task, "apply_async", apply_async)
    yield state
    app.conf.task_always_eager = previous


def test_cache_errors_are_misses_and_logged_once_per_interval(redis_down, caplog, settings):
    settings.REDIS_OUTAGE_LOG_SECONDS = 60
    settings.REDIS_RETRY_SECONDS = 0  # try Redis on every call: each one fails
    with caplog.at_level(logging.WARNING, logger="a4ep_portal.cache"):
        for _ in range(20):
            assert redis_down.get("page", "default") == "default"
            redis_down.set("page", "html", 30)
            assert redis_down.add("lock", 1) is False
            assert redis_down.get_many(["a", "b"]) == {}
            assert redis_down.delete("page") is False
            with pytest.raises(ValueError):
                redis_down.incr("counter")
            assert redis_down.get_or_set("figures", lambda: {"n": 1}) == {"n": 1}
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert warnings[0].startswith("the cache (Redis) unavailable (ConnectionError: Error 111")


def test_after_a_failure_the_process_leaves_redis_alone_for_a_while(
    redis_down, settings, monkeypatch
):
    settings.REDIS_RETRY_SECONDS = 60
    assert redis_down.get("page") is None
    assert resilient_cache._breakers[DEAD_REDIS].is_open()
    tried = []
    monkeypatch.setattr(RedisCacheClient, "get_client", lambda *a, **k: tried.append(1))
    assert redis_down.get("page", 7) == 7
    assert redis_down.add("lock", 1) is False
    assert tried == []  # a miss at once, without waiting for a refused connection


@pytest.mark.redis
def test_deletes_that_failed_are_done_when_redis_answers_again(
    settings, fresh_breakers, monkeypatch
):
    settings.REDIS_RETRY_SECONDS = 0
    cache = resilient_cache.ResilientRedisCache(settings.REDIS_URL, {})
    cache.set("public-page:1", "stale", 60)
    cache.set("public-pages:generation", 41, 60)

    def refused(*args, **kwargs):
        raise RedisConnectionError("Error 111 connecting. Connection refused.")

    with monkeypatch.context() as outage:
        outage.setattr(RedisCacheClient, "delete", refused)
        outage.setattr(RedisCacheClient, "incr", refused)
        assert cache.delete("public-page:1") is False
        with pytest.raises(ValueError):
            cache.incr("public-pages:generation")
    # Redis answers again (it kept its data): the first call that reaches it does the
    # deletes it missed, so no stale page or old generation number is read.
    assert cache.get("public-page:1") is None
    assert cache.get("public-pages:generation") is None


def test_a_value_that_could_not_be_replaced_is_dropped_when_redis_answers_again(
    settings, fresh_breakers, monkeypatch
):
    """A set that failed leaves the value it replaced in Redis (a session changed while Redis
    was away): the next call that reaches Redis deletes it, so the old value is not read."""
    settings.REDIS_RETRY_SECONDS = 0
    cache = resilient_cache.ResilientRedisCache(settings.REDIS_URL, {})
    cache.set("django.contrib.sessions.cached_dbabc", {"before": True}, 60)

    def refused(*args, **kwargs):
        raise RedisConnectionError("Error 111 connecting. Connection refused.")

    with monkeypatch.context() as outage:
        outage.setattr(RedisCacheClient, "set", refused)
        cache.set("django.contrib.sessions.cached_dbabc", {"after": True}, 60)

    assert cache.get("django.contrib.sessions.cached_dbabc") is None


@pytest.mark.django_db
def test_public_pages_serve_from_the_database_when_the_cache_is_down(client, redis_down, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    dialogue = DialogueFactory(title="Who holds the money?")
    for path in ["/", "/dialogues/", dialogue.get_absolute_url(), "/about/figures/", "/fr/"]:
        response = client.get(path)
        assert response.status_code == 200, path
    assert "Who holds the money?" in client.get("/dialogues/").content.decode()


WRONG_PASSWORD = "The email address and/or password you specified are not correct."
TOO_MANY = "Too many failed login attempts. Try again later."


@pytest.mark.django_db
def test_login_rate_limit_counts_in_the_database_while_redis_is_down(
    redis_down, password, settings
):
    from django.core.cache import caches

    user = UserFactory(email="guessed@example.org")
    outcomes = []
    for _attempt in range(6):
        # A new client and a new cache connection each time: another web node.
        caches.close_all()
        response = Client().post(
            "/accounts/login/", {"login": user.email, "password": "wrong-password"}
        )
        page = response.content.decode()
        outcomes.append(
            "refused" if TOO_MANY in page else "wrong" if WRONG_PASSWORD in page else "?"
        )
    assert outcomes == ["wrong"] * 5 + ["refused"]
    # The right password is refused too while the account is locked, and nobody else is.
    assert (
        TOO_MANY
        in Client()
        .post("/accounts/login/", {"login": user.email, "password": password})
        .content.decode()
    )
    other = UserFactory(email="other@example.org")
    response = Client().post("/accounts/login/", {"login": other.email, "password": password})
    assert (response.status_code, response["Location"]) == (302, "/")
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM a4ep_cache WHERE cache_key LIKE '%%allauth:rl:%%'")
        assert cursor.fetchone()[0] > 0  # the counters are in the database


@pytest.mark.django_db
def test_a_registration_made_while_the_broker_is_down_is_mailed_once_by_the_sweep(
    broker, settings, django_capture_on_commit_callbacks
):
    DialogueFactory(capacity=1, slug="accountability", title="Accountability")
    first, second = UserFactory(email="first@example.org"), UserFactory(email="second@example.org")
    for user in (first, second):
        client = Client()
        client.force_login(user)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/dialogues/accountability/register/",
                {"organisation_name": "", "role": "", "language": "en", "needs": ""},
            )
        assert (response.status_code, response["Location"]) == (302, "/dialogues/accountability/")
    # The first refusal keeps this process from trying again for REDIS_RETRY_SECONDS.
    assert broker.refused == ["dialogues.make_registration_message"]
    assert mail.outbox == []
    owed = RegistrationMessage.objects.order_by("pk")
    assert [(m.registration.member.user.email, m.kind, m.made_at) for m in owed] == [
        ("first@example.org", "confirmed", None),
        ("second@example.org", "waitlisted", None),
    ]

    later = timezone.now() + timedelta(seconds=settings.OUTBOX_SWEEP_SECONDS + 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert make_owed_registration_messages(now=timezone.now()) == 0  # not waited enough
    # Redis is back: the sweep makes each message once, however often it runs.
    broker.back()
    with django_capture_on_commit_callbacks(execute=True):
        assert make_owed_registration_messages(now=later) == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert make_owed_registration_messages(now=later) == 0
        assert [make_registration_message(m.pk) for m in owed] == [None, None]
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        ("first@example.org", "You are registered: Accountability"),
        ("second@example.org", "You are on the waiting list: Accountability"),
    ]
    assert Registration.objects.filter(status="confirmed").count() == 1


@pytest.mark.django_db
def test_a_mailing_approved_while_the_broker_is_down_waits_for_the_sweep(
    client, broker, settings, django_capture_on_commit_callbacks
):
    for n in range(3):
        UserFactory(email=f"m{n}@example.org")
    publisher = PublisherFactory(email="paul@example.org")
    mailing = Mailing.objects.create(
        kind=MailKind.INVITATION,
        subject="Dialogue 6",
        body="Dear {{ first_name }}",
        audience=Mailing.Audience.ALL_MEMBERS,
        state=State.IN_REVIEW,
    )
    client.force_login(publisher)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/members/mailing/{mailing.pk}/move/", {"move": "approve", "confirmed": "yes"}
        )
    assert response.status_code == 302
    mailing.refresh_from_db()
    assert mailing.state == State.PUBLISHED
    queued = Delivery.objects.filter(mailing=mailing, status="queued")
    assert queued.count() == 4  # the publisher is a member too
    assert set(queued.values_list("dispatched_at", flat=True)) == {None}
    assert broker.refused == ["members.send_deliveries"]
    broker.back()
    later = timezone.now() + timedelta(seconds=settings.OUTBOX_SWEEP_SECONDS + 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_stuck_deliveries(now=later) == 4
    assert sorted(m.to[0] for m in mail.outbox) == [
        "m0@example.org",
        "m1@example.org",
        "m2@example.org",
        "paul@example.org",
    ]


def test_every_task_is_queued_through_the_guarded_dispatch():
    """A bare .delay() or .apply_async() raises when Redis is away, after the change it
    belongs to has committed: every task goes through a4ep_portal.queueing instead."""
    offenders = []
    for app in ("a4ep_portal", "dialogues", "members", "papers"):
        for path in (ROOT / app).rglob("*.py"):
            if path == ROOT / "a4ep_portal" / "queueing.py":
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if re.search(r"\.(delay|apply_async)\(", line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []
