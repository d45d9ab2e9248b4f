"""Page weight: what a first-time visitor downloads for each public page, compressed.

Serves the portal with gunicorn and production settings (collected, precompressed static
files through whitenoise, compressed HTML) on a fresh SQLite database with the demo data,
opens every public page of tests/pages.py that the demo has in Debian's Chromium with an
empty cache, and prints the bytes on the wire by kind (headers included). The last line is
the figures as JSON. The budget is 25 KB per page; tests/e2e/test_page_weight.py enforces it
on full lists.

    .venv/bin/python bench/page_weight.py
"""

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.e2e.weight import BUDGET, first_visit, table  # noqa: E402

# The demo's pages: the public table's paths with the demo's slugs.
DEMO_PAGES = [
    "/",
    "/about/",
    "/dialogues/",
    "/dialogues/{dialogue}/",
    "/speakers/",
    "/speakers/{speaker}/",
    "/papers/",
    "/papers/{paper}/",
    "/recordings/",
    "/time-zone/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="a4ep-weight-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{work / 'portal.sqlite3'}",
        "STATIC_ROOT": str(work / "static"),
        "MEDIA_ROOT": str(work / "media"),
        "DJANGO_DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "EMAIL_URL": "dummymail://",
        "REDIS_URL": "",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    manage = [sys.executable, "manage.py"]
    for command in (["migrate"], ["createcachetable"], ["load_demo"], ["collectstatic"]):
        subprocess.run(
            [*manage, *command, "--verbosity", "0"]
            + (["--noinput"] if command[0] in ("migrate", "collectstatic") else []),
            cwd=ROOT,
            # The demo's published staff passwords are loaded on a development site only.
            env={**env, "DJANGO_DEBUG": "true"} if command == ["load_demo"] else env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    slugs = subprocess.run(
        [
            *manage,
            "shell",
            "-c",
            "from dialogues.models import Dialogue, Speaker; from papers.models import Paper;"
            "print(Dialogue.objects.public().order_by('starts_at').first().slug,"
            " Speaker.objects.order_by('pk').first().slug,"
            " Paper.objects.public().order_by('pk').first().slug)",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()[-3:]
    values = dict(zip(["dialogue", "speaker", "paper"], slugs, strict=True))
    paths = [path.format(**values) for path in DEMO_PAGES]

    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--config",
            "gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--access-logfile",
            "/dev/null",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{base_url}/healthz", timeout=1)  # noqa: S310
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        from playwright.sync_api import sync_playwright

        chromium = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium, args=["--no-sandbox", "--disable-gpu"]
            )
            rows = [(path, first_visit(browser, base_url, path)) for path in paths]
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)

    print(table(rows))
    totals = {path: sum(sizes.values()) for path, sizes in rows}
    print(
        json.dumps(
            {
                "bench": "page_weight",
                "budget_bytes": BUDGET,
                "largest_bytes": max(totals.values()),
                "over_budget": [path for path, total in totals.items() if total > BUDGET],
                "pages": totals,
            }
        )
    )


if __name__ == "__main__":
    main()
