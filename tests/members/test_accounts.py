"""Accounts: sign-up with e-mail verification, log-in, the account pages and the time zone
picker, all checked through the pages a person uses."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import FieldDoesNotExist

from members.models import Member, User
from members.timezones import TZ_COOKIE
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-pass-phrase-9"
CONFIRM_LINK = re.compile(r"http://testserver(/accounts/confirm-email/[^/\s]+/)")
SIGNUP = {
    "email": "ana.quispe@example.org",
    "first_name": "Ana",
    "last_name": "Quispe",
    "country": "PE",
    "time_zone": "America/Lima",
    "password1": PASSWORD,
    "password2": PASSWORD,
}


def _confirm_link(message) -> str:
    links = CONFIRM_LINK.findall(message.body)
    assert len(links) == 1
    return links[0]


def _shown_user(client) -> str:
    """Who the home page says is logged in: the account link's text, or "" for a visitor."""
    html = client.get("/").content.decode()
    match = re.search(r'<li><a href="/me/"><bdi>([^<]*)</bdi></a></li>', html)
    return match.group(1) if match else ""


def test_signup_sends_one_verification_mail_and_confirming_logs_in(client):
    response = client.post("/accounts/signup/", SIGNUP)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ana.quispe@example.org"]
    assert message.subject == "[A4EP Dialogues] Please Confirm Your Email Address"
    assert _shown_user(client) == ""

    link = _confirm_link(message)
    confirm_page = client.get(link)
    assert confirm_page.status_code == 200
    html = confirm_page.content.decode()
    assert "Confirm Email Address" in html
    # allauth signs the key with a timestamp, so the form's key may be a fresh one.
    assert re.search(
        r'<form method="post" class="stack" action="/accounts/confirm-email/[^"/]+/">', html
    )
    assert re.search(r"<button\s+type=\"submit\"\s*>\s*Confirm\s*</button>", html)
    assert EmailAddress.objects.get(email="ana.quispe@example.org").verified is False

    confirmed = client.post(link)

    assert confirmed.status_code == 302
    assert confirmed["Location"] == "/"
    assert EmailAddress.objects.get(email="ana.quispe@example.org").verified is True
    assert _shown_user(client) == "Ana"
    assert len(mail.outbox) == 1


