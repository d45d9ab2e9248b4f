"""Fixtures for the browser tests: Debian's Chromium, driven through Playwright's sync API
against pytest-django's live server. Playwright never downloads a browser here."""

import os

import pytest

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
