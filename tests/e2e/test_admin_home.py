"""The admin home in a real browser: axe-core's WCAG rules in English and Arabic, light and
dark, every line reachable with the keyboard with a visible focus, and nothing wider than a
360 px phone."""

import json

import pytest
from playwright.sync_api import expect

from a4ep_portal.workflow import State
from members.models import Mailing, MailKind
from tests.e2e.test_accessibility import FOCUS, _axe_violations
from tests.factories import EditorFactory, PublisherFactory
from tests.test_admin_home import fill_the_home

pytestmark = pytest.mark.browser

WIDER_THAN_THE_SCREEN = """() => [...document.querySelectorAll('#content *')]
  .filter(el => { const r = el.getBoundingClientRect();
                  return r.width > 0 && (r.left < -1 || r.right > innerWidth + 1); })
  .map(el => el.tagName + '.' + el.className + ': ' + (el.innerText || '').slice(0, 40))
  .slice(0, 5)"""


@pytest.fixture
def publisher(transactional_db):
    fill_the_home(1, EditorFactory())
    return PublisherFactory()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("prefix", ["", "/ar"], ids=["en", "ar"])
def test_admin_home_is_accessible_and_keyboard_usable(
    browser, live_server, log_in, axe_source, publisher, prefix, scheme
):
    context = browser.new_context(
        base_url=live_server.url, bypass_csp=True, locale="en-GB", color_scheme=scheme
    )
    context.set_default_timeout(10_000)
    log_in(context, publisher)
    page = context.new_page()
    assert page.goto(f"{prefix}/admin/").status == 200
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if prefix else "ltr")

    violations = _axe_violations(page, axe_source)
    assert violations == [], f"{prefix}/admin/ ({scheme}):\n" + json.dumps(violations, indent=1)

    # Tab from the top reaches every line's link, each with a visible focus.
    lines = page.locator(".needs-me a").all_inner_texts()
    reached = []
    for _ in range(len(lines) + 20):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS)
        if focus is None:
            break
        assert focus["visible"] and focus["inViewport"], focus
        reached.append(focus["text"])
    assert [text for text in lines if text.strip()[:60] not in reached] == []  # FOCUS cuts at 60
    context.close()


@pytest.mark.parametrize("prefix", ["", "/ar"], ids=["en", "ar"])
def test_admin_home_fits_a_phone(browser, live_server, log_in, publisher, prefix):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 360, "height": 740}, locale="en-GB"
    )
    log_in(context, publisher)
    page = context.new_page()
    page.goto(f"{prefix}/admin/")

    expect(page.locator("#home-upcoming .line-link").first).to_be_visible()
    assert page.evaluate(WIDER_THAN_THE_SCREEN) == []
    context.close()


def test_the_confirmation_page_buttons_are_full_size_and_going_back_looks_apart(
    browser, live_server, log_in, transactional_db
):
    """Seen in the walk: the confirmation's buttons were squeezed to the height of their text,
    and "No, go back" looked just like the button that mails everyone."""
    editor, publisher = EditorFactory(), PublisherFactory()
    mailing = Mailing.objects.create(
        kind=MailKind.NEWS,
        subject="News",
        body="Hello.",
        audience=Mailing.Audience.ALL_MEMBERS,
        state=State.IN_REVIEW,
        submitted_by=editor,
    )
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    log_in(context, publisher)
    page = context.new_page()
    page.goto(f"/admin/members/mailing/{mailing.pk}/confirm/approve/")

    send = page.get_by_role("button", name="Approve and send")
    back = page.get_by_role("link", name="No, go back")
    assert send.bounding_box()["height"] >= 36 and back.bounding_box()["height"] >= 36
    colour = "el => getComputedStyle(el).backgroundColor"
    assert send.evaluate(colour) != back.evaluate(colour)
    context.close()
