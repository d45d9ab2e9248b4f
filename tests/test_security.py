"""Security headers on every response, the cookies' flags, and hostile input to every form
and URL parameter: never a server error, never a change to stored data, never unescaped."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.http import HttpResponse
from django.test import Client
from django.urls import path

from a4ep_portal import urls as portal_urls
from dialogues.models import Dialogue, Question, Registration
from members.models import Member, User
from papers.models import Paper
from tests.factories import EditorFactory
from tests.pages import MEMBER_EMAIL, PAGES, build_site

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db


def _boom(request):
    raise RuntimeError("an unexpected error")


def _plain(request):
    return HttpResponse("plain")


# This module doubles as a URLconf: the portal's URLs plus a view that fails, for the 500 page.
urlpatterns = [path("test-boom/", _boom), *portal_urls.urlpatterns]


def assert_security_headers(response, where: str, *, framed: bool = False) -> None:
    """`framed`: the page made for partners' iframes, which any site may frame."""
    csp = response.get("Content-Security-Policy", "")
    directives = dict(
        (part.split(" ", 1) + [""])[:2] for part in (d.strip() for d in csp.split(";")) if part
    )
    assert directives.get("script-src") == "'self'", where
    assert directives.get("default-src") == "'self'", where
    assert directives.get("frame-ancestors") == ("*" if framed else "'none'"), where
    assert directives.get("object-src") == "'none'", where
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, where
    assert response.get("X-Frame-Options") == (None if framed else "DENY"), where
    assert response.get("X-Content-Type-Options") == "nosniff", where
    assert response.get("Referrer-Policy") == "same-origin", where


@pytest.fixture
def site():
    return build_site(1)


def test_every_page_sends_the_security_headers(site):
    clients = {"visitor": Client(), "member": Client()}
    clients["member"].force_login(site)
    for page in PAGES:
        for who in page.viewers:
            response = clients[who].get(page.path)
            assert response.status_code == 200
            assert_security_headers(response, f"{page.path} ({who})", framed=page.framed)
    # A member page asked by a visitor: the redirect to log in.
    assert_security_headers(clients["visitor"].get("/me/dialogues/"), "redirect")


def test_errors_and_admin_send_the_security_headers(site, settings):
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    assert_security_headers(client.get("/no-such-page/"), "404")
    assert_security_headers(client.get("/test-boom/"), "500")
    assert client.get("/test-boom/").status_code == 500
    # A POST without its CSRF token is refused.
    strict = Client(enforce_csrf_checks=True)
    refused = strict.post("/time-zone/", {"time_zone": "UTC"})
    assert refused.status_code == 403
    assert_security_headers(refused, "403")
    assert_security_headers(client.get("/admin/"), "admin redirect")
    client.force_login(EditorFactory())
    assert_security_headers(client.get("/admin/"), "admin")
    assert_security_headers(client.get("/admin/dialogues/dialogue/"), "admin list")


def test_static_files_send_the_security_headers(settings, tmp_path):
    """Served by whitenoise from the collected, compressed files, as in production."""
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    from django.templatetags.static import static

    client = Client()  # a new client loads the middleware, and whitenoise, afresh
    for name in ["css/portal.css", "js/portal.js", "img/icon.svg"]:
        response = client.get(static(name), HTTP_ACCEPT_ENCODING="br, gzip")
        assert response.status_code == 200, name
        assert response["Content-Encoding"] in ("br", "gzip"), name
        assert_security_headers(response, name)


def test_cookies_are_http_only_and_same_site(site):
    client = Client()
    client.get("/accounts/login/")
    response = client.post(
        "/accounts/login/", {"login": MEMBER_EMAIL, "password": "correct-horse-battery-staple"}
    )
    assert response.status_code == 302
    client.post("/time-zone/", {"time_zone": "Asia/Karachi", "next": "/"})
    for name in ["sessionid", "csrftoken", "a4ep_tz", "messages"]:
        cookie = client.cookies[name]
        assert cookie["httponly"] is True, name
        assert cookie["samesite"] == "Lax", name


