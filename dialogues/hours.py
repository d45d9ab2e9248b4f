"""Fair hours: whom a dialogue's start time lets take part in daytime, and which start hours of
that day would let most.

A member is in daytime when the start falls between 08:00 (included) and 20:00 (excluded) on
their own clock, in the time zone of their profile. The audience of a dialogue is the members
registered (not cancelled or declined) for any dialogue of its series; a series nobody has
registered for yet is planned for every member. Members are counted by region (regions.py,
from the country of their profile); those whose zone is not known (empty, not a zone, or the
default "UTC" nobody chose) are counted apart, since no hour is daytime or night for them.

The audience is read in one aggregate query, grouped by time zone and country, whatever the
number of members (two when the series has no registrant yet: the second counts everyone);
each zone's clock is then worked out in Python once per start hour looked at.
"""

import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.db.models import Count

from members.models import Member, known_time_zones

from .models import Dialogue, Registration, Series
from .regions import REGION_LABELS, UNKNOWN, region_of

DAY_STARTS = time(8)
DAY_ENDS = time(20)
# What a member's zone is until they choose one: it says nothing of where they are.
UNCHOSEN_ZONES = {"", "UTC", "Etc/UTC"}
# Registrations that say someone means to come (or meant to, for a past dialogue).
COUNTED_STATUSES = [
    Registration.Status.CONFIRMED,
    Registration.Status.WAITLISTED,
    Registration.Status.PENDING,
]
REGION_ORDER = list(REGION_LABELS)


@dataclass
class Audience:
    """Members by (time zone, region), and those whose zone is not known."""

    zones: dict[tuple[str, str], int] = field(default_factory=dict)
    without_zone: int = 0
    everyone: bool = False  # nobody registered yet: every member counts

    @property
    def with_zone(self) -> int:
        return sum(self.zones.values())

    @property
    def regions(self) -> list[str]:
        present = {region for _zone, region in self.zones}
        return [region for region in REGION_ORDER if region in present]


def audience_of(series_id: int | None) -> Audience:
    """Who the series' dialogues are held for (see the module's docstring)."""
    rows = []
    if series_id is not None:
        registered = Registration.objects.filter(
            dialogue__series_id=series_id, status__in=COUNTED_STATUSES
        ).values("member_id")
        rows = list(
            Member.objects.filter(pk__in=registered)
            .values_list("time_zone", "country")
            .annotate(people=Count("pk"))
            .order_by()
        )
    everyone = not rows
    if everyone:
        everybody = Member.objects.values_list("time_zone", "country")
        rows = list(everybody.annotate(people=Count("pk")).order_by())
    audience = Audience(everyone=everyone)
    known = known_time_zones()
    for zone, country, people in rows:
        if zone in UNCHOSEN_ZONES or zone not in known:
            audience.without_zone += people
            continue
        key = (zone, region_of(country))
        audience.zones[key] = audience.zones.get(key, 0) + people
    return audience


def in_daytime(moment: datetime, zone: str) -> bool:
    clock = moment.astimezone(zoneinfo.ZoneInfo(zone)).time()
    return DAY_STARTS <= clock < DAY_ENDS


@dataclass
class RegionShare:
    region: str
    in_daytime: int
    people: int

    @property
    def label(self) -> str:
        return str(REGION_LABELS[self.region])

    @property
    def percent(self) -> int:
        return round(100 * self.in_daytime / self.people) if self.people else 0

    @property
    def has_daytime(self) -> bool:
        """Most of the region's members are in daytime: the slot is theirs."""
        return self.in_daytime * 2 > self.people


@dataclass
class Slot:
    """A start time and who is in daytime at it."""

    starts_at: datetime
    in_daytime: int
    people: int
    regions: list[RegionShare]

    @property
    def percent(self) -> int:
        return round(100 * self.in_daytime / self.people) if self.people else 0

    @property
    def worst_off(self) -> RegionShare | None:
        """The region (with members, its country known) the fewest of whom are in daytime."""
        known = [share for share in self.regions if share.region != UNKNOWN]
        return min(known or self.regions, key=lambda s: s.in_daytime / s.people, default=None)

    def fairness(self) -> tuple[float, float]:
        worst = self.worst_off
        share = self.in_daytime / self.people if self.people else 0
        return (share, worst.in_daytime / worst.people if worst else 0)


def slot(audience: Audience, starts_at: datetime) -> Slot:
    by_region_day: dict[str, int] = defaultdict(int)
    by_region: dict[str, int] = defaultdict(int)
    for (zone, region), people in audience.zones.items():
        by_region[region] += people
        if in_daytime(starts_at, zone):
            by_region_day[region] += people
    regions = [
        RegionShare(region, by_region_day[region], by_region[region])
        for region in REGION_ORDER
        if by_region[region]
    ]
    return Slot(starts_at, sum(by_region_day.values()), audience.with_zone, regions)


def day_slots(audience: Audience, starts_at: datetime) -> list[Slot]:
    """The 24 whole UTC hours of the start's UTC day, each as a start time."""
    midnight = starts_at.astimezone(zoneinfo.ZoneInfo("UTC")).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    return [slot(audience, midnight + timedelta(hours=hour)) for hour in range(24)]


def fairest_hours(audience: Audience, starts_at: datetime, count: int = 3) -> list[Slot]:
    """The `count` UTC start hours of that day with the largest share of members in
    daytime; ties go to the hour that leaves the worst-off region best off, then the
    earlier hour. None when no member's zone is known."""
    if not audience.with_zone:
        return []
    slots = day_slots(audience, starts_at)
    ranked = sorted(slots, key=lambda s: (-s.fairness()[0], -s.fairness()[1], s.starts_at))
    return ranked[:count]


@dataclass
class SeriesRow:
    dialogue: Dialogue
    slot: Slot

    def share(self, region: str) -> RegionShare | None:
        return next((s for s in self.slot.regions if s.region == region), None)


def series_rotation(series: Series) -> tuple[Audience, list[SeriesRow]]:
    """Each dialogue of the series with the share of the series' audience, by region, in
    daytime at its start: which regions have had a daytime slot, and which are owed one."""
    audience = audience_of(series.pk)
    dialogues = Dialogue.objects.filter(series=series).order_by("starts_at", "number")
    rows = [
        SeriesRow(dialogue, slot(audience, dialogue.starts_at))
        for dialogue in dialogues
        if dialogue.starts_at is not None  # a date still to be set has no hour yet
    ]
    return audience, rows
