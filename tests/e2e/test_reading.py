"""Reading the portal in a real browser, on a 360 px phone and a desktop, in English and Arabic:
labels stack above values, nothing scrolls sideways, text written the other way keeps its order,
and the pages a newcomer looks for are there (#14, "Languages and layout", "Newcomer set-up")."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.factories import (
    DialogueFactory,
    DialogueSpeakerFactory,
    OrganisationFactory,
    SessionFactory,
    SpeakerFactory,
    TopicProposalFactory,
    UserFactory,
)

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}

# The x of one character of an element's text, found through the text nodes (a Range's box is
# where the browser drew it, after the bidi algorithm).
CHARACTER_X = """(element, index) => {
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    if (index < node.length) {
      const range = document.createRange();
      range.setStart(node, index);
      range.setEnd(node, index + 1);
      return range.getBoundingClientRect().x;
    }
    index -= node.length;
  }
  return null;
}"""


@pytest.fixture
def demo(transactional_db, settings):
    settings.DEBUG = True  # as on `make run`: the demo loads on a development site only
    call_command("load_demo", stdout=StringIO())
    settings.DEBUG = False


@pytest.fixture
def phone(browser, live_server):
    contexts = []

    def phone(**options):
        context = browser.new_context(
            base_url=live_server.url, viewport=PHONE, is_mobile=True, **options
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield phone
    for context in contexts:
        context.close()


def _scroll_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize("prefix", ["", "/ar"], ids=["en", "ar"])
def test_dialogue_page_stacks_labels_above_values_on_a_phone(phone, demo, prefix):
    page = phone()
    page.goto(f"{prefix}/dialogues/localisation-why-does-it-matter/")

    label = page.locator(".facts dt").nth(3).bounding_box()  # co-hosts, the longest label
    value = page.locator(".facts dd").nth(3).bounding_box()
    # The value starts below its label and has the whole width of the page (less margins).
    assert value["y"] >= label["y"] + label["height"]
    assert value["width"] == 328
    when = page.locator(".facts dd").first
    assert when.bounding_box()["height"] < 3 * 26, "the date wraps over many lines"


@pytest.mark.parametrize("prefix", ["", "/ar"], ids=["en", "ar"])
@pytest.mark.parametrize(
    "path",
    ["/dialogues/localisation-why-does-it-matter/", "/about/figures/", "/speakers/amina-diallo/"],
)
def test_pages_do_not_scroll_sideways_on_a_phone(phone, demo, prefix, path):
    page = phone()
    page.goto(prefix + path)

    assert _scroll_width(page) == 360


def test_english_text_keeps_its_order_on_arabic_pages(open_page, live_server, transactional_db):
    dialogue = DialogueFactory(slug="accountability", title="Accountability")
    session = SessionFactory(dialogue=dialogue, title="Welcome (opening)")
    speaker = SpeakerFactory(name="Amina Diallo", slug="amina-diallo")
    DialogueSpeakerFactory(dialogue=dialogue, speaker=speaker, session=session)
    TopicProposalFactory(title="What has changed since 2020?", status="chosen")
    page = open_page()

    # A member's English question: its question mark stays at its end, not before "What".
    page.goto("/ar/topics/")
    title = page.locator(".topic-list h3")
    expect(title).to_have_text("What has changed since 2020?")
    text = "What has changed since 2020?"
    what, mark = (title.evaluate(CHARACTER_X, i) for i in (0, len(text) - 1))
    assert mark > what

    # An English agenda item in parentheses on the speaker page: its own parentheses stay
    # around "opening", and the whole title is isolated from the Arabic around it.
    page.goto("/ar/speakers/amina-diallo/")
    item = page.locator("article li > bdi").last
    expect(item).to_have_text("(Welcome (opening))")
    assert item.evaluate("el => getComputedStyle(el).unicodeBidi") == "isolate"
    assert item.evaluate("el => getComputedStyle(el).direction") == "ltr"
    positions = [item.evaluate(CHARACTER_X, i) for i in (0, 1, 9, 10, 17, 18)]
    assert positions == sorted(positions)  # "(", "W", "(", "o", ")", ")" left to right

    # The footer: the alliance's English name, then its motto, read right to left.
    alliance, motto = page.locator(".motto bdi").all()
    expect(alliance).to_have_text("Alliance for Empowering Partnership")
    assert alliance.bounding_box()["x"] > motto.bounding_box()["x"]
    assert alliance.evaluate("el => getComputedStyle(el).direction") == "ltr"


def test_home_page_shows_the_next_dialogue_once(open_page, demo):
    page = open_page()
    page.goto("/")

    expect(page.get_by_role("link", name="Dialogue 6: Local Actors Matter")).to_have_count(1)
    expect(page.locator("#next-heading + article .card-title")).to_have_text(
        "Dialogue 6: Local Actors Matter"
    )


def test_footer_leads_to_a_contact_address(open_page, live_server, transactional_db, settings):
    settings.CONTACT_EMAIL = "dialogues@a4ep.example"
    page = open_page(javascript=False)
    page.goto("/ar/")

    page.get_by_role("contentinfo").get_by_role("link", name="اتصل بنا").click()
    expect(page).to_have_url(live_server.url + "/ar/contact/")
    expect(page.get_by_role("heading", level=1)).to_have_text("اتصل بنا")
    link = page.get_by_role("main").get_by_role("link", name="dialogues@a4ep.example")
    expect(link).to_have_attribute("href", "mailto:dialogues@a4ep.example")

    page.goto("/accounts/password/reset/")
    page.get_by_role("main").get_by_role("link", name="Contact us").click()
    expect(page).to_have_url(live_server.url + "/contact/")


def test_calendar_subscription_offers_webcal_and_a_copyable_address(
    open_page, live_server, transactional_db, settings
):
    settings.SITE_URL = "https://dialogues.a4ep.example"
    page = open_page(javascript=False)
    page.goto("/")

    page.get_by_role("link", name="Subscribe to all dialogues (calendar)").click()
    expect(page).to_have_url(live_server.url + "/calendar/")
    subscribe = page.get_by_role("link", name="Subscribe in your calendar app")
    expect(subscribe).to_have_attribute(
        "href", "webcal://dialogues.a4ep.example/dialogues/calendar.ics"
    )
    address = page.get_by_label("Or copy this address into your calendar")
    expect(address).to_have_value("https://dialogues.a4ep.example/dialogues/calendar.ics")
    expect(address).not_to_be_editable()
    # Selected whole with a click and a select-all, ready to copy.
    address.click()
    page.keyboard.press("Control+A")
    assert page.evaluate("getSelection().toString() || document.activeElement.value") == (
        "https://dialogues.a4ep.example/dialogues/calendar.ics"
    )


@pytest.mark.parametrize(
    ("prefix", "login", "signup"),
    [
        ("", "Log in", "Sign up"),
        ("/fr", "Se connecter", "Créer un compte"),
        ("/es", "Iniciar sesión", "Crear cuenta"),
        ("/ar", "تسجيل الدخول", "إنشاء حساب"),
    ],
    ids=["en", "fr", "es", "ar"],
)
def test_account_pages_use_the_headers_words(open_page, transactional_db, prefix, login, signup):
    page = open_page()
    page.goto(f"{prefix}/")
    header = page.get_by_role(
        "navigation", name=page.locator(".account").get_attribute("aria-label")
    )
    expect(header.get_by_role("link", name=login)).to_be_visible()

    header.get_by_role("link", name=login).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(login)
    expect(page.get_by_role("main").get_by_role("button", name=login)).to_be_visible()
    page.get_by_role("main").get_by_role("link", name=signup).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(signup)
    expect(page.get_by_role("main").get_by_role("button", name=signup)).to_be_visible()


def test_choosing_arabic_on_the_profile_applies_at_once(open_page, log_in, transactional_db):
    user = UserFactory(first_name="Mariam", time_zone="Asia/Dhaka")
    page = open_page()
    log_in(page.context, user)
    page.goto("/me/")

    page.get_by_label("Preferred language").select_option("ar")
    page.get_by_role("button", name="Save your profile").click()

    expect(page).to_have_url(re.compile(r"/ar/me/$"))
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator(".message")).to_have_text("حُفظ ملفكم الشخصي.")
    # The next page without a prefix in its address (a language-free link) speaks it too.
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    assert cookies["django_language"] == "ar"


@pytest.mark.parametrize(
    ("prefix", "first_countries"),
    [
        ("", ["Afghanistan", "Åland Islands", "Albania", "Algeria"]),
        ("/fr", ["Afghanistan", "Afrique du Sud", "Albanie", "Algérie"]),
        ("/es", ["Afganistán", "Albania", "Alemania", "Angola"]),
        ("/ar", ["اثيوبيا", "أذربيجان", "أرمينيا", "آروبا"]),
    ],
    ids=["en", "fr", "es", "ar"],
)
def test_sign_up_lists_countries_translated_and_sorted(
    open_page, transactional_db, prefix, first_countries
):
    page = open_page()
    page.goto(f"{prefix}/accounts/signup/")

    options = page.locator("select[name=country] option").all_text_contents()
    assert options[1:5] == first_countries


def test_time_zones_read_as_cities_with_their_offset_by_region(open_page, log_in, transactional_db):
    user = UserFactory(time_zone="Asia/Dhaka")
    page = open_page()
    log_in(page.context, user)
    page.goto("/fr/me/")

    zone = page.get_by_label("Fuseau horaire")
    expect(zone.locator("option:checked")).to_have_text("Dhaka (UTC+06:00)")
    group = zone.locator("option:checked").locator("xpath=..")
    expect(group).to_have_attribute("label", "Asie")
    expect(zone.locator('option[value="America/Argentina/Buenos_Aires"]')).to_have_text(
        "Buenos Aires, Argentina (UTC-03:00)"
    )


def test_profile_lists_countries_in_arabic_order(open_page, log_in, transactional_db):
    user = UserFactory()
    page = open_page()
    log_in(page.context, user)
    page.goto("/ar/me/")

    options = page.get_by_label("البلد").locator("option").all_text_contents()
    assert options[1:5] == ["اثيوبيا", "أذربيجان", "أرمينيا", "آروبا"]


def test_arabic_pages_separate_list_items_with_the_arabic_comma(
    open_page, live_server, transactional_db
):
    dialogue = DialogueFactory(slug="accountability", title="Accountability", title_ar="المساءلة")
    dialogue.co_hosts.add(
        OrganisationFactory(name="KUNO"), OrganisationFactory(name="Charter4Change")
    )
    speaker = SpeakerFactory(name="Amina Diallo", title="Executive Director")
    DialogueSpeakerFactory(dialogue=dialogue, speaker=speaker, role="moderator")
    DialogueSpeakerFactory(dialogue=dialogue, speaker=speaker, role="panellist")
    page = open_page()

    page.goto("/ar/dialogues/accountability/")

    # "Available in" and the speaker's roles: an Arabic comma, not a Latin one before a name.
    expect(page.locator(".content-languages")).to_contain_text("English، ")
    roles = page.locator(".roles").first.inner_text()
    assert "، " in roles and ", " not in roles
    # The speaker's English affiliation keeps its own comma inside its isolate.
    expect(page.locator(".affiliation").first).to_have_text(
        f"Executive Director, {speaker.organisation.name}"
    )
    page.goto("/ar/dialogues/")
    expect(page.locator(".card .meta", has_text="KUNO")).to_contain_text("، ")
