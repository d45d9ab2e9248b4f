"""Forgetting on time: REGISTRATION_RETENTION_DAYS after a dialogue, its registrants'
details are blanked and their questions and feedback detached, while the counts stay."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from dialogues.figures import forget_figures, series_report
from dialogues.models import Feedback, Question, Registration
from dialogues.services.retention import forget_registration_details
from dialogues.tasks import forget_registration_details as forget_task
from tests.factories import DialogueFactory, QuestionFactory, RegistrationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(settings):
    """A dialogue that ended 30 days ago, kept for 30 days; Mariam attended it, asked a
    question and gave feedback."""
    settings.REGISTRATION_RETENTION_DAYS = 30
    dialogue = DialogueFactory(
        title="Who decides?",
        starts_at=timezone.now() - timedelta(days=30, minutes=90),
        status="held",
    )
    member = UserFactory(email="mariam@example.org", first_name="Mariam").member
    member.country = "KE"  # the figures count her among East Africa's voices
    member.save(update_fields=["country"])
    RegistrationFactory(
        dialogue=dialogue,
        member=member,
        organisation_name="Coast Trust",
        role="Programme lead",
        needs="Arabic interpretation",
        attended=True,
    )
    QuestionFactory(dialogue=dialogue, member=member, text="Who funds local leadership?")
    Feedback.objects.create(dialogue=dialogue, member=member, rating=4, useful="yes")
    return dialogue, member


def download(client, member) -> dict:
    client.force_login(member.user)
    return json.loads(client.get("/me/data/").content)


def test_details_are_kept_until_the_retention_period_has_passed(client, held):
    dialogue, member = held

    done = forget_registration_details(now=dialogue.ends_at + timedelta(days=30, seconds=-1))

    assert done == 0
    data = download(client, member)
    assert [(r["organisation"], r["needs"]) for r in data["registrations"]] == [
        ("Coast Trust", "Arabic interpretation")
    ]
    assert [q["text"] for q in data["participation"]["questions"]] == [
        "Who funds local leadership?"
    ]
    assert [f["rating"] for f in data["participation"]["feedback"]] == [4]


def test_details_are_forgotten_once_the_period_has_passed_and_the_counts_stay(client, held):
    dialogue, member = held
    figures_before = series_report(now=dialogue.ends_at + timedelta(days=30))

    done = forget_registration_details(now=dialogue.ends_at + timedelta(days=30))

    assert done == 1
    data = download(client, member)
    assert [(r["dialogue"], r["organisation"], r["needs"]) for r in data["registrations"]] == [
        ("Who decides?", "", "")
    ]
    assert data["participation"]["questions"] == []
    assert data["participation"]["feedback"] == []
    registration = Registration.objects.get()
    assert (registration.role, registration.attended, registration.status) == (
        "",
        True,
        "confirmed",
    )
    assert Question.objects.filter(dialogue=dialogue, member=None).count() == 1
    assert Feedback.objects.filter(dialogue=dialogue, member=None).count() == 1
    forget_figures()
    assert series_report(now=dialogue.ends_at + timedelta(days=30)) == figures_before


def test_forgetting_runs_once_per_dialogue_and_leaves_later_registrations_alone(held):
    dialogue, member = held
    upcoming = RegistrationFactory(member=member, organisation_name="Coast Trust")
    later = dialogue.ends_at + timedelta(days=31)
    assert forget_registration_details(now=later) == 1
    # Details typed in afterwards (an organiser correcting a row) are not blanked again.
    Registration.objects.filter(dialogue=dialogue).update(role="Corrected by hand")

    assert forget_registration_details(now=later) == 0
    assert Registration.objects.get(dialogue=dialogue).role == "Corrected by hand"
    upcoming.refresh_from_db()
    assert upcoming.organisation_name == "Coast Trust"


def test_the_daily_task_forgets_what_is_due(held):
    dialogue, _member = held

    result = forget_task.delay()

    assert result.get() == 1
    assert Registration.objects.get(dialogue=dialogue).organisation_name == ""


def test_the_privacy_page_tells_how_long_registration_details_are_kept(client, settings):
    settings.REGISTRATION_RETENTION_DAYS = 180

    page = client.get("/privacy/").content.decode()

    assert (
        "is kept for 180 days after the dialogue. Then it is erased, and your questions and "
        "feedback are no longer linked to you" in page
    )
