"""Organisers in admin, in a real browser: approving a mailing says whom and when it mails
and asks to confirm, a workflow button keeps what was typed, a dialogue's start is typed in
its own zone, and the busiest admin pages fit a 1,280 px screen."""

import pytest
from playwright.sync_api import expect

from a4ep_portal.workflow import State
from dialogues.models import Dialogue, Session
from dialogues.services import draft_invitation
from members.models import Mailing
from members.services import send_transactional
from papers.models import Paper
from tests.factories import (
    DialogueFactory,
    EditorFactory,
    PaperFactory,
    PublisherFactory,
    RegistrationFactory,
    SessionFactory,
    UserFactory,
    utc,
)

pytestmark = pytest.mark.browser

JAVASCRIPT = pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])


@pytest.fixture
def staff_page(page_for):
    """staff_page(user, width=1280, javascript=True): a browser logged in as that user, in
    Nairobi (three hours from the dialogues' UTC, so that a time shown in the wrong zone
    shows)."""

    def staff_page(user, *, width: int = 1280, javascript: bool = True):
        return page_for(user, width=width, javascript=javascript, time_zone="Africa/Nairobi")

    return staff_page


@JAVASCRIPT
def test_publisher_approves_a_mailing_on_a_page_that_says_whom_it_mails_and_when(
    staff_page, transactional_db, javascript
):
    editor, publisher = EditorFactory(), PublisherFactory()
    for n in range(3):
        UserFactory(email=f"reader{n}@example.org")
    dialogue = DialogueFactory(title="Accountability", starts_at=utc(2099, 3, 10, 12))
    invitation = draft_invitation(dialogue, actor=editor)
    Mailing.objects.filter(pk=invitation.pk).update(state=State.IN_REVIEW)
    recipients = 5  # three readers, the editor and the publisher

    page = staff_page(publisher, javascript=javascript)
    page.goto(f"/admin/members/mailing/{invitation.pk}/change/")
    page.get_by_role("button", name="Approve and send…").click()

    expect(page.get_by_text(f"at once to {recipients} recipients")).to_be_visible()
    assert Mailing.objects.get(pk=invitation.pk).deliveries.count() == 0  # nothing sent yet
    page.get_by_role("button", name=f"Approve and send to {recipients} recipients now").click()

    expect(page.locator(".workflow")).to_contain_text("Sent")
    invitation.refresh_from_db()
    assert (invitation.state, invitation.approved_by) == (State.PUBLISHED, publisher)
    assert invitation.deliveries.count() == recipients


def test_no_go_back_on_the_confirmation_page_sends_nothing(staff_page, transactional_db):
    editor, publisher = EditorFactory(), PublisherFactory()
    invitation = draft_invitation(DialogueFactory(starts_at=utc(2099, 3, 10, 12)), actor=editor)
    Mailing.objects.filter(pk=invitation.pk).update(state=State.IN_REVIEW)

    page = staff_page(publisher)
    page.goto(f"/admin/members/mailing/{invitation.pk}/confirm/approve/")
    page.get_by_role("link", name="No, go back").click()

    expect(page.locator(".workflow")).to_contain_text("In review")
    invitation.refresh_from_db()
    assert (invitation.state, invitation.deliveries.count()) == (State.IN_REVIEW, 0)


@JAVASCRIPT
def test_typed_french_title_is_kept_when_the_editor_submits_for_review(
    staff_page, transactional_db, javascript
):
    paper = PaperFactory(title="Who is accountable to whom?")
    page = staff_page(EditorFactory(), javascript=javascript)
    page.goto(f"/admin/papers/paper/{paper.pk}/change/")
    page.get_by_label("Title [fr]:").fill("Qui rend des comptes à qui ?")
    page.get_by_role("button", name="Submit for review").click()

    expect(page.get_by_text("Your changes were saved.")).to_be_visible()
    expect(page.locator(".workflow")).to_contain_text("In review")
    expect(page.get_by_label("Title [fr]:")).to_have_value("Qui rend des comptes à qui ?")
    paper = Paper.objects.get(pk=paper.pk)
    assert (paper.title_fr, paper.state) == ("Qui rend des comptes à qui ?", State.IN_REVIEW)


def test_a_workflow_button_with_an_error_keeps_the_typed_text_and_moves_nothing(
    staff_page, transactional_db
):
    paper = PaperFactory(title="Who is accountable to whom?")
    page = staff_page(EditorFactory())
    page.goto(f"/admin/papers/paper/{paper.pk}/change/")
    page.get_by_label("Title [fr]:").fill("Qui rend des comptes à qui ?")
    page.get_by_label("Slug:").fill("")
    page.get_by_role("button", name="Submit for review").click()

    expect(page.get_by_text("Please correct the error below.")).to_be_visible()
    expect(page.get_by_label("Title [fr]:")).to_have_value("Qui rend des comptes à qui ?")
    paper = Paper.objects.get(pk=paper.pk)
    assert (paper.title_fr, paper.state) == (None, State.DRAFT)


