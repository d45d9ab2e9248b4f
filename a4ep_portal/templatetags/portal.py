from datetime import UTC, datetime

from django import template
from django.utils import timezone

from a4ep_portal.richtext import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str):
    return render_markdown(text)


@register.inclusion_tag("includes/time.html", takes_context=True)
def local_time(context, value: datetime, style: str = "datetime"):
    """A <time> in the viewer's zone with the zone named; its datetime attribute is UTC."""
    return {
        "value": timezone.localtime(value),
        "utc": value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "style": style,
        "zone": timezone.get_current_timezone_name(),
        "chosen": context.get("time_zone_chosen", False),
    }
