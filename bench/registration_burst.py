"""Registration burst: 200 members register at once for a 50-seat dialogue, through gunicorn.

Serves the portal with gunicorn on PostgreSQL with production settings, logs in 200 members
(sessions made directly), fires their registration POSTs all at once (one asyncio loop opens
200 connections in the same instant, each sends its request and reads the whole response;
latency runs from the connect to the last byte), and prints throughput, p50/p95 latency and
the CPU time spent per registration by the gunicorn workers, the PostgreSQL backends serving
them and the load generator, then checks the outcome in the database (exactly 50 confirmed,
150 on the waiting list). The last line is the figures as JSON.

    .venv/bin/python bench/registration_burst.py            # defaults below
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/a4ep_bench \\
    BENCH_REQUESTS=200 BENCH_CAPACITY=50 BENCH_WORKERS=2 BENCH_FOLLOW=1 \\
    .venv/bin/python bench/registration_burst.py

BENCH_FOLLOW=1 also follows each redirect to the dialogue page, as a browser does (the pages
need collected static files: manage.py collectstatic with DJANGO_DEBUG=false).

Tasks are queued on Redis as in production (BENCH_REDIS_URL, a database of the benchmark's
own that is flushed afterwards); no worker runs, so the figures are the web nodes' alone.
Target on a 2-core machine: the burst completes in under 10 s with no errors and p95 under 1 s.
"""

import asyncio
import json
import os
import platform
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REQUESTS = int(os.environ.get("BENCH_REQUESTS", 200))
CAPACITY = int(os.environ.get("BENCH_CAPACITY", 50))
# One sync worker per core: the burst is CPU-bound, and on 2 cores 4 workers spent a quarter
# to a third more CPU per registration than 2 (switching, more transactions queued on the lock).
WORKERS = int(os.environ.get("BENCH_WORKERS", os.cpu_count() or 2))
CLIENT = os.environ.get("BENCH_CLIENT", "asyncio")  # or "urllib": the first, heavier generator
FOLLOW = os.environ.get("BENCH_FOLLOW", "") == "1"  # also load the page the redirect leads to
CSRF = secrets.token_hex(16)  # an unmasked 32-character CSRF secret, valid as cookie and field

ENV = {
    **os.environ,
    "DATABASE_URL": os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/a4ep_bench"
    ),
    "DJANGO_DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "127.0.0.1",
    "SITE_URL": "http://127.0.0.1",
    "SECURE_SSL_REDIRECT": "false",
    "EMAIL_URL": "dummymail://",
    # Production-like: tasks go to Redis (a database of the benchmark's own, emptied after
    # the run); no worker consumes them, so mail costs the web nodes only the queueing.
    "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13"),
    "LOG_LEVEL": "WARNING",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_database(url: str) -> None:
    """Create the benchmark's PostgreSQL database if it does not exist yet."""
    import environ
    import psycopg2

    config = environ.Env.db_url_config(url)
    connection = psycopg2.connect(
        dbname="postgres",
        user=config["USER"],
        password=config["PASSWORD"],
        host=config["HOST"],
        port=config["PORT"] or 5432,
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{config["NAME"]}"')
    connection.close()


def prepare() -> tuple[str, list[str]]:
    """Create the database tables, a dialogue and REQUESTS logged-in members."""
    ensure_database(ENV["DATABASE_URL"])
    os.environ.update(ENV)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "a4ep_portal.settings")
    import django

    django.setup()
    from importlib import import_module

    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.core.management import call_command
    from django.utils import timezone

    from dialogues.models import Dialogue, Registration, Series
    from members.models import Member, User

    # As a login makes it (with Redis: in the database and the cache).
    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore  # noqa: N806

    call_command("migrate", verbosity=0, interactive=False)
    series, _ = Series.objects.get_or_create(slug="bench", defaults={"title": "Bench series"})
    slug = f"burst-{int(time.time())}"
    number = (Dialogue.objects.filter(series=series).count() or 0) + 1
    Dialogue.objects.create(
        series=series,
        number=number,
        title="Burst",
        question="Does the lock hold?",
        slug=slug,
        starts_at=timezone.now() + timedelta(days=7),
        capacity=CAPACITY,
        join_url="https://zoom.us/j/1?pwd=bench",
        status=Dialogue.Status.ANNOUNCED,
    )
    Registration.objects.filter(dialogue__slug__startswith="burst-").exclude(
        dialogue__slug=slug
    ).delete()
    stamp = slug.removeprefix("burst-")
    User.objects.bulk_create(
        User(email=f"bench-{stamp}-{n}@example.org", password="!") for n in range(REQUESTS)
    )
    users = list(User.objects.filter(email__startswith=f"bench-{stamp}-"))
    # bulk_create sends no post_save signal, so the profiles are made here.
    Member.objects.bulk_create([Member(user=u) for u in users], ignore_conflicts=True)
    EmailAddress.objects.bulk_create(
        EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users
    )
    cookies = []
    for user in users:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        cookies.append(session.session_key)
    return slug, cookies


