"""Registration burst: 200 members register at once for a 50-seat dialogue, through gunicorn.

Serves the portal with gunicorn on PostgreSQL with production settings, logs in 200 members
(sessions made directly), fires their registration POSTs all at once from 200 threads on
loopback, and prints throughput and p50/p95 latency, then checks the outcome in the database
(exactly 50 confirmed, 150 on the waiting list). The last line is the figures as JSON.

    .venv/bin/python bench/registration_burst.py            # defaults below
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/a4ep_bench \\
    BENCH_REQUESTS=200 BENCH_CAPACITY=50 BENCH_WORKERS=4 \\
    .venv/bin/python bench/registration_burst.py

Tasks are queued on Redis as in production (BENCH_REDIS_URL, a database of the benchmark's
own that is flushed afterwards); no worker runs, so the figures are the web nodes' alone.
Target on a 2-core machine: the burst completes in under 10 s with no errors and p95 under 1 s.
"""

import json
import os
import platform
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
WORKERS = int(os.environ.get("BENCH_WORKERS", 4))
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
    from allauth.account.models import EmailAddress
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.utils import timezone

    from dialogues.models import Dialogue, Registration, Series
    from members.models import Member, User

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


def post(url: str, session_key: str) -> tuple[int, float]:
    body = (
        f"csrfmiddlewaretoken={CSRF}&organisation_name=Bench&role=&language=en&needs=&question="
    ).encode()
    request = urllib.request.Request(url, data=body, method="POST")
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
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/about/", timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        url = f"{base}/dialogues/{slug}/register/"
        go = threading.Barrier(len(sessions))

        def fire(session_key: str):
            go.wait()
            return post(url, session_key)

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=len(sessions)) as pool:
            results = list(pool.map(fire, sessions))
        wall = time.perf_counter() - started
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        import redis

        redis.Redis.from_url(ENV["REDIS_URL"]).flushdb()
    latencies = sorted(seconds for _status, seconds in results)
    errors = sum(1 for status, _ in results if status != 302)
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
        **outcome(slug),
        "cpus": os.cpu_count(),
        "machine": platform.machine(),
    }
    print(
        f"{figures['requests']} registrations in {figures['seconds']} s "
        f"({figures['requests_per_second']} req/s), p50 {figures['p50_ms']} ms, "
        f"p95 {figures['p95_ms']} ms, errors {errors}"
    )
    print(
        f"outcome: {figures['confirmed']} confirmed, {figures['waitlisted']} on the waiting list "
        f"(capacity {CAPACITY})"
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
