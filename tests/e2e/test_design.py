"""The design as a visitor meets it: a compact phone header whose menu opens without
JavaScript, cards dated in the visitor's zone, the dark scheme, and pages that print
without the site's navigation."""

import pytest
from playwright.sync_api import expect

from tests.factories import DialogueFactory, utc

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def phone(browser, live_server):
    contexts = []

    def phone(**options):
        context = browser.new_context(
            base_url=live_server.url, viewport=PHONE, is_mobile=True, **options
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield phone
    for context in contexts:
        context.close()


@pytest.mark.parametrize("prefix", ["", "/ar"], ids=["en", "ar"])
def test_phone_header_is_one_row_and_its_menu_works_without_javascript(
    phone, live_server, transactional_db, prefix
):
    DialogueFactory(slug="accountability")
    page = phone(java_script_enabled=False)
    page.goto(f"{prefix}/dialogues/accountability/")

    header = page.locator(".site-header").bounding_box()
    assert header["height"] < 70, f"the header takes {header['height']}px of a 740px screen"
    papers = page.locator(".site-header nav a").nth(1)
    expect(papers).to_be_hidden()

    page.locator(".menu summary").click()
    expect(papers).to_be_visible()
    papers.click()
    expect(page).to_have_url(f"{live_server.url}{prefix}/papers/")
    assert page.evaluate("document.documentElement.scrollWidth") == 360


def test_desktop_header_shows_the_navigation_without_a_menu(open_page, transactional_db):
    page = open_page()
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/")

    expect(page.locator(".menu summary")).to_be_hidden()
    expect(page.get_by_role("link", name="Papers")).to_be_visible()
    expect(page.get_by_role("button", name="Français")).to_be_visible()
    assert page.locator(".site-header").bounding_box()["height"] < 100


def test_card_date_leaf_is_in_the_visitors_zone(open_page, transactional_db):
    # Noon UTC on 21 December is already the 22nd at Kiritimati (UTC+14).
    DialogueFactory(number=6, starts_at=utc(2026, 12, 21, 12, 0))
    page = open_page("Pacific/Kiritimati")
    page.goto("/dialogues/")

    leaf = page.locator(".date-block").first
    expect(leaf.locator(".date-day")).to_have_attribute("data-text", "22")
    expect(leaf.locator(".date-weekday")).to_have_attribute("data-text", "Tue")
    assert leaf.get_attribute("aria-hidden") == "true"


def test_dark_scheme_turns_the_page_dark(browser, live_server, transactional_db):
    context = browser.new_context(base_url=live_server.url, color_scheme="dark")
    page = context.new_page()
    page.goto("/")

    background = page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
    text = page.evaluate("getComputedStyle(document.body).color")
    context.close()
    assert (background, text) == ("rgb(16, 24, 22)", "rgb(230, 237, 234)")


def test_printed_dialogue_page_leaves_out_navigation_and_forms(open_page, transactional_db):
    DialogueFactory(slug="accountability", capacity=10)
    page = open_page()
    page.goto("/dialogues/accountability/")
    page.emulate_media(media="print", color_scheme="dark")

    expect(page.locator(".menu")).to_be_hidden()
    expect(page.locator(".languages")).to_be_hidden()
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator(".dialogue-key")).to_be_visible()
    assert page.evaluate("getComputedStyle(document.body).color") == "rgb(0, 0, 0)"
