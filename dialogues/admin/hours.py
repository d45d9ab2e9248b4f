"""Fair hours in admin: the panel beside a dialogue's start time, the page that checks another
start time of that day, and the series page that shows which regions each dialogue suited
(see dialogues/hours.py for how members are counted)."""

import zoneinfo
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..hours import Audience, audience_of, day_slots, fairest_hours, series_rotation, slot
from ..models import Dialogue, Series
from ..regions import REGION_LABELS

# The form of the "check another time" field, as a datetime-local input sends it.
CHECK_FORMAT = "%Y-%m-%dT%H:%M"
MIN_YEAR, MAX_YEAR = 2000, 2999


def hours_context(dialogue: Dialogue, starts_at: datetime, audience: Audience) -> dict:
    zone = zoneinfo.ZoneInfo(dialogue.time_zone)
    return {
        "dialogue": dialogue,
        "zone": dialogue.time_zone,
        "local_start": starts_at.astimezone(zone),
        "audience": audience,
        "slot": slot(audience, starts_at),
        "fairest": [
            (candidate, candidate.starts_at.astimezone(zone))
            for candidate in fairest_hours(audience, starts_at)
        ],
    }


def fair_hours_panel(dialogue: Dialogue) -> str:
    """The panel under the start time: for the time saved, or the one just entered when the
    form came back with an error."""
    if dialogue.starts_at is None or dialogue.time_zone is None:
        return str(_("Shown once a start time is entered."))
    context = hours_context(dialogue, dialogue.starts_at, audience_of(dialogue.series_id))
    return render_to_string("admin/dialogues/includes/fair_hours.html", context)


def _checked_time(request, dialogue: Dialogue) -> tuple[datetime, str]:
    """The start time asked for (?at=, in the dialogue's zone), else the saved one (noon today
    while the date is still to be set); with a message when what was asked could not be read."""
    zone = zoneinfo.ZoneInfo(dialogue.time_zone)
    saved = dialogue.starts_at or timezone.localtime(timezone=zone).replace(
        hour=12, minute=0, second=0, microsecond=0
    )
    asked = request.GET.get("at", "").strip()
    if not asked:
        return saved, ""
    try:
        naive = datetime.strptime(asked[:16], CHECK_FORMAT)
    except ValueError:
        naive = None
    # Far-off years are typing mistakes, and the day's hours of year 9999 overflow.
    if naive is None or not MIN_YEAR <= naive.year <= MAX_YEAR:
        message = _("“%(value)s” is not a date and time (for example 2026-12-03T14:00).")
        return saved, str(message % {"value": asked})
    return naive.replace(tzinfo=zone), ""


def dialogue_hours_view(model_admin, request, object_id):
    """Check any start time for a dialogue, without saving it, and see every hour of that
    day. Organisers who may view the dialogue may see it."""
    dialogue = get_object_or_404(Dialogue, pk=object_id)
    if not model_admin.has_view_or_change_permission(request, dialogue):
        raise PermissionDenied
    starts_at, error = _checked_time(request, dialogue)
    audience = audience_of(dialogue.series_id)
    zone = zoneinfo.ZoneInfo(dialogue.time_zone)
    context = {
        **model_admin.admin_site.each_context(request),
        **hours_context(dialogue, starts_at, audience),
        "title": _("Fair hours: %(dialogue)s") % {"dialogue": dialogue.title},
        "opts": model_admin.opts,
        "error": error,
        "checked": starts_at.astimezone(zone).strftime(CHECK_FORMAT),
        "day": [(s, s.starts_at.astimezone(zone)) for s in day_slots(audience, starts_at)],
        "may_view_series": request.user.has_perm("dialogues.view_series"),
    }
    return TemplateResponse(request, "admin/dialogues/dialogue/hours.html", context)


def series_hours_view(model_admin, request, object_id):
    """Dialogue by dialogue, the share of the series' members in daytime at its start, by
    region: so that the next dialogue's time can favour the regions left in the night.
    Needs the permissions to view series and dialogues."""
    series = get_object_or_404(Series, pk=object_id)
    if not (
        model_admin.has_view_or_change_permission(request, series)
        and request.user.has_perm("dialogues.view_dialogue")
    ):
        raise PermissionDenied
    audience, rows = series_rotation(series)
    regions = audience.regions
    table = [(row.dialogue, row.slot, [row.share(region) for region in regions]) for row in rows]
    never = [
        REGION_LABELS[region]
        for index, region in enumerate(regions)
        if table and not any(shares[index] and shares[index].has_daytime for *_x, shares in table)
    ]
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Fair hours across the series: %(series)s") % {"series": series.title},
        "opts": model_admin.opts,
        "series": series,
        "audience": audience,
        "region_labels": [REGION_LABELS[region] for region in regions],
        "table": table,
        "never": never,
    }
    return TemplateResponse(request, "admin/dialogues/series/hours.html", context)