def test_production_cookies_are_secure():
    """DJANGO_DEBUG=false in a process of its own: the session, CSRF, message and time zone
    cookies carry Secure."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(DJANGO_DEBUG="false", SECRET_KEY="k" * 60, ALLOWED_HOSTS="testserver")
    code = "\n".join(
        [
            "from django.conf import settings",
            "from django.test import Client, override_settings",
            "plain = {'BACKEND': 'django.contrib.staticfiles.storage.StaticFilesStorage'}",
            "override_settings(STORAGES={**settings.STORAGES, 'staticfiles': plain}).enable()",
            "c = Client()",
            "c.get('/time-zone/', secure=True)",
            "c.post('/time-zone/', {'time_zone': 'UTC', 'next': '/'}, secure=True)",
            "print('SESSION', settings.SESSION_COOKIE_SECURE, settings.SESSION_COOKIE_HTTPONLY)",
            "for name in ['csrftoken', 'a4ep_tz', 'messages']:",
            "    m = c.cookies[name]",
            "    print(name, m['secure'], m['httponly'], m['samesite'])",
        ]
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.splitlines()[-4:] == [
        "SESSION True True",
        "csrftoken True True Lax",
        "a4ep_tz True True Lax",
        "messages True True Lax",
    ]


# --- Hostile input ---------------------------------------------------------------------

SCRIPT = "<script>window.__pwned=1</script>"
HOSTILE = [
    "x" * 5000,
    "\x00\x01\x02\x1b[31m",
    "a\x00b",
    SCRIPT,
    '"><img src=x onerror="window.__pwned=1">',
    "' OR 1=1 --",
    "{{ 7|add:7 }}{% debug %}",
    "../../../etc/passwd",
    "%00%ff%",
    "\u202egnp.exe",
    "-1",
    "99999999999999999999999",
    "1e309",
    "[]",
    " ",
]


def _stored() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "members": Member.objects.count(),
        "emails": EmailAddress.objects.count(),
        "registrations": Registration.objects.count(),
        "confirmed": Registration.objects.filter(status=Registration.Status.CONFIRMED).count(),
        "dialogues": Dialogue.objects.count(),
        "papers": Paper.objects.count(),
    }


def assert_safe(response, where: str) -> None:
    assert response.status_code < 500, where
    body = response.content.decode(errors="replace")
    assert SCRIPT not in body, where
    assert "<img src=x" not in body, where


# (method, path, fields, who): every GET parameter and every form of the portal. A payload is
# put in each field in turn and in all of them at once.
FORMS = [
    ("get", "/dialogues/", ["year", "status", "page"], "visitor"),
    ("get", "/speakers/", ["page"], "visitor"),
    ("get", "/papers/", ["q", "dialogue", "kind", "language", "year", "page"], "visitor"),
    ("get", "/recordings/", ["q", "dialogue", "language", "year", "page"], "visitor"),
    ("get", "/time-zone/", ["next"], "visitor"),
    ("get", "/accounts/login/", ["next"], "visitor"),
    ("post", "/time-zone/", ["time_zone", "next"], "visitor"),
    ("post", "/time-zone/", ["time_zone", "next"], "member"),
    (
        "post",
        "/accounts/signup/",
        ["email", "password1", "password2", "first_name", "last_name", "country", "time_zone"],
        "visitor",
    ),
    ("post", "/accounts/login/", ["login", "password"], "visitor"),
    ("post", "/accounts/password/reset/", ["email"], "visitor"),
    (
        "post",
        "/dialogues/open-dialogue/register/",
        ["organisation_name", "role", "language", "needs", "consents_to_recording", "question"],
        "member",
    ),
    ("post", "/accounts/email/", ["email", "action_add"], "member"),
]


@pytest.mark.parametrize(("method", "url", "fields", "who"), FORMS, ids=lambda v: str(v))
def test_hostile_input_changes_nothing_and_is_escaped(site, method, url, fields, who):
    client = Client(raise_request_exception=False)
    if who == "member":
        client.force_login(site)
    before = _stored()
    cases = [{}]  # every field missing
    for payload in HOSTILE:
        cases += [{field: payload} for field in fields]
        cases.append(dict.fromkeys(fields, payload))
        cases.append({field: [payload, "1"] for field in fields})  # a list where one is due
    for data in cases:
        response = getattr(client, method)(url, data)
        assert_safe(response, f"{method} {url} {data!r:.80}")
    assert _stored() == before


@pytest.mark.parametrize(
    "url",
    [
        "/dialogues/no-such-dialogue/",
        "/dialogues/draft-dialogue/",
        "/dialogues/no-such-dialogue/register/",
        "/dialogues/no-such-dialogue/calendar.ics",
        "/speakers/no-such-speaker/",
        "/papers/no-such-paper/",
        "/papers/paper-000/versions/0/",
        "/papers/paper-000/versions/99999999999999999999999/",
        "/papers/paper-000/versions/99999999999999999999999/pdf/",
        "/recordings/no-such-recording/",
        "/recordings/recording-000/captions/xx.vtt",
        "/me/dialogues/no-such-dialogue/cancel/",
        "/me/dialogues/open-dialogue/cancel/",
        "/me/dialogues/no-such-dialogue/calendar.ics",
        "/dialogues/%3Cscript%3E/",
        "/dialogues/" + "x" * 3000 + "/",
    ],
)
def test_unknown_ids_are_not_found(site, url):
    client = Client(raise_request_exception=False)
    client.force_login(site)
    before = _stored()
    for response in [client.get(url), client.post(url)]:
        assert response.status_code in (404, 405), url
        assert_safe(response, url)
    assert _stored() == before


def test_cancelling_someone_elses_registration_is_not_found(site):
    other = Registration.objects.filter(member__user=site).first()
    stranger = Client()
    stranger.force_login(EditorFactory())
    before = _stored()
    response = stranger.post(f"/me/dialogues/{other.dialogue.slug}/cancel/")
    assert response.status_code == 404
    assert _stored() == before


def test_hostile_text_a_member_may_store_is_escaped_where_it_is_shown(site):
    """Valid text with markup is kept as typed and shown as text."""
    client = Client()
    client.force_login(site)
    response = client.post(
        "/dialogues/open-dialogue/register/",
        {
            "organisation_name": SCRIPT,
            "role": SCRIPT,
            "language": "en",
            "needs": SCRIPT,
            "question": SCRIPT,
        },
    )
    assert response.status_code == 302
    registration = Registration.objects.get(member__user=site, dialogue__slug="open-dialogue")
    assert registration.needs == SCRIPT
    # The question becomes a Question awaiting moderation, as plain text without the tags.
    question = Question.objects.get(member__user=site)
    assert "<script" not in question.text
    for url in ["/dialogues/open-dialogue/", "/me/dialogues/", response["Location"]]:
        assert_safe(client.get(url), url)
    staff = Client()
    staff.force_login(EditorFactory(is_superuser=True))
    for url in [
        "/admin/dialogues/registration/",
        f"/admin/dialogues/registration/{registration.pk}/change/",
        "/admin/dialogues/question/",
        f"/admin/dialogues/question/{question.pk}/change/",
    ]:
        page = staff.get(url)
        assert page.status_code == 200, url
        assert_safe(page, url)


def test_pages_with_a_join_link_are_not_compressed_the_rest_are(site):
    """BREACH: a compressed page that holds a secret (the join link) and reflects what the
    visitor asked for (its address, in the language and time-zone links) leaks the secret
    through its size; such pages go out uncompressed, every other page compressed."""
    registration = Registration.objects.filter(member__user=site, status="confirmed").first()
    dialogue = registration.dialogue
    member = Client()
    member.force_login(site)
    gzip = {"HTTP_ACCEPT_ENCODING": "gzip"}
    for url in (
        f"/dialogues/{dialogue.slug}/?x=1",
        "/me/dialogues/",
        f"/me/dialogues/{dialogue.slug}/calendar.ics",
    ):
        response = member.get(url, **gzip)
        assert response.status_code == 200, url
        assert "Content-Encoding" not in response, url
        assert dialogue.join_url in response.content.decode(), url
    # The same dialogue page without the link, for a visitor, is compressed.
    visitor = Client().get(f"/dialogues/{dialogue.slug}/?x=1", **gzip)
    assert visitor["Content-Encoding"] == "gzip"
    assert member.get("/me/", **gzip)["Content-Encoding"] == "gzip"
