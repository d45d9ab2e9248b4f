"""Where a page's time goes: each page of bench/pages.py served in this process through
Django's WSGI handler (no server, no network, no load generator), on the same seeded archive
and settings, with the page cache off. Prints the median CPU time per request of each page,
warm (its fragments kept, as a page is between two publications) and cold (the content
generation bumped before each request, as the first view after a publication), and the query
count.

    .venv/bin/python bench/profile_pages.py            # every page
    BENCH_PROFILE=home .venv/bin/python bench/profile_pages.py   # and cProfile's top 40

A figure here is the view and the middleware alone: bench/pages.py's requests per second also
pay gunicorn, the socket and the client. Same variables as bench/pages.py (BENCH_DATABASE_URL,
BENCH_REDIS_URL), plus BENCH_ROUNDS (requests per page and state, 200).
"""

import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

os.environ["PUBLIC_PAGE_CACHE_SECONDS"] = "0"

from bench.pages import pages, seed, setup_django  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", 200))


def environ(path: str, session: str | None) -> dict:
    path, _, query = path.partition("?")
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        **({"HTTP_COOKIE": f"sessionid={session}"} if session else {}),
    }


def main() -> None:
    setup_django()
    seed()
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from a4ep_portal import fragments

    handler = WSGIHandler()
    statuses = []

    def start_response(status, headers):
        statuses.append(status)

    def serve(path, session):
        response = handler(environ(path, session), start_response)
        b"".join(response)
        response.close()

    wanted = os.environ.get("BENCH_PROFILE")
    print(f"{'page':<22} {'warm ms':>8} {'cold ms':>8} {'queries warm/cold':>18}")
    for name, (path, session) in pages().items():
        if wanted and name != wanted:
            continue
        counts = []
        for cold in (False, True):
            for _ in range(5):
                serve(path, session)
            with CaptureQueriesContext(connection) as queries:
                if cold:
                    fragments.invalidate_content("profiling")
                serve(path, session)
            counts.append(len(queries.captured_queries))
            statuses.clear()
            rounds = ROUNDS if not cold else max(ROUNDS // 10, 10)
            spent = []
            for _ in range(rounds):
                if cold:
                    fragments.invalidate_content("profiling")
                started = time.process_time()
                serve(path, session)
                spent.append(time.process_time() - started)
            # The median: on a machine shared with other work, a request that lost its core
            # half-way or met a collection pulls a mean, not a median.
            if not cold:
                warm = statistics.median(spent)
            else:
                cold_ms = statistics.median(spent)
            assert all(s.startswith("200") for s in statuses), (name, set(statuses))
            reset_queries()
        print(f"{name:<22} {warm * 1000:8.2f} {cold_ms * 1000:8.2f} {counts[0]:>9}/{counts[1]}")
        if wanted:
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(ROUNDS):
                serve(path, session)
            profile.disable()
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(60)
            print(out.getvalue())
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(40)
            print(out.getvalue())


if __name__ == "__main__":
    main()