def outcome(slug: str) -> dict:
    from dialogues.models import Registration

    registrations = Registration.objects.filter(dialogue__slug=slug)
    return {
        "confirmed": registrations.confirmed().count(),
        "waitlisted": registrations.waitlisted().count(),
    }


def form_body() -> bytes:
    return (
        f"csrfmiddlewaretoken={CSRF}&organisation_name=Bench&role=&language=en&needs=&question="
    ).encode()


async def exchange(port: int, request: bytes) -> bytes:
    """Send one request on a connection of its own and read the whole response (gunicorn's
    sync workers close the connection after it)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request)
    response = await reader.read()
    writer.close()
    return response


def status_of(response: bytes) -> int:
    status_line = response.split(b"\r\n", 1)[0].split()
    return int(status_line[1]) if len(status_line) > 1 else 0


async def post(port: int, path: str, session_key: str) -> tuple[int, float]:
    """One registration: (HTTP status, seconds from the connect to the last byte of the
    response). With BENCH_FOLLOW=1, as a browser does, it then follows the redirect to the
    dialogue page (with the message cookie the redirect set) and the time runs to the last
    byte of that page; the status is then the page's."""
    body = form_body()
    cookies = f"sessionid={session_key}; csrftoken={CSRF}"
    request = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\nCookie: {cookies}\r\n\r\n"
    ).encode() + body
    started = time.perf_counter()
    try:
        response = await exchange(port, request)
        if FOLLOW and status_of(response) == 302:
            head = response.split(b"\r\n\r\n", 1)[0].decode("latin-1")
            location = re.search(r"^Location: (\S+)", head, re.MULTILINE | re.IGNORECASE)
            message = re.search(r"^Set-Cookie: (messages=[^;]*)", head, re.MULTILINE)
            if message:
                cookies += f"; {message.group(1)}"
            response = await exchange(
                port,
                f"GET {location.group(1)} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                f"Accept-Encoding: gzip\r\nCookie: {cookies}\r\n\r\n".encode(),
            )
    except OSError:
        return 0, time.perf_counter() - started
    return status_of(response), time.perf_counter() - started


async def burst(port: int, path: str, sessions: list[str]) -> list[tuple[int, float]]:
    """Every request at once: the loop starts all connections before any completes."""
    return await asyncio.gather(*(post(port, path, key) for key in sessions))


def post_urllib(url: str, session_key: str) -> tuple[int, float]:
    """The first load generator (BENCH_CLIENT=urllib): urllib in one thread per request."""
    request = urllib.request.Request(url, data=form_body(), method="POST")
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    request.add_header("Cookie", f"sessionid={session_key}; csrftoken={CSRF}")

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    started = time.perf_counter()
    try:
        with opener.open(request, timeout=60) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    return status, time.perf_counter() - started


