"""Mail throughput: N messages through the outbox and a real worker, against N through plain
smtplib on one connection (the floor), to the same local SMTP sink.

Starts an SMTP sink (aiosmtpd, in a process of its own, counting what it accepts), prepares
N members in a PostgreSQL database of the benchmark's own, sends an approved mailing to all
of them through send_mailing() with one Celery worker on Redis, and times from the queueing
to the last delivery marked sent. Then sends N messages (one built multipart message per
recipient address, as the floor) with smtplib over one connection. Prints both rates, their
ratio and the worker's peak resident memory; the last line is the figures as JSON.

    .venv/bin/python bench/mail_throughput.py               # N=10000
    BENCH_MESSAGES=10000 BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/a4ep_mail_bench \\
    BENCH_REDIS_URL=redis://127.0.0.1:6379/13 .venv/bin/python bench/mail_throughput.py

Target: 10,000 messages through the outbox at no less than half the floor's rate, with the
worker under 200 MB resident.
"""

import json
import os
import platform
import secrets
import signal
import smtplib
import socket
import subprocess
import sys
import time
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MESSAGES = int(os.environ.get("BENCH_MESSAGES", 10000))
QUEUE = f"bench-mail-{secrets.token_hex(4)}"

SINK = """
import asyncio, sys
from aiosmtpd.controller import Controller

class Count:
    accepted = 0
    async def handle_DATA(self, server, session, envelope):
        Count.accepted += len(envelope.rcpt_tos)
        return "250 OK"
    async def handle_NOOP(self, server, session, envelope, arg):
        return f"250 {Count.accepted}"

controller = Controller(Count(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
sys.stdin.read()
controller.stop()
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_database(url: str) -> None:
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


def start_sink(port: int) -> subprocess.Popen:
    sink = subprocess.Popen(
        [sys.executable, "-c", SINK, str(port)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert sink.stdout.readline().strip() == "ready"
    return sink


def rss_mb(pid: int) -> float:
    """Resident memory of the process in MB (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time the process has used so far, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def prepare(env: dict) -> None:
    ensure_database(env["DATABASE_URL"])
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "a4ep_portal.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from members.models import Delivery, Mailing, Member, User

    call_command("migrate", verbosity=0, interactive=False)
    # The database is the benchmark's own: start from no members and no mail.
    Delivery.objects.all().delete()
    Mailing.objects.all().delete()
    User.objects.all().delete()
    users = User.objects.bulk_create(
        (
            User(email=f"bench-mail-{n}@example.org", first_name=f"Member{n}", password="!")
            for n in range(MESSAGES)
        ),
        batch_size=2000,
    )
    Member.objects.bulk_create((Member(user=u) for u in users), batch_size=2000)


def outbox_run(env: dict, sink_port: int) -> dict:
    from a4ep_portal.workflow import State
    from members.models import Delivery, Mailing, MailKind
    from members.services import send_mailing

    worker = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "celery"),
            "-A",
            "a4ep_portal",
            "worker",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
            f"--queues={QUEUE}",
        ],
        cwd=ROOT,
        env={**env, "EMAIL_URL": f"smtp://127.0.0.1:{sink_port}"},
        start_new_session=True,
    )
    try:
        time.sleep(3)  # the worker connects to Redis and is ready
        mailing = Mailing.objects.create(
            kind=MailKind.INVITATION,
            subject="Dialogue 6 is announced, {{ first_name }}",
            body="Dear {{ first_name }},\n\nRegistration for **dialogue 6** is open.",
            audience=Mailing.Audience.ALL_MEMBERS,
            state=State.APPROVED,
        )
        cpu_before = cpu_seconds(worker.pid)
        started = time.perf_counter()
        send_mailing(mailing)
        queued = time.perf_counter() - started
        peak = 0.0
        unfinished = mailing.deliveries.filter(
            status__in=[Delivery.Status.QUEUED, Delivery.Status.SENDING]
        )
        deadline = time.monotonic() + 600
        while unfinished.exists():
            if worker.poll() is not None:
                raise SystemExit(f"the worker exited with {worker.returncode}")
            if time.monotonic() > deadline:
                raise SystemExit("not finished after 10 minutes")
            peak = max(peak, rss_mb(worker.pid))
            time.sleep(0.2)
        elapsed = time.perf_counter() - started
        peak = max(peak, peak_rss_mb(worker.pid))
        worker_cpu = cpu_seconds(worker.pid) - cpu_before
        sent = mailing.deliveries.filter(status=Delivery.Status.SENT).count()
        if sent != MESSAGES:
            raise SystemExit(f"{sent} of {MESSAGES} deliveries sent")
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)
    return {
        "seconds": round(elapsed, 2),
        "queueing_seconds": round(queued, 2),
        "rate": round(MESSAGES / elapsed, 1),
        "worker_peak_rss_mb": round(peak, 1),
        "worker_cpu_seconds": round(worker_cpu, 2),
        "worker_cpu_ms_per_message": round(worker_cpu / MESSAGES * 1000, 2),
    }


def floor_run(sink_port: int) -> dict:
    message = EmailMessage()
    message["From"] = "A4EP Dialogues <dialogues@a4ep.example.org>"
    message["Subject"] = "Dialogue 6 is announced"
    message.set_content("Dear member,\n\nRegistration for dialogue 6 is open.\n")
    message.add_alternative("<p>Dear member,</p><p>Registration is open.</p>", subtype="html")
    started = time.perf_counter()
    cpu_before = time.process_time()
    with smtplib.SMTP("127.0.0.1", sink_port) as smtp:
        for n in range(MESSAGES):
            del message["To"]
            message["To"] = f"floor-{n}@example.org"
            smtp.send_message(message)
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_before
    return {
        "seconds": round(elapsed, 2),
        "rate": round(MESSAGES / elapsed, 1),
        "cpu_ms_per_message": round(cpu / MESSAGES * 1000, 2),
    }


def main() -> None:
    env = {
        **os.environ,
        "DATABASE_URL": os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/a4ep_mail_bench"
        ),
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13"),
        "DJANGO_SETTINGS_MODULE": "a4ep_portal.settings",
        "SITE_URL": "https://dialogues.a4ep.example",
        "LOG_LEVEL": "WARNING",
        "MAIL_QUEUE": QUEUE,
    }
    sink_port = free_port()
    sink = start_sink(sink_port)
    try:
        prepare(env)
        outbox = outbox_run(env, sink_port)
        floor = floor_run(sink_port)
        with smtplib.SMTP("127.0.0.1", sink_port) as smtp:
            accepted = int(smtp.noop()[1])
    finally:
        sink.stdin.close()
        sink.wait(timeout=10)
        import redis

        redis.Redis.from_url(env["REDIS_URL"]).flushdb()
    ratio = outbox["rate"] / floor["rate"]
    figures = {
        "messages": MESSAGES,
        "outbox": outbox,
        "floor": floor,
        "ratio": round(ratio, 2),
        "sink_accepted": accepted,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "python": platform.python_version(),
        "target_met": ratio >= 0.5 and outbox["worker_peak_rss_mb"] < 200,
    }
    print(
        f"outbox: {MESSAGES} messages in {outbox['seconds']} s, {outbox['rate']}/s, "
        f"worker CPU {outbox['worker_cpu_ms_per_message']} ms per message"
    )
    print(
        f"floor (smtplib, one connection): {floor['seconds']} s, {floor['rate']}/s, "
        f"CPU {floor['cpu_ms_per_message']} ms per message"
    )
    print(f"ratio {ratio:.2f} (target >= 0.5); worker peak RSS {outbox['worker_peak_rss_mb']} MB")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
