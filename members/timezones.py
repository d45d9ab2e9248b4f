"""Which time zone a request is shown in: the member's profile zone, else the visitor's
chosen zone kept in a cookie, else UTC (and a few lines of JS rewrite times to the
browser's zone, see static/js/portal.js)."""

import zoneinfo

from django.http import HttpRequest
from django.utils import timezone

from .models import known_time_zones

TZ_COOKIE = "a4ep_tz"


def valid_zone(name: str | None) -> str | None:
    if name and name in known_time_zones():
        return name
    return None


def zone_for(request: HttpRequest) -> tuple[str, bool]:
    """Return (zone name, whether the viewer chose it)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        member = getattr(user, "member", None)
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
