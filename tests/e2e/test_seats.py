"""Seats as a person sees them in the browser: a full dialogue says so before anyone submits,
a registrant keeps their calendar file and their cancel button on the dialogue page, and a
past dialogue says what is not there yet instead of showing zeros or a calendar link."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from dialogues.demo import load_demo
from dialogues.figures import forget_figures
from dialogues.models import Dialogue, Registration
from dialogues.services import RegistrationDetails, register_member
from tests.factories import DialogueFactory, DialogueSpeakerFactory, UserFactory

pytestmark = pytest.mark.browser

JOIN_URL = "https://zoom.us/j/555?pwd=seat-secret"


@pytest.fixture
def dialogue(transactional_db):
    cache.clear()
    return DialogueFactory(title="Risk sharing", slug="risk-sharing", join_url=JOIN_URL, capacity=2)


def member_page(browser, live_server, log_in, user):
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(10_000)
    log_in(context, user)
    return context.new_page()


def test_seats_left_then_full_with_the_waiting_list_named_before_submitting(
    browser, live_server, log_in, open_page, dialogue
):
    register_member(dialogue, UserFactory().member, RegistrationDetails())
    page = open_page()
    page.goto(dialogue.get_absolute_url())
    registration = page.get_by_role("region", name="Registration")
    expect(registration).to_contain_text(
        "1 seat left of 2; when all are taken you can join the waiting list."
    )
    expect(registration.get_by_role("link", name="Register", exact=True)).to_be_visible()

    register_member(dialogue, UserFactory().member, RegistrationDetails())
    register_member(dialogue, UserFactory().member, RegistrationDetails())
    page = member_page(browser, live_server, log_in, UserFactory(first_name="Hana"))
    page.goto(dialogue.get_absolute_url())
    registration = page.get_by_role("region", name="Registration")
    expect(registration).to_contain_text(
        "Full: all 2 seats are taken. Join the waiting list: seats that free up go to it in "
        "order, and we mail you the join link."
    )
    expect(registration).not_to_contain_text("left of")
    registration.get_by_role("link", name="Full: join the waiting list (1 waiting)").click()
    expect(page.get_by_role("main")).to_contain_text("Full: all 2 seats are taken.")
    page.get_by_role("button", name="Full: join the waiting list (1 waiting)").click()
    expect(page.get_by_role("status")).to_have_text(
        "All seats are taken: you are number 2 on the waiting list. "
        "We will mail you if a seat frees up."
    )


def test_a_registrant_gets_their_calendar_and_cancels_on_the_dialogue_page(
    browser, live_server, log_in, dialogue, tmp_path
):
    amina = UserFactory(first_name="Amina")
    register_member(dialogue, amina.member, RegistrationDetails())
    register_member(dialogue, UserFactory().member, RegistrationDetails())
    waiting = register_member(dialogue, UserFactory().member, RegistrationDetails())
    page = member_page(browser, live_server, log_in, amina)
    page.goto(dialogue.get_absolute_url())
    registration = page.get_by_role("region", name="Registration")
    expect(registration.locator("p").first).to_have_text(
        "Your registration: Confirmed. Your dialogues"
    )
    # Their own file, with the join link; not the public one without it.
    expect(registration.get_by_role("link", name="Add to calendar (.ics)")).to_have_count(0)
    with page.expect_download() as download:
        registration.get_by_role("link", name="Add to calendar (.ics, with the join link)").click()
    calendar = tmp_path / "mine.ics"
    download.value.save_as(calendar)
    assert "seat-secret" in calendar.read_text().replace("\r\n ", "")

    registration.get_by_role("button", name="Cancel my registration").click()
    expect(page.get_by_role("status")).to_have_text(
        "Your registration for “Risk sharing” is cancelled."
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Risk sharing")
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED


def test_a_past_dialogue_says_what_is_not_there_yet(open_page, transactional_db):
    cache.clear()
    forget_figures()
    dialogue = DialogueFactory(
        title="Solidarity",
        slug="solidarity",
        starts_at=timezone.now() - timedelta(days=30),
        status=Dialogue.Status.HELD,
    )
    DialogueSpeakerFactory(dialogue=dialogue)
    page = open_page()
    page.goto(dialogue.get_absolute_url())
    main = page.get_by_role("main")
    expect(main.get_by_role("link", name="Add to calendar (.ics)")).to_have_count(0)
    figures = page.get_by_role("region", name="Who got to speak")
    expect(figures.locator("p").first).to_have_text(
        "1 speaker counted; from the Global South: 100%. Attendance figures are not available yet."
    )
    expect(figures).not_to_contain_text("attendees")
    expect(page.get_by_role("region", name="Papers and recordings")).to_have_text(
        "Papers and recordings No paper or recording of this dialogue has been published yet. "
        "Members who registered are mailed when they are."
    )


def test_a_demo_paper_of_2020_reads_its_own_date(open_page, transactional_db):
    cache.clear()
    load_demo()
    page = open_page()
    page.goto("/papers/solidarity-and-diversity-discussion-paper/")
    published = page.locator("dl.facts dt", has_text="Published").locator("+ dd")
    expect(published).to_have_text("Thu 17 Sep 2020 (version 1)")
    page.goto("/papers/")
    expect(page.get_by_role("main")).to_contain_text("Thu 15 Oct 2020")
