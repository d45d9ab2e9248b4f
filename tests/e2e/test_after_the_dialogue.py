"""After the dialogue, in a real browser: an editor records attendance from the meeting's Zoom
report, an attendee downloads their certificate in Arabic, anyone checks it; and a dialogue
that needs approval, from the member's registration to the organiser's decision."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from dialogues.certificates import certificate_token
from dialogues.models import Dialogue, Registration
from tests.e2e.conftest import text_of
from tests.factories import DialogueFactory, EditorFactory, RegistrationFactory, UserFactory

pytestmark = pytest.mark.browser

SAMPLES = Path(__file__).resolve().parent.parent / "dialogues" / "samples"
JOIN_URL = "https://zoom.us/j/987654321?pwd=journey-secret"


@pytest.fixture
def held(transactional_db):
    cache.clear()
    dialogue = DialogueFactory(
        title="Who decides?",
        slug="who-decides",
        starts_at=timezone.now().replace(year=2020, month=10, day=21, hour=11),
        status=Dialogue.Status.HELD,
    )
    dialogue.title_ar = "من يقرر؟"
    dialogue.save()
    return dialogue


def test_editor_records_attendance_from_the_report_and_the_attendee_gets_a_certificate(
    browser, live_server, log_in, held
):
    amina = UserFactory(
        email="amina.yusuf@coast-trust.example.org", first_name="Amina", last_name="Yusuf"
    )
    chiara = UserFactory(email="chiara.r@cws.example.org", first_name="Chiara", last_name="Rossi")
    for user in (amina, chiara):
        RegistrationFactory(dialogue=held, member=user.member)

    context = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 800})
    context.set_default_timeout(10_000)
    log_in(context, EditorFactory())
    page = context.new_page()
    page.goto(f"/admin/dialogues/dialogue/{held.pk}/change/")
    page.get_by_role("link", name="Attendance from the participant report").click()
    page.get_by_label("Participant report (CSV)").set_input_files(
        SAMPLES / "zoom_participants_2020.csv"
    )
    page.get_by_label("Minimum minutes").fill("15")
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("heading", name="Matched by e-mail address: 1")).to_be_visible()
    expect(page.get_by_role("heading", name="Likely matches by name, to check: 1")).to_be_visible()
    assert Registration.objects.filter(attended=True).count() == 0
    # The page stays within the phone's width: the wide tables scroll on their own.
    assert page.evaluate("document.documentElement.scrollWidth") == 360
    page.get_by_label("Chiara Rossi").check()
    page.get_by_role("button", name="Record the ticked registrants as attended").click()
    expect(page.locator(".messagelist")).to_have_text("2 registrants marked as attended.")
    context.close()
    assert set(Registration.objects.filter(attended=True).values_list("member", flat=True)) == {
        amina.member.pk,
        chiara.member.pk,
    }

    context = browser.new_context(base_url=live_server.url, accept_downloads=True)
    context.set_default_timeout(10_000)
    log_in(context, amina)
    page = context.new_page()
    page.goto("/ar/me/dialogues/")
    with page.expect_download() as download:
        page.get_by_role("link", name="شهادة المشاركة في من يقرر؟ (PDF)").click()
    assert download.value.suggested_filename == "certificate-who-decides.pdf"
    text = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes())).pages[0].extract_text()
    assert "شهادة مشاركة" in text
    assert "Amina Yusuf" in text

    registration = Registration.objects.get(member=amina.member)
    page.goto(f"/certificates/{certificate_token(registration)}/")
    expect(page.locator("main .notice")).to_have_text(
        "This certificate is genuine. The Alliance for Empowering Partnership (A4EP) issued it."
    )
    expect(page.locator("main")).not_to_contain_text("Amina")
    context.close()


def test_a_member_waits_for_approval_and_is_approved_with_the_join_link(
    browser, live_server, log_in, mailbox, transactional_db
):
    cache.clear()
    dialogue = DialogueFactory(
        title="Closed door",
        slug="closed-door",
        requires_approval=True,
        join_url=JOIN_URL,
        starts_at=timezone.now() + timedelta(days=10),
    )
    member = UserFactory(first_name="Hana")
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(10_000)
    log_in(context, member)
    page = context.new_page()
    page.goto("/dialogues/closed-door/register/")
    expect(page.locator("main .notice")).to_contain_text("The organisers approve each registration")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("region", name="Registration")).to_contain_text(
        "Your registration: Waiting for the organisers' approval. Your dialogues"
    )
    expect(page.locator(".join-link")).to_have_count(0)

    editor = browser.new_context(base_url=live_server.url)
    editor.set_default_timeout(10_000)
    log_in(editor, EditorFactory())
    admin = editor.new_page()
    admin.goto(f"/admin/dialogues/registration/?dialogue__id__exact={dialogue.pk}")
    admin.locator("input[name=_selected_action]").check()
    admin.locator("select[name=action]").select_option("approve")
    admin.get_by_role("button", name="Go").click()
    expect(admin.locator(".messagelist")).to_have_text(
        "1 registration approved: 1 with a seat, 0 on the waiting list."
    )
    editor.close()

    page.reload()
    expect(page.locator(".join-link a")).to_have_text(JOIN_URL)
    context.close()
    subjects = [m["Subject"] for m in mailbox.to(member.email)]
    assert subjects == [
        "Waiting for approval: Closed door",
        "Your registration is approved: Closed door",
    ]
    assert JOIN_URL in text_of(mailbox.to(member.email)[1])
