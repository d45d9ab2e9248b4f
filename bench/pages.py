"""Public pages against the floor: requests per second and latency of the portal's anonymous
pages, served by gunicorn on PostgreSQL with a seeded archive, next to a hello-world view.

Seeds once (1,000 dialogues with co-hosts, agenda and speakers, 10,000 registrations, 2,000
published papers), then serves the portal twice with gunicorn.conf.py and production settings:
with the public page cache on (PUBLIC_PAGE_CACHE_SECONDS=300, the default with Redis) and off
(=0). Each run loads the home page, the dialogue list, a dialogue page, the papers list, a
paper page, a papers search, then, logged in as a member who is a confirmed registrant of that
dialogue (never cached), the home page, the dialogue page, /me/dialogues/ and /me/, and the
floor (a hello-world Django view behind the same middleware, in bench/floor_urls.py) with
BENCH_REQUESTS requests each over BENCH_CONCURRENCY connections from threads here, and prints
requests per second, p50 and p95 of each page with its ratios to the floor, then the resident
memory of each gunicorn worker. The last line is everything as JSON.

    .venv/bin/python bench/pages.py
    # BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/a4ep_bench_pages, created
    # and seeded if missing), BENCH_REDIS_URL (default redis://127.0.0.1:6379/10, flushed
    # before each run and afterwards), BENCH_WORKERS (gunicorn workers, 4), BENCH_REQUESTS
    # (per page, 2000), BENCH_CONCURRENCY (connections, 16), BENCH_MAX_SECONDS (per page, 20:
    # a slower page is measured on the requests it served by then)

Targets on a 2-core machine (issue 16): with the cache on, every public page reaches 80% of the
floor's requests per second with p95 under 2x the floor's; with the cache off, 40% with p95
under 5x; member pages 30%; a worker stays under 150 MB resident after the run. The load
generator runs on the same machine and takes its share of the CPU, alike for the floor and the
pages. Each page also gets the CPU time per request of the gunicorn workers and of the
PostgreSQL backends serving them (from /proc): on a machine shared with other work, requests
per second and latency say more about the neighbours than about the page, CPU time does not.
"""

import http.client
import json
import os
import platform
import re
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.registration_burst import (  # noqa: E402
    children,
    cpu_seconds,
    database_backends,
    ensure_database,
    free_port,
)

WORKERS = int(os.environ.get("BENCH_WORKERS", 4))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", 2000))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", 16))
# A page that cannot serve BENCH_REQUESTS in this time is measured on what it served by then.
MAX_SECONDS = float(os.environ.get("BENCH_MAX_SECONDS", 20))
DIALOGUES, REGISTRATIONS, PAPERS = 1000, 10_000, 2000
MEMBERS, SPEAKERS, ORGANISATIONS, SERIES = 2000, 400, 60, 10

ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "DATABASE_URL": os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/a4ep_bench_pages"
    ),
    "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/10"),
    "DJANGO_DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "127.0.0.1",
    "SITE_URL": "http://127.0.0.1",
    "SECURE_SSL_REDIRECT": "false",
    "EMAIL_URL": "dummymail://",
    "STATIC_ROOT": str(Path(tempfile.gettempdir()) / "a4ep-bench-pages-static"),
    "LOG_LEVEL": "WARNING",
    "WEB_CONCURRENCY": str(WORKERS),
    # No recycling during the run, so the memory figure is that of a worker that served it all.
    "GUNICORN_MAX_REQUESTS": "0",
}


def setup_django() -> None:
    ensure_database(ENV["DATABASE_URL"])
    os.environ.update(ENV)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)


