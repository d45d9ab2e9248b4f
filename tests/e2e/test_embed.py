"""The embeddable list on a partner's page, in a real browser: it shows inside the partner's
iframe, in the chosen language, while the portal's other pages still refuse to be framed."""

import pytest
from playwright.sync_api import expect

from tests.conftest import CHROMIUM
from tests.e2e.conftest import CHROMIUM_ARGS
from tests.factories import DialogueFactory, utc

pytestmark = pytest.mark.browser


def _other_origin(url: str) -> str:
    """The live server under its other local name: another origin, as a partner's site is."""
    if "localhost" in url:
        return url.replace("localhost", "127.0.0.1")
    return url.replace("127.0.0.1", "localhost")


@pytest.fixture
def partner_page(browser, live_server, transactional_db):
    DialogueFactory(
        slug="funding",
        number=4,
        title="Funding local leadership",
        title_fr="Financer les acteurs locaux",
        starts_at=utc(2031, 3, 4, 9),
    )
    # The partner's page is made up by the test (no server behind it): Chromium would count it
    # as a public site framing a local one and block that, as it should for real sites.
    own = browser.browser_type.launch(
        executable_path=CHROMIUM,
        args=[*CHROMIUM_ARGS, "--disable-features=LocalNetworkAccessChecks"],
    )
    context = own.new_context(locale="fr-FR")
    page = context.new_page()
    html = (
        "<!DOCTYPE html><title>Partner</title><h1>Partner</h1>"
        f'<iframe id="embed" title="A4EP" src="{live_server.url}/fr/embed/dialogues/"></iframe>'
        f'<iframe id="papers" title="Papers" src="{live_server.url}/papers/"></iframe>'
    )
    partner = _other_origin(live_server.url) + "/partner/"
    page.route(partner, lambda route: route.fulfill(body=html, content_type="text/html"))
    page.partner = partner
    yield page
    own.close()


def test_a_partner_page_shows_the_list_and_nothing_else_of_the_portal(partner_page):
    partner_page.goto(partner_page.partner)

    embed = partner_page.frame_locator("#embed")
    expect(embed.get_by_role("heading", level=1)).to_have_text("Prochains dialogues A4EP")
    link = embed.get_by_role("link", name="Financer les acteurs locaux")
    expect(link).to_be_visible()
    # Any other page of the portal stays out of other sites' frames (X-Frame-Options: DENY).
    papers = partner_page.locator("#papers").element_handle().content_frame()
    assert papers.url == "chrome-error://chromewebdata/"
