"""Production settings: the portal refuses to start half-configured, passes Django's deploy
checks with the documented variables, and schedules only work that a worker can do."""

import os
import re
import shutil
import subprocess
import sys

import pytest
from django.conf import settings
from django.utils.crypto import get_random_string

from a4ep_portal.celery import app

# The smallest production environment; docs/configuration.md ("Production settings") documents it.
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "SECRET_KEY": get_random_string(60),
    "ALLOWED_HOSTS": "dialogues.a4ep.example",
    "SITE_URL": "https://dialogues.a4ep.example",
    "DATABASE_URL": "postgres://a4ep:db-password@db.internal:5432/a4ep",
    "REDIS_URL": "redis://redis.internal:6379/0",
    "EMAIL_URL": "smtp+tls://portal:smtp-password@smtp.example.org:587",
}

SETTINGS_SOURCE = (settings.BASE_DIR / "a4ep_portal" / "settings.py").read_text()
# Every variable settings.py reads, so that none leaks in from the shell running the tests.
PORTAL_VARIABLES = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z0-9_]+)"', SETTINGS_SOURCE))
# Set by tests/e2e/conftest.py for Playwright; the deploy checks rightly refuse it.
TEST_ONLY_VARIABLES = {"DJANGO_ALLOW_ASYNC_UNSAFE"}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run manage.py in a fresh process with only `env` of the portal's variables."""
    leave_out = PORTAL_VARIABLES | TEST_ONLY_VARIABLES
    clean = {name: value for name, value in os.environ.items() if name not in leave_out}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**clean, "DJANGO_SETTINGS_MODULE": "a4ep_portal.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"SECRET_KEY": None}, "SECRET_KEY must be set when DJANGO_DEBUG is false."),
        (
            {"ALLOWED_HOSTS": None},
            "ALLOWED_HOSTS must name the portal's host names when DJANGO_DEBUG is false.",
        ),
        (
            {"ALLOWED_HOSTS": "*"},
            "ALLOWED_HOSTS must name the portal's host names when DJANGO_DEBUG is false.",
        ),
    ],
    ids=["no-secret-key", "no-allowed-hosts", "any-host"],
)
def test_production_settings_refuse_to_start_half_configured(overrides, message):
    env = {**PRODUCTION_ENV, **overrides}
    result = _manage("check", env={name: value for name, value in env.items() if value})

    assert result.returncode == 1
    assert f"django.core.exceptions.ImproperlyConfigured: {message}" in result.stderr


def test_production_settings_pass_the_deploy_checks():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "System check identified no issues (0 silenced).\n"


def test_every_scheduled_job_names_a_task_the_worker_runs():
    """A beat entry naming no registered task is work silently never done (the worker only
    logs "unregistered task")."""
    app.loader.import_default_modules()
    scheduled = {name: entry["task"] for name, entry in app.conf.beat_schedule.items()}

    assert {name: task for name, task in scheduled.items() if task not in app.tasks} == {}
    # What happens only because beat asks for it: without an entry, scheduled papers never go
    # live, scheduled mailings and reminders never leave, owed mail waits forever after an
    # outage and a killed worker's deliveries stay stuck.
    assert {
        "papers.publish_scheduled",
        "members.send_scheduled_mailings",
        "dialogues.send_reminders",
        "dialogues.make_owed_registration_messages",
        "members.requeue_stuck_deliveries",
    } <= set(scheduled.values())


@pytest.mark.parametrize(
    ("env", "site_url"),
    [
        ({}, "http://127.0.0.1:8000"),
        ({"PORT": "8001"}, "http://127.0.0.1:8001"),
        (
            {"PORT": "8001", "SITE_URL": "https://dialogues.a4ep.example/"},
            "https://dialogues.a4ep.example",
        ),
    ],
    ids=["default", "port", "site-url-wins"],
)
def test_site_url_follows_the_port_unless_set(env, site_url):
    """`PORT=8001 make run`: links in mail, calendar files and hreflang point at :8001."""
    result = _manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.SITE_URL)",
        env=env,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout == site_url + "\n"


def test_make_run_passes_the_port_on_as_the_site_address():
    make = shutil.which("make")
    if make is None:
        pytest.skip("needs make")
    clean = {name: value for name, value in os.environ.items() if name not in PORTAL_VARIABLES}
    result = subprocess.run(
        [make, "--dry-run", "--always-make", "run", "PORT=8001"],
        cwd=settings.BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )

    served = [line for line in result.stdout.splitlines() if "runserver" in line]
    assert served == [
        'SITE_URL="${SITE_URL:-http://127.0.0.1:8001}" '
        ".venv/bin/python manage.py runserver 127.0.0.1:8001"
    ]
