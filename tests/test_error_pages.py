"""The error pages wear the site's layout in the visitor's language, and 500 and 503 show even
while the database is unreachable (they are rendered without touching it)."""

import html

import pytest
from django.conf.urls.i18n import i18n_patterns
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client
from django.urls import path

from a4ep_portal.urls import handler500  # noqa: F401 (the test URLconf's, as the portal's)
from a4ep_portal.urls import urlpatterns as portal_urlpatterns


def _broken(request):
    raise ZeroDivisionError("a bug")


def _forbidden(request):
    raise PermissionDenied


def _suspicious(request):
    raise SuspiciousOperation("a forged header")


urlpatterns = [
    *portal_urlpatterns,
    *i18n_patterns(
        path("test-errors/broken/", _broken),
        path("test-errors/forbidden/", _forbidden),
        path("test-errors/suspicious/", _suspicious),
        prefix_default_language=False,
    ),
]

# status -> (address, heading in en, fr, es, ar)
PAGES = {
    400: (
        "test-errors/suspicious/",
        [
            "This request could not be understood",
            "Cette demande n'a pas pu être comprise",
            "No se pudo entender esta solicitud",
            "تعذّر فهم هذا الطلب",
        ],
    ),
    403: (
        "test-errors/forbidden/",
        [
            "You may not see this page",
            "Vous ne pouvez pas voir cette page",
            "No puede ver esta página",
            "لا يمكنك الاطلاع على هذه الصفحة",
        ],
    ),
    404: (
        "no-such-page/",
        [
            "Page not found",
            "Page introuvable",
            "Página no encontrada",
            "الصفحة غير موجودة",
        ],
    ),
    500: (
        "test-errors/broken/",
        [
            "Something went wrong on our side",
            "Un problème est survenu de notre côté",
            "Algo ha fallado por nuestra parte",
            "حدث خطأ من جهتنا",
        ],
    ),
}
LANGUAGES = [("en", ""), ("fr", "/fr"), ("es", "/es"), ("ar", "/ar")]


@pytest.fixture
def site(settings):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    return client


def _heading(page: str) -> str:
    return html.unescape(page.split("<h1>", 1)[1].split("</h1>", 1)[0])


@pytest.mark.django_db
@pytest.mark.parametrize("status", sorted(PAGES))
@pytest.mark.parametrize("language", range(len(LANGUAGES)))
def test_error_pages_wear_the_layout_in_the_visitors_language(site, status, language):
    code, prefix = LANGUAGES[language]
    address, headings = PAGES[status]
    response = site.get(f"{prefix}/{address}")
    page = response.content.decode()
    assert response.status_code == status
    assert _heading(page) == headings[language]
    assert f'<html lang="{code}" dir="{"rtl" if code == "ar" else "ltr"}">' in page
    assert 'class="site-header"' in page and 'class="site-footer"' in page
    assert f'href="{prefix}/dialogues/"' in page  # the site's own navigation, in its language
    assert "Server Error" not in page and "Not Found" not in page


def test_500_and_503_show_while_the_database_is_unreachable(site, monkeypatch):
    """No database for this test at all (pytest-django refuses any query), and each attempt
    to connect fails as a stopped PostgreSQL does: a member's session cannot be read, the
    page a bug broke still answers."""

    def refused(self):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed')

    monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", refused)

    broken = site.get("/fr/test-errors/broken/")
    assert broken.status_code == 500
    assert _heading(broken.content.decode()) == "Un problème est survenu de notre côté"

    # A logged-in member's session lives in the database.
    site.cookies["sessionid"] = "a" * 32
    unavailable = site.get("/ar/dialogues/")
    page = unavailable.content.decode()
    assert (unavailable.status_code, unavailable["Retry-After"]) == (503, "60")
    assert _heading(page) == "البوابة غير متاحة لبعض الوقت"
    assert '<html lang="ar" dir="rtl">' in page
    assert 'class="site-header"' in page


@pytest.mark.django_db
def test_a_stale_form_gets_the_csrf_page_in_the_layout(settings):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/fr/accounts/login/", {"login": "a@example.org", "password": "x"})
    assert response.status_code == 403
    assert _heading(response.content.decode()) == "Votre formulaire n'a pas pu être envoyé"
