"""A Redis outage is not an outage: a gunicorn node (production settings), a Celery worker and
beat run against a Redis of this test's own, which is stopped while visitors browse, members
log in, register and cancel, and a publisher approves a mailing in admin, then started again
(empty: it keeps nothing on disk, as a restarted cache may). Nothing answers 5xx meanwhile, and
afterwards every message the portal owes arrives at the test's SMTP server exactly once.

The shared test Redis is never touched: this one has its own port, started and stopped here.
"""

import collections
import email
import email.policy
import shutil
import subprocess
import time
import uuid
from datetime import timedelta

import pytest
import redis
import requests
from django.utils import timezone

from a4ep_portal.workflow import State
from dialogues.models import Registration, RegistrationMessage
from members.models import Delivery, Mailing, MailKind
from tests.factories import DialogueFactory, PublisherFactory

from .conftest import (
    VENV_BIN,
    Browser,
    Child,
    Node,
    celery_worker_command,
    csrf_token,
    free_port,
    is_up,
    log_in,
    person,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
]

SWEEP_SECONDS = 2
TITLE = "Who holds the money?"
TOO_MANY = "Too many failed login attempts. Try again later."


class OwnRedis:
    """A redis-server of this test's own on a free loopback port, with no persistence."""

    def __init__(self, directory) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.directory = directory
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.5)
        for _ in range(100):
            try:
                if client.ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.05)
        pytest.fail("the test's own redis-server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def own_redis(tmp_path):
    if not shutil.which("redis-server"):
        pytest.fail("redis-server is needed (apt-get install redis-server)")
    server = OwnRedis(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def outage_cluster(request, child_env, own_redis, static_root, smtp_server, tmp_path):
    """One web node, one worker and beat on the test's own Redis, with the outbox's sweep every
    SWEEP_SECONDS; stopped after the test, their logs printed (pytest shows them on failure)."""
    env = {
        **child_env,
        "REDIS_URL": own_redis.url,
        "DJANGO_DEBUG": "false",
        "SECRET_KEY": "outage-test-" + "k" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": "http://127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_server.port}",
        "STATIC_ROOT": str(static_root),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "OUTBOX_SWEEP_SECONDS": str(SWEEP_SECONDS),
        "REDIS_RETRY_SECONDS": "1",
        "LOG_LEVEL": "WARNING",
        "LOG_FORMAT": "plain",
    }
    queue = "celery"  # the default queue: this Redis serves this test alone
    children = [
        Node("node", env, tmp_path / "node.log"),
        Child(
            "worker",
            celery_worker_command(queue, f"outage-{uuid.uuid4().hex[:8]}", "INFO"),
            env,
            tmp_path / "worker.log",
        ),
        Child(
            "beat",
            [
                str(VENV_BIN / "celery"),
                "-A",
                "a4ep_portal",
                "beat",
                "--loglevel=INFO",
                f"--schedule={tmp_path / 'beat-schedule'}",
            ],
            env,
            tmp_path / "beat.log",
        ),
    ]

    def stop() -> None:
        for child in children:
            child.stop()
        for child in children:
            print(f"--- {child.name} log ---\n{child.log()}")

    request.addfinalizer(stop)
    deadline = time.monotonic() + 30
    for child in children[:2]:
        while not is_up(child):
            assert child.process.poll() is None, f"{child.name} exited"
            assert time.monotonic() < deadline, f"{child.name} not up after 30 s"
            time.sleep(0.2)
    node, worker, beat = children
    node.redis, node.smtp, node.worker, node.beat = own_redis, smtp_server, worker, beat
    return node


def _register(client: Browser, node: Node, slug: str) -> requests.Response:
    form = client.get(f"{node.url}/dialogues/{slug}/register/")
    assert form.status_code == 200, form.text[-2000:]
    return client.post(
        f"{node.url}/dialogues/{slug}/register/",
        data={
            "organisation_name": "Coast Trust",
            "role": "Programme officer",
            "language": "en",
            "needs": "",
            "question": "",
            "csrfmiddlewaretoken": csrf_token(form.text),
        },
    )


def _received(smtp_server) -> collections.Counter:
    """(recipient, subject) of every message the SMTP server accepted, counted."""
    received = collections.Counter()
    for recipients, content in list(smtp_server.messages):
        subject = str(email.message_from_bytes(content, policy=email.policy.default)["Subject"])
        for recipient in recipients:
            received[(recipient, subject)] += 1
    return received


def test_while_redis_is_down_nothing_fails_and_afterwards_every_message_arrives_once(
    outage_cluster,
):
    node = outage_cluster
    dialogue = DialogueFactory(
        title=TITLE, slug="money", capacity=2, starts_at=timezone.now() + timedelta(days=10)
    )
    early, first, second, third = (
        person(email=f"{name}@example.org", first_name=name.title())
        for name in ("early", "first", "second", "third")
    )
    publisher = person(PublisherFactory, email="publisher@example.org", first_name="Pablo")
    invitation = Mailing.objects.create(
        kind=MailKind.INVITATION,
        subject="Dialogue 7 is announced",
        body="Dear {{ first_name }}, registration is open.",
        audience=Mailing.Audience.ALL_MEMBERS,
        state=State.IN_REVIEW,
    )
    pages = ["/", "/dialogues/", dialogue.get_absolute_url(), "/fr/dialogues/", "/about/figures/"]
    answers: list[tuple[str, int]] = []

    def visit(client, method: str, path: str, **kwargs) -> requests.Response:
        response = client.request(method, f"{node.url}{path}", **kwargs)
        answers.append((f"{method} {path}", response.status_code))
        return response

    # Redis up: pages go into the cache, a registration is mailed at once.
    visitor = Browser()
    for path in pages:
        assert visit(visitor, "GET", path).status_code == 200
    client = Browser()
    log_in(client, node, early)
    assert _register(client, node, "money").status_code == 302
    deadline = time.monotonic() + 30
    while _received(node.smtp)[("early@example.org", f"You are registered: {TITLE}")] < 1:
        assert time.monotonic() < deadline, "the first registration was not mailed"
        time.sleep(0.2)

    node.redis.stop()
    outage_began = time.monotonic()

    for path in pages:  # cached a moment ago; now each is a miss, served from the database
        assert visit(visitor, "GET", path).status_code == 200, path
    members = {}
    for user in (first, second, third):
        members[user.email] = Browser()
        log_in(members[user.email], node, user)  # allauth's rate limits count in the database
        response = _register(members[user.email], node, "money")
        answers.append(("POST register", response.status_code))
        assert response.status_code == 302
    # first has the last seat, second and third wait; first cancels, so second gets it.
    cancel_page = visit(members[first.email], "GET", "/me/dialogues/money/cancel/")
    response = visit(
        members[first.email],
        "POST",
        "/me/dialogues/money/cancel/",
        data={"csrfmiddlewaretoken": csrf_token(cancel_page.text)},
    )
    assert response.status_code == 302
    # Guessing a password: five wrong tries, then the account is refused, on every node.
    guesser = Browser()
    login_page = visit(guesser, "GET", "/accounts/login/")
    refused_at = None
    for attempt in range(1, 8):
        page = visit(
            guesser,
            "POST",
            "/accounts/login/",
            data={
                "login": third.email,
                "password": f"guess-{attempt}",
                "csrfmiddlewaretoken": csrf_token(login_page.text),
            },
        ).text
        if TOO_MANY in page:
            refused_at = attempt
            break
    assert refused_at == 6
    # The publisher approves the invitation in admin: it is sent to everyone.
    publishing = Browser()
    log_in(publishing, node, publisher)
    # Approving asks to confirm first: the confirmation page names whom and when.
    confirm = visit(publishing, "GET", f"/admin/members/mailing/{invitation.pk}/confirm/approve/")
    assert confirm.status_code == 200
    response = visit(
        publishing,
        "POST",
        f"/admin/members/mailing/{invitation.pk}/move/",
        data={
            "move": "approve",
            "confirmed": "yes",
            "note": "",
            "csrfmiddlewaretoken": csrf_token(confirm.text),
        },
    )
    assert response.status_code == 302
    readiness = visit(visitor, "GET", "/readyz")
    assert readiness.json()["status"] == "degraded"
    assert readiness.json()["checks"]["cache"].startswith("unavailable")

    assert [(what, status) for what, status in answers if status >= 500] == []
    outage_seconds = time.monotonic() - outage_began
    statuses = dict(
        Registration.objects.filter(dialogue=dialogue).values_list("member__user__email", "status")
    )
    assert statuses == {
        "early@example.org": "confirmed",
        "first@example.org": "cancelled",
        "second@example.org": "confirmed",
        "third@example.org": "waitlisted",
    }
    assert RegistrationMessage.objects.filter(made_at__isnull=True).count() == 5
    invitation.refresh_from_db()
    assert invitation.state == State.PUBLISHED
    assert set(invitation.deliveries.values_list("status", "dispatched_at")) == {("queued", None)}
    assert len(node.smtp.messages) == 1  # nothing could be handed to the worker

    node.redis.start()
    recovery_began = time.monotonic()
    expected = collections.Counter(
        {
            ("early@example.org", f"You are registered: {TITLE}"): 1,
            # first's confirmation was overtaken by the cancellation, second's place on the
            # waiting list by the seat: each is told where they stand now, once.
            ("first@example.org", f"Your registration is cancelled: {TITLE}"): 1,
            ("second@example.org", f"A seat is yours: {TITLE}"): 1,
            ("third@example.org", f"You are on the waiting list: {TITLE}"): 1,
            **{
                (address, "Dialogue 7 is announced"): 1
                for address in (
                    "early@example.org",
                    "first@example.org",
                    "second@example.org",
                    "third@example.org",
                    "publisher@example.org",
                )
            },
        }
    )
    deadline = recovery_began + 90
    while _received(node.smtp) != expected:
        assert max(_received(node.smtp).values()) == 1, _received(node.smtp)
        assert time.monotonic() < deadline, (
            f"after 90 s: {sorted(_received(node.smtp))} of {sorted(expected)}"
        )
        time.sleep(0.25)
    recovery_seconds = time.monotonic() - recovery_began
    # A few more sweeps change nothing: each message went out once.
    time.sleep(3 * SWEEP_SECONDS)
    assert _received(node.smtp) == expected
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    assert not RegistrationMessage.objects.filter(made_at__isnull=True).exists()
    print(f"outage {outage_seconds:.1f} s, every message arrived {recovery_seconds:.1f} s after")

    # Pages come from the cache again, and each web process that noticed the outage said so
    # once (it was shorter than REDIS_OUTAGE_LOG_SECONDS), not once per request.
    for _ in range(4):
        for path in pages:
            assert visit(visitor, "GET", path).status_code == 200, path
    log = node.log()
    assert 1 <= log.count("the cache (Redis) unavailable") <= 2, log
    assert 1 <= log.count("the task queue (Redis) unavailable") <= 2, log
    assert "answers again" in log
