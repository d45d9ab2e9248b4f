from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .forms import TimeZoneChoiceForm
from .services import set_member_time_zone
from .timezones import TZ_COOKIE

ONE_YEAR = 365 * 24 * 3600


def _safe_next(request, target: str) -> str:
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def choose_time_zone(request):
    """Pick the zone times are shown in: kept in a cookie, and on the profile of a member."""
    if request.method == "POST":
        form = TimeZoneChoiceForm(request.POST)
        if form.is_valid():
            zone = form.cleaned_data["time_zone"]
            response = redirect(_safe_next(request, form.cleaned_data["next"]))
            response.set_cookie(
                TZ_COOKIE,
                zone,
                max_age=ONE_YEAR,
                samesite="Lax",
                secure=not settings.DEBUG,
                httponly=True,
            )
            if request.user.is_authenticated and hasattr(request.user, "member"):
                set_member_time_zone(request.user.member, zone)
            messages.success(request, _("Times are now shown in %(zone)s.") % {"zone": zone})
            return response
    else:
        form = TimeZoneChoiceForm(
            initial={
                "time_zone": request.time_zone_name,
                "next": _safe_next(request, request.GET.get("next", "")),
            }
        )
    return render(request, "members/time_zone.html", {"form": form})