def seed() -> None:
    """The data set, made once with bulk inserts (the archive is what is measured, not how it
    was filled). Papers get a live version 1 as publishing makes it."""
    from allauth.account.models import EmailAddress
    from django.db import transaction
    from django.db.models import OuterRef, Subquery
    from django.utils import timezone

    from dialogues.models import Dialogue, DialogueSpeaker, Registration, Series, Session, Speaker
    from members.models import Member, Organisation, User
    from papers.models import Paper, PaperVersion

    if Dialogue.objects.count() >= DIALOGUES and Paper.objects.live().count() >= PAPERS:
        print("data set already seeded")
        return
    started = time.perf_counter()
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    with transaction.atomic():
        organisations = Organisation.objects.bulk_create(
            Organisation(name=f"Bench organisation {n}", country="BD", kind="local_ngo")
            for n in range(ORGANISATIONS)
        )
        series = Series.objects.bulk_create(
            Series(title=f"Localisation Dialogue Series {n}", slug=f"bench-series-{n}")
            for n in range(SERIES)
        )
        speakers = Speaker.objects.bulk_create(
            Speaker(
                name=f"Speaker {n}",
                slug=f"bench-speaker-{n}",
                title="Director",
                organisation=organisations[n % ORGANISATIONS],
                country="NE",
                bio="Works with local actors on accountability.",
            )
            for n in range(SPEAKERS)
        )
        dialogues = []
        for n in range(DIALOGUES):
            # Most are past (the archive), the last 10% are announced weekly from now on.
            starts_at = now + timedelta(days=7 * (n - int(DIALOGUES * 0.9)) + 1)
            dialogues.append(
                Dialogue(
                    series=series[n % SERIES],
                    number=n // SERIES + 1,
                    title=f"Who decides? Dialogue {n}",
                    question="Who is making the decisions, and who should?",
                    slug=f"bench-dialogue-{n}",
                    description="A 90-minute online dialogue among local and national actors.",
                    starts_at=starts_at,
                    ends_at=starts_at + timedelta(minutes=90),
                    venue="Zoom",
                    join_url="https://zoom.us/j/1?pwd=bench",
                    capacity=100,
                    audience="Local and national actors",
                    status="held" if starts_at < now else "announced",
                )
            )
        dialogues = Dialogue.objects.bulk_create(dialogues)
        Dialogue.co_hosts.through.objects.bulk_create(
            Dialogue.co_hosts.through(
                dialogue_id=d.pk, organisation_id=organisations[(n + k) % ORGANISATIONS].pk
            )
            for n, d in enumerate(dialogues)
            for k in range(2)
        )
        kinds = ["opening", "panel", "qa", "closing"]
        sessions = Session.objects.bulk_create(
            Session(
                dialogue=d,
                kind=kind,
                title=f"{kind.title()} of dialogue {n}",
                order=k,
                duration_minutes=[10, 45, 25, 10][k],
            )
            for n, d in enumerate(dialogues)
            for k, kind in enumerate(kinds)
        )
        DialogueSpeaker.objects.bulk_create(
            DialogueSpeaker(
                dialogue=d,
                speaker=speakers[(3 * n + k) % SPEAKERS],
                role=["moderator", "panellist", "panellist"][k],
                session=sessions[4 * n + 1] if k else None,
                order=k,
            )
            for n, d in enumerate(dialogues)
            for k in range(3)
        )
        users = User.objects.bulk_create(
            User(email=f"bench-member-{n}@example.org", first_name=f"Member{n}", password="!")
            for n in range(MEMBERS)
        )
        # bulk_create sends no post_save signal, so the profiles are made here.
        members = Member.objects.bulk_create(Member(user=u) for u in users)
        EmailAddress.objects.bulk_create(
            EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users
        )
        per_dialogue = REGISTRATIONS // DIALOGUES
        Registration.objects.bulk_create(
            Registration(
                dialogue=d,
                member=members[(n * per_dialogue + k) % MEMBERS],
                status="confirmed",
                organisation_name="Coast Trust",
                confirmed_at=now,
            )
            for n, d in enumerate(dialogues)
            for k in range(per_dialogue)
        )
        papers = Paper.objects.bulk_create(
            Paper(
                title=f"Who is accountable to whom? Paper {n}",
                slug=f"bench-paper-{n}",
                kind=["discussion", "summary"][n % 2],
                dialogue=dialogues[(n // 2) % DIALOGUES],
                abstract="What local actors told us about accountability and funding.",
                body="# Findings\n\nLocal actors are accountable to their communities first.\n\n"
                + "- Funding should reach them directly.\n" * 5,
                language="en",
                state="published",
                state_changed_at=now,
                first_published_at=now - timedelta(hours=n),
            )
            for n in range(PAPERS)
        )
        versions = PaperVersion.objects.bulk_create(
            PaperVersion(
                paper=p,
                number=1,
                published_at=p.first_published_at,
                title=p.title,
                abstract=p.abstract,
                body=p.body,
                language=p.language,
                audience=p.audience,
            )
            for p in papers
        )
        PaperVersion.speakers.through.objects.bulk_create(
            PaperVersion.speakers.through(
                paperversion_id=v.pk, speaker_id=speakers[n % SPEAKERS].pk
            )
            for n, v in enumerate(versions)
        )
        PaperVersion.organisations.through.objects.bulk_create(
            PaperVersion.organisations.through(
                paperversion_id=v.pk, organisation_id=organisations[n % ORGANISATIONS].pk
            )
            for n, v in enumerate(versions)
        )
        live = PaperVersion.objects.filter(paper=OuterRef("pk"), number=1).values("pk")
        Paper.objects.update(live_version=Subquery(live))
    print(f"seeded in {time.perf_counter() - started:.1f} s")


def member_session(dialogue) -> str:
    """A session (its cookie value) of a member with a confirmed seat at `dialogue`."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from dialogues.models import Registration

    # As a login makes it (with Redis: in the database and the cache).
    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore  # noqa: N806

    registration = (
        Registration.objects.filter(dialogue=dialogue, status="confirmed")
        .select_related("member__user")
        .order_by("pk")
        .first()
    )
    user = registration.member.user
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def pages() -> dict[str, tuple[str, str | None]]:
    """name -> (path, session cookie value or None for a visitor)."""
    from dialogues.models import Dialogue
    from papers.models import Paper

    dialogue = Dialogue.objects.filter(slug__startswith="bench-dialogue-").order_by("pk")[500]
    paper = Paper.objects.public().filter(slug__startswith="bench-paper-").order_by("pk")[1000]
    member = member_session(dialogue)
    return {
        "floor": ("/__floor__/", None),
        "home": ("/", None),
        "dialogue_list": ("/dialogues/", None),
        "dialogue": (dialogue.get_absolute_url(), None),
        "paper_list": ("/papers/", None),
        "paper": (paper.get_absolute_url(), None),
        "papers_search": ("/papers/?q=accountable+funding", None),
        "member_home": ("/", member),
        "member_dialogue": (dialogue.get_absolute_url(), member),
        "member_my_dialogues": ("/me/dialogues/", member),
        "member_profile": ("/me/", member),
    }


def worker_rss_mb(master: int) -> list[float]:
    """Resident memory of the gunicorn master's children, from /proc."""
    sizes = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        if re.search(rf"^PPid:\s+{master}$", status, re.MULTILINE):
            kb = int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE).group(1))
            sizes.append(round(kb / 1024, 1))
    return sorted(sizes)


