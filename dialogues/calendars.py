"""iCalendar files for dialogues. Times are UTC; the secret join link is never included here
(a member's own calendar file, which does carry it, belongs to registrations)."""

from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import urlsplit

from django.conf import settings
from icalendar import Calendar, Event

from .models import Dialogue

PRODID = "-//A4EP//Localisation Dialogue Series//EN"


def _event(dialogue: Dialogue, stamp: datetime) -> Event:
    url = settings.SITE_URL + dialogue.get_absolute_url()
    event = Event()
    event.add("uid", f"dialogue-{dialogue.pk}@{urlsplit(settings.SITE_URL).hostname}")
    event.add("dtstamp", stamp)
    event.add("dtstart", dialogue.starts_at.astimezone(UTC))
    event.add("dtend", dialogue.ends_at.astimezone(UTC))
    event.add("summary", f"{dialogue.series.title}: {dialogue.title}")
    description = [dialogue.question]
    if dialogue.audience:
        description.append(dialogue.audience)
    description.append(url)
    event.add("description", "\n\n".join(description))
    event.add("url", url)
    event.add("location", dialogue.venue or dialogue.get_format_display())
    if dialogue.status == Dialogue.Status.CANCELLED:
        event.add("status", "CANCELLED")
    else:
        event.add("status", "CONFIRMED")
    return event


def calendar_for(dialogues: Iterable[Dialogue], *, name: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    stamp = datetime.now(UTC).replace(microsecond=0)
    for dialogue in dialogues:
        calendar.add_component(_event(dialogue, stamp))
    return calendar.to_ical()
