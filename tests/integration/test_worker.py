"""A real Celery worker process takes the portal's tasks from Redis and runs them against the
test database."""

import subprocess
import time
import uuid
from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session as WebSession
from django.utils import timezone

from a4ep_portal.celery import app
from a4ep_portal.tasks import clear_expired_sessions

from .conftest import start_celery_worker, stop_celery_worker

pytestmark = [
    pytest.mark.redis,
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
]

TIMEOUT = 60


class Worker:
    def __init__(self, process: subprocess.Popen, queue: str, log_path) -> None:
        self.process = process
        self.queue = queue
        self.log_path = log_path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for(self, result):
        """The task's return value, failing early (with the worker's log) if the worker dies."""
        deadline = time.monotonic() + TIMEOUT
        while not result.ready():
            if self.process.poll() is not None:
                pytest.fail(f"the worker exited with {self.process.returncode}:\n{self.log()}")
            if time.monotonic() > deadline:
                pytest.fail(f"no result after {TIMEOUT} s; worker log:\n{self.log()}")
            time.sleep(0.1)
        # An earlier in-process (eager) task leaves Celery believing it runs inside a task;
        # this test process is not one, so waiting here cannot deadlock.
        return result.get(timeout=1, disable_sync_subtasks=False)


@pytest.fixture
def worker(request, child_env, tmp_path) -> Worker:
    """A worker on a queue of its own, so that it takes only this test's tasks (and no other
    worker on the same Redis takes them). Stopped after the test; its log is printed, which
    pytest shows when the test failed."""
    queue = f"test-{uuid.uuid4().hex}"
    process = start_celery_worker(queue, queue, child_env, tmp_path / "worker.log", "INFO")
    request.addfinalizer(lambda: stop_celery_worker(process))
    return Worker(process, queue, process.log_path)


def _session(key: str, expire_date) -> WebSession:
    return WebSession.objects.create(
        session_key=key,
        session_data=SessionStore().encode({"seen": True}),
        expire_date=expire_date,
    )


def test_clear_expired_sessions_runs_on_a_worker(worker):
    # The test process sends through the real broker instead of running the task itself.
    assert app.conf.task_always_eager is False
    now = timezone.now()
    _session("expired-session-key-0000000000000", now - timedelta(minutes=1))
    _session("live-session-key-000000000000000", now + timedelta(days=14))

    result = clear_expired_sessions.apply_async(queue=worker.queue)

    assert worker.wait_for(result) is None
    assert result.state == "SUCCESS"
    assert list(WebSession.objects.values_list("session_key", flat=True)) == [
        "live-session-key-000000000000000"
    ]
