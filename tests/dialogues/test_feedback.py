"""Feedback after a dialogue: attendees only, one answer each (replaceable), aggregated in admin."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from dialogues.models import Feedback
from tests.clients import logged_in
from tests.factories import DialogueFactory, EditorFactory, RegistrationFactory, UserFactory
from tests.html import main_text

pytestmark = pytest.mark.django_db

URL = "/me/dialogues/accountability/feedback/"
ANSWERS = {"rating": "4", "useful": "partly", "change": "More time in groups.", "may_quote": "on"}


@pytest.fixture
def past():
    return DialogueFactory(
        slug="accountability",
        title="Accountability",
        status="held",
        starts_at=timezone.now() - timedelta(days=3),
    )


def test_attendee_finds_the_link_and_gives_feedback_once(past):
    attendee = RegistrationFactory(dialogue=past, attended=True).member.user
    client = logged_in(attendee)
    assert f'href="{URL}"' in client.get("/me/dialogues/").content.decode()
    assert f'href="{URL}"' in client.get("/dialogues/accountability/").content.decode()
    response = client.post(URL, ANSWERS, follow=True)
    assert "Thank you for your feedback." in response.content.decode()
    client.post(URL, {**ANSWERS, "rating": "5"})
    feedback = Feedback.objects.get()
    assert (feedback.rating, feedback.useful, feedback.change, feedback.may_quote) == (
        5,
        "partly",
        "More time in groups.",
        True,
    )


@pytest.mark.parametrize("who", ["visitor", "member", "registrant", "staff"])
def test_only_attendees_may_open_the_form(past, who):
    if who == "visitor":
        response = Client().get(URL)
        assert response["Location"].startswith("/accounts/login/")
        return
    user = EditorFactory() if who == "staff" else UserFactory()
    if who == "registrant":
        RegistrationFactory(dialogue=past, member=user.member)  # registered, not attended
    response = logged_in(user).get(URL)
    assert response.status_code == (302 if who == "registrant" else 404)
    assert logged_in(user).post(URL, ANSWERS).status_code in (302, 404)
    assert Feedback.objects.count() == 0


def test_form_is_refused_before_the_dialogue_is_over():
    upcoming = DialogueFactory(slug="accountability")
    attendee = RegistrationFactory(dialogue=upcoming, attended=True).member.user
    logged_in(attendee).post(URL, ANSWERS)
    assert Feedback.objects.count() == 0


def test_form_page_is_accessible(past):
    attendee = RegistrationFactory(dialogue=past, attended=True).member.user
    page = logged_in(attendee).get(URL).content.decode()
    assert "<legend>Overall, how was the dialogue? (1 = poor, 5 = excellent)</legend>" in page
    assert '<label for="id_change">' in page
    assert "How was the dialogue?" in main_text(page)


def test_admin_shows_the_aggregate_per_dialogue(past):
    for rating, useful, quote in [(5, "yes", True), (4, "yes", False), (2, "no", False)]:
        registration = RegistrationFactory(dialogue=past, attended=True)
        Feedback.objects.create(
            dialogue=past, member=registration.member, rating=rating, useful=useful,
            may_quote=quote,
        )  # fmt: skip
    page = logged_in(EditorFactory()).get("/admin/dialogues/feedback/").content.decode()
    row = f'<th scope="row">{past.number}. Accountability</th><td>3</td><td>3.7 / 5</td>'
    assert row + "<td>2 / 0 / 1</td><td>1</td>" in page
