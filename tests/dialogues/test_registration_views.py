import re
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from dialogues.models import Registration
from dialogues.services import RegistrationDetails, register_member
from members.models import Organisation
from tests.clients import logged_in
from tests.factories import DialogueFactory, EditorFactory, RegistrationFactory, UserFactory

pytestmark = pytest.mark.django_db

JOIN = "https://zoom.us/j/123456789?pwd=secret-join-link"
FORM = {
    "organisation_name": "Coast Trust",
    "role": "Programme officer",
    "language": "fr",
    "needs": "Interpretation into French",
    "consents_to_recording": "on",
    "question": "How do we fund local leadership?",
}


@pytest.fixture
def dialogue():
    return DialogueFactory(capacity=1, slug="accountability", title="Accountability")


def test_visitor_who_clicks_register_logs_in_and_comes_back_to_the_form(client, dialogue):
    page = client.get("/dialogues/accountability/")
    assert b'href="/dialogues/accountability/register/"' in page.content
    response = client.get("/dialogues/accountability/register/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/dialogues/accountability/register/"
    user = UserFactory()
    login = client.post(
        "/accounts/login/?next=/dialogues/accountability/register/",
        {"login": user.email, "password": "correct-horse-battery-staple"},
    )
    assert login["Location"] == "/dialogues/accountability/register/"
    assert client.get(login["Location"]).status_code == 200


def test_register_form_is_prefilled_from_the_profile(dialogue):
    user = UserFactory()
    user.member.organisation = Organisation.objects.create(name="Coast Trust", kind="national_ngo")
    user.member.role = "Programme officer"
    user.member.save()
    page = logged_in(user).get("/dialogues/accountability/register/").content.decode()
    assert 'value="Coast Trust"' in page
    assert 'value="Programme officer"' in page


def test_member_registers_and_sees_the_join_link_others_do_not(
    client, dialogue, django_capture_on_commit_callbacks
):
    member = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in(member).post("/dialogues/accountability/register/", FORM, follow=True)
    assert response.redirect_chain == [("/dialogues/accountability/", 302)]
    page = response.content.decode()
    assert "You are registered. The join link is below" in page
    assert JOIN.replace("&", "&amp;") in page or JOIN in page
    registration = Registration.objects.get(member=member.member)
    assert (registration.status, registration.language, registration.needs) == (
        "confirmed",
        "fr",
        "Interpretation into French",
    )
    assert registration.consents_to_recording is True
    assert [m.subject for m in mail.outbox] == ["You are registered: Accountability"]
    # Nobody else sees it: a visitor, another member, the public calendar.
    assert JOIN not in client.get("/dialogues/accountability/").content.decode()
    assert JOIN not in logged_in(UserFactory()).get("/dialogues/accountability/").content.decode()
    assert JOIN not in client.get("/dialogues/accountability/calendar.ics").content.decode()
    assert JOIN not in client.get("/dialogues/calendar.ics").content.decode()
    # Staff do.
    assert JOIN in logged_in(EditorFactory()).get("/dialogues/accountability/").content.decode()


def test_waitlisted_member_sees_position_and_no_join_link(dialogue):
    RegistrationFactory(dialogue=dialogue)
    member = UserFactory()
    response = logged_in(member).post("/dialogues/accountability/register/", FORM, follow=True)
    page = response.content.decode()
    assert "you are number 1 on the waiting list" in page
    assert "On the waiting list, number 1" in page
    assert JOIN not in page
    my_page = logged_in(member).get("/me/dialogues/").content.decode()
    assert "On the waiting list, number 1" in my_page
    assert JOIN not in my_page
    assert logged_in(member).get("/me/dialogues/accountability/calendar.ics").status_code == 404


def test_register_twice_changes_nothing_and_says_so(dialogue):
    member = UserFactory()
    client = logged_in(member)
    client.post("/dialogues/accountability/register/", FORM)
    response = client.post("/dialogues/accountability/register/", FORM, follow=True)
    assert "You are already registered for this dialogue." in response.content.decode()
    assert Registration.objects.filter(member=member.member).count() == 1


def test_closed_registration_shows_the_reason_and_changes_nothing():
    DialogueFactory(slug="closed", registration_closes_at=timezone.now() - timedelta(hours=1))
    response = logged_in(UserFactory()).post("/dialogues/closed/register/", FORM, follow=True)
    assert "Registration for this dialogue has closed." in response.content.decode()
    assert Registration.objects.count() == 0


def test_unverified_member_cannot_register(dialogue):
    member = UserFactory(verified=False)
    response = logged_in(member).post("/dialogues/accountability/register/", FORM)
    assert response.status_code == 200
    assert "verify" in response.content.decode().lower()
    assert Registration.objects.count() == 0


def test_draft_or_unknown_dialogue_registration_is_404():
    DialogueFactory(slug="draft", status="draft")
    client = logged_in(UserFactory())
    assert client.post("/dialogues/draft/register/", FORM).status_code == 404
    assert client.post("/dialogues/nope/register/", FORM).status_code == 404


def test_register_without_csrf_token_is_refused(dialogue):
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())
    assert client.post("/dialogues/accountability/register/", FORM).status_code == 403
    assert Registration.objects.count() == 0