def test_signup_then_verified_member_logs_in_with_email_and_password(client):
    client.post("/accounts/signup/", SIGNUP)
    client.post(_confirm_link(mail.outbox[0]))
    client.post("/accounts/logout/")
    assert _shown_user(client) == ""

    response = client.post(
        "/accounts/login/", {"login": "ana.quispe@example.org", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert _shown_user(client) == "Ana"


def test_signup_stores_name_country_and_time_zone_on_the_profile(client):
    client.post("/accounts/signup/", SIGNUP)

    user = User.objects.get()
    assert user.email == "ana.quispe@example.org"
    assert (user.first_name, user.last_name) == ("Ana", "Quispe")
    assert user.check_password(PASSWORD)
    member = Member.objects.get(user=user)
    assert member.time_zone == "America/Lima"
    assert member.country.code == "PE"
    assert member.country.name == "Peru"


def test_user_model_has_no_username():
    with pytest.raises(FieldDoesNotExist):
        User._meta.get_field("username")
    assert User.USERNAME_FIELD == "email"


def test_signup_form_asks_for_no_username(client):
    html = client.get("/accounts/signup/").content.decode()
    html = html.split("<main", 1)[1]  # the form, not the header's language switcher

    names = re.findall(r'<(?:input|select)[^>]*\bname="([^"]+)"', html)
    assert names == [
        "csrfmiddlewaretoken",
        "email",
        "first_name",
        "last_name",
        "organisation",
        "country",
        "time_zone",
        "password1",
        "password2",
    ]


def test_signup_form_ties_the_password_rules_to_the_password_field(client):
    html = client.get("/accounts/signup/").content.decode()

    # A <div>, not a <p>: a browser would close a <p> before the rules' <ul>, leaving the
    # element the field points at (aria-describedby) empty for screen readers.
    assert (
        '<div class="hint" id="id_password1_helptext"><ul>'
        "<li>Your password can’t be too similar to your other personal information.</li>"
    ) in html
    assert 'aria-describedby="id_password1_helptext" id="id_password1"' in html


def test_login_right_after_signup_goes_to_verification_page_without_another_mail(client):
    client.post("/accounts/signup/", SIGNUP)
    assert len(mail.outbox) == 1

    response = client.post(
        "/accounts/login/", {"login": "ana.quispe@example.org", "password": PASSWORD}
    )

    # allauth would resend the link, but its rate limit (one per address per three minutes)
    # holds back a second mail so soon after the first.
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert len(mail.outbox) == 1
    assert _shown_user(client) == ""


def test_login_unverified_sends_a_fresh_verification_mail(client, password):
    user = UserFactory(email="late@example.org", first_name="Late", verified=False)
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)

    response = client.post("/accounts/login/", {"login": "late@example.org", "password": password})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert _shown_user(client) == ""
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["late@example.org"]
    page = client.get(response["Location"]).content.decode()
    assert "Verify Your Email Address" in page

    client.post(_confirm_link(mail.outbox[0]))
    assert _shown_user(client) == "Late"


def test_login_with_wrong_password_shows_an_error(client):
    UserFactory(email="known@example.org")

    response = client.post("/accounts/login/", {"login": "known@example.org", "password": "nope"})

    assert response.status_code == 200
    assert (
        "The email address and/or password you specified are not correct."
        in response.content.decode()
    )
    assert _shown_user(client) == ""


def _assert_site_layout(html: str) -> None:
    assert '<a class="skip-link" href="#main">Skip to main content</a>' in html
    assert '<main id="main"' in html
    for link in (
        '<a href="/dialogues/">Dialogues</a>',
        '<a href="/papers/">Papers</a>',
        '<a href="/recordings/">Recordings</a>',
        '<a href="/about/">About</a>',
    ):
        assert link in html


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/signup/",
        "/accounts/login/",
        "/accounts/password/reset/",
        "/accounts/password/reset/done/",
        "/accounts/confirm-email/",
    ],
)
def test_account_page_for_visitor_wears_site_layout(client, url):
    response = client.get(url)

    assert response.status_code == 200
    _assert_site_layout(response.content.decode())


@pytest.mark.parametrize(
    "url",
    ["/accounts/logout/", "/accounts/email/", "/accounts/password/change/", "/time-zone/"],
)
def test_account_page_for_member_wears_site_layout(client, url):
    client.force_login(UserFactory())

    response = client.get(url)

    assert response.status_code == 200
    _assert_site_layout(response.content.decode())


def test_manage_email_page_lists_the_members_address(client):
    client.force_login(UserFactory(email="someone@example.org"))

    html = client.get("/accounts/email/").content.decode()

    assert "someone@example.org" in html
    assert '<a href="/accounts/email/" aria-current="page">E-mail addresses</a>' in html


def test_password_reset_sends_a_mail_with_a_working_link(client):
    UserFactory(email="forgetful@example.org")

    response = client.post("/accounts/password/reset/", {"email": "forgetful@example.org"})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/done/"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["forgetful@example.org"]
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", mail.outbox[0].body)
    page = client.get(link.group(1), follow=True)
    assert page.status_code == 200
    _assert_site_layout(page.content.decode())
    assert 'name="password1"' in page.content.decode()


def _signup_errors(html: str) -> list[str]:
    return re.findall(r'<p class="error" id="id_(\w+)_error">([^<]*)</p>', html)


def test_signup_with_unknown_time_zone_shows_error_and_creates_no_user(client):
    response = client.post("/accounts/signup/", {**SIGNUP, "time_zone": "Mars/Olympus_Mons"})

    assert response.status_code == 200
    assert _signup_errors(response.content.decode()) == [
        (
            "time_zone",
            "Select a valid choice. Mars/Olympus_Mons is not one of the available choices.",
        )
    ]
    assert User.objects.count() == 0
    assert EmailAddress.objects.count() == 0
    assert mail.outbox == []


