"""The member's own pages: profile, mail preferences, data download, account deletion and
one-click unsubscribe, seen from the outside by visitors, members and organisers."""

import json
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from dialogues.models import Registration
from members.models import Delivery, Mailing, MailKind, Member, Organisation, User
from members.services import send_mailing
from members.unsubscribe import make_token
from tests.factories import (
    DialogueFactory,
    EditorFactory,
    OrganisationFactory,
    PublisherFactory,
    QuestionFactory,
    RegistrationFactory,
    UserFactory,
)
from tests.html import main_text

pytestmark = pytest.mark.django_db

PROFILE = {
    "first_name": "Amina",
    "last_name": "Diallo",
    "organisation_name": "Sahel Women's Network",
    "country": "NE",
    "role": "Programme officer",
    "time_zone": "Africa/Niamey",
    "preferred_language": "fr",
    "languages_spoken": ["fr", "ha"],
    "shown_as": "full_name",
}


@pytest.mark.parametrize(
    "url", ["/me/", "/me/preferences/", "/me/data/", "/me/delete/"], ids=lambda u: u
)
def test_me_pages_send_a_visitor_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


def test_profile_page_shows_the_members_own_profile(client, member):
    member.organisation = OrganisationFactory(name="Coast Trust")
    member.role = "Director"
    member.save()
    client.force_login(member.user)

    response = client.get("/me/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Your profile</h1>" in html
    assert "You log in as mariam@example.org." in main_text(html)
    assert 'value="Coast Trust"' in html
    assert '<option value="Coast Trust">' in html  # the datalist of known organisations
    assert 'value="Director"' in html
    assert 'data-guess-time-zone=""' in html
    assert '<label for="id_organisation_name">Organisation' in html


@pytest.mark.parametrize("who", ["member", "editor", "publisher"])
def test_profile_page_query_count_is_exact(client, django_assert_num_queries, who):
    user = {"member": UserFactory, "editor": EditorFactory, "publisher": PublisherFactory}[who]()
    OrganisationFactory.create_batch(30)
    client.force_login(user)
    # session, user, member (time zone middleware, reused by the form); the organisations.
    with django_assert_num_queries(4):
        assert client.get("/me/").status_code == 200
    # The organisations' names are kept until one is added, renamed or removed.
    with django_assert_num_queries(3):
        assert client.get("/me/").status_code == 200


def test_a_new_organisation_is_offered_at_once(client, member):
    OrganisationFactory(name="Coast Trust")
    client.force_login(member.user)
    assert '<option value="Coast Trust">' in client.get("/me/").content.decode()

    OrganisationFactory(name="Delta Relief")
    renamed = Organisation.objects.get(name="Coast Trust")
    renamed.name = "Coast Trust Federation"
    renamed.save()

    html = client.get("/me/").content.decode()
    assert '<option value="Delta Relief">' in html
    assert '<option value="Coast Trust Federation">' in html
    assert '<option value="Coast Trust">' not in html


def test_preferences_and_data_pages_query_counts_are_exact(
    client, member, django_assert_num_queries
):
    client.force_login(member.user)
    with django_assert_num_queries(3):
        assert client.get("/me/preferences/").status_code == 200
    with django_assert_num_queries(3):
        assert client.get("/me/delete/").status_code == 200
    for _ in range(5):
        RegistrationFactory(member=member)
    QuestionFactory(member=member, text="Who funds local leadership?")
    # session, user, member; the member with organisation, deliveries, registrations and the
    # co-hosts each shares details with; then questions, question votes, topics proposed,
    # topic votes and feedback; the audit log's entries by or about the member.
    with django_assert_num_queries(13):
        response = client.get("/me/data/")
    assert response.status_code == 200
    data = json.loads(response.content)
    assert [q["text"] for q in data["participation"]["questions"]] == [
        "Who funds local leadership?"
    ]
    assert len(data["registrations"]) == 5


def test_saving_the_profile_adds_a_new_organisation_and_changes_only_own_profile(client, member):
    other = UserFactory(first_name="Other").member
    client.force_login(member.user)

    response = client.post("/me/", PROFILE)

    # French is now the preferred language: the saved page comes back in it at once.
    assert response.status_code == 302
    assert response["Location"] == "/fr/me/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    member.refresh_from_db()
    member.user.refresh_from_db()
    assert (member.user.first_name, member.user.last_name) == ("Amina", "Diallo")
    assert member.organisation.name == "Sahel Women's Network"
    assert member.organisation.kind == ""  # organisers classify it later
    assert (member.country.code, member.role, member.time_zone) == (
        "NE",
        "Programme officer",
        "Africa/Niamey",
    )
    assert (member.preferred_language, member.languages_spoken) == ("fr", ["fr", "ha"])
    assert member.shown_as == "full_name"
    other.refresh_from_db()
    assert other.organisation is None
    assert "Votre profil est enregistré." in client.get("/fr/me/").content.decode()


def test_saving_the_profile_picks_a_known_organisation_whatever_its_case(client, member):
    known = OrganisationFactory(name="Coast Trust")
    client.force_login(member.user)

    client.post("/me/", {**PROFILE, "organisation_name": "  coast   trust "})

    member.refresh_from_db()
    assert member.organisation == known
    assert Organisation.objects.count() == 1


def test_profile_with_unknown_time_zone_changes_nothing(client, member):
    client.force_login(member.user)

    response = client.post("/me/", {**PROFILE, "time_zone": "Mars/Olympus"})

    assert response.status_code == 200
    assert re.findall(r'<p class="error" id="id_(\w+)_error">', response.content.decode()) == [
        "time_zone"
    ]
    member.refresh_from_db()
    assert member.time_zone == "UTC"
    assert member.organisation is None


def test_mail_preferences_page_saves_the_choices(client, member):
    client.force_login(member.user)
    html = client.get("/me/preferences/").content.decode()
    assert "<legend>Send me</legend>" in html
    for label in (
        "Invitations to new dialogues",
        "Reminders before a dialogue",
        "Summaries and papers after a dialogue",
        "News from A4EP",
    ):
        assert label in html

    response = client.post("/me/preferences/", {"wants_reminders": "on", "wants_news": "on"})

    assert response.status_code == 302
    member.refresh_from_db()
    assert (
        member.wants_invitations,
        member.wants_reminders,
        member.wants_summaries,
        member.wants_news,
    ) == (False, True, False, True)


def test_signup_asks_for_the_organisation_and_adds_it(client):
    client.post(
        "/accounts/signup/",
        {
            "email": "ana@example.org",
            "first_name": "Ana",
            "organisation": "Red Andina",
            "country": "PE",
            "time_zone": "America/Lima",
            "password1": "a-long-pass-phrase-9",
            "password2": "a-long-pass-phrase-9",
        },
    )
    member = Member.objects.get(user__email="ana@example.org")
    assert member.organisation.name == "Red Andina"
    assert (member.wants_invitations, member.wants_news) == (True, False)


def test_data_download_holds_profile_registrations_and_deliveries(
    client, member, django_capture_on_commit_callbacks
):
    dialogue = DialogueFactory(title="Who decides?")
    RegistrationFactory(
        dialogue=dialogue, member=member, organisation_name="Coast Trust", needs="Captions"
    )
    RegistrationFactory(dialogue=dialogue)  # someone else's
    mailing = Mailing.objects.create(
        kind=MailKind.REMINDER,
        subject="Tomorrow",
        body="See you.",
        audience=Mailing.Audience.ONE_MEMBER,
        recipient=member,
        state="approved",
    )
    with django_capture_on_commit_callbacks(execute=True):
        send_mailing(mailing)
    client.force_login(member.user)

    response = client.get("/me/data/")

    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="a4ep-dialogues-data-')
    data = json.loads(response.content)
    assert sorted(data) == ["audit_log", "deliveries", "participation", "profile", "registrations"]
    assert data["profile"]["email"] == "mariam@example.org"
    assert data["profile"]["first_name"] == "Mariam"
    assert data["profile"]["mail_preferences"] == {
        "wants_invitations": True,
        "wants_reminders": True,
        "wants_summaries": True,
        "wants_news": False,
    }
    assert [(r["dialogue"], r["organisation"], r["needs"]) for r in data["registrations"]] == [
        ("Who decides?", "Coast Trust", "Captions")
    ]
    assert [(d["subject"], d["status"], d["address"]) for d in data["deliveries"]] == [
        ("Tomorrow", "sent", "mariam@example.org")
    ]


def test_deleting_the_account_needs_the_password(client, member):
    client.force_login(member.user)

    response = client.post("/me/delete/", {"password": "not-my-password"})

    assert response.status_code == 200
    assert "That is not your password: nothing was deleted." in response.content.decode()
    assert User.objects.filter(pk=member.user.pk).exists()


def test_deleting_the_account_erases_personal_data_and_keeps_the_counts(
    client, member, password, django_capture_on_commit_callbacks
):
    dialogue = DialogueFactory(starts_at=timezone.now() - timedelta(days=30))
    RegistrationFactory(
        dialogue=dialogue,
        member=member,
        organisation_name="Coast Trust",
        role="Director",
        needs="Captions",
        attended=True,
    )
    question = QuestionFactory(dialogue=dialogue, member=member, text="Who decides?")
    for _ in range(2):
        RegistrationFactory(dialogue=dialogue)
    with django_capture_on_commit_callbacks(execute=True):
        send_mailing(
            Mailing.objects.create(
                kind=MailKind.TRANSACTIONAL,
                subject="Welcome",
                body="Hello.",
                audience=Mailing.Audience.ONE_MEMBER,
                recipient=member,
            )
        )
    client.force_login(member.user)

    response = client.post("/me/delete/", {"password": password})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert not User.objects.filter(email="mariam@example.org").exists()
    assert not Member.objects.filter(pk=member.pk).exists()
    assert dialogue.registrations.count() == 3
    anonymous = Registration.objects.get(dialogue=dialogue, member=None)
    assert (
        anonymous.organisation_name,
        anonymous.role,
        anonymous.needs,
        anonymous.attended,
        anonymous.status,
    ) == ("", "", "", True, "confirmed")
    # A question put to the speakers stays with the dialogue, no longer anyone's.
    question.refresh_from_db()
    assert (question.member, question.text) == (None, "Who decides?")
    delivery = Delivery.objects.get()
    assert (delivery.member, delivery.address, delivery.status) == (None, "", "sent")
    assert "Your account and your personal data are deleted." in client.get("/").content.decode()
    assert client.get("/me/").status_code == 302  # logged out


def test_deleting_the_account_frees_its_seat_for_the_waiting_list(
    client, member, password, django_capture_on_commit_callbacks
):
    dialogue = DialogueFactory(capacity=1, title="Accountability")
    RegistrationFactory(dialogue=dialogue, member=member)
    waiting_user = UserFactory(first_name="Juan", last_name="Pérez", email="juan@example.org")
    RegistrationFactory(
        dialogue=dialogue,
        member=waiting_user.member,
        status="waitlisted",
        confirmed_at=None,
        waitlist_number=1,
    )
    elsewhere = DialogueFactory(title="Risk sharing")
    RegistrationFactory(
        dialogue=elsewhere, member=member, status="waitlisted", confirmed_at=None, waitlist_number=1
    )
    client.force_login(member.user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/me/delete/", {"password": password})

    assert response.status_code == 302
    # The seat went to the first on the waiting list, who was told; no nameless row is left.
    assert [(r.member.user.email, r.status) for r in dialogue.registrations.all()] == [
        ("juan@example.org", "confirmed")
    ]
    assert list(elsewhere.registrations.all()) == []
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["juan@example.org"], "A seat is yours: Accountability")
    ]
    client.force_login(EditorFactory())
    rows = client.post(
        "/admin/dialogues/registration/",
        {
            "action": "export_csv",
            "_selected_action": list(Registration.objects.values_list("pk", flat=True)),
        },
    )
    lines = rows.content.decode().lstrip("\ufeff").splitlines()
    assert [line.split(",")[:3] for line in lines[1:]] == [
        ["Accountability", "Juan Pérez", "juan@example.org"]
    ]


