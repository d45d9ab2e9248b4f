"""A dialogue card's badge says the one state that matters to a visitor choosing where to
go: upcoming, full, held, recording available or cancelled."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from dialogues.models import Dialogue, Registration
from papers.models import Audience
from tests.factories import DialogueFactory, RecordingFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def badges(html: bytes) -> dict[str, str]:
    """Card title -> badge text, in page order."""
    found = re.findall(
        r'<span class="badge badge-[a-z]+">([^<]*)</span></p>\s*'
        r'<h3 class="card-title"><a href="[^"]*">([^<]*)</a>',
        html.decode(),
    )
    return {title: badge for badge, title in found}


def test_cards_show_upcoming_full_held_recording_and_cancelled(client):
    soon = timezone.now() + timedelta(days=7)
    DialogueFactory(number=1, title="Open", starts_at=soon, capacity=2)
    full = DialogueFactory(number=2, title="Taken", starts_at=soon, capacity=2)
    RegistrationFactory.create_batch(2, dialogue=full)
    # A waiting list and cancellations do not fill seats.
    waiting = DialogueFactory(number=3, title="Waiting", starts_at=soon, capacity=2)
    RegistrationFactory(dialogue=waiting)
    RegistrationFactory(dialogue=waiting, status=Registration.Status.WAITLISTED)
    RegistrationFactory(dialogue=waiting, status=Registration.Status.CANCELLED)
    past = timezone.now() - timedelta(days=30)
    DialogueFactory(number=4, title="Over", starts_at=past, status=Dialogue.Status.HELD)
    recorded = DialogueFactory(
        number=5, title="Recorded", starts_at=past, status=Dialogue.Status.HELD
    )
    RecordingFactory(dialogue=recorded, published=True)
    # A recording for registrants only or still in draft is not "available" to the public.
    private = DialogueFactory(
        number=6, title="Private", starts_at=past, status=Dialogue.Status.HELD
    )
    RecordingFactory(dialogue=private, published=True, audience=Audience.REGISTRANTS)
    RecordingFactory(dialogue=private)
    DialogueFactory(number=7, title="Off", starts_at=soon, status=Dialogue.Status.CANCELLED)

    assert badges(client.get("/dialogues/").content) == {
        "Dialogue 1: Open": "Upcoming",
        "Dialogue 2: Taken": "Full",
        "Dialogue 3: Waiting": "Upcoming",
        "Dialogue 7: Off": "Cancelled",
        "Dialogue 6: Private": "Held",
        "Dialogue 5: Recorded": "Recording available",
        "Dialogue 4: Over": "Held",
    }


def test_badge_and_action_are_translated(client):
    DialogueFactory(number=1, title="Open", title_ar="مفتوح")

    html = client.get("/ar/dialogues/").content.decode()

    assert '<span class="badge badge-upcoming">قادم</span>' in html
    assert '<p class="card-action" aria-hidden="true">التفاصيل والتسجيل</p>' in html
