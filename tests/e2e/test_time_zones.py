"""Times are shown in the visitor's zone: rewritten by a few lines of JavaScript to the
browser's zone, in UTC without JavaScript, and in the zone a visitor chose everywhere."""

import re

import pytest
from playwright.sync_api import expect

from dialogues.models import Session
from tests.factories import DialogueFactory, SessionFactory, utc

pytestmark = pytest.mark.browser

KARACHI = "Asia/Karachi"  # UTC+5 all year
LIMA = "America/Lima"  # UTC-5 all year


@pytest.fixture
def dialogue():
    dialogue = DialogueFactory(
        number=4,
        title="Co-ordination and representation",
        slug="coordination-and-representation",
        starts_at=utc(2026, 12, 10, 12, 0),
        duration_minutes=90,
    )
    SessionFactory(
        dialogue=dialogue,
        order=1,
        kind=Session.Kind.OPENING,
        title="Welcome and purpose of the dialogue",
        duration_minutes=10,
    )
    SessionFactory(
        dialogue=dialogue,
        order=2,
        kind=Session.Kind.PANEL,
        title="Perspectives from the country level",
        duration_minutes=35,
    )
    return dialogue


def _when(page):
    return page.locator(".facts dd").first


def _agenda(page):
    return page.get_by_role("region", name="Agenda")


def test_dialogue_times_shown_in_the_browser_zone(open_page, dialogue):
    page = open_page(KARACHI)
    page.goto(dialogue.get_absolute_url())

    # Intl's own date format (it differs between ICU versions), the clock time and zone exact.
    expect(_when(page)).to_have_text(
        re.compile(
            r"^Thu,? (Dec 10|10 Dec),? 2026,? 17:00 \(Asia/Karachi\) – 18:30 \(90 minutes\)$"
        )
    )
    expect(_agenda(page).locator(".agenda-time")).to_have_text(["17:00–17:10", "17:10–17:45"])
    expect(page.locator("[data-zone-note]")).to_have_text("Times are shown in Asia/Karachi.")


def test_dialogue_page_without_javascript_is_complete_in_utc(open_page, dialogue):
    page = open_page(KARACHI, javascript=False)
    page.goto(dialogue.get_absolute_url())

    expect(page.get_by_role("heading", level=1)).to_have_text("Co-ordination and representation")
    expect(_when(page)).to_have_text("Thu 10 Dec 2026, 12:00 (UTC) – 13:30 (90 minutes)")
    expect(page.locator("[data-zone-note]")).to_have_text("Times are shown in UTC.")
    expect(page.get_by_role("navigation", name="Main").get_by_role("link")).to_have_text(
        ["Dialogues", "Papers", "Recordings", "Topics", "About"]
    )
    expect(_agenda(page).get_by_role("heading", level=3)).to_have_text(
        [
            "Welcome and purpose of the dialogue Opening",
            "Perspectives from the country level Panel",
        ]
    )
    expect(_agenda(page).locator(".agenda-time")).to_have_text(["12:00–12:10", "12:10–12:45"])


@pytest.mark.parametrize(
    ("javascript", "preselected"),
    [(True, KARACHI), (False, "UTC")],
    ids=["javascript", "no-javascript"],
)
def test_visitor_chooses_a_time_zone_with_the_keyboard(
    open_page, live_server, dialogue, javascript, preselected
):
    page = open_page(KARACHI, javascript=javascript)
    page.goto(dialogue.get_absolute_url())

    page.get_by_role("link", name="Change time zone").click()
    zone = page.get_by_label("Time zone")
    expect(zone).to_have_value(preselected)
    zone.focus()
    page.keyboard.type("Lima")  # a closed <select> picks the option typed: "Lima (UTC-05:00)"
    expect(zone).to_have_value(LIMA)
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Save")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{live_server.url}{dialogue.get_absolute_url()}")
    expect(page.get_by_role("status")).to_have_text("Times are now shown in America/Lima.")
    expect(_when(page)).to_have_text("Thu 10 Dec 2026, 07:00 (America/Lima) – 08:30 (90 minutes)")
    expect(_agenda(page).locator(".agenda-time")).to_have_text(["07:00–07:10", "07:10–07:45"])
    expect(page.locator("[data-zone-note]")).to_have_text("Times are shown in America/Lima.")


def test_visitor_chooses_a_time_zone_from_the_list(open_page, dialogue):
    page = open_page(KARACHI)
    page.goto(dialogue.get_absolute_url())

    page.get_by_role("link", name="Change time zone").click()
    page.get_by_label("Time zone").select_option(LIMA)
    page.get_by_role("button", name="Save").click()

    expect(_when(page)).to_have_text("Thu 10 Dec 2026, 07:00 (America/Lima) – 08:30 (90 minutes)")
    # The choice is kept: a later visit shows the same zone.
    page.goto("/")
    page.goto(dialogue.get_absolute_url())
    expect(_when(page)).to_have_text("Thu 10 Dec 2026, 07:00 (America/Lima) – 08:30 (90 minutes)")


def test_first_tab_focuses_the_skip_link_which_moves_focus_to_main(open_page, live_server):
    page = open_page()
    page.goto("/")

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    page.keyboard.press("Enter")

    expect(page.locator("main")).to_be_focused()
    expect(page).to_have_url(f"{live_server.url}/#main")
