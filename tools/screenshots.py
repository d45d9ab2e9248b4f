"""The README's screenshots, made from the demo data in a real browser: `make screenshots`.

Loads the demo data (and a working day in admin: members registered and asking questions, a
paper and a mailing waiting for the publisher, an invitation scheduled) into a throwaway
SQLite database, serves the site, and with Playwright driving Chromium captures the first
screen of

- a dialogue page on a desktop (1,280 px wide),
- the same page on a phone (360 px) in Arabic,
- the admin home, logged in as the demo publisher,

into docs/screenshots/, as small palette PNGs. Run it again whenever the design changes.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
DIALOGUE = "/dialogues/local-actors-matter-what-has-changed/"
PUBLISHER = ("publisher@a4ep.example.org", "demo-publisher-a4ep")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]
# (file, address, width, height, device pixels per CSS pixel, language, log in)
SHOTS = [
    ("dialogue-desktop.png", DIALOGUE, 1280, 800, 1, "en-GB", False),
    ("dialogue-phone-arabic.png", "/ar" + DIALOGUE, 360, 740, 2, "ar", False),
    ("admin-home.png", "/admin/", 1280, 800, 1, "en-GB", True),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def working_day() -> None:
    """What an ordinary day leaves for the publisher, made through the portal's services."""
    import django

    django.setup()
    from django.utils import timezone

    from dialogues.models import Dialogue
    from dialogues.services import (
        RegistrationDetails,
        ask_question,
        draft_invitation,
        register_member,
    )
    from members.models import Mailing, MailKind, User
    from members.services import move_mailing, save_mailing
    from papers import services as papers
    from papers.models import Paper

    editor = User.objects.get(email="editor@a4ep.example.org")
    publisher = User.objects.get(email=PUBLISHER[0])
    dialogue = Dialogue.objects.get(slug=DIALOGUE.strip("/").split("/")[-1])
    people = [
        ("Nadia", "Rahman", "Coast Trust"),
        ("Joseph", "Okello", "Uganda Women's Network"),
        ("Mariam", "Sheikh", "Community World Service Asia"),
        ("Carlos", "Quispe", "Red de Acción Local"),
        ("Fatima", "Bello", "Northeast Relief Alliance"),
    ]
    for first, last, organisation in people:
        user = User.objects.create_user(
            email=f"{first.lower()}@example.org", first_name=first, last_name=last
        )
        register_member(dialogue, user.member, RegistrationDetails(organisation_name=organisation))
    for email, text in [
        ("nadia@example.org", "How do pooled funds reach organisations outside the capitals?"),
        ("joseph@example.org", "Which commitments of 2020 were kept, and who checked?"),
    ]:
        ask_question(dialogue, User.objects.get(email=email).member, text)

    paper = Paper(
        title="What has changed for local actors? A discussion paper",
        slug="what-has-changed-discussion-paper",
        kind=Paper.Kind.DISCUSSION,
        abstract="Five years on: funding, decision-making and partnership as local actors see it.",
        body="# Five years on\n\nWhat local and national actors told us before the dialogue.",
        dialogue=dialogue,
    )
    papers.save_item(paper, actor=editor, created=True)
    papers.move(paper, "submit", actor=editor)

    news = Mailing(
        kind=MailKind.NEWS,
        subject="A4EP at the regional localisation forum",
        body="Dear {{ first_name }},\n\nA4EP members will speak at the forum next month.",
        audience=Mailing.Audience.ALL_MEMBERS,
    )
    save_mailing(news, actor=editor, created=True)
    move_mailing(news, "submit", actor=editor)

    invitation = draft_invitation(dialogue, actor=editor)
    invitation.publish_at = timezone.now() + timedelta(days=1)
    save_mailing(invitation, actor=editor, created=False)
    move_mailing(invitation, "submit", actor=editor)
    move_mailing(invitation, "approve", actor=publisher)


def optimise(path: Path) -> None:
    """A palette PNG: screenshots have few colours, and this makes them a fraction of the size."""
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


def capture(base_url: str, chromium: str) -> None:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        for name, path, width, height, scale, locale, log_in in SHOTS:
            context = browser.new_context(
                base_url=base_url,
                viewport={"width": width, "height": height},
                device_scale_factor=scale,
                locale=locale,
                timezone_id="Asia/Dhaka",
                color_scheme="light",
            )
            page = context.new_page()
            if log_in:
                page.goto("/accounts/login/")
                page.fill("#id_login", PUBLISHER[0])
                page.fill("#id_password", PUBLISHER[1])
                page.press("#id_password", "Enter")
                page.wait_for_load_state()
            response = page.goto(path)
            if response is None or response.status != 200:
                raise SystemExit(f"{path} answered {response and response.status}")
            page.screenshot(path=OUT / name)  # the first screen only
            optimise(OUT / name)
            print(f"{OUT.relative_to(ROOT) / name}: {(OUT / name).stat().st_size // 1024} KB")
            context.close()
        browser.close()


def main() -> None:
    chromium = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
    if not chromium:
        raise SystemExit("needs Chromium: apt-get install chromium (or set CHROMIUM_PATH)")
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="a4ep-screenshots-") as tmp:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "a4ep_portal.settings",
            "DJANGO_DEBUG": "true",
            "DATABASE_URL": f"sqlite:///{tmp}/portal.sqlite3",
            "REDIS_URL": "",
            "MEDIA_ROOT": f"{tmp}/media",
            "SITE_URL": f"http://127.0.0.1:{port}",
            # The demo's mail is kept in memory, not printed.
            "EMAIL_URL": "memorymail://",
            "LOG_LEVEL": "WARNING",
        }
        manage(env, "migrate", "--noinput", "--verbosity", "0")
        manage(env, "createcachetable")
        manage(env, "load_demo")
        os.environ.update(env)
        sys.path.insert(0, str(ROOT))
        working_day()
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base_url = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"{base_url}/healthz", timeout=1)
                    break
                except OSError:
                    time.sleep(0.2)
            capture(base_url, chromium)
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
