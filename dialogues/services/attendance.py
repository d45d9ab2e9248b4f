"""Attendance from the meeting's participant report: read the CSV that Zoom exports, match its
people to the dialogue's confirmed registrants, and record those the organiser confirms.

Reading and matching change nothing: the organiser sees a preview first. Recording goes
through mark_attendance, so it is idempotent and the figures and cached pages follow.
"""

import csv
import io
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from difflib import SequenceMatcher

from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Dialogue, Registration
from .registration import RegistrationError, mark_attendance

# A report of a 1,000-person meeting with every rejoin is some 200 kB.
MAX_REPORT_BYTES = 2 * 1024 * 1024
# How alike two names must be (0 to 1) for one to be offered as a likely match.
NAME_LIKENESS = 0.82

# Zoom has spelt its columns differently over the years; compared lower-cased and trimmed.
NAME_COLUMNS = ("name (original name)", "name", "participant", "user name")
EMAIL_COLUMNS = ("user email", "email", "e-mail")
DURATION_COLUMNS = ("duration (minutes)", "duration (mins)", "total duration (minutes)")
GUEST_COLUMNS = ("guest",)
JOIN_COLUMNS = ("join time", "join time (utc)")
# How Zoom has written times in these reports (in the account's own zone).
JOIN_FORMATS = ("%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p", "%Y-%m-%d %H:%M:%S", "%m/%d/%Y %H:%M")


class AttendanceReportError(Exception):
    """A participant report that cannot be read, with a message for the organiser."""


@dataclass
class Participant:
    """One person of the report, their rejoin rows added up."""

    name: str
    email: str
    minutes: int
    guest: bool
    rows: int = 1
    joined_on: date | None = None


@dataclass
class Match:
    participant: Participant
    registration: Registration
    likeness: float = 1.0


@dataclass
class AttendancePreview:
    minimum_minutes: int
    matched: list[Match] = field(default_factory=list)
    suggested: list[Match] = field(default_factory=list)
    unmatched: list[Participant] = field(default_factory=list)
    too_short: list[Match | Participant] = field(default_factory=list)
    already_attended: set[int] = field(default_factory=set)
    # The day most people joined, when it is not the dialogue's: likely another meeting's report.
    other_day: date | None = None


def normalise_email(email: str) -> str:
    return "".join(email.split()).casefold()


def normalise_name(name: str) -> str:
    """Lower case, accents and punctuation dropped, the "(original name)" Zoom appends
    removed, words in order."""
    name = re.sub(r"\([^)]*\)\s*$", "", name or "")
    name = unicodedata.normalize("NFKD", name)
    name = "".join(ch for ch in name if not unicodedata.combining(ch))
    words = re.findall(r"\w+", name.casefold())
    return " ".join(words)


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    for index, title in enumerate(header):
        if " ".join(title.split()).casefold() in names:
            return index
    return None