def load(port: int, path: str, requests: int, concurrency: int, session: str | None = None) -> dict:
    """requests GETs of path over `concurrency` connections, or as many as MAX_SECONDS allow;
    gunicorn's sync workers close each connection after the response, so http.client opens a
    new one for the next."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    headers = {"Host": "127.0.0.1"}
    if session:
        headers["Cookie"] = f"sessionid={session}"
    share = [
        requests // concurrency + (1 if n < requests % concurrency else 0)
        for n in range(concurrency)
    ]

    def client(count: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine, failed = [], []
        for _ in range(count):
            started = time.perf_counter()
            if started > deadline:
                break
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    failed.append(str(response.status))
            except (OSError, http.client.HTTPException) as error:
                failed.append(type(error).__name__)
                connection.close()
            mine.append(time.perf_counter() - started)
        connection.close()
        with lock:
            latencies.extend(mine)
            errors.extend(failed)

    threads = [threading.Thread(target=client, args=(count,)) for count in share]
    started = time.perf_counter()
    deadline = started + MAX_SECONDS
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    latencies.sort()
    return {
        "path": path,
        "requests": len(latencies),
        "capped": len(latencies) < requests,
        "errors": len(errors),
        "rps": round(len(latencies) / wall, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 2),
        "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))] * 1000, 2),
    }


def flush_redis() -> None:
    import redis

    redis.Redis.from_url(ENV["REDIS_URL"]).flushdb()


def serve_and_measure(cache_seconds: int, paths: dict[str, tuple[str, str | None]]) -> dict:
    flush_redis()
    port = free_port()
    env = {
        **ENV,
        "PUBLIC_PAGE_CACHE_SECONDS": str(cache_seconds),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
    }
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "--config", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        # The access log stays on, as in production; its lines go nowhere.
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(150):
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                connection.request("GET", "/healthz", headers={"Host": "127.0.0.1"})
                if connection.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit("gunicorn did not start")
        results = {}
        for name, (path, session) in paths.items():
            # Warm up: every worker imports its templates, opens its database connection and,
            # with the cache on, the page is stored once.
            warm = load(port, path, WORKERS * 3, WORKERS, session)
            if warm["errors"]:
                raise SystemExit(f"{path} answered errors while warming up: {warm}")
            # CPU time per request of the workers and of the PostgreSQL backends serving them:
            # what the page costs, whatever else shares the machine (requests per second and
            # latency are not, when it is shared).
            # A backend that ends meanwhile is left out (its time cannot be read any more).
            processes = children(server.pid), database_backends()
            before = [{pid: cpu_seconds(pid) for pid in group} for group in processes]
            results[name] = load(port, path, REQUESTS, CONCURRENCY, session)
            spent = [
                sum(max(cpu_seconds(pid) - used, 0) for pid, used in group.items())
                for group in before
            ]
            served = results[name]["requests"]
            results[name]["cpu_ms"] = round(spent[0] / served * 1000, 2)
            results[name]["db_cpu_ms"] = round(spent[1] / served * 1000, 2)
        rss = worker_rss_mb(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    floor = results["floor"]
    for figures in results.values():
        figures["cpu_ratio"] = round(figures["cpu_ms"] / floor["cpu_ms"], 2)
        figures["rps_ratio"] = round(figures["rps"] / floor["rps"], 3)
        figures["p95_ratio"] = round(figures["p95_ms"] / floor["p95_ms"], 2)
    return {"cache_seconds": cache_seconds, "pages": results, "worker_rss_mb": rss}


def machine() -> dict:
    from django.db import connection

    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.MULTILINE)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model.group(1).strip() if model else platform.processor(),
        "python": platform.python_version(),
        "postgresql": postgres,
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
    }


def print_run(run: dict) -> None:
    state = "on" if run["cache_seconds"] else "off"
    print(f"\ncache {state} (PUBLIC_PAGE_CACHE_SECONDS={run['cache_seconds']})")
    print(
        f"{'page':<20} {'rps':>8} {'p50 ms':>8} {'p95 ms':>8} {'rps/floor':>10} {'p95/floor':>10}"
        f" {'CPU ms':>7} {'CPU/floor':>10} {'DB CPU ms':>10}"
    )
    for name, figures in run["pages"].items():
        print(
            f"{name:<20} {figures['rps']:>8} {figures['p50_ms']:>8} {figures['p95_ms']:>8} "
            f"{figures['rps_ratio']:>10.0%} {figures['p95_ratio']:>9}x"
            f" {figures['cpu_ms']:>7} {figures['cpu_ratio']:>9}x {figures['db_cpu_ms']:>10}"
            + (f"  errors {figures['errors']}" if figures["errors"] else "")
            + (f"  (only {figures['requests']} in {MAX_SECONDS:g} s)" if figures["capped"] else "")
        )
    print(f"gunicorn workers' resident memory after the run: {run['worker_rss_mb']} MB")


def main() -> None:
    setup_django()
    seed()
    paths = pages()
    figures = {
        "bench": "pages",
        "gunicorn_workers": WORKERS,
        "requests_per_page": REQUESTS,
        "concurrency": CONCURRENCY,
        "max_seconds_per_page": MAX_SECONDS,
        **machine(),
    }
    from django.db import connections

    connections.close_all()
    try:
        runs = [serve_and_measure(300, paths), serve_and_measure(0, paths)]
    finally:
        flush_redis()
    for run in runs:
        print_run(run)
    figures["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    figures["cache_on"], figures["cache_off"] = runs
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
