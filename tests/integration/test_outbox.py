"""The outbox against the real parts: a Celery worker process on Redis, the test database, and
a real SMTP server (aiosmtpd) on loopback. A worker is killed with SIGKILL halfway through a
mailing to 2,000 members; what the SMTP server received shows that nobody was lost, nobody
got it twice but the one member whose message the server had accepted when the worker died (a
delivery is marked sent right after the server accepts it), and opted-out members got nothing."""

import collections
import email
import email.policy
import os
import signal
import subprocess
import time
import uuid

import pytest
from django.conf import settings
from django.db import transaction

from a4ep_portal.celery import app
from a4ep_portal.workflow import State
from members.models import Delivery, Mailing, MailKind, Member, User
from members.services import send_mailing
from members.tasks import requeue_stuck_deliveries_task

from .conftest import start_celery_worker, stop_celery_worker

pytestmark = [
    pytest.mark.redis,
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
]

MEMBERS = 2000
SITE = "https://dialogues.a4ep.example"
VISIBILITY_TIMEOUT = 5  # seconds, for the child processes: a stuck delivery is soon retried


@pytest.fixture
def mail_queue(settings) -> str:
    """A queue of this test's own, so that only its workers take its deliveries."""
    settings.MAIL_QUEUE = f"test-mail-{uuid.uuid4().hex}"
    return settings.MAIL_QUEUE


@pytest.fixture
def start_worker(request, child_env, smtp_server, mail_queue, tmp_path):
    """Start a worker process (in a process group of its own) that sends to the SMTP sink."""
    workers = []

    def start() -> subprocess.Popen:
        log_path = tmp_path / f"worker-{len(workers)}.log"
        env = {
            **child_env,
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_server.port}",
            "SITE_URL": SITE,
            "MAIL_QUEUE": mail_queue,
            "MAIL_BATCH_SIZE": "50",
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
            "LOG_LEVEL": "WARNING",
        }
        process = start_celery_worker(mail_queue, f"{mail_queue}-{len(workers)}", env, log_path)
        workers.append(process)
        return process

    yield start
    for process in workers:
        stop_celery_worker(process)


def make_members(count: int) -> tuple[set[str], set[str]]:
    """`count` members; every tenth opted out of invitations. Returns (opted in, opted out)."""
    users = User.objects.bulk_create(
        User(email=f"member{n:04}@example.org", first_name=f"M{n}", password="!")
        for n in range(count)
    )
    # bulk_create sends no post_save signal, so the profiles are made here.
    Member.objects.bulk_create(
        Member(user=user, wants_invitations=n % 10 != 0) for n, user in enumerate(users)
    )
    opted_in = {u.email for n, u in enumerate(users) if n % 10 != 0}
    return opted_in, {u.email for u in users} - opted_in


def wait_until(condition, *, timeout: float, what: str, processes=()) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        for process in processes:
            if process.poll() is not None:
                pytest.fail(f"a worker exited with {process.returncode} while waiting: {what}")
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting: {what}")
        time.sleep(0.05)


def unfinished() -> int:
    return Delivery.objects.filter(status__in=["queued", "sending"]).count()


def test_a_killed_worker_loses_no_one_and_mails_at_most_one_member_twice(smtp_server, start_worker):
    opted_in, opted_out = make_members(MEMBERS)
    mailing = Mailing.objects.create(
        kind=MailKind.INVITATION,
        subject="Dialogue 6 is announced",
        body="Dear {{ first_name }}, registration is open.",
        audience=Mailing.Audience.ALL_MEMBERS,
        state=State.APPROVED,
    )
    first = start_worker()

    send_mailing(mailing)
    wait_until(
        lambda: smtp_server.count() >= len(opted_in) // 2,
        timeout=60,
        what="half of the mail",
        processes=[first],
    )
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    at_kill = smtp_server.count()
    assert at_kill < len(opted_in)

    second = start_worker()
    # The beat scheduler runs the sweep every minute; here it is sent by hand, as often as it
    # takes, until every delivery is finished.
    last_sweep = 0.0

    def finished() -> bool:
        nonlocal last_sweep
        if time.monotonic() - last_sweep > VISIBILITY_TIMEOUT / 2:
            requeue_stuck_deliveries_task.apply_async(queue=settings.MAIL_QUEUE)
            last_sweep = time.monotonic()
        return unfinished() == 0

    wait_until(finished, timeout=90, what="every delivery finished", processes=[second])

    received = collections.Counter(
        rcpt for rcpts, _content in smtp_server.messages for rcpt in rcpts
    )
    assert set(received) == opted_in
    assert not set(received) & opted_out
    statuses = collections.Counter(mailing.deliveries.values_list("status", flat=True))
    assert statuses == {"sent": len(opted_in), "skipped": len(opted_out)}
    for _rcpts, content in smtp_server.messages:
        message = email.message_from_bytes(content, policy=email.policy.default)
        # Folded onto a line of its own (it is long); unfolded, the value starts after the space.
        unsubscribe = str(message["List-Unsubscribe"]).strip()
        assert unsubscribe.startswith(f"<{SITE}/unsubscribe/")
        assert ">, <mailto:unsubscribe@a4ep.example.org?subject=unsubscribe%20" in unsubscribe
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message.get_content_type() == "multipart/alternative"
    # The worker runs one task at a time (solo pool): it can have been killed between the
    # server accepting one message and the commit marking it sent, and no more.
    twice = [rcpt for rcpt, count in received.items() if count > 1]
    assert len(twice) <= 1 and max(received.values()) <= 2, twice


def test_a_mailing_in_a_rolled_back_transaction_sends_nothing(
    smtp_server, start_worker, mail_queue
):
    make_members(20)
    mailing = Mailing.objects.create(
        kind=MailKind.INVITATION,
        subject="Never sent",
        body="This transaction rolls back.",
        audience=Mailing.Audience.ALL_MEMBERS,
        state=State.APPROVED,
    )
    worker = start_worker()

    with pytest.raises(RuntimeError), transaction.atomic():
        send_mailing(mailing)
        raise RuntimeError("the caller fails after queueing")

    with app.connection_for_write() as connection:
        assert connection.default_channel.client.llen(mail_queue) == 0
    time.sleep(2)
    assert worker.poll() is None
    assert smtp_server.count() == 0
    assert Delivery.objects.count() == 0
    assert Mailing.objects.get(pk=mailing.pk).sent_at is None