def test_unsubscribe_get_shows_a_confirmation_and_changes_nothing(client, member):
    member.wants_news = True
    member.save()
    url = f"/unsubscribe/{make_token(member.pk, MailKind.NEWS)}/"

    response = client.get(url)

    assert response.status_code == 200
    text = main_text(response.content)
    assert "Stop mail of this kind: News?" in text
    assert "mariam@example.org" not in response.content.decode()
    member.refresh_from_db()
    assert member.wants_news is True


def test_one_click_post_unsubscribes_from_that_kind_only_without_login_or_cookies(member):
    from django.test import Client

    member.wants_news = True
    member.save()
    client = Client(enforce_csrf_checks=True)
    url = f"/unsubscribe/{make_token(member.pk, MailKind.REMINDER)}/"

    response = client.post(url, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()
    member.refresh_from_db()
    assert (
        member.wants_invitations,
        member.wants_reminders,
        member.wants_summaries,
        member.wants_news,
    ) == (True, False, True, True)
    # A second click is just as fine.
    assert client.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 200


@pytest.mark.parametrize(
    "token",
    ["garbage", "WzEsIm5ld3MiXQ:forged-signature", "transactional"],
)
def test_unsubscribe_with_a_bad_token_is_refused_and_changes_nothing(client, member, token):
    if token == "transactional":
        from django.core import signing

        token = signing.Signer(salt="members.unsubscribe").sign_object([member.pk, token])
    member.wants_news = True
    member.save()

    response = client.post(f"/unsubscribe/{token}/")

    assert response.status_code == 400
    assert "This unsubscribe link does not work" in response.content.decode()
    member.refresh_from_db()
    assert (member.wants_news, member.wants_reminders) == (True, True)


def test_a_members_signature_does_not_unsubscribe_another_member(client, member):
    other = UserFactory().member
    other.wants_news = True
    other.save()
    _payload, signature = make_token(member.pk, MailKind.NEWS).split(":")
    other_payload = make_token(other.pk, MailKind.NEWS).split(":")[0]

    response = client.post(f"/unsubscribe/{other_payload}:{signature}/")

    assert response.status_code == 400
    other.refresh_from_db()
    assert other.wants_news is True


def test_unsubscribe_link_in_a_message_works_end_to_end(
    client, member, django_capture_on_commit_callbacks
):
    mailing = Mailing.objects.create(
        kind=MailKind.INVITATION,
        subject="New dialogue",
        body="Come.",
        audience=Mailing.Audience.ALL_MEMBERS,
        state="approved",
    )
    with django_capture_on_commit_callbacks(execute=True):
        send_mailing(mailing)
    header = mail.outbox[0].extra_headers["List-Unsubscribe"]
    path = re.match(r"<http://127\.0\.0\.1:8000(/unsubscribe/[^>]+/)>", header).group(1)

    client.post(path, {"List-Unsubscribe": "One-Click"})

    member.refresh_from_db()
    assert member.wants_invitations is False


def test_profile_keeps_an_old_zone_alias_selected_and_does_not_offer_others(client):
    user = UserFactory(time_zone="US/Eastern")
    client.force_login(user)

    html = client.get("/me/").content.decode()

    assert '<option value="US/Eastern" selected>US/Eastern</option>' in html
    assert 'value="US/Pacific"' not in html
    assert 'value="Etc/GMT+5"' not in html  # reads +5, is UTC-5
    assert '<option value="Asia/Dhaka">Dhaka (UTC+06:00)</option>' in html
