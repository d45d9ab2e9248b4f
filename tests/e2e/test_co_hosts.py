"""Sharing with co-hosts as people do it in the browser: a member ticks one co-host on the
registration form on a phone, keyboard only, that co-host finds them in admin and the other
does not; the member stops sharing from Your dialogues, in Arabic, and the co-host no longer
finds them."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from tests.factories import CoHostFactory, DialogueFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.browser


def page_of(browser, live_server, log_in, user, width: int = 360):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 800}
    )
    context.set_default_timeout(10_000)
    log_in(context, user)
    return context.new_page()


def test_member_shares_with_one_co_host_then_stops(browser, live_server, log_in, transactional_db):
    cache.clear()
    alpha = OrganisationFactory(name="Alpha Platform")
    beta = OrganisationFactory(name="Beta Network")
    DialogueFactory(title="Risk sharing", slug="risk-sharing", co_hosts=[alpha, beta])
    member = UserFactory(first_name="Hana", email="hana@example.org")
    page = page_of(browser, live_server, log_in, member)
    page.goto("/dialogues/risk-sharing/register/")
    alpha_box = page.get_by_role("checkbox", name="Alpha Platform")
    beta_box = page.get_by_role("checkbox", name="Beta Network")
    expect(alpha_box).not_to_be_checked()
    expect(beta_box).not_to_be_checked()
    # Keyboard only: focus the box, tick it with the space bar.
    alpha_box.focus()
    page.keyboard.press("Space")
    expect(alpha_box).to_be_checked()
    # Nothing sticks out of a 360 px screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("main")).to_contain_text("You are registered.")

    alpha_staff = page_of(browser, live_server, log_in, CoHostFactory(organisation=alpha), 1280)
    alpha_staff.goto("/admin/dialogues/registration/")
    expect(alpha_staff.locator("#result_list")).to_contain_text("hana@example.org")
    beta_staff = page_of(browser, live_server, log_in, CoHostFactory(organisation=beta), 1280)
    beta_staff.goto("/admin/dialogues/registration/")
    expect(beta_staff.get_by_role("main")).not_to_contain_text("hana@example.org")

    page.goto("/ar/me/dialogues/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("main")).to_contain_text("Alpha Platform")
    page.get_by_role("button", name="إيقاف مشاركة بياناتي").click()
    expect(page.get_by_role("main")).to_contain_text(
        "لم تعد الجهات المشاركة في استضافة «Risk sharing» ترى بياناتك."
    )
    expect(page.get_by_role("button", name="إيقاف مشاركة بياناتي")).to_have_count(0)
    alpha_staff.reload()
    expect(alpha_staff.get_by_role("main")).not_to_contain_text("hana@example.org")