def test_organiser_in_nairobi_typing_13_00_stores_10_00_utc(staff_page, transactional_db):
    dialogue = DialogueFactory(starts_at=utc(2099, 1, 14, 7, 0))
    page = staff_page(EditorFactory(time_zone="Africa/Nairobi"))
    page.goto(f"/admin/dialogues/dialogue/{dialogue.pk}/change/")
    # The dialogue's zone, next to its start; the start shown in it.
    expect(page.get_by_label("Time zone:")).to_have_value("UTC")
    expect(page.locator("#id_starts_at_1")).to_have_value("07:00:00")
    # Django's note on the server's time would be wrong here: the zone is named instead.
    expect(page.locator(".timezonewarning").first).to_be_attached()
    expect(page.locator(".timezonewarning:visible")).to_have_count(0)
    page.get_by_label("Time zone:").select_option("Africa/Nairobi")
    page.locator("#id_starts_at_1").fill("13:00")
    # Before saving: the moment in UTC and where members often are.
    expect(page.locator(".times-elsewhere")).to_have_text(
        "UTC 10:00 · Asia/Dhaka 16:00 · America/Bogota 05:00 · Asia/Beirut 12:00"
    )
    page.get_by_role("button", name="Save and continue editing").click()

    dialogue.refresh_from_db()
    assert (dialogue.starts_at, dialogue.time_zone) == (utc(2099, 1, 14, 10, 0), "Africa/Nairobi")
    expect(page.locator("#id_starts_at_1")).to_have_value("13:00:00")
    expect(page.locator(".times-elsewhere")).to_have_text(
        "UTC 10:00 · Asia/Dhaka 16:00 · America/Bogota 05:00 · Asia/Beirut 12:00"
    )


def _document_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_dialogue_page_with_an_agenda_and_the_registrations_list_fit_1280_px(
    staff_page, transactional_db
):
    dialogue = DialogueFactory(title="Co-ordination and representation")
    for order in range(1, 7):
        SessionFactory(
            dialogue=dialogue,
            order=order,
            kind=Session.Kind.PANEL,
            title=f"Perspectives from the country level, part {order}",
            description="Local and national actors share their experience. " * 3,
        )
    publisher = PublisherFactory()
    for n in range(5):
        user = UserFactory(
            email=f"participant{n}.with.a.long.address@organisation-example.org",
            first_name="Abdirahman",
            last_name="Mohamed-Hassan",
        )
        RegistrationFactory(
            dialogue=dialogue,
            member=user.member,
            organisation_name="Bangladesh Network of Local Humanitarian Organisations",
        )
        send_transactional(
            user.member,
            subject=f"You are registered: {dialogue.title}",
            body="See you there.",
            dialogue=dialogue,
        )
    draft_invitation(dialogue, actor=publisher)
    page = staff_page(publisher)

    page.goto(f"/admin/dialogues/dialogue/{dialogue.pk}/change/")
    expect(page.locator("#id_sessions-5-title_en")).to_have_value(
        "Perspectives from the country level, part 6"
    )
    assert _document_width(page) == 1280

    for prefix in ("", "/ar"):
        page.goto(f"{prefix}/admin/dialogues/registration/")
        assert _document_width(page) == 1280
        results = page.locator("#changelist .results").bounding_box()
        for column in ("status_and_position", "attended", "registered"):
            header = page.locator(f"#result_list thead th.column-{column}").bounding_box()
            assert results["x"] <= header["x"], (prefix, column)
            assert header["x"] + header["width"] <= results["x"] + results["width"], column

    # Every list of these organisers' pages shows all its columns without scrolling sideways.
    for address in ("dialogues/dialogue", "members/mailing", "members/oneoffmessage"):
        for url in (f"/admin/{address}/", f"/ar/admin/{address}/"):
            page.goto(url)
            assert _document_width(page) == 1280, url
            assert _results_overflow(page) == 0, url
    page.goto("/admin/members/delivery/")
    assert _results_overflow(page) == 0
    assert Dialogue.objects.count() == 1


def _results_overflow(page) -> int:
    """How far a list's table sticks out of its box (which would scroll it sideways)."""
    return page.evaluate(
        "(() => { const box = document.querySelector('#changelist .results');"
        " return box.scrollWidth - box.clientWidth; })()"
    )


def test_english_text_in_arabic_admin_fields_reads_from_its_start(staff_page, transactional_db):
    question = "Is there a crisis of solidarity? Have we lost our way and our purpose?"
    dialogue = DialogueFactory(question=question)
    page = staff_page(EditorFactory())

    page.goto(f"/ar/admin/dialogues/dialogue/{dialogue.pk}/change/")

    field = page.locator("input[name=question_en]")
    expect(field).to_have_value(question)
    # The field takes the direction of its text: the English question shows from its first
    # word, not scrolled to its end with the beginning cut off at the left.
    assert field.evaluate("el => el.scrollWidth > el.clientWidth")
    assert field.evaluate("el => el.scrollLeft") == 0
    assert field.evaluate("el => getComputedStyle(el).unicodeBidi") == "plaintext"


@pytest.mark.parametrize("prefix", ["", "/ar"], ids=["en", "ar"])
def test_editor_announces_a_dialogue_by_keyboard_on_a_phone_and_reads_its_history(
    staff_page, transactional_db, prefix
):
    dialogue = DialogueFactory(title="Funding", status=Dialogue.Status.DRAFT)
    editor = EditorFactory(email="edith@example.org")
    page = staff_page(editor, width=360)

    page.goto(f"{prefix}/admin/dialogues/dialogue/{dialogue.pk}/change/")
    announce = page.locator(".dialogue-status button[value=announce]")
    announce.focus()
    page.keyboard.press("Enter")

    expect(page.locator(".messagelist .success")).to_contain_text("Funding")
    assert Dialogue.objects.get(pk=dialogue.pk).status == Dialogue.Status.ANNOUNCED
    assert _document_width(page) == 360
    page.goto(f"{prefix}/admin/dialogues/dialogue/{dialogue.pk}/history/")
    entry = page.locator(".audit-history tbody tr")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text("edith@example.org")
    assert _document_width(page) == 360
    page.goto(f"{prefix}/admin/a4ep_portal/auditentry/")
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    assert _document_width(page) == 360
