"""iCalendar files for dialogues. Times are UTC. Public calendars never carry the secret join
link; a confirmed registrant's own file does."""

from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .models import Dialogue, Registration

PRODID = "-//A4EP//Localisation Dialogue Series//EN"


def _event(dialogue: Dialogue, stamp: datetime, join_url: str = "") -> Event:
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
    if join_url:
        description.append(_("Join: %(url)s") % {"url": join_url})
    description.append(url)
    event.add("description", "\n\n".join(description))
    event.add("url", url)
    event.add("location", join_url or dialogue.venue or dialogue.get_format_display())
    if dialogue.status == Dialogue.Status.CANCELLED:
        event.add("status", "CANCELLED")
    else:
        event.add("status", "CONFIRMED")
    return event


def calendar_for(dialogues: Iterable[Dialogue], *, name: str) -> bytes:
    """A public calendar: never carries a join link."""
    return _calendar([(dialogue, "") for dialogue in dialogues], name=name)


def registrant_calendar(registration: Registration) -> bytes:
    """A confirmed registrant's own calendar file, with the secret join link."""
    dialogue = registration.dialogue
    join_url = dialogue.join_url if registration.is_confirmed() else ""
    return _calendar([(dialogue, join_url)], name=dialogue.title)


def _calendar(events: Iterable[tuple[Dialogue, str]], *, name: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    stamp = datetime.now(UTC).replace(microsecond=0)
    for dialogue, join_url in events:
        calendar.add_component(_event(dialogue, stamp, join_url))
    return calendar.to_ical()