def read_participant_report(upload) -> list[Participant]:
    """The people of a Zoom participant report (older and newer column spellings, UTF-8 with
    or without a byte-order mark, a meeting summary above the participants or not), one per
    e-mail address (or name, for those without one) with their minutes added up."""
    data = upload.read(MAX_REPORT_BYTES + 1)
    if len(data) > MAX_REPORT_BYTES:
        raise AttendanceReportError(
            _("The file is larger than %(size)d MB: is it the participant report?")
            % {"size": MAX_REPORT_BYTES // (1024 * 1024)}
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise AttendanceReportError(
            _("This is not a CSV file in UTF-8. Export the participant report from Zoom as CSV.")
        ) from None
    if "\x00" in text:
        raise AttendanceReportError(
            _("This is not a CSV file in UTF-8. Export the participant report from Zoom as CSV.")
        )
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error:
        raise AttendanceReportError(_("This file could not be read as CSV.")) from None
    start = next(
        (
            index
            for index, row in enumerate(rows)
            if _column(row, NAME_COLUMNS) is not None and _column(row, DURATION_COLUMNS) is not None
        ),
        None,
    )
    if start is None:
        raise AttendanceReportError(
            _(
                "No participant columns found: the report needs the columns "
                "“Name (original name)” and “Duration (minutes)”, and “User Email” or "
                "“Email” to match by address."
            )
        )
    header = rows[start]
    name_at, minutes_at = _column(header, NAME_COLUMNS), _column(header, DURATION_COLUMNS)
    email_at, guest_at = _column(header, EMAIL_COLUMNS), _column(header, GUEST_COLUMNS)
    join_at = _column(header, JOIN_COLUMNS)
    people: dict[str, Participant] = {}
    for line, row in enumerate(rows[start + 1 :], start=start + 2):
        if not any(cell.strip() for cell in row):
            continue

        def cell(index, row=row):
            return row[index].strip() if index is not None and index < len(row) else ""

        name, email = cell(name_at), cell(email_at)
        try:
            minutes = int(float(cell(minutes_at) or 0))
        except ValueError:
            raise AttendanceReportError(
                _("Line %(line)d: “%(value)s” is not a number of minutes.")
                % {"line": line, "value": cell(minutes_at)[:40]}
            ) from None
        key = normalise_email(email) or "name:" + normalise_name(name)
        if key == "name:":
            continue
        person = people.get(key)
        if person is None:
            people[key] = Participant(
                name=re.sub(r"\s*\([^)]*\)\s*$", "", name) or name,
                email=email,
                minutes=minutes,
                guest=cell(guest_at).casefold() in ("yes", "true", "1"),
                joined_on=_day(cell(join_at)),
            )
        else:
            person.minutes += minutes
            person.rows += 1
    if not people:
        raise AttendanceReportError(_("The report lists no participants."))
    return list(people.values())


def _day(text: str) -> date | None:
    for pattern in JOIN_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _registrant_names(registration: Registration) -> list[str]:
    user = registration.member.user
    names = [user.get_full_name(), user.first_name]
    return [n for n in (normalise_name(name) for name in names) if n]


def _likeness(name: str, registration: Registration) -> float:
    wanted = normalise_name(name)
    best = 0.0
    for candidate in _registrant_names(registration):
        if sorted(wanted.split()) == sorted(candidate.split()):
            return 1.0
        best = max(best, SequenceMatcher(None, wanted, candidate).ratio())
    return best


def preview_attendance(
    dialogue: Dialogue, participants: list[Participant], *, minimum_minutes: int
) -> AttendancePreview:
    """Match people to the dialogue's confirmed registrants: by e-mail address (case and
    spaces ignored), then likely matches by name among those left. Changes nothing."""
    registrations = list(
        dialogue.registrations.confirmed()
        .exclude(member=None)
        .select_related("member__user")
        .order_by("pk")
    )
    by_email = {normalise_email(r.member.user.email): r for r in registrations}
    preview = AttendancePreview(minimum_minutes=minimum_minutes)
    days = Counter(person.joined_on for person in participants if person.joined_on)
    if days:
        day = days.most_common(1)[0][0]
        # Zoom writes the account's local time: a day either side is the same meeting.
        if abs((day - dialogue.starts_at.date()).days) > 1:
            preview.other_day = day
    preview.already_attended = {r.pk for r in registrations if r.attended}
    taken: set[int] = set()
    left: list[Participant] = []
    for person in participants:
        registration = by_email.get(normalise_email(person.email)) if person.email else None
        if registration is None or registration.pk in taken:
            left.append(person)
            continue
        taken.add(registration.pk)
        _sort(preview, Match(person, registration), preview.matched)
    for person in left:
        candidates = [(_likeness(person.name, r), r) for r in registrations if r.pk not in taken]
        likeness, registration = max(candidates, key=lambda c: c[0], default=(0.0, None))
        if registration is None or likeness < NAME_LIKENESS:
            _sort(preview, person, preview.unmatched)
            continue
        taken.add(registration.pk)
        _sort(preview, Match(person, registration, round(likeness, 2)), preview.suggested)
    # In the report's order, as the organiser reads it.
    order = {id(person): index for index, person in enumerate(participants)}
    preview.too_short.sort(key=lambda item: order[id(getattr(item, "participant", item))])
    return preview


def _sort(preview: AttendancePreview, item, bucket: list) -> None:
    person = item.participant if isinstance(item, Match) else item
    (preview.too_short if person.minutes < preview.minimum_minutes else bucket).append(item)


def record_attendance_from_report(dialogue: Dialogue, registration_ids: list[int], *, actor) -> int:
    """Mark the chosen confirmed registrants of the dialogue as attended (never anyone of
    another dialogue); return how many changed. Applying the same report again changes
    nothing."""
    if not actor.has_perm("dialogues.change_registration"):
        raise RegistrationError(_("You may not change registrations."))
    if timezone.now() < dialogue.starts_at:
        raise RegistrationError(_("This dialogue has not started: nobody has attended yet."))
    chosen = Registration.objects.filter(dialogue=dialogue, pk__in=registration_ids)
    return mark_attendance(chosen, attended=True, actor=actor)