def test_overlong_question_is_refused_with_a_message(dialogue):
    response = logged_in(UserFactory()).post(
        "/dialogues/accountability/register/", {**FORM, "question": "x" * 1001}
    )
    assert response.status_code == 200
    assert (
        "Ensure this value has at most 1000 characters (it has 1001)." in response.content.decode()
    )
    assert Registration.objects.count() == 0


def test_my_dialogues_lists_upcoming_first_with_calendar_and_cancel(dialogue):
    member = UserFactory()
    past = DialogueFactory(
        slug="past", title="Past one", starts_at=timezone.now() - timedelta(days=30)
    )
    RegistrationFactory(dialogue=past, member=member.member, attended=True)
    RegistrationFactory(dialogue=dialogue, member=member.member)
    page = logged_in(member).get("/me/dialogues/").content.decode()
    assert page.index("Accountability") < page.index("Past one")
    assert JOIN in page.replace("&amp;", "&")
    assert 'href="/me/dialogues/accountability/calendar.ics"' in page
    assert 'href="/me/dialogues/accountability/cancel/"' in page
    assert "Attended" in page


def test_own_calendar_file_carries_the_join_link(dialogue):
    member = UserFactory()
    RegistrationFactory(dialogue=dialogue, member=member.member)
    response = logged_in(member).get("/me/dialogues/accountability/calendar.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert JOIN in str(event["DESCRIPTION"])


def test_cancel_frees_the_seat_for_the_first_waiting(dialogue, django_capture_on_commit_callbacks):
    confirmed = RegistrationFactory(dialogue=dialogue)
    waiting_user = UserFactory()
    waiting = register_member(dialogue, waiting_user.member, RegistrationDetails())
    assert waiting.status == "waitlisted"
    client = logged_in(confirmed.member.user)
    assert (
        "Yes, cancel my registration"
        in client.get("/me/dialogues/accountability/cancel/").content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/me/dialogues/accountability/cancel/", follow=True)
    assert "Your registration for “Accountability” is cancelled." in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"
    # The member who cancelled is told too; the promoted one gets the seat's mail.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [confirmed.member.user.email, waiting_user.email]
    )


def test_another_members_registration_cannot_be_cancelled_or_read(dialogue):
    owner = RegistrationFactory(dialogue=dialogue)
    other = logged_in(UserFactory())
    assert other.post("/me/dialogues/accountability/cancel/").status_code == 404
    assert other.get("/me/dialogues/accountability/calendar.ics").status_code == 404
    owner.refresh_from_db()
    assert owner.status == "confirmed"


def test_member_pages_send_visitors_to_log_in(client, dialogue):
    for url in (
        "/me/dialogues/",
        "/me/dialogues/accountability/cancel/",
        "/me/dialogues/accountability/calendar.ics",
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("waiting", [1, 120])
def test_registration_pages_query_count_does_not_grow_with_the_waiting_list(
    dialogue, waiting, django_assert_num_queries, cached_sessions
):
    RegistrationFactory(dialogue=dialogue)
    for number in range(1, waiting + 1):
        RegistrationFactory(
            dialogue=dialogue, status="waitlisted", confirmed_at=None, waitlist_number=number
        )
    member = Registration.objects.get(waitlist_number=waiting).member.user
    client = logged_in(member)
    client.get("/me/dialogues/")  # warm the session
    # The member's registrations, upcoming and past in one; one more for whom each shares
    # details with (co-hosts); the session comes from the cache.
    with django_assert_num_queries(4):
        page = client.get("/me/dialogues/").content.decode()
    assert f"On the waiting list, number {waiting}" in page
    # Registrants (waiting ones too) see the approved questions, fetched only when the
    # registration read says there are any (none here); the registration read also says
    # whether they may see registrant-only papers; the session comes from the cache.
    with django_assert_num_queries(9):
        page = client.get("/dialogues/accountability/").content.decode()
    assert f"On the waiting list, number {waiting}" in page


def test_visitor_who_signs_up_to_register_comes_back_to_the_form(client, dialogue):
    login_page = client.get(client.get("/dialogues/accountability/register/")["Location"])
    signup = re.search(r'href="(/accounts/signup/\?next=[^"]+)"', login_page.content.decode())
    assert signup.group(1) == "/accounts/signup/?next=/dialogues/accountability/register/"
    form = client.get(signup.group(1).replace("&amp;", "&")).content.decode()
    assert 'name="next" value="/dialogues/accountability/register/"' in form
    client.post(
        signup.group(1),
        {
            "email": "newcomer@example.org",
            "first_name": "Nadia",
            "time_zone": "Africa/Niamey",
            "password1": "a-long-pass-phrase-9",
            "password2": "a-long-pass-phrase-9",
            "next": "/dialogues/accountability/register/",
        },
    )
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", mail.outbox[0].body)
    confirmed = client.post(link.group(1))
    assert confirmed["Location"] == "/dialogues/accountability/register/"
    assert "Register for this dialogue" in client.get(confirmed["Location"]).content.decode()


@pytest.mark.parametrize("seats_left", [True, False])
def test_registering_costs_the_same_few_queries_confirmed_or_waiting(
    dialogue, seats_left, django_assert_num_queries, cached_sessions
):
    """A burst of sign-ups queues on the dialogue's row lock, so every query counts: user,
    profile (the session comes from the cache), verified address, dialogue, then in the
    transaction the lock, one count of seats and waiting list (which also finds an earlier
    registration of the member), the insert, the insert of the message it owes the member,
    the audit row (and the two savepoint statements the test's own transaction turns BEGIN and
    COMMIT into)."""
    if not seats_left:
        RegistrationFactory(dialogue=dialogue)
    for number in range(1, 6):
        RegistrationFactory(
            dialogue=dialogue, status="waitlisted", confirmed_at=None, waitlist_number=number
        )
    user = UserFactory()
    user.member.organisation = Organisation.objects.create(name="Coast Trust", kind="national_ngo")
    user.member.save()
    client = logged_in(user)
    form = {**FORM, "question": ""}
    # Django keeps content types in memory once read, as a running server has long since.
    ContentType.objects.get_for_model(Registration)
    # One more since co-hosts: the dialogue's co-hosts, the form's choices to share with.
    with django_assert_num_queries(12):
        response = client.post("/dialogues/accountability/register/", form)
    assert response["Location"] == "/dialogues/accountability/"
    registration = Registration.objects.get(member__user=user)
    page = client.get(response["Location"]).content.decode()
    if seats_left:
        assert registration.status == "confirmed"
        assert "You are registered." in page
    else:
        assert (registration.status, registration.waitlist_number) == ("waitlisted", 6)
        assert "you are number 6 on the waiting list" in page


def test_my_dialogues_lists_the_next_first_then_the_latest_past_first():
    member = UserFactory().member
    now = timezone.now()
    for title, days in [("Later", 30), ("Long ago", -90), ("Sooner", 3), ("Last week", -7)]:
        RegistrationFactory(
            member=member, dialogue=DialogueFactory(title=title, starts_at=now + timedelta(days))
        )

    page = logged_in(member.user).get("/me/dialogues/").content.decode()

    shown = re.findall(r"Later|Long ago|Sooner|Last week", page)
    assert [title for i, title in enumerate(shown) if title not in shown[:i]] == [
        "Sooner",
        "Later",
        "Last week",
        "Long ago",
    ]
