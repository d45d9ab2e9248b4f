"""The portal in English, French, Spanish and Arabic: prefixed addresses (English unprefixed),
the switcher, the member's preferred language after login and in mail, hreflang, right-to-left
Arabic, and content written in several languages."""

import html
import re
from datetime import UTC, datetime

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from dialogues.models import RegistrationMessage
from dialogues.services.mailings import make_registration_message
from members.services import send_transactional
from papers.models import Paper
from tests.factories import (
    DEMO_PASSWORD,
    DialogueFactory,
    PaperFactory,
    RecordingFactory,
    RegistrationFactory,
    SessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PREFIX = {"en": "", "fr": "/fr", "es": "/es", "ar": "/ar"}
DIRECTION = {"en": "ltr", "fr": "ltr", "es": "ltr", "ar": "rtl"}
SKIP_LINK = {
    "en": "Skip to main content",
    "fr": "Aller au contenu principal",
    "es": "Saltar al contenido principal",
    "ar": "انتقل إلى المحتوى الرئيسي",
}


def _html_tag(page: str) -> str:
    return re.search(r"<html[^>]*>", page).group(0)


@pytest.fixture
def dialogue():
    return DialogueFactory(slug="accountability", title="Accountability")


@pytest.mark.parametrize("language", ["en", "fr", "es", "ar"])
def test_main_pages_speak_the_language_of_their_address(
    client, throwaway_catalogues, dialogue, language
):
    PaperFactory(published=True)
    member = UserFactory()
    messages = {"en": {}, **throwaway_catalogues}[language]
    # Each page and a string it shows, as the language's catalogue has it.
    pages = {
        "/": "Creating alternative knowledge: localisation in practice",
        "/dialogues/": "Skip to main content",
        "/dialogues/accountability/": "Skip to main content",
        "/papers/": "Papers",
        "/accounts/login/": "Log in",
        "/me/": "Your profile",
    }
    for path, text in pages.items():
        if path == "/me/":
            client.force_login(member)
        response = client.get(PREFIX[language] + path)
        page = response.content.decode()
        where = PREFIX[language] + path
        assert response.status_code == 200, where
        assert _html_tag(page) == f'<html lang="{language}" dir="{DIRECTION[language]}">', where
        assert f">{messages.get(text, text)}<" in page, where
        assert SKIP_LINK[language] in page, where
        assert response["Content-Language"] == language, where


def test_english_stays_at_the_unprefixed_addresses_whatever_the_browser_asks(client, dialogue):
    response = client.get("/dialogues/accountability/", HTTP_ACCEPT_LANGUAGE="fr")
    assert (response.status_code, response["Content-Language"]) == (200, "en")
    client.cookies["django_language"] = "ar"
    assert client.get("/dialogues/accountability/")["Content-Language"] == "en"
    assert client.get("/en/dialogues/accountability/").status_code == 404


def test_language_free_addresses_have_no_prefix(client):
    assert client.get("/healthz").status_code == 200
    assert client.get("/fr/healthz").status_code == 404
    assert client.get("/sitemap.xml").status_code == 200
    assert client.get("/fr/sitemap.xml").status_code == 404
    assert client.get("/fr/unsubscribe/x/").status_code == 404
    # Admin in the organiser's language, at its own prefix.
    assert client.get("/fr/admin/")["Location"] == "/fr/admin/login/?next=/fr/admin/"


def _switcher(page: str) -> tuple[str, list[str]]:
    form = re.search(
        r'<form class="languages" action="([^"]+)" method="post".*?</form>', page, re.S
    )
    assert form, "no language switcher"
    assert form.group(1) == "/i18n/setlang/"
    next_url = re.search(r'name="next" value="([^"]*)"', form.group(0)).group(1)
    buttons = re.findall(r'<button type="submit" name="language" value="(\w+)"', form.group(0))
    return next_url, buttons


def test_switching_language_keeps_the_current_page(client, throwaway_catalogues, dialogue):
    page = client.get("/dialogues/accountability/").content.decode()
    next_url, buttons = _switcher(page)
    assert (next_url, buttons) == ("/dialogues/accountability/", ["fr", "es", "ar"])
    assert '<span class="current-language" lang="en" aria-current="true">English</span>' in page
    assert '<button type="submit" name="language" value="ar" lang="ar">العربيّة</button>' in page

    response = client.post("/i18n/setlang/", {"language": "fr", "next": next_url})
    assert (response.status_code, response["Location"]) == (302, "/fr/dialogues/accountability/")
    assert client.cookies["django_language"].value == "fr"

    # From the French page to Spanish, on a list page with its filter and page number kept.
    page = client.get("/fr/dialogues/?status=past&page=1").content.decode()
    next_url, buttons = _switcher(page)
    next_url = html.unescape(next_url)
    assert (next_url, buttons) == ("/dialogues/?status=past&page=1", ["en", "es", "ar"])
    response = client.post("/i18n/setlang/", {"language": "es", "next": next_url})
    assert response["Location"] == "/es/dialogues/?status=past&page=1"
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/dialogues/"})
    assert response["Location"] == "/dialogues/"


def test_switcher_never_sends_anyone_to_another_site(client):
    response = client.post(
        "/i18n/setlang/", {"language": "fr", "next": "https://evil.example/dialogues/"}
    )
    assert response["Location"] == "/fr/"


def test_pages_name_their_other_languages_with_hreflang(client, settings, dialogue):
    settings.SITE_URL = "https://dialogues.example.org"
    page = client.get("/fr/dialogues/accountability/").content.decode()
    links = re.findall(r'<link rel="alternate" hreflang="([\w-]+)" href="([^"]+)">', page)
    assert links == [
        ("en", "https://dialogues.example.org/dialogues/accountability/"),
        ("fr", "https://dialogues.example.org/fr/dialogues/accountability/"),
        ("es", "https://dialogues.example.org/es/dialogues/accountability/"),
        ("ar", "https://dialogues.example.org/ar/dialogues/accountability/"),
        ("x-default", "https://dialogues.example.org/dialogues/accountability/"),
    ]


def test_login_switches_to_the_members_preferred_language(client, dialogue):
    user = UserFactory(email="amina@example.org")
    user.member.preferred_language = "ar"
    user.member.save()
    response = client.post(
        "/fr/accounts/login/?next=/fr/dialogues/accountability/",
        {"login": "amina@example.org", "password": DEMO_PASSWORD},
    )
    assert (response.status_code, response["Location"]) == (302, "/ar/dialogues/accountability/")
    assert client.cookies["django_language"].value == "ar"
    page = client.get(response["Location"]).content.decode()
    assert _html_tag(page) == '<html lang="ar" dir="rtl">'


def test_login_keeps_english_for_a_language_the_pages_do_not_speak(client):
    user = UserFactory(email="joao@example.org")
    user.member.preferred_language = "pt"  # mail may come in Portuguese; pages cannot
    user.member.save()
    response = client.post(
        "/es/accounts/login/", {"login": "joao@example.org", "password": DEMO_PASSWORD}
    )
    assert (response.status_code, response["Location"]) == (302, "/")
    assert client.cookies["django_language"].value == "en"


def test_page_cache_never_serves_one_languages_page_for_another(settings, dialogue):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    cache.clear()
    dialogue.title_fr = "Redevabilité"
    dialogue.save()
    visitor = Client()
    for path, language, title in [
        ("/fr/dialogues/accountability/", "fr", "Redevabilité"),
        ("/dialogues/accountability/", "en", "Accountability"),
        ("/es/dialogues/accountability/", "es", "Accountability"),
        ("/fr/dialogues/accountability/", "fr", "Redevabilité"),
    ]:
        # A browser asking for another language gets the address's language all the same.
        response = visitor.get(path, HTTP_ACCEPT_LANGUAGE="ar")
        page = response.content.decode()
        assert _html_tag(page) == f'<html lang="{language}" dir="ltr">', path
        assert f"<h1>{title}</h1>" in page or f'<h1 lang="en">{title}</h1>' in page, path


def test_dialogue_shows_the_viewers_language_and_falls_back_to_the_original(client, dialogue):
    dialogue.title_fr = "Redevabilité"
    dialogue.question_fr = "Qui rend des comptes à qui ?"
    dialogue.save()
    SessionFactory(dialogue=dialogue, title="Welcome", title_fr="Bienvenue")

    french = client.get("/fr/dialogues/accountability/").content.decode()
    assert "<h1>Redevabilité</h1>" in french
    assert '<p class="lead question">Qui rend des comptes à qui ?</p>' in french
    assert "Bienvenue" in french
    assert '<bdi lang="en">English</bdi>, <bdi lang="fr">Français</bdi>.' in french

    # Spanish: not translated, so the English original, marked as English for screen readers.
    spanish = client.get("/es/dialogues/accountability/").content.decode()

    assert '<h1 lang="en">Accountability</h1>' in spanish
    assert (
        "Todavía no disponible en <bdi>español</bdi>: se muestra en el idioma original, "
        "<bdi>English</bdi>." in spanish
    )
    assert '<span lang="en">Welcome</span>' in spanish

    english = client.get("/dialogues/accountability/").content.decode()
    assert "<h1>Accountability</h1>" in english
    assert "Redevabilité" not in english

    cards = client.get("/fr/dialogues/").content.decode()
    assert "Redevabilité" in cards


def test_papers_and_recordings_show_the_viewers_language_and_search_finds_every_language(client):
    paper = PaperFactory(
        title="Who is accountable?",
        title_fr="Qui rend des comptes ?",
        abstract="Accountability to communities.",
        abstract_ar="المساءلة أمام المجتمعات.",
        published=True,
    )
    recording = RecordingFactory(title="Recording one", title_es="Grabación uno", published=True)

    french = client.get(f"/fr/papers/{paper.slug}/").content.decode()
    assert '<h1 lang="fr">Qui rend des comptes ?</h1>' in french
    assert '<p lang="en">Accountability to communities.</p>' in french  # no French abstract
    arabic = client.get(f"/ar/papers/{paper.slug}/").content.decode()
    # English on a right-to-left page keeps its own direction.
    assert '<h1 lang="en" dir="ltr">Who is accountable?</h1>' in arabic
    assert '<p lang="ar">المساءلة أمام المجتمعات.</p>' in arabic
    assert "Grabación uno" in client.get(f"/es/recordings/{recording.slug}/").content.decode()
    assert "Grabación uno" not in client.get(f"/recordings/{recording.slug}/").content.decode()

    for path, prefix in [
        ("/papers/?q=comptes", ""),
        ("/es/papers/?q=comptes", "/es"),
        ("/fr/papers/?q=accountable", "/fr"),
        ("/papers/?q=المساءلة", ""),
    ]:
        assert f'href="{prefix}/papers/{paper.slug}/"' in client.get(path).content.decode(), path
    assert f"/papers/{paper.slug}/" not in client.get("/fr/papers/?q=zebra").content.decode()


def test_publishing_copies_every_language_into_the_version(client):
    from papers import services
    from tests.factories import EditorFactory, PublisherFactory

    paper = PaperFactory(title="Original", title_fr="Version française", abstract_es="Resumen")
    editor, publisher = EditorFactory(), PublisherFactory()
    services.move(paper, "submit", actor=editor)
    services.move(paper, "approve", actor=publisher)
    # Published by someone browsing in Arabic: every language is copied all the same.
    with translation.override("ar"):
        services.move(paper, "publish", actor=publisher)
    version = Paper.objects.get(pk=paper.pk).live_version
    assert (version.title_en, version.title_fr, version.title_ar, version.abstract_es) == (
        "Original",
        "Version française",
        None,
        "Resumen",
    )
    assert "Version française" in client.get(f"/fr/papers/{paper.slug}/").content.decode()


def test_mail_to_a_french_speaking_member_is_in_french(
    throwaway_catalogues, django_capture_on_commit_callbacks
):
    member = UserFactory(first_name="Awa", email="awa@example.org").member
    member.preferred_language = "fr"
    member.save()
    dialogue = DialogueFactory(
        title="Who decides?",
        title_fr="Qui décide ?",
        starts_at=datetime(2030, 9, 30, 9, 0, tzinfo=UTC),
    )
    with django_capture_on_commit_callbacks(execute=True):
        send_transactional(member, subject="Rappel", body="À bientôt.", dialogue=dialogue)
    body = mail.outbox[-1].body
    assert "Qui décide ?\nQuand : 30 septembre 2030 09:00 (UTC)\n" in body
    assert "Vos préférences de courrier : http://127.0.0.1:8000/fr/me/preferences/" in body

    registration = RegistrationFactory(dialogue=dialogue, member=member)
    owed = RegistrationMessage.objects.create(registration=registration, kind="confirmed")
    with django_capture_on_commit_callbacks(execute=True):
        make_registration_message(owed.pk)
    message = mail.outbox[-1]
    assert message.subject == "Vous êtes inscrit·e : Qui décide ?"
    assert message.body.startswith("Bonjour Awa,\n")
    assert "/fr/me/dialogues/" in message.body


def test_unsubscribe_page_speaks_the_members_language(client, throwaway_catalogues):
    from members.models import MailKind
    from members.unsubscribe import make_token

    member = UserFactory().member
    member.preferred_language = "ar"
    member.save()
    page = client.get(f"/unsubscribe/{make_token(member.pk, MailKind.NEWS)}/")
    assert page["Content-Language"] == "ar"
    assert _html_tag(page.content.decode()) == '<html lang="ar" dir="rtl">'


def test_sitemap_lists_every_page_in_every_language(client, dialogue):
    xml = client.get("/sitemap.xml").content.decode()
    locations = [re.sub(r"^https?://[^/]+", "", url) for url in re.findall(r"<loc>([^<]+)", xml)]
    for prefix in ["", "/fr", "/es", "/ar"]:
        assert f"{prefix}/dialogues/accountability/" in locations
    alternates = re.findall(r'hreflang="([\w-]+)" href="https?://[^/]+([^"]+)"', xml)
    assert ("ar", "/ar/dialogues/accountability/") in alternates
    assert ("x-default", "/dialogues/accountability/") in alternates


def test_signing_up_in_french_makes_french_the_preferred_language(client):
    from members.models import User
    from tests.members.test_accounts import SIGNUP

    response = client.post("/fr/accounts/signup/", SIGNUP)
    assert (response.status_code, response["Location"]) == (302, "/fr/accounts/confirm-email/")
    user = User.objects.get(email=SIGNUP["email"])
    assert user.member.preferred_language == "fr"
    # The confirmation link leads back to the French pages.
    assert "/fr/accounts/confirm-email/" in mail.outbox[-1].body


@pytest.mark.parametrize("language", ["fr", "es", "ar"])
def test_pages_use_the_committed_catalogues(client, dialogue, language):
    """The real catalogues in locale/ (checked complete by tests/test_catalogues.py) are the
    ones the pages speak."""
    for path, text in [("/", "Skip to main content"), ("/papers/", "Papers")]:
        with translation.override(language):
            expected = translation.gettext(text)
        assert expected != text, f"locale/{language} does not translate “{text}”"
        page = client.get(f"/{language}{path}").content.decode()
        assert html.escape(expected) in page, (language, path, expected)


def test_english_original_on_an_arabic_page_runs_left_to_right(client, dialogue):
    SessionFactory(dialogue=dialogue, title="Welcome")
    arabic = client.get("/ar/dialogues/accountability/").content.decode()
    assert '<h1 lang="en" dir="ltr">Accountability</h1>' in arabic
    assert '<span lang="en" dir="ltr">Welcome</span>' in arabic
    assert '<div lang="en" dir="ltr"><p>A 90-minute online dialogue.</p>' in arabic
    # An Arabic paper on an English page runs right to left.
    paper = PaperFactory(title="المساءلة أمام المجتمعات", language="ar", published=True)
    english = client.get(f"/papers/{paper.slug}/").content.decode()
    assert '<h1 lang="ar" dir="rtl">المساءلة أمام المجتمعات</h1>' in english


def test_series_in_english_on_arabic_home_and_about_pages_runs_left_to_right(client, dialogue):
    series = dialogue.series
    series.description = "Creating alternative knowledge."
    series.save()
    for path in ("/ar/", "/ar/about/"):
        arabic = client.get(path).content.decode()
        assert ' lang="en" dir="ltr">Localisation Dialogue Series</h2>' in arabic
        assert '<div lang="en" dir="ltr"><p>Creating alternative knowledge.</p>' in arabic
    series.title_ar = "سلسلة حوارات التوطين"
    series.save()
    arabic = client.get("/ar/").content.decode()
    assert f'<h2 id="series-{series.pk}">سلسلة حوارات التوطين</h2>' in arabic


def test_admin_finds_a_dialogue_by_its_title_in_any_language(client, dialogue):
    from tests.factories import EditorFactory

    dialogue.title_fr = "Redevabilité"
    dialogue.save()
    client.force_login(EditorFactory())
    for query in ["Redevabilité", "Accountability"]:
        page = client.get("/admin/dialogues/dialogue/", {"q": query}).content.decode()
        assert f"/admin/dialogues/dialogue/{dialogue.pk}/change/" in page, query
    page = client.get("/admin/dialogues/dialogue/", {"q": "zebra"}).content.decode()
    assert f"/admin/dialogues/dialogue/{dialogue.pk}/change/" not in page
