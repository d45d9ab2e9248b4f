"""The public calendar files: one per dialogue and one for the whole series."""

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from icalendar import Calendar

from dialogues.models import Dialogue
from tests.factories import DialogueFactory, SeriesFactory, utc

pytestmark = pytest.mark.django_db

HOST = urlsplit(settings.SITE_URL).hostname
JOIN_URL = "https://zoom.us/j/987654321?pwd=very-secret-join-link"


def _unfolded(body: bytes) -> bytes:
    """The file with long lines joined again (RFC 5545 folds them at 75 octets)."""
    return body.replace(b"\r\n ", b"").replace(b"\r\n\t", b"")


def _get_calendar(client, url: str) -> tuple[Calendar, bytes]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content), response.content


@pytest.fixture
def accountability():
    return DialogueFactory(
        number=2,
        title="Accountability",
        slug="accountability",
        question="Who is accountable to whom?",
        audience="Local leaders from CSOs",
        starts_at=utc(2026, 12, 10, 12, 0),
        duration_minutes=75,
        venue="Zoom",
        join_url=JOIN_URL,
    )


def test_dialogue_calendar_has_one_event_in_utc(client, accountability):
    calendar, _body = _get_calendar(client, "/dialogues/accountability/calendar.ics")

    events = calendar.walk("VEVENT")
    assert len(events) == 1
    event = events[0]
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert start == datetime(2026, 12, 10, 12, 0, tzinfo=UTC)
    assert start.utcoffset() == timedelta(0)
    assert end == datetime(2026, 12, 10, 13, 15, tzinfo=UTC)
    assert end - start == timedelta(minutes=75)


def test_dialogue_calendar_names_and_links_the_dialogue(client, accountability):
    calendar, _body = _get_calendar(client, "/dialogues/accountability/calendar.ics")

    event = calendar.walk("VEVENT")[0]
    page = settings.SITE_URL + "/dialogues/accountability/"
    assert str(event["URL"]) == page
    assert str(event["URL"]).endswith(accountability.get_absolute_url())
    assert str(event["SUMMARY"]) == "Localisation Dialogue Series: Accountability"
    assert str(event["DESCRIPTION"]) == (
        f"Who is accountable to whom?\n\nLocal leaders from CSOs\n\n{page}"
    )
    assert str(event["LOCATION"]) == "Zoom"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["UID"]) == f"dialogue-{accountability.pk}@{HOST}"
    assert str(calendar["X-WR-CALNAME"]) == "Accountability"
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["METHOD"]) == "PUBLISH"


def test_dialogue_calendar_without_venue_names_the_format(client):
    DialogueFactory(slug="in-person", venue="", format=Dialogue.Format.IN_PERSON)

    calendar, _body = _get_calendar(client, "/dialogues/in-person/calendar.ics")

    assert str(calendar.walk("VEVENT")[0]["LOCATION"]) == "In person"


def test_dialogue_calendar_never_contains_the_join_link(client, accountability):
    _calendar, body = _get_calendar(client, "/dialogues/accountability/calendar.ics")

    for text in (body, _unfolded(body)):
        assert b"very-secret-join-link" not in text
        assert b"zoom.us" not in text


def test_dialogue_calendar_is_offered_as_a_named_file(client, accountability):
    response = client.get("/dialogues/accountability/calendar.ics")

    assert response["Content-Disposition"] == 'inline; filename="accountability.ics"'


def test_series_calendar_lists_every_public_dialogue_and_no_draft(client):
    series = SeriesFactory()
    held = DialogueFactory(
        series=series, title="Solidarity", starts_at=utc(2020, 9, 24, 12), status="held"
    )
    cancelled = DialogueFactory(
        series=series, title="Called off", starts_at=utc(2021, 3, 4, 12), status="cancelled"
    )
    announced = DialogueFactory(
        series=series, title="Accountability", starts_at=utc(2026, 12, 10, 12), join_url=JOIN_URL
    )
    DialogueFactory(series=series, title="Secret plans", slug="secret-plans", status="draft")

    calendar, body = _get_calendar(client, "/dialogues/calendar.ics")

    events = calendar.walk("VEVENT")
    assert [str(event["SUMMARY"]) for event in events] == [
        "Localisation Dialogue Series: Solidarity",
        "Localisation Dialogue Series: Called off",
        "Localisation Dialogue Series: Accountability",
    ]
    assert [str(event["UID"]) for event in events] == [
        f"dialogue-{dialogue.pk}@{HOST}" for dialogue in (held, cancelled, announced)
    ]
    assert [str(event["STATUS"]) for event in events] == ["CONFIRMED", "CANCELLED", "CONFIRMED"]
    assert [event.decoded("DTSTART") for event in events] == [
        dialogue.starts_at for dialogue in (held, cancelled, announced)
    ]
    unfolded = _unfolded(body)
    assert b"STATUS:CANCELLED" in unfolded
    assert b"Secret plans" not in unfolded
    assert b"secret-plans" not in unfolded
    assert b"very-secret-join-link" not in unfolded
    assert str(calendar["X-WR-CALNAME"]) == "A4EP Localisation Dialogues"


def test_series_calendar_is_offered_as_a_named_file(client):
    response = client.get("/dialogues/calendar.ics")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'inline; filename="a4ep-dialogues.ics"'
    assert Calendar.from_ical(response.content).walk("VEVENT") == []


def test_cancelled_dialogue_calendar_says_cancelled(client):
    DialogueFactory(slug="called-off", status=Dialogue.Status.CANCELLED)

    calendar, body = _get_calendar(client, "/dialogues/called-off/calendar.ics")

    assert str(calendar.walk("VEVENT")[0]["STATUS"]) == "CANCELLED"
    assert b"STATUS:CANCELLED\r\n" in body


def test_calendar_times_do_not_follow_the_viewers_zone(client, accountability):
    client.cookies["a4ep_tz"] = "Asia/Karachi"

    calendar, body = _get_calendar(client, "/dialogues/accountability/calendar.ics")

    assert b"DTSTART:20261210T120000Z\r\n" in body
    assert b"DTEND:20261210T131500Z\r\n" in body
    assert calendar.walk("VEVENT")[0].decoded("DTSTART") == datetime(2026, 12, 10, 12, tzinfo=UTC)
