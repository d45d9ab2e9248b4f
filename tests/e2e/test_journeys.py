"""Whole journeys through the portal in a real browser, each with JavaScript on and off:
a newcomer signs up, registers, asks a question and fills in the profile, an editor and a
publisher take a paper to the public, and a seat freed by a cancellation goes to the first
member on the waiting list."""

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from dialogues.models import Question, Registration
from dialogues.services import RegistrationDetails, register_member
from members.models import Member
from tests.e2e.conftest import text_of
from tests.factories import DialogueFactory, EditorFactory, PublisherFactory, UserFactory

pytestmark = pytest.mark.browser

JAVASCRIPT = pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
JOIN_URL = "https://zoom.us/j/987654321?pwd=journey-secret"


@pytest.fixture
def dialogue(transactional_db):
    # allauth's rate limits (one confirmation mail per address in 3 minutes) count in the
    # cache, which outlives a test's data.
    cache.clear()
    return DialogueFactory(
        title="Who is making the decisions?",
        slug="who-decides",
        join_url=JOIN_URL,
        capacity=1,
    )


@JAVASCRIPT
def test_newcomer_signs_up_confirms_registers_and_adds_it_to_the_calendar(
    open_page, mailbox, dialogue, javascript, tmp_path
):
    page = open_page("Asia/Karachi", javascript=javascript)
    page.goto(dialogue.get_absolute_url())
    page.get_by_role("link", name="Register").click()
    page.get_by_role("link", name="Sign up").first.click()

    page.get_by_label("Email").fill("amina@example.org")
    page.get_by_label("Password", exact=True).fill("a-long-and-unusual-passphrase")
    page.get_by_label("Password (again)").fill("a-long-and-unusual-passphrase")
    page.get_by_label("First name").fill("Amina")
    page.get_by_label("Time zone").select_option("Africa/Nairobi")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Verify Your Email Address")

    # The mail the SMTP server on loopback received carries the link.
    [mail] = mailbox.to("amina@example.org")
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", text_of(mail)).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()

    page.goto(dialogue.get_absolute_url())
    page.get_by_role("link", name="Register").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Register for this dialogue")
    page.get_by_label("Organisation").fill("Coast Trust")
    page.get_by_role("button", name="Register").click()

    expect(page.get_by_role("status")).to_have_text(
        "You are registered. The join link is below and in the mail we sent you."
    )
    expect(page.locator(".join-link a")).to_have_text(JOIN_URL)
    confirmation = mailbox.to("amina@example.org")[-1]
    assert JOIN_URL in text_of(confirmation)

    # A question for the speakers, from the dialogue page: it waits for the moderators.
    page.get_by_label("Your question").fill("Who funds local leadership after the crisis?")
    page.get_by_role("button", name="Send the question").click()
    expect(page.get_by_role("status")).to_have_text(
        "Thank you. Your question is shown once the organisers have read it."
    )
    question = Question.objects.get(member__user__email="amina@example.org")
    assert (question.text, question.status) == (
        "Who funds local leadership after the crisis?",
        "pending",
    )

    # The profile: organisation (a new one is added), role and how other registrants see her.
    page.goto("/me/")
    page.get_by_role("combobox", name="Organisation (optional)").fill("Coast Trust")
    page.get_by_role("textbox", name="Role (optional)").fill("Programme officer")
    page.get_by_label("My organisation only").check()
    page.get_by_role("button", name="Save your profile").click()
    expect(page.get_by_role("status")).to_have_text("Your profile is saved.")
    member = Member.objects.get(user__email="amina@example.org")
    assert (member.role, member.shown_as, member.organisation.name) == (
        "Programme officer",
        "organisation",
        "Coast Trust",
    )

    page.get_by_role("link", name="Your dialogues").first.click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Add to calendar (.ics, with the join link)").click()
    calendar = tmp_path / "dialogue.ics"
    download.value.save_as(calendar)
    text = calendar.read_text()
    assert "BEGIN:VEVENT" in text
    assert "journey-secret" in text.replace("\r\n ", "")


@JAVASCRIPT
def test_editor_and_publisher_publish_a_paper_a_visitor_finds_and_reads(
    browser, live_server, log_in, transactional_db, javascript
):
    editor, publisher = EditorFactory(), PublisherFactory()

    def staff_page(user):
        context = browser.new_context(base_url=live_server.url, java_script_enabled=javascript)
        context.set_default_timeout(10_000)
        log_in(context, user)
        return context.new_page()

    page = staff_page(editor)
    page.goto("/admin/papers/paper/add/")
    # The original title; "Title [fr]" and the others are for translations.
    page.get_by_label("Title:", exact=True).fill("Funding flows to local actors")
    page.get_by_label("Slug").fill("funding-flows")
    page.get_by_label("Kind").select_option(label="Discussion paper")
    page.get_by_label("Abstract:", exact=True).fill("Where the money goes, and where it does not.")
    page.locator("#id_body").fill("# Findings\n\nPooled funds rarely reach grassroots groups.")
    page.get_by_role("button", name="Save and continue editing").click()
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator(".workflow")).to_contain_text("In review")
    page.context.close()

    page = staff_page(publisher)
    page.goto("/admin/papers/paper/")
    page.get_by_role("link", name="Funding flows to local actors").click()
    page.get_by_role("button", name="Approve").click()
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".workflow")).to_contain_text("Published")
    page.context.close()

    visitor = browser.new_context(base_url=live_server.url, java_script_enabled=javascript)
    page = visitor.new_page()
    page.goto("/papers/")
    page.get_by_role("textbox", name="Search").fill("grassroots")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/papers/\?q=grassroots"))
    expect(page.get_by_role("status")).to_have_text("1 paper")
    page.get_by_role("link", name="Funding flows to local actors").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Funding flows to local actors")
    expect(page.get_by_role("region", name="The paper")).to_contain_text(
        "Pooled funds rarely reach grassroots groups."
    )
    visitor.close()


@JAVASCRIPT
def test_member_cancels_and_the_first_on_the_waiting_list_gets_the_seat(
    browser, live_server, log_in, mailbox, dialogue, javascript
):
    first, second, third = (UserFactory(first_name=n) for n in ["Faisal", "Grace", "Hana"])
    for user in (first, second, third):
        register_member(dialogue, user.member, RegistrationDetails())
    assert Registration.objects.get(member=second.member).is_waitlisted()

    context = browser.new_context(base_url=live_server.url, java_script_enabled=javascript)
    context.set_default_timeout(10_000)
    log_in(context, first)
    page = context.new_page()
    page.goto("/me/dialogues/")
    page.get_by_role("link", name=f"Cancel registration for {dialogue.title}").click()
    page.get_by_role("button", name="Yes, cancel my registration").click()
    expect(page.get_by_role("status")).to_have_text(
        f"Your registration for “{dialogue.title}” is cancelled."
    )
    context.close()

    context = browser.new_context(base_url=live_server.url, java_script_enabled=javascript)
    log_in(context, second)
    page = context.new_page()
    page.goto(dialogue.get_absolute_url())
    expect(page.get_by_role("region", name="Registration")).to_contain_text(
        "Your registration: Confirmed"
    )
    expect(page.locator(".join-link a")).to_have_text(JOIN_URL)
    context.close()
    [promoted] = [m for m in mailbox.to(second.email) if JOIN_URL in text_of(m)]
    assert third.member.registrations.get().waitlist_position() == 1
    assert promoted["Subject"]
