"""manage.py load_demo against PostgreSQL, from two processes at once (two web nodes starting
up, or an operator running it twice)."""

import subprocess
import time

import pytest
from django.contrib.auth.models import Group
from django.db import connection, transaction

from dialogues.demo import ACCOUNTS, AGENDA, DIALOGUES
from dialogues.models import Dialogue, Series, Session
from members.models import User

from .conftest import BASE_DIR, VENV_BIN

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

TIMEOUT = 60


def _blocked_backends() -> int:
    """Other connections to the test database that wait for a lock."""
    with connection.cursor() as cursor:
        # Inside a transaction PostgreSQL keeps showing the first snapshot of the activity.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def test_load_demo_twice_at_the_same_time_loads_it_once(child_env):
    # The groups the demo accounts join survive earlier transactional tests: a post_migrate
    # handler makes them again after each flush.
    groups = ["Co-hosts", "Editors", "Publishers"]
    assert sorted(Group.objects.values_list("name", flat=True)) == groups
    command = [str(VENV_BIN / "python"), "manage.py", "load_demo"]
    processes: list[subprocess.Popen] = []
    try:
        # Hold the series table so that both processes queue on their first query and then
        # race from the same starting line, however long each took to start.
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {Series._meta.db_table} IN ACCESS EXCLUSIVE MODE")
            processes = [
                subprocess.Popen(
                    command, cwd=BASE_DIR, env=child_env, stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE, text=True,
                )
                for _ in range(2)
            ]  # fmt: skip
            deadline = time.monotonic() + TIMEOUT
            while _blocked_backends() < 2:
                assert all(p.poll() is None for p in processes), "load_demo ended before the race"
                assert time.monotonic() < deadline, "load_demo never reached the database"
                time.sleep(0.05)
        outputs = [p.communicate(timeout=TIMEOUT) for p in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()

    for process, (stdout, stderr) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, f"load_demo failed:\n{stdout}\n{stderr}"
        assert "Demo data loaded" in stdout
    assert Series.objects.count() == 1
    # The five of 2020, the upcoming one, and the one announced with its month only (no agenda
    # yet).
    assert Dialogue.objects.count() == len(DIALOGUES) + 2 == 7
    assert Session.objects.count() == 6 * len(AGENDA) == 36
    assert sorted(User.objects.values_list("email", flat=True)) == sorted(
        email for email, *_ in ACCOUNTS
    )
