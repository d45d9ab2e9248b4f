"""Fixtures for the browser tests: Debian's Chromium, driven through Playwright's sync API
against pytest-django's live server. Playwright never downloads a browser here."""

import os
import socket
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings

from tests.conftest import CHROMIUM

# Playwright's sync API runs an event loop in the test thread, so Django would refuse the
# (synchronous) ORM calls the tests make to set up their data.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser, live_server):
    """open_page(time_zone, javascript=True): a fresh visitor (no cookies) on the live server,
    whose browser is set to that time zone and to British English."""
    contexts = []

    def open_page(time_zone: str = "UTC", *, javascript: bool = True):
        context = browser.new_context(
            base_url=live_server.url,
            timezone_id=time_zone,
            locale="en-GB",
            java_script_enabled=javascript,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


# axe-core, installed from tests/e2e/package.json by `make test` and .ci/run (npm ci).
AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        pytest.skip("needs axe-core: run `npm ci --prefix tests/e2e` (make test does)")
    return AXE.read_text()


@pytest.fixture
def log_in(live_server):
    """log_in(context, user): the browser context carries a session of that user, as if they
    had logged in (the journeys log in through the forms themselves where that matters)."""

    def log_in(context, user) -> None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])

    return log_in


@pytest.fixture
def mailbox():
    """A real SMTP server on loopback that the live server's mail goes to; `mailbox.messages`
    are the messages it received, parsed."""
    from aiosmtpd.controller import Controller

    class Mailbox:
        def __init__(self) -> None:
            self.messages: list[EmailMessage] = []

        async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
            return "250 OK"

        def to(self, address: str) -> list[EmailMessage]:
            return [m for m in self.messages if address in m["To"]]

    box = Mailbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=port,
        EMAIL_USE_TLS=False,
        EMAIL_USE_SSL=False,
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
    ):
        yield box
    controller.stop()


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


@pytest.fixture
def page_for(browser, live_server, log_in):
    """page_for(user, width=1280, javascript=True, time_zone=None): a browser of its own,
    logged in as that user (time_zone: the browser's, else the machine's)."""
    contexts = []

    def page_for(user, *, width: int = 1280, javascript: bool = True, time_zone=None):
        options = {"timezone_id": time_zone} if time_zone else {}
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": width, "height": 900},
            locale="en-GB",
            java_script_enabled=javascript,
            **options,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        log_in(context, user)
        return context.new_page()

    yield page_for
    for context in contexts:
        context.close()