def burst_urllib(url: str, sessions: list[str]) -> list[tuple[int, float]]:
    go = threading.Barrier(len(sessions))

    def fire(session_key: str):
        go.wait()
        return post_urllib(url, session_key)

    with ThreadPoolExecutor(max_workers=len(sessions)) as pool:
        return list(pool.map(fire, sessions))


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time the process has used so far, from /proc (Linux)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children(parent: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
                pids.append(int(entry.name))
    return pids


def settled_workers(master: int) -> list[int]:
    """The gunicorn workers, once all have booted: every one is there and none uses CPU."""
    deadline = time.monotonic() + 30
    while True:
        workers = children(master)
        before = [cpu_seconds(pid) for pid in workers]
        time.sleep(0.5)
        idle = before == [cpu_seconds(pid) for pid in workers]
        if (len(workers) == WORKERS and idle) or time.monotonic() > deadline:
            return workers


def database_backends() -> list[int]:
    """Process ids of the PostgreSQL backends connected to the benchmark's database, but ours."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
        return [row[0] for row in cursor.fetchall()]


def main() -> None:
    slug, sessions = prepare()
    port = free_port()
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "a4ep_portal.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=ENV,
        stdout=subprocess.DEVNULL,  # the access log (written as in production, not shown)
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        path = f"/dialogues/{slug}/register/"
        workers = settled_workers(server.pid)
        # A worker opens its database connection on its first request and keeps it
        # (CONN_MAX_AGE); backends that appear during the burst are counted from zero.
        backends_before = {pid: cpu_seconds(pid) for pid in database_backends()}
        server_before = {pid: cpu_seconds(pid) for pid in workers}
        client_before = time.process_time()
        started = time.perf_counter()
        if CLIENT == "asyncio":
            results = asyncio.run(burst(port, path, sessions))
        else:
            results = burst_urllib(base + path, sessions)
        wall = time.perf_counter() - started
        client_cpu = time.process_time() - client_before
        server_cpu = sum(cpu_seconds(pid) - server_before[pid] for pid in workers)
        database_cpu = sum(
            cpu_seconds(pid) - backends_before.get(pid, 0.0) for pid in database_backends()
        )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        import redis

        redis.Redis.from_url(ENV["REDIS_URL"]).flushdb()
    latencies = sorted(seconds for _status, seconds in results)
    expected = 200 if FOLLOW else 302
    errors = sum(1 for status, _ in results if status != expected)
    figures = {
        "bench": "registration_burst",
        "requests": len(results),
        "capacity": CAPACITY,
        "gunicorn_workers": WORKERS,
        "seconds": round(wall, 3),
        "requests_per_second": round(len(results) / wall, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))] * 1000, 1),
        "errors": errors,
        "client": CLIENT,
        "follows_redirect": FOLLOW,
        "cpu_ms_per_registration": {
            "gunicorn_workers": round(server_cpu / len(results) * 1000, 2),
            "postgresql_backends": round(database_cpu / len(results) * 1000, 2),
            "load_generator": round(client_cpu / len(results) * 1000, 2),
        },
        **outcome(slug),
        "cpus": os.cpu_count(),
        "machine": platform.machine(),
    }
    print(
        f"{figures['requests']} registrations in {figures['seconds']} s "
        f"({figures['requests_per_second']} req/s), p50 {figures['p50_ms']} ms, "
        f"p95 {figures['p95_ms']} ms, errors {errors}"
    )
    cpu = figures["cpu_ms_per_registration"]
    print(
        f"CPU per registration: gunicorn workers {cpu['gunicorn_workers']} ms, PostgreSQL "
        f"{cpu['postgresql_backends']} ms, load generator ({CLIENT}) {cpu['load_generator']} ms"
    )
    print(
        f"outcome: {figures['confirmed']} confirmed, {figures['waitlisted']} on the waiting list "
        f"(capacity {CAPACITY})"
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
