"""Every public and member page (tests/pages.py) passes axe-core's WCAG 2.2 A/AA rules and
can be used with the keyboard alone: the skip link works, focus is always visible, and Tab
walks through the whole page to the footer without being trapped."""

import json

import pytest
from playwright.sync_api import expect

from tests.pages import HTML_PAGES, build_site

pytestmark = pytest.mark.browser

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
LAST_LINK = "Contact us"  # the footer's last link

# What the focused element looks like: its outline (or the focus ring's box-shadow).
FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  return {
    text: (el.innerText || el.value || el.name || el.tagName).trim().slice(0, 60),
    visible: (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
      || style.boxShadow !== "none",
    inViewport: (() => { const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0; })(),
  };
}"""


def _axe_violations(page, axe_source: str) -> list[dict]:
    # Our CSP allows no inline script; the test's context bypasses CSP for the test tool only.
    page.evaluate(axe_source)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
            "summary": v["nodes"][0]["failureSummary"][:300],
        }
        for v in result["violations"]
    ]


def _walk_with_tab(page, limit: int = 150) -> list[dict]:
    """Press Tab until focus leaves the page; each stop's focus state."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS)
        if focus is None:
            break
        stops.append(focus)
    return stops


@pytest.fixture
def site_member(transactional_db):
    return build_site(1)


@pytest.mark.parametrize("page_spec", HTML_PAGES, ids=lambda p: p.path)
def test_page_is_accessible_and_keyboard_usable(
    browser, live_server, log_in, axe_source, site_member, page_spec
):
    for who in page_spec.viewers:
        context = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="en-GB")
        context.set_default_timeout(10_000)
        if who == "member":
            log_in(context, site_member)
        page = context.new_page()
        response = page.goto(page_spec.path)
        assert (response.status, page.url) == (200, live_server.url + page_spec.path)

        violations = _axe_violations(page, axe_source)
        assert violations == [], f"{page_spec.path} ({who}):\n" + json.dumps(violations, indent=1)
        if who != page_spec.viewers[0] or page_spec.framed:
            # The keyboard walk once per page: the viewers differ in the header only. A framed
            # page has no header, skip link or footer: its partner's page has them.
            context.close()
            continue

        # The first Tab reaches the skip link, which moves focus to the main content.
        page.keyboard.press("Tab")
        skip = page.get_by_role("link", name="Skip to main content")
        expect(skip).to_be_focused()
        expect(skip).to_be_in_viewport()
        page.keyboard.press("Enter")
        expect(page.locator("main")).to_be_focused()

        # From the top, Tab visits every control with a visible focus, reaches the footer and
        # leaves the page: no trap.
        page.goto(page_spec.path)
        stops = _walk_with_tab(page)
        hidden = [s["text"] for s in stops if not (s["visible"] and s["inViewport"])]
        assert hidden == [], f"{page_spec.path} ({who}): focus not visible on {hidden}"
        assert stops and stops[-1]["text"] == LAST_LINK, f"{page_spec.path} ({who}): {stops[-3:]}"
        context.close()


@pytest.mark.parametrize("page_spec", HTML_PAGES, ids=lambda p: "/ar" + p.path)
def test_arabic_page_is_accessible_and_right_to_left(
    browser, live_server, log_in, axe_source, site_member, page_spec
):
    """The same walk in Arabic, with the committed Arabic catalogue (locale/ar): axe-core's
    rules on the right-to-left page, whose header starts at the right."""
    path = "/ar" + page_spec.path
    for who in page_spec.viewers:
        context = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="ar")
        context.set_default_timeout(10_000)
        if who == "member":
            log_in(context, site_member)
        page = context.new_page()
        response = page.goto(path)
        assert (response.status, page.url) == (200, live_server.url + path)
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        expect(page.locator("html")).to_have_attribute("lang", "ar")

        violations = _axe_violations(page, axe_source)
        assert violations == [], f"{path} ({who}):\n" + json.dumps(violations, indent=1)

        if not page_spec.framed:
            brand = page.locator(".brand").bounding_box()
            width = page.viewport_size["width"]
            assert brand["x"] + brand["width"] > width / 2, f"{path}: the header starts at left"
        context.close()