def test_signup_with_mismatched_passwords_shows_error_and_creates_no_user(client):
    response = client.post("/accounts/signup/", {**SIGNUP, "password2": "another-pass-phrase-9"})

    assert response.status_code == 200
    assert _signup_errors(response.content.decode()) == [
        ("password2", "You must type the same password each time.")
    ]
    assert User.objects.count() == 0
    assert mail.outbox == []


def test_time_zone_picker_sets_cookie_and_redirects(client):
    response = client.post("/time-zone/", {"time_zone": "Asia/Karachi", "next": "/dialogues/"})

    assert response.status_code == 302
    assert response["Location"] == "/dialogues/"
    cookie = response.cookies[TZ_COOKIE]
    assert cookie.value == "Asia/Karachi"
    assert cookie["max-age"] == 365 * 24 * 3600
    assert cookie["samesite"] == "Lax"
    page = client.get("/dialogues/").content.decode()
    assert "Times are now shown in Asia/Karachi." in page
    assert "Times are shown in Asia/Karachi." in page


def test_time_zone_picker_without_a_next_page_stays_in_the_pages_language(client):
    response = client.post("/ar/time-zone/", {"time_zone": "Asia/Dhaka", "next": ""})

    assert response.status_code == 302
    assert response["Location"] == "/ar/"


def test_time_zone_picker_updates_a_members_profile(client):
    user = UserFactory(time_zone="Europe/Amsterdam")
    client.force_login(user)

    response = client.post("/time-zone/", {"time_zone": "Asia/Karachi", "next": "/dialogues/"})

    assert response.status_code == 302
    assert response["Location"] == "/dialogues/"
    assert response.cookies[TZ_COOKIE].value == "Asia/Karachi"
    assert Member.objects.get(user=user).time_zone == "Asia/Karachi"


def test_time_zone_picker_rejects_unknown_zone_and_changes_nothing(client):
    user = UserFactory(time_zone="Europe/Amsterdam")
    client.force_login(user)

    response = client.post("/time-zone/", {"time_zone": "Nowhere/Land", "next": "/dialogues/"})

    assert response.status_code == 200
    html = response.content.decode()
    assert (
        '<p class="error" id="id_time_zone_error">'
        "Select a valid choice. Nowhere/Land is not one of the available choices.</p>"
    ) in html
    assert TZ_COOKIE not in response.cookies
    assert Member.objects.get(user=user).time_zone == "Europe/Amsterdam"


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", ""]
)
def test_time_zone_picker_never_redirects_off_site(client, target):
    response = client.post("/time-zone/", {"time_zone": "Asia/Karachi", "next": target})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies[TZ_COOKIE].value == "Asia/Karachi"


def test_time_zone_picker_form_starts_on_the_current_zone_and_next_page(client):
    client.cookies[TZ_COOKIE] = "America/Lima"

    html = client.get("/time-zone/", {"next": "/dialogues/"}).content.decode()

    assert '<option value="America/Lima" selected>Lima (UTC-05:00)</option>' in html
    assert '<input type="hidden" name="next" value="/dialogues/" id="id_next">' in html


def test_time_zone_picker_form_drops_an_off_site_next(client):
    html = client.get("/time-zone/", {"next": "https://evil.example/"}).content.decode()

    assert '<input type="hidden" name="next" value="/" id="id_next">' in html


@pytest.mark.parametrize(
    ("shown_as", "expected"),
    [
        ("first_name", "Amina"),
        ("full_name", "Amina Diallo (Sahara Relief Network)"),
        ("organisation", "Sahara Relief Network"),
    ],
)
def test_member_shown_name_follows_their_choice_and_never_shows_the_address(shown_as, expected):
    user = UserFactory(first_name="Amina", last_name="Diallo", email="amina@example.org")
    member = user.member
    member.organisation = OrganisationFactory(name="Sahara Relief Network")
    member.shown_as = shown_as
    member.save()
    assert member.shown_name() == expected
