"""A dialogue announced with its month only, in a real browser, with JavaScript on and off: a
visitor asks by mail in Arabic and confirms from the mail the SMTP server received, a member
asks in one click and takes it back, and the editor who sets the time in admin mails each of
them once."""

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from dialogues.models import DateAlert, Dialogue
from tests.e2e.conftest import text_of
from tests.factories import DialogueFactory, EditorFactory, UserFactory, utc

pytestmark = pytest.mark.browser

JAVASCRIPT = pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])


@pytest.fixture
def dialogue(transactional_db, settings, live_server):
    cache.clear()  # the ask's rate limit counts in the cache, which outlives a test's data
    settings.SITE_URL = live_server.url
    return DialogueFactory(
        title="Funding",
        title_ar="التمويل",
        slug="funding",
        starts_at=utc(2099, 10, 10, 12),
        date_precision=Dialogue.DatePrecision.MONTH,
    )


@JAVASCRIPT
def test_visitor_member_and_editor_from_details_to_follow_to_the_date(
    open_page, log_in, mailbox, dialogue, javascript
):
    # A visitor, in Arabic: the page says what is known and why there is no registration.
    page = open_page(javascript=javascript)
    page.goto("/ar/dialogues/funding/")
    expect(page.locator(".key-when .facts")).to_contain_text("أكتوبر 2099، التفاصيل لاحقًا")
    expect(page.get_by_role("link", name="إضافة إلى التقويم (.ics)")).to_have_count(0)
    page.get_by_role("link", name="أبلغوني حين يُحدَّد الموعد").click()
    page.get_by_label("عنوان بريدك الإلكتروني").fill("zaynab@example.net")
    page.get_by_role("button", name="أبلغوني").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("تحقَّق من بريدك الوارد")
    [confirmation] = mailbox.to("zaynab@example.net")
    link = re.search(r"https?://\S+/confirm/", text_of(confirmation)).group(0)
    page.goto(link)
    page.get_by_role("button", name="نعم، أبلغوني").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("تم تأكيد عنوانك")

    # A member: one click, undone, and asked again.
    member = UserFactory(email="amina@example.org", first_name="Amina")
    page = open_page(javascript=javascript)
    log_in(page.context, member)
    page.goto("/dialogues/funding/")
    page.get_by_role("button", name="Tell me when the date is set").click()
    expect(page.get_by_role("status")).to_have_text(
        "We will mail you as soon as the date and time are set."
    )
    page.get_by_role("button", name="Do not mail me about it").click()
    expect(page.get_by_role("button", name="Tell me when the date is set")).to_be_visible()
    page.get_by_role("button", name="Tell me when the date is set").click()
    assert DateAlert.objects.filter(confirmed_at__isnull=False).count() == 2

    # The editor sets the exact time; saving again mails nobody again.
    page = open_page(javascript=javascript)
    log_in(page.context, EditorFactory())
    page.goto(f"/admin/dialogues/dialogue/{dialogue.pk}/change/")
    expect(page.locator(".field-waiting_for_date")).to_contain_text("2 people asked to be told.")
    page.get_by_label("Exact time").check()
    page.locator("input[name=starts_at_0]").fill("2099-10-14")
    page.locator("input[name=starts_at_1]").fill("12:00:00")
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist")).to_contain_text(
        "2 people who asked are being told the date."
    )
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist")).not_to_contain_text("being told the date")

    [told] = mailbox.to("amina@example.org")
    assert "/dialogues/funding/register/" in text_of(told)
    assert len(mailbox.to("zaynab@example.net")) == 2  # the confirmation, then the date
    assert "/ar/dialogues/funding/register/" in text_of(mailbox.to("zaynab@example.net")[-1])
