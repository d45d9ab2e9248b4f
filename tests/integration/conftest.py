"""Fixtures for tests that start other processes (a Celery worker, manage.py) against the
test database and the test Redis."""

import os
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

BASE_DIR = Path(settings.BASE_DIR)
VENV_BIN = Path(sys.executable).parent


def _test_database_url() -> str:
    """DATABASE_URL of the database this test runs on, for a child process to share it."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        credentials = quote(db["USER"] or "", safe="")
        if db["PASSWORD"]:
            credentials += ":" + quote(db["PASSWORD"], safe="")
        host = db["HOST"] or "127.0.0.1"
        port = db["PORT"] or 5432
        return f"postgres://{credentials}@{host}:{port}/{quote(db['NAME'], safe='')}"
    if connection.vendor == "sqlite":
        if connection.is_in_memory_db():
            pytest.skip(
                "the test database is SQLite in memory, which no other process can open: "
                "set DATABASE_URL=postgres://postgres@127.0.0.1:5432/a4ep"
            )
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    pytest.fail(f"no DATABASE_URL for a {connection.vendor} test database")


@pytest.fixture
def child_env() -> dict[str, str]:
    """The environment of a child process: the test database and the test Redis."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "a4ep_portal.settings",
        "DATABASE_URL": _test_database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "PYTHONUNBUFFERED": "1",
    }
