"""Switching language in a real browser keeps the page the visitor is on, with JavaScript on
and off (the switcher is a plain form), and works from the keyboard."""

import pytest
from playwright.sync_api import expect

from tests.factories import DialogueFactory

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_switching_language_keeps_the_current_page(
    open_page, live_server, throwaway_catalogues, transactional_db, javascript
):
    DialogueFactory(slug="accountability", title="Accountability", title_fr="Redevabilité")
    page = open_page(javascript=javascript)
    page.goto("/dialogues/accountability/?from=mail")

    page.get_by_role("button", name="Français").click()
    expect(page).to_have_url(live_server.url + "/fr/dialogues/accountability/?from=mail")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Redevabilité")
    expect(page.get_by_role("link", name="Aller au contenu principal")).to_be_attached()

    # From the keyboard: Tab to the Arabic button, press Enter.
    arabic = page.get_by_role("button", name="العربيّة")
    for _ in range(40):
        page.keyboard.press("Tab")
        if arabic.evaluate("el => el === document.activeElement"):
            break
    expect(arabic).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(live_server.url + "/ar/dialogues/accountability/?from=mail")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    # Not translated into Arabic: the English original, said so.
    expect(page.get_by_role("heading", level=1)).to_have_text("Accountability")
    expect(page.locator(".content-languages")).to_contain_text("Not yet in")

    page.get_by_role("button", name="English").click()
    expect(page).to_have_url(live_server.url + "/dialogues/accountability/?from=mail")
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_switcher_fits_a_phone_screen(browser, live_server, transactional_db):
    DialogueFactory(slug="accountability")
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 360, "height": 740}, is_mobile=True
    )
    page = context.new_page()
    page.goto("/ar/dialogues/accountability/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways on a phone: {width}px wide"
    # On a phone the switcher sits in the header's menu, folded until opened.
    expect(page.get_by_role("button", name="English")).to_be_hidden()
    page.get_by_text("القائمة", exact=True).click()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    for name in ["English", "Français", "Español"]:
        box = page.get_by_role("button", name=name).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360, name
        assert box["height"] >= 20, f"{name}: too small a target ({box['height']}px)"
    context.close()
