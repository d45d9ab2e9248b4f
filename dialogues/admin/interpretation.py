"""Interpretation in admin: how many registrants asked for each channel a dialogue offers
(early enough to book interpreters), and the registrations list filtered by channel."""

import json
from collections import Counter

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from ..models import Dialogue, Registration
from ..models.catalogue import LANGUAGE_NAMES, language_names

# Who the interpreters are booked for: people with a seat or waiting for one.
COUNTED = [Registration.Status.CONFIRMED, Registration.Status.WAITLISTED]


def interpretation_list(codes: list[str]) -> str:
    return ", ".join(language_names(codes))


def interpretation_demand(dialogue: Dialogue) -> list[tuple[str, str, int, int]]:
    """(code, language, confirmed, waiting) for each channel the dialogue offers, counted in
    one query over its registrations."""
    confirmed, waiting = Counter(), Counter()
    rows = Registration.objects.filter(dialogue=dialogue, status__in=COUNTED).values_list(
        "status", "interpretation"
    )
    for status, codes in rows:
        (confirmed if status == Registration.Status.CONFIRMED else waiting).update(codes or [])
    return [
        (code, str(LANGUAGE_NAMES[code]), confirmed[code], waiting[code])
        for code in dialogue.interpretation_languages_in_order()
    ]


def interpretation_demand_panel(dialogue: Dialogue) -> str:
    if dialogue.pk is None or not dialogue.interpretation_languages:
        return str(_("No interpretation offered."))
    url = reverse("admin:dialogues_registration_changelist")
    return format_html(
        '<ul class="interpretation-demand">{}</ul>',
        format_html_join(
            "",
            '<li><a href="{}?dialogue__id__exact={}&amp;interpretation={}">{}</a>: {}</li>',
            (
                (
                    url,
                    dialogue.pk,
                    code,
                    name,
                    _("%(confirmed)d confirmed, %(waiting)d waiting")
                    % {"confirmed": confirmed, "waiting": waiting},
                )
                for code, name, confirmed, waiting in interpretation_demand(dialogue)
            ),
        ),
    )


class InterpretationFilter(admin.SimpleListFilter):
    """Registrations that asked for one interpretation channel. The languages offered: by the
    dialogue filtered to, else by any dialogue (one query)."""

    title = _("interpretation asked for")
    parameter_name = "interpretation"

    def lookups(self, request, model_admin):
        dialogues = Dialogue.objects.all()
        dialogue_id = request.GET.get("dialogue__id__exact", "")
        if dialogue_id.isdigit():
            dialogues = dialogues.filter(pk=dialogue_id)
        offered = set()
        for codes in dialogues.exclude(interpretation_languages=[]).values_list(
            "interpretation_languages", flat=True
        ):
            offered.update(codes or [])
        return [(code, name) for code, name in LANGUAGE_NAMES.items() if code in offered]

    def queryset(self, request, queryset):
        code = self.value()
        if code not in LANGUAGE_NAMES:
            return queryset
        # The list as JSON text holds the code in quotes: ["fr", "es"]. This reads the same on
        # PostgreSQL and SQLite (whose JSON has no "contains").
        return queryset.filter(interpretation__icontains=json.dumps(code))
