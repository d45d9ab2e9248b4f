"""Fixtures for tests that start other processes (a Celery worker, gunicorn, manage.py, moto's
S3 server) against the test database and the test Redis."""

import logging
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from members.models import User
from tests.factories import UserFactory

BASE_DIR = Path(settings.BASE_DIR)
VENV_BIN = Path(sys.executable).parent
# moto accepts any credentials; these are what the test processes and their children use.
S3_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


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


def celery_worker_command(queue: str, hostname: str, loglevel: str = "WARNING") -> list[str]:
    """A real Celery worker process on one queue of its own, so that it takes only its test's
    tasks (and no other worker on the same Redis takes them)."""
    return [
        str(VENV_BIN / "celery"),
        "-A",
        "a4ep_portal",
        "worker",
        "--pool=solo",
        "--without-gossip",
        "--without-mingle",
        f"--loglevel={loglevel}",
        f"--queues={queue}",
        f"--hostname={hostname}@%h",
    ]


def start_celery_worker(
    queue: str, hostname: str, env: dict[str, str], log_path: Path, loglevel: str = "WARNING"
) -> subprocess.Popen:
    """Start a worker (in a process group of its own, so that stop_celery_worker also stops
    any child it forks), writing to log_path."""
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            celery_worker_command(queue, hostname, loglevel),
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    process.log_path = log_path
    return process


def stop_celery_worker(process: subprocess.Popen) -> None:
    """Stop the worker (warm shutdown, killed after 20 s) and print its log, which pytest
    shows when the test failed."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    print(f"--- {process.log_path.name} ---\n{process.log_path.read_text(errors='replace')}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    """moto's S3 server on a free loopback port, for this module's tests and their children."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1)
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        else:
            pytest.fail("moto's S3 server did not start")
        yield endpoint
    finally:
        server.terminate()
        server.wait(timeout=10)


class Sink:
    """aiosmtpd handler that keeps every message it accepted."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.messages: list[tuple[list[str], bytes]] = []
        self.port = 0

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), envelope.original_content))
        return "250 Message accepted for delivery"

    def count(self) -> int:
        with self.lock:
            return len(self.messages)


@pytest.fixture
def smtp_server():
    """A real SMTP server on loopback that accepts and keeps every message."""
    from aiosmtpd.controller import Controller

    # aiosmtpd logs every SMTP command at INFO: thousands of lines that slow the server down.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    sink.port = controller.port
    yield sink
    controller.stop()


# --- A cluster of real processes: gunicorn nodes (production settings) and Celery workers ----

PASSWORD = "scale-out-password-4729"


class Child:
    """A process of the cluster, in a process group of its own, with its log in a file."""

    def __init__(self, name: str, command: list[str], env: dict, log_path) -> None:
        self.name = name
        self.log_path = log_path
        with log_path.open("wb") as log:
            self.process = subprocess.Popen(
                command,
                cwd=BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL the whole group (a gunicorn master and its workers die together)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


class Node(Child):
    def __init__(self, name: str, env: dict, log_path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**env, "GUNICORN_BIND": f"127.0.0.1:{self.port}", "WEB_CONCURRENCY": "2"}
        command = [str(VENV_BIN / "gunicorn"), "--config", "gunicorn.conf.py"]
        super().__init__(name, command, env, log_path)


def is_up(child: Child) -> bool:
    """A node answers /healthz; a worker has said it is ready."""
    if isinstance(child, Node):
        try:
            return requests.get(f"{child.url}/healthz", timeout=2).status_code == 200
        except requests.RequestException:  # not listening yet, or its workers still booting
            return False
    return " ready." in child.log()


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    """Production serves fingerprinted static files from a manifest, as `make serve` collects;
    collected once for the module's clusters."""
    root = tmp_path_factory.mktemp("static")
    subprocess.run(
        [str(VENV_BIN / "python"), "manage.py", "collectstatic", "--noinput", "--verbosity=0"],
        cwd=BASE_DIR,
        env={**os.environ, "DJANGO_DEBUG": "true", "STATIC_ROOT": str(root)},
        check=True,
        timeout=60,
    )
    return root


# Production marks the session and CSRF cookies Secure. Python's cookie jar (so requests) keeps
# such cookies but never sends them over plain http, and the nodes here speak plain http on
# loopback; so Browser sends the cookies back itself, as browsers do for localhost. The cookies
# are exactly what production sets.
class Browser:
    """Keeps the cookies the nodes set and sends them back, as a browser does. requests' own
    cookie jar keeps Secure cookies but never sends them over http (a policy set on a Session
    is lost when it copies its jar for each request), hence the Cookie header by hand."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(self, method: str, url: str, **kwargs) -> requests.Response:
        headers = kwargs.pop("headers", {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = requests.request(
            method, url, headers=headers, allow_redirects=False, timeout=30, **kwargs
        )
        self.cookies.update({cookie.name: cookie.value for cookie in response.cookies})
        return response

    def get(self, url: str, **kwargs) -> requests.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs) -> requests.Response:
        return self.request("POST", url, **kwargs)


def person(factory=UserFactory, **kwargs) -> User:
    """A user whose password the nodes can check: they use production's hasher, not the
    test settings' fast one."""
    user = factory(**kwargs)
    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(PASSWORD, hasher.salt())
    user.save(update_fields=["password"])
    return user


def csrf_token(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def log_in(client: Browser, node: Node, user: User) -> None:
    page = client.get(f"{node.url}/accounts/login/")
    assert page.status_code == 200
    response = client.post(
        f"{node.url}/accounts/login/",
        data={
            "login": user.email,
            "password": PASSWORD,
            "csrfmiddlewaretoken": csrf_token(page.text),
        },
    )
    assert (response.status_code, response.headers["Location"]) == (302, "/")
    assert "sessionid" in response.cookies
    assert "; secure" in response.headers["Set-Cookie"].lower()
