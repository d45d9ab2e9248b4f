"""The page's header, head links and footer are kept per process for each language, address,
account and zone (a4ep_portal/chrome.py): whoever asks next, on whatever page, must see their
own, exactly as if it were rendered for them."""

import re

import pytest
from django.test import Client

from a4ep_portal import chrome
from members.timezones import TZ_COOKIE
from tests.clients import logged_in
from tests.factories import EditorFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_memo():
    chrome.render.cache_clear()


def header(response) -> str:
    page = response.content.decode()
    return page[page.index('<header class="site-header">') : page.index("</header>")]


def footer(response) -> str:
    page = response.content.decode()
    return page[page.index('<footer class="site-footer">') : page.index("</footer>")]


def test_each_person_sees_their_own_account_in_the_header_whoever_came_first():
    amina = UserFactory(first_name="Amina", email="amina@example.org")
    editor = EditorFactory(first_name="Bashir")

    as_amina = header(logged_in(amina).get("/papers/"))
    as_editor = header(logged_in(editor).get("/papers/"))
    as_visitor = header(Client().get("/papers/"))

    assert "Amina" in as_amina and "Bashir" not in as_amina and ">Admin<" not in as_amina
    assert "Bashir" in as_editor and ">Admin<" in as_editor and "Amina" not in as_editor
    assert "Log in" in as_visitor and "Amina" not in as_visitor and "Log out" not in as_visitor
    assert "Log out" in as_amina and "Log in" not in as_amina


def test_a_renamed_member_sees_the_new_name_on_the_next_page():
    amina = UserFactory(first_name="Amina")
    browser = logged_in(amina)
    assert "Amina" in header(browser.get("/"))

    amina.first_name = "Aminata"
    amina.save(update_fields=["first_name"])

    assert "Aminata" in header(browser.get("/"))


def test_a_member_made_staff_gets_the_admin_link_at_once():
    amina = UserFactory(first_name="Amina")
    browser = logged_in(amina)
    assert ">Admin<" not in header(browser.get("/"))

    amina.is_staff = True
    amina.save(update_fields=["is_staff"])

    assert ">Admin<" in header(browser.get("/"))


def test_the_current_section_and_the_way_back_after_login_follow_the_address():
    visitor = Client()

    papers = header(visitor.get("/papers/?year=2020"))
    dialogues = header(visitor.get("/dialogues/"))

    assert re.search(r'href="/papers/" aria-current="page">Papers<', papers)
    assert 'aria-current="page">Dialogues<' not in papers
    assert re.search(r'href="/dialogues/" aria-current="page">Dialogues<', dialogues)
    assert 'href="/accounts/login/?next=/papers/%3Fyear%3D2020"' in papers
    assert 'href="/accounts/login/?next=/dialogues/"' in dialogues
    # On the login page itself, "Log in" and "Sign up" pass on where the visitor was going.
    login = header(visitor.get("/accounts/login/?next=/papers/"))
    assert 'href="/accounts/signup/?next=/papers/"' in login


def test_each_language_gets_its_own_header_with_its_own_addresses():
    visitor = Client()

    english = header(visitor.get("/dialogues/"))
    arabic = header(visitor.get("/ar/dialogues/"))

    assert 'href="/ar/dialogues/" aria-current="page"' in arabic
    assert 'lang="ar" aria-current="true"' in arabic
    assert 'lang="en" aria-current="true"' in english
    assert english != arabic


def test_the_footer_names_the_viewers_own_zone():
    dhaka, lima = Client(), Client()
    dhaka.cookies[TZ_COOKIE] = "Asia/Dhaka"
    lima.cookies[TZ_COOKIE] = "America/Lima"

    assert "Times are shown in Asia/Dhaka." in footer(dhaka.get("/"))
    assert "Times are shown in America/Lima." in footer(lima.get("/"))
    assert "Times are shown in UTC." in footer(Client().get("/"))


def test_a_changed_setting_is_not_hidden_by_the_kept_chrome(settings):
    visitor = Client()
    visitor.get("/dialogues/")

    settings.SITE_URL = "https://dialogues.example.org"
    page = visitor.get("/dialogues/").content.decode()

    assert (
        '<link rel="alternate" hreflang="fr" href="https://dialogues.example.org/fr/dialogues/">'
        in page
    )
    assert '<meta property="og:url" content="https://dialogues.example.org/dialogues/">' in page


def test_the_chrome_is_rendered_once_per_variant():
    visitor = Client()
    for _ in range(3):
        visitor.get("/dialogues/")
    info = chrome.render.cache_info()
    assert (info.misses, info.hits) == (3, 6)  # head, header, footer; then kept twice each
