"""Which time zone a request is shown in: the member's profile zone, else the visitor's
chosen zone kept in a cookie, else UTC (and a few lines of JS rewrite times to the
browser's zone, see static/js/portal.js)."""

import functools
import zoneinfo
from datetime import UTC, datetime

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Member, known_time_zones

TZ_COOKIE = "a4ep_tz"


def valid_zone(name: str | None) -> str | None:
    if name and name in known_time_zones():
        return name
    return None


def load_member(user) -> Member | None:
    """The user's profile, kept on the user (so `user.member` and ensure_member reuse it).

    Written out: every logged-in request reads it, and building this one-row query through
    the ORM cost about 1 ms of CPU, ten times what running it costs (Manager.raw builds the
    same Member from the row)."""
    profile = Member._meta.get_field("user")
    if profile.remote_field.is_cached(user):
        return profile.remote_field.get_cached_value(user)
    table, column = Member._meta.db_table, profile.column
    rows = Member.objects.raw(f"SELECT * FROM {table} WHERE {column} = %s", [user.pk])  # noqa: S608 (names from the model)
    member = next(iter(rows), None)
    if member is not None:
        profile.set_cached_value(member, user)
    # None too, as the ORM does: `user.member` then raises Member.DoesNotExist without a query.
    profile.remote_field.set_cached_value(user, member)
    return member


def zone_for(request: HttpRequest) -> tuple[str, bool]:
    """Return (zone name, whether the viewer chose it)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        member = load_member(user)
        if member is not None and valid_zone(member.time_zone):
            return member.time_zone, True
    chosen = valid_zone(request.COOKIES.get(TZ_COOKIE))
    if chosen:
        return chosen, True
    return "UTC", False


class TimezoneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        name, chosen = zone_for(request)
        request.time_zone_name = name
        request.time_zone_chosen = chosen
        timezone.activate(zoneinfo.ZoneInfo(name))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


def timezone_context(request: HttpRequest) -> dict:
    return {
        "time_zone_name": getattr(request, "time_zone_name", "UTC"),
        "time_zone_chosen": getattr(request, "time_zone_chosen", False),
    }


# The time zone pickers list zones by region, each as "Dhaka (UTC+06:00)": the offset is what
# people know their zone by, the city finds it. Translated names of every zone need CLDR
# (Babel), which the portal does not carry for one menu: the regions are translated here,
# the cities keep the names of the tz database (English exonyms such as "Cairo", mostly the
# same in French and Spanish, and recognisable with the offset beside them).
REGIONS = {
    "Africa": _("Africa"),
    "America": _("Americas"),
    "Antarctica": _("Antarctica"),
    "Arctic": _("Arctic"),
    "Asia": _("Asia"),
    "Atlantic": _("Atlantic Ocean"),
    "Australia": _("Australia"),
    "Europe": _("Europe"),
    "Indian": _("Indian Ocean"),
    "Pacific": _("Pacific Ocean"),
}


def utc_offset(name: str, at: datetime | None = None) -> str:
    """ "UTC+06:00": the zone's offset now (or at `at`), daylight saving included."""
    offset = (at or datetime.now(UTC)).astimezone(zoneinfo.ZoneInfo(name)).utcoffset()
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02}:{abs(minutes) % 60:02}"


def zone_label(name: str, at: datetime | None = None) -> str:
    """ "Dhaka (UTC+06:00)", "Buenos Aires, Argentina (UTC-03:00)"; UTC is "UTC"."""
    if name == "UTC":
        return "UTC"
    parts = name.replace("_", " ").split("/")
    place = ", ".join(reversed(parts[1:])) if len(parts) > 1 else parts[0]
    return f"{place} ({utc_offset(name, at)})"


@functools.lru_cache(maxsize=2)
def _zones_by_region(hour: datetime) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """The labelled zones of each region, at that hour: labelling them all costs ~40 ms, and
    offsets change at most on the hour (daylight saving)."""
    groups: dict[str, list[tuple[str, str]]] = {region: [] for region in REGIONS}
    for name in known_time_zones():
        region = name.split("/", 1)[0]
        if region in groups and "/" in name:
            groups[region].append((name, zone_label(name, hour)))
    return tuple(
        (region, tuple(sorted(zones, key=lambda zone: zone[1]))) for region, zones in groups.items()
    )


def time_zone_choices(keep: str = "") -> list:
    """The zones of the pickers, grouped by region (<optgroup>), sorted by city. Old aliases
    ("US/Eastern", "Etc/GMT+5", whose sign is the reverse of what it reads) are not offered,
    but a member who has one (`keep`) still sees theirs selected."""
    hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    choices: list = [("UTC", "UTC")]
    if keep and keep != "UTC" and keep.split("/", 1)[0] not in REGIONS and valid_zone(keep):
        choices.append((keep, keep))
    choices += [(REGIONS[region], list(zones)) for region, zones in _zones_by_region(hour)]
    return choices
