import csv
import zoneinfo
from datetime import UTC

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.forms import Textarea
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline

from a4ep_portal.access import is_co_host, organiser_may
from a4ep_portal.admin import AuditedAdminMixin
from a4ep_portal.languages import MEMBER_LANGUAGES as LANGUAGES
from a4ep_portal.languages import in_every_language
from a4ep_portal.middleware import keep_uncompressed
from a4ep_portal.states import StateError, check_state_move
from members.forms import TimeZoneField
from members.services import MailingError
from members.timezones import valid_zone

from ..forms import AttendanceReportForm
from ..models import (
    VIEW_JOIN_LINK,
    BreakoutGroup,
    DateAlert,
    Dialogue,
    DialogueSpeaker,
    Registration,
    Series,
    Session,
    Speaker,
)
from ..services import (
    AttendanceReportError,
    RegistrationError,
    approve_registrations,
    auto_assign_breakout_groups,
    cancel_registration,
    change_capacity,
    decline_registrations,
    dialogue_moves,
    draft_invitation,
    limit_dialogues,
    limit_registrations,
    limit_speakers,
    mark_attendance,
    may_move_dialogues,
    move_dialogue,
    preview_attendance,
    read_participant_report,
    record_attendance_from_report,
)
from ..services.alerts import tell_date_set, waiting_count
from .cohosts import CoHostScoped, refuse_co_hosts, scoped_choices, scoped_list_filter
from .hours import dialogue_hours_view, fair_hours_panel, series_hours_view
from .interpretation import (
    InterpretationFilter,
    interpretation_demand_panel,
    interpretation_list,
)
from .participation import BreakoutGroupInline, run_sheet_link


class SessionInline(TranslationStackedInline):
    # Stacked: a row of four titles and four descriptions (one per language) made the
    # dialogue page 4,500 px wide.
    model = Session
    extra = 0
    fields = [("order", "kind", "duration_minutes"), "title", "description"]
    ordering = ["order", "pk"]
    formfield_overrides = {models.TextField: {"widget": Textarea(attrs={"rows": 3, "cols": 60})}}


class DialogueSpeakerInline(admin.TabularInline):
    model = DialogueSpeaker
    extra = 0
    fields = ["speaker", "role", "session", "order"]
    autocomplete_fields = ["speaker"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Offer only the agenda items of the dialogue being edited.
        if db_field.name == "session":
            object_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Session.objects.filter(dialogue_id=object_id or None)
        kwargs = scoped_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Series)
class SeriesAdmin(TranslationAdmin):
    list_display = ["title", "campaign", "hours"]
    search_fields = [*in_every_language("title"), "campaign"]
    prepopulated_fields = {"slug": ["title"]}

    def get_urls(self):
        hours = self.admin_site.admin_view(
            lambda request, object_id: series_hours_view(self, request, object_id)
        )
        return [
            path("<path:object_id>/hours/", hours, name="dialogues_series_hours"),
            *super().get_urls(),
        ]

    @admin.display(description=_("fair hours"))
    def hours(self, series: Series) -> str:
        url = reverse("admin:dialogues_series_hours", args=[series.pk])
        return format_html('<a href="{}">{}</a>', url, _("Daytime by region"))


def _count(status: str) -> Count:
    return Count("registrations", filter=Q(registrations__status=status))


class DateKnownFilter(admin.SimpleListFilter):
    """Provisional dialogues (month or day only) apart from those with their exact time."""

    title = _("date known")
    parameter_name = "date"

    def lookups(self, request, model_admin):
        return [("provisional", _("Provisional")), ("exact", _("Exact time"))]

    def queryset(self, request, queryset):
        if self.value() == "provisional":
            return queryset.exclude(date_precision=Dialogue.DatePrecision.EXACT)
        if self.value() == "exact":
            return queryset.filter(date_precision=Dialogue.DatePrecision.EXACT)
        return queryset


def _waiting_for_date():
    """How many confirmed asks wait to be told the dialogue's date (a subquery: a join would
    multiply the registrant counts)."""
    waiting = (
        DateAlert.objects.filter(
            dialogue=OuterRef("pk"), confirmed_at__isnull=False, owed_at__isnull=True
        )
        .order_by()
        .values("dialogue")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(waiting), 0, output_field=models.IntegerField())


# Where members of the series often are, for the times shown next to a dialogue's start
# until its own registrants' zones are known.
SAMPLE_ZONES = ["Africa/Nairobi", "Asia/Dhaka", "America/Bogota", "Asia/Beirut"]


def organiser_zone(request) -> str:
    """The zone a new dialogue's times are entered in: the organiser's own, else UTC."""
    member = getattr(request.user, "member", None)
    return (valid_zone(member.time_zone) if member is not None else None) or "UTC"


def entry_zone(request, object_id) -> str:
    """The zone a dialogue form's times are read and shown in."""
    if request.method == "POST":
        chosen = valid_zone(request.POST.get("time_zone"))
        if chosen:
            return chosen
    if object_id:
        stored = Dialogue.objects.filter(pk=object_id).values_list("time_zone", flat=True)
        zone = valid_zone(next(iter(stored), None))
        if zone:
            return zone
    return organiser_zone(request)


def in_zone(moment, zone: str) -> str:
    local = moment.astimezone(zoneinfo.ZoneInfo(zone))
    return f"{date_format(local, 'DATETIME_FORMAT')} ({zone.replace('_', ' ')})"


def elsewhere_zones(dialogue: Dialogue, count: int = 4) -> list[str]:
    """The zones of most of the dialogue's registrants, else a few where members often are."""
    if dialogue.pk is None:
        return SAMPLE_ZONES[:count]
    registrants = (
        Registration.objects.filter(dialogue=dialogue)
        .exclude(status=Registration.Status.CANCELLED)
        .exclude(member__time_zone__in=["UTC", dialogue.time_zone])
        .values("member__time_zone")
        .annotate(people=Count("pk"))
        .order_by("-people", "member__time_zone")
        .values_list("member__time_zone", flat=True)[:count]
    )
    zones = [zone for zone in registrants if valid_zone(zone)]
    zones += [z for z in SAMPLE_ZONES if z not in zones and z != dialogue.time_zone]
    return zones[:count]


def times_elsewhere(dialogue: Dialogue) -> list[str]:
    """The dialogue's start in UTC and in elsewhere_zones(), each with the day when it is not
    the dialogue's own day."""
    own_day = dialogue.starts_at.astimezone(zoneinfo.ZoneInfo(dialogue.time_zone)).date()
    lines = []
    for zone in ["UTC", *elsewhere_zones(dialogue)]:
        local = dialogue.starts_at.astimezone(zoneinfo.ZoneInfo(zone))
        text = f"{zone.replace('_', ' ')} {date_format(local, 'TIME_FORMAT')}"
        if local.date() != own_day:
            text += f" ({date_format(local, 'MONTH_DAY_FORMAT')})"
        lines.append(text)
    return lines


@admin.register(Dialogue)
class DialogueAdmin(CoHostScoped, AuditedAdminMixin, TranslationAdmin):
    # The series is a filter, not a column, so that the list fits a 1,280 px screen.
    list_display = [
        "title",
        "number_in_series",
        "starts",
        "status",
        "capacity",
        "registrants",
        "run_sheet",
    ]
    list_filter = ["status", DateKnownFilter, "format", "series", "starts_at"]
    list_select_related = ["series"]
    search_fields = [*in_every_language("title", "question", "description"), "audience"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "starts_at"
    autocomplete_fields = ["co_hosts"]
    inlines = [SessionInline, DialogueSpeakerInline, BreakoutGroupInline]
    actions = ["cancel_dialogues", "assign_breakout_groups", "create_invitations"]
    change_form_template = "admin/dialogues/dialogue/change_form.html"

    class Media:
        css = {"all": ["css/admin.css"]}
        js = ["js/admin-times.js"]

    # The status is not in the form: the panel above it shows it, and its buttons change it
    # (dialogues.services.status).
    readonly_fields = [
        "times_elsewhere",
        "waiting_for_date",
        "fair_hours",
        "interpretation_demand",
    ]
    # What a co-host may not change: when, where and how many, the status (its buttons are not
    # theirs either), registration and its approval, the co-hosts themselves, the series, the
    # interpretation booked. They keep the agenda, the speakers, the texts and the audience.
    # The join link is not even shown to them (they lack view_join_link).
    co_host_read_only = [
        "series",
        "number",
        "slug",
        "starts_at",
        "date_precision",
        "time_zone",
        "duration_minutes",
        "format",
        "venue",
        "capacity",
        "requires_approval",
        "registration_opens_at",
        "registration_closes_at",
        "co_hosts",
        "breakout_threshold",
        "interpretation_languages",
    ]
    fieldsets = (
        (None, {"fields": ["series", "number", "title", "slug", "question"]}),
        (
            _("When and where"),
            {
                # The zone next to the start: the times of this form are entered in it.
                "fields": [
                    ("starts_at", "time_zone"),
                    "date_precision",
                    "waiting_for_date",
                    "times_elsewhere",
                    "fair_hours",
                    "duration_minutes",
                    "format",
                    "venue",
                ]
            },
        ),
        (_("About"), {"fields": ["description", "audience", "co_hosts"]}),
        (
            _("Registration"),
            {
                "fields": [
                    "capacity",
                    "requires_approval",
                    "registration_opens_at",
                    "registration_closes_at",
                    "join_url",
                ]
            },
        ),
        (_("Interpretation"), {"fields": ["interpretation_languages", "interpretation_demand"]}),
        (_("Participation"), {"fields": ["breakout_threshold"]}),
    )

    def get_fieldsets(self, request, obj=None):
        """The join link only for organisers allowed to see it: without the permission the
        field is neither shown nor saved."""
        fieldsets = super().get_fieldsets(request, obj)
        if organiser_may(request.user, VIEW_JOIN_LINK):
            return fieldsets
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "join_url"]})
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if is_co_host(request.user):
            return [*fields, *self.co_host_read_only]
        return fields

    def has_add_permission(self, request) -> bool:
        return not is_co_host(request.user) and super().has_add_permission(request)

    def get_prepopulated_fields(self, request, obj=None):
        return {} if is_co_host(request.user) else super().get_prepopulated_fields(request, obj)

    def get_actions(self, request):
        # Cancelling, inviting and assigning breakout groups are the organisers' alone.
        return {} if is_co_host(request.user) else super().get_actions(request)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "time_zone":
            return TimeZoneField(
                label=capfirst(db_field.verbose_name),
                help_text=db_field.help_text,
                initial=organiser_zone(request),
            )
        if db_field.name == "date_precision":
            # A form sent without it (an older page, a script) keeps the exact time.
            return forms.TypedChoiceField(
                label=capfirst(db_field.verbose_name),
                help_text=db_field.help_text,
                choices=Dialogue.DatePrecision.choices,
                required=False,
                empty_value=Dialogue.DatePrecision.EXACT,
                widget=forms.RadioSelect,
            )
        if db_field.name == "interpretation_languages":
            return forms.MultipleChoiceField(
                label=capfirst(db_field.verbose_name),
                help_text=db_field.help_text,
                choices=LANGUAGES,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
        if db_field.name in ("registration_opens_at", "registration_closes_at"):
            kwargs["help_text"] = _("In the dialogue's time zone.")
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The form's times are read and shown in the dialogue's zone (the one just chosen,
        # when the form is sent), never silently in the organiser's or the server's.
        zone = entry_zone(request, object_id)
        with timezone.override(zoneinfo.ZoneInfo(zone)):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            if hasattr(response, "render"):
                response.render()
        # The form may carry the join link: never compressed (BREACH), like the site's pages.
        return keep_uncompressed(response)

    @admin.display(description=_("at that time elsewhere"))
    def times_elsewhere(self, dialogue: Dialogue):
        # The zones go along for the few lines of JavaScript that update it as one types.
        zones = " ".join(["UTC", *elsewhere_zones(dialogue)])
        if dialogue.pk is None or dialogue.starts_at is None:
            text = _("Shown once saved.")
        elif dialogue.is_provisional():
            text = _("Shown once the exact time is saved.")
        else:
            text = " · ".join(times_elsewhere(dialogue))
        return format_html('<span class="times-elsewhere" data-zones="{}">{}</span>', zones, text)

    @admin.display(description=_("waiting to be told the date"))
    def waiting_for_date(self, dialogue: Dialogue) -> str:
        count = waiting_count(dialogue) if dialogue.pk else 0
        if not count:
            return _("Nobody yet.")
        return (
            ngettext(
                "%d person asked to be told. Saving with the exact time mails them, once.",
                "%d people asked to be told. Saving with the exact time mails them, once.",
                count,
            )
            % count
        )

    @admin.display(description=_("fair hours"))
    def fair_hours(self, dialogue: Dialogue) -> str:
        return fair_hours_panel(dialogue)

    @admin.display(description=_("asked for"))
    def interpretation_demand(self, dialogue: Dialogue) -> str:
        return interpretation_demand_panel(dialogue)

    @admin.display(description=_("no."), ordering="number")
    def number_in_series(self, dialogue: Dialogue) -> int:
        return dialogue.number

    @admin.display(description=_("starts at"), ordering="starts_at")
    def starts(self, dialogue: Dialogue) -> str:
        if dialogue.is_provisional():
            text = dialogue.provisional_text()
            if dialogue.waiting_for_date_count:
                count = dialogue.waiting_for_date_count
                text += (
                    " · "
                    + ngettext("%d waiting to be told", "%d waiting to be told", count) % count
                )
            return text
        return in_zone(dialogue.starts_at, dialogue.time_zone)

    def get_urls(self):
        view = self.admin_site.admin_view(require_POST(self.invite_view))
        attendance = self.admin_site.admin_view(self.attendance_view)
        status = self.admin_site.admin_view(self.status_view)
        hours = self.admin_site.admin_view(
            lambda request, object_id: dialogue_hours_view(self, request, object_id)
        )
        return [
            path("<path:object_id>/hours/", hours, name="dialogues_dialogue_hours"),
            path("<path:object_id>/invite/", view, name="dialogues_dialogue_invite"),
            path("<path:object_id>/status/", status, name="dialogues_dialogue_status"),
            path("<path:object_id>/attendance/", attendance, name="dialogues_dialogue_attendance"),
            *super().get_urls(),
        ]

    def attendance_view(self, request, object_id):
        """Attendance from the meeting's participant report: upload, preview, confirm. Only
        the confirming POST (the ticked registrations) changes anything."""
        dialogue = get_object_or_404(
            self.get_queryset(request).select_related("series"), pk=object_id
        )
        if not request.user.has_perm("dialogues.change_registration"):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": _("Attendance from the participant report"),
            "dialogue": dialogue,
            "opts": self.opts,
            "started": timezone.now() >= dialogue.starts_at,
        }
        if request.method == "POST" and "confirm" in request.POST:
            ids = [int(pk) for pk in request.POST.getlist("registration") if pk.isdigit()]
            try:
                changed = record_attendance_from_report(dialogue, ids, actor=request.user)
            except RegistrationError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                _report_attended(self, request, changed)
            return redirect(
                reverse("admin:dialogues_registration_changelist")
                + f"?dialogue__id__exact={dialogue.pk}&attended__exact=1"
            )
        form = AttendanceReportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                people = read_participant_report(form.cleaned_data["report"])
            except AttendanceReportError as error:
                form.add_error("report", str(error))
            else:
                context["preview"] = preview_attendance(
                    dialogue, people, minimum_minutes=form.cleaned_data["minimum_minutes"]
                )
        context["form"] = form
        return TemplateResponse(request, "admin/dialogues/dialogue/attendance.html", context)

    def status_view(self, request, object_id):
        """A status move (POST), or the page that confirms cancelling (GET): cancelling mails
        every registrant, so it is never one click away. Not a co-host's: the status decides
        what the portal promises and mails to every registrant."""
        refuse_co_hosts(request)
        dialogue = get_object_or_404(Dialogue, pk=object_id)
        if not self.has_change_permission(request, dialogue):
            raise PermissionDenied
        change_page = reverse("admin:dialogues_dialogue_change", args=[dialogue.pk])
        move = request.POST.get("move") or request.GET.get("move", "")
        confirming = move == "cancel" and request.POST.get("confirmed") != "yes"
        if request.method == "POST" and not confirming:
            try:
                move_dialogue(dialogue, move, actor=request.user)
            except StateError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                dialogue.refresh_from_db()
                self.message_user(
                    request,
                    _("“%(dialogue)s” is now %(status)s.")
                    % {"dialogue": dialogue, "status": dialogue.get_status_display().lower()},
                    messages.SUCCESS,
                )
            return redirect(change_page)
        if move != "cancel":
            return redirect(change_page)
        try:
            check_state_move(dialogue, Dialogue.Status.CANCELLED, action="cancel")
        except StateError as error:
            self.message_user(request, str(error), messages.ERROR)
            return redirect(change_page)
        told = dialogue.registrations.filter(
            status__in=[
                Registration.Status.CONFIRMED,
                Registration.Status.WAITLISTED,
                Registration.Status.PENDING,
            ]
        ).count()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": dialogue,
            "title": _("Cancel “%(dialogue)s”?") % {"dialogue": dialogue},
            "told": told,
            "change_url": change_page,
        }
        return TemplateResponse(request, "admin/dialogues/dialogue/cancel.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        dialogue = self.get_object(request, object_id)
        if dialogue is not None and self.has_change_permission(request, dialogue):
            extra_context["status_moves"] = dialogue_moves(dialogue, request.user)
            extra_context["may_move_status"] = may_move_dialogues(request.user)
        return super().change_view(request, object_id, form_url, extra_context)

    def invite_view(self, request, object_id):
        """Create an invitation: a draft invitation, opened for editing."""
        refuse_co_hosts(request)
        dialogue = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_view_or_change_permission(request, dialogue):
            raise PermissionDenied
        return self._invite(request, dialogue)

    def response_change(self, request, obj):
        # "Save and create an invitation" at the bottom of the form: the changes are saved.
        if "_invite" in request.POST and not is_co_host(request.user):
            return self._invite(request, obj)
        return super().response_change(request, obj)

    def _invite(self, request, dialogue: Dialogue):
        try:
            mailing = draft_invitation(dialogue, actor=request.user)
        except MailingError as error:
            self.message_user(request, str(error), messages.ERROR)
            return redirect("admin:dialogues_dialogue_change", dialogue.pk)
        self.message_user(
            request, _("Draft invitation created: choose its audience."), messages.SUCCESS
        )
        return redirect("admin:members_mailing_change", mailing.pk)

    @admin.action(description=_("Create a draft invitation to each"))
    def create_invitations(self, request, queryset):
        created, refused = 0, []
        for dialogue in queryset:
            try:
                draft_invitation(dialogue, actor=request.user)
            except MailingError as error:
                refused.append(str(error))
            else:
                created += 1
        for message in refused:
            self.message_user(request, message, messages.ERROR)
        if created:
            self.message_user(
                request,
                ngettext(
                    "%d draft invitation created: find it under mailings.",
                    "%d draft invitations created: find them under mailings.",
                    created,
                )
                % created,
                messages.SUCCESS,
            )

    def get_queryset(self, request):
        return limit_dialogues(super().get_queryset(request), request.user).annotate(
            confirmed_count=_count(Registration.Status.CONFIRMED),
            waitlisted_count=_count(Registration.Status.WAITLISTED),
            pending_count=_count(Registration.Status.PENDING),
            waiting_for_date_count=_waiting_for_date(),
        )

    @admin.display(description=_("registrants"))
    def registrants(self, dialogue: Dialogue):
        url = (
            reverse("admin:dialogues_registration_changelist")
            + f"?dialogue__id__exact={dialogue.pk}"
        )
        pending = ""
        if dialogue.pending_count:
            pending = format_html(" · {} {}", dialogue.pending_count, _("to approve"))
        return format_html(
            '<a href="{}">{} {} · {} {}{}</a>',
            url,
            dialogue.confirmed_count,
            _("confirmed"),
            dialogue.waitlisted_count,
            _("waiting"),
            pending,
        )

    @admin.display(description=_("questions"))
    def run_sheet(self, dialogue: Dialogue) -> str:
        return run_sheet_link(dialogue)

    @admin.action(description=_("Assign everyone without a breakout group to one"))
    def assign_breakout_groups(self, request, queryset):
        if not request.user.has_perm("dialogues.change_registration"):
            self.message_user(request, _("You may not change registrations."), messages.ERROR)
            return
        for dialogue in queryset:
            assigned, left = auto_assign_breakout_groups(dialogue, actor=request.user)
            message = _("%(dialogue)s: %(assigned)d assigned to a group.") % {
                "dialogue": dialogue.title,
                "assigned": assigned,
            }
            if left:
                message += " " + _("%(left)d left without one: every group is full.") % {
                    "left": left
                }
            self.message_user(request, message, messages.WARNING if left else messages.SUCCESS)

    def save_model(self, request, obj: Dialogue, form, change: bool) -> None:
        # Capacity goes through its service, which promotes from the waiting list; the status
        # is not in the form (its buttons call dialogues.services.status); the rest of the
        # form saves as usual.
        if not change:
            super().save_model(request, obj, form, change)
            return
        self._save_change(request, obj, form, change)
        # In the form's transaction: given its exact time, everyone who asked is owed a mail.
        told = tell_date_set(obj, actor=request.user)
        if told:
            self.message_user(
                request,
                ngettext(
                    "%d person who asked is being told the date.",
                    "%d people who asked are being told the date.",
                    told,
                )
                % told,
                messages.SUCCESS,
            )

    def _save_change(self, request, obj: Dialogue, form, change: bool) -> None:
        stored = Dialogue.objects.only("capacity").get(pk=obj.pk)
        wanted_capacity = obj.capacity
        obj.capacity = stored.capacity
        super().save_model(request, obj, form, change)
        if wanted_capacity != stored.capacity:
            change_capacity(obj, wanted_capacity, actor=request.user)
        obj.refresh_from_db()

    @admin.action(description=_("Cancel the selected dialogues and tell their registrants"))
    def cancel_dialogues(self, request, queryset):
        if not request.user.has_perm("dialogues.change_dialogue"):
            self.message_user(request, _("You may not cancel dialogues."), messages.ERROR)
            return
        cancelled = 0
        for dialogue in queryset:
            try:
                move_dialogue(dialogue, "cancel", actor=request.user)
            except StateError as error:
                self.message_user(request, f"{dialogue}: {error}", messages.ERROR)
            else:
                cancelled += 1
        if cancelled:
            self.message_user(
                request, _("Cancelled; registrants are being told."), messages.SUCCESS
            )


@admin.register(Speaker)
class SpeakerAdmin(CoHostScoped, admin.ModelAdmin):
    list_display = ["name", "title", "organisation", "country"]
    list_select_related = ["organisation"]
    list_filter = ["country"]
    search_fields = ["name", "title", "organisation__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["organisation"]

    def get_queryset(self, request):
        return limit_speakers(super().get_queryset(request), request.user)

    def get_readonly_fields(self, request, obj=None):
        # Organisations are not theirs to look through: the field's search would be refused.
        if is_co_host(request.user):
            return [*super().get_readonly_fields(request, obj), "organisation"]
        return super().get_readonly_fields(request, obj)

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.added_by = request.user
        super().save_model(request, obj, form, change)


CSV_COLUMNS = [
    ("dialogue", lambda r: r.dialogue.title),
    ("name", lambda r: r.member.user.get_full_name() if r.member else ""),
    ("email", lambda r: r.member.user.email if r.member else ""),
    ("organisation", lambda r: r.organisation_name),
    ("role", lambda r: r.role),
    ("country", lambda r: r.member.country.name if r.member and r.member.country else ""),
    ("status", lambda r: r.get_status_display()),
    ("waiting-list position", lambda r: r.waitlist_position() or ""),
    ("language", lambda r: r.get_language_display()),
    ("interpretation", lambda r: interpretation_list(r.interpretation)),
    ("needs", lambda r: r.needs),
    ("agrees to being recorded", lambda r: "yes" if r.consents_to_recording else "no"),
    # Questions live in their own list (Questions in admin), with moderation and the run sheet.
    ("breakout group", lambda r: r.breakout_group.topic if r.breakout_group else ""),
    ("attended", lambda r: "yes" if r.attended else "no"),
    ("registered (UTC)", lambda r: r.registered_at.astimezone(UTC).isoformat()),
]

# A co-host's export: what the registrant agreed to share (no needs, no attendance).
CO_HOST_CSV = {"dialogue", "name", "email", "organisation", "role", "country", "status"}
CO_HOST_CSV_COLUMNS = [column for column in CSV_COLUMNS if column[0] in CO_HOST_CSV]


@admin.register(Registration)
class RegistrationAdmin(CoHostScoped, AuditedAdminMixin, admin.ModelAdmin):
    # What organisers look for first comes first, so that a 1,280 px screen shows it.
    list_display = [
        "member_name",
        "status_and_position",
        "attended",
        "registered",
        "dialogue",
    ]
    list_filter = [
        "status",
        "attended",
        "dialogue",
        ("member__country", admin.AllValuesFieldListFilter),
        "member__organisation__kind",
        InterpretationFilter,
    ]
    search_fields = [
        "member__user__email",
        "member__user__first_name",
        "member__user__last_name",
        "organisation_name",
    ]
    list_select_related = ["dialogue", "member__user"]
    readonly_fields = [
        "dialogue",
        "member",
        "status",
        "waitlist_number",
        "registered_at",
        "confirmed_at",
        "decided_at",
        "cancelled_at",
        # Through the services only: the breakout group's capacity is checked when a member
        # picks one or by the auto-assign action; attendance by the mark actions, which also
        # refresh the localisation figures.
        "breakout_group",
        "attended",
        "interpretation_asked",
    ]
    fields = [
        *readonly_fields,
        "organisation_name",
        "role",
        "language",
        "needs",
        "consents_to_recording",
    ]
    actions = [
        "approve",
        "decline",
        "mark_attended",
        "mark_absent",
        "cancel_registrations",
        "export_csv",
    ]
    change_list_template = "admin/dialogues/registration/change_list.html"

    def has_add_permission(self, request) -> bool:
        return False  # members register themselves; the services keep capacity right

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # cancel instead: deleting would lose the counts

    # What a co-host sees of a registrant who agreed to share details with them.
    co_host_fields = ["dialogue", "member", "status", "registered_at", "organisation_name", "role"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).with_waitlist_position()
        return limit_registrations(queryset, request.user)

    def get_fields(self, request, obj=None):
        return self.co_host_fields if is_co_host(request.user) else super().get_fields(request, obj)

    def get_list_filter(self, request):
        list_filter = scoped_list_filter(super().get_list_filter(request), request)
        if is_co_host(request.user):
            return [name for name in list_filter if name != "attended"]
        return list_filter

    def get_actions(self, request):
        actions = super().get_actions(request)
        if is_co_host(request.user):
            return {name: action for name, action in actions.items() if name == "export_csv"}
        return actions

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Offer only the groups of the registration's own dialogue.
        if db_field.name == "breakout_group":
            object_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = BreakoutGroup.objects.filter(
                dialogue__registrations__pk=object_id or None
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    class Media:
        css = {"all": ["css/admin.css"]}

    def get_list_display(self, request):
        # Filtered to one dialogue (the link from the dialogue list), its column says nothing.
        shown = self.list_display
        if "dialogue__id__exact" in request.GET:
            shown = [name for name in shown if name != "dialogue"]
        if is_co_host(request.user):  # they agreed to share their details, not attendance
            shown = [name for name in shown if name != "attended"]
        return shown

    @admin.display(description=_("name"), ordering="member__user__last_name")
    def member_name(self, registration: Registration) -> str:
        if registration.member is None:
            return "—"
        user = registration.member.user
        return format_html(
            '{}<br><span class="address">{}</span><br><span class="address">{}</span>',
            user.get_full_name() or "—",
            user.email,
            registration.organisation_name,
        )

    @admin.display(description=_("interpretation asked for"))
    def interpretation_asked(self, registration: Registration) -> str:
        return interpretation_list(registration.interpretation) or "—"

    @admin.display(description=_("status"), ordering="status")
    def status_and_position(self, registration: Registration) -> str:
        position = registration.waitlist_position()
        if position:
            return _("%(status)s (number %(position)d)") % {
                "status": registration.get_status_display(),
                "position": position,
            }
        return registration.get_status_display()

    @admin.display(description=_("registered"), ordering="registered_at")
    def registered(self, registration: Registration) -> str:
        return date_format(localtime(registration.registered_at), "SHORT_DATETIME_FORMAT")

    def changelist_view(self, request, extra_context=None):
        if is_co_host(request.user):
            extra_context = {**(extra_context or {}), "co_host_list": True}
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            response.context_data["registration_counts"] = changelist.queryset.aggregate(
                pending=Count("pk", filter=Q(status=Registration.Status.PENDING)),
                confirmed=Count("pk", filter=Q(status=Registration.Status.CONFIRMED)),
                waitlisted=Count("pk", filter=Q(status=Registration.Status.WAITLISTED)),
                cancelled=Count("pk", filter=Q(status=Registration.Status.CANCELLED)),
                attended=Count("pk", filter=Q(attended=True)),
            )
        return response

    def _require_change(self, request) -> bool:
        if self.has_change_permission(request):
            return True
        self.message_user(request, _("You may not change registrations."), messages.ERROR)
        return False

    @admin.action(description=_("Approve: a seat each while seats last, then the waiting list"))
    def approve(self, request, queryset):
        if not self._require_change(request):
            return
        try:
            approved = approve_registrations(queryset, actor=request.user)
        except RegistrationError as error:
            self.message_user(request, str(error), messages.ERROR)
            return
        seated = sum(1 for r in approved if r.is_confirmed())
        waiting = len(approved) - seated
        message = ngettext(
            "%d registration approved", "%d registrations approved", len(approved)
        ) % len(approved)
        message += ": " + _("%(seated)d with a seat, %(waiting)d on the waiting list.") % {
            "seated": seated,
            "waiting": waiting,
        }
        self.message_user(request, message, messages.SUCCESS)
        self._report_not_pending(request, queryset, len(approved))

    @admin.action(description=_("Decline and tell the registrants"))
    def decline(self, request, queryset):
        if not self._require_change(request):
            return
        try:
            declined = decline_registrations(queryset, actor=request.user)
        except RegistrationError as error:
            self.message_user(request, str(error), messages.ERROR)
            return
        self.message_user(
            request,
            ngettext("%d registration declined.", "%d registrations declined.", declined)
            % declined,
            messages.SUCCESS,
        )
        self._report_not_pending(request, queryset, declined)

    def _report_not_pending(self, request, queryset, decided: int) -> None:
        left = queryset.count() - decided
        if left:
            self.message_user(
                request,
                ngettext(
                    "%d selected registration was not waiting for approval: left as it was.",
                    "%d selected registrations were not waiting for approval: left as they were.",
                    left,
                )
                % left,
                messages.WARNING,
            )

    @admin.action(description=_("Mark as attended"))
    def mark_attended(self, request, queryset):
        if self._require_change(request):
            changed = mark_attendance(queryset, attended=True, actor=request.user)
            _report_attended(self, request, changed)

    @admin.action(description=_("Mark as not attended"))
    def mark_absent(self, request, queryset):
        if self._require_change(request):
            changed = mark_attendance(queryset, attended=False, actor=request.user)
            self.message_user(
                request,
                ngettext(
                    "%d registrant marked as absent.", "%d registrants marked as absent.", changed
                )
                % changed,
                messages.SUCCESS,
            )

    @admin.action(description=_("Cancel the selected registrations"))
    def cancel_registrations(self, request, queryset):
        if not self._require_change(request):
            return
        cancelled = 0
        for registration in queryset.select_related("dialogue"):
            try:
                cancel_registration(registration, actor=request.user)
            except RegistrationError as error:
                self.message_user(request, f"{registration}: {error}", messages.ERROR)
            else:
                cancelled += 1
        self.message_user(
            request,
            ngettext("%d registration cancelled.", "%d registrations cancelled.", cancelled)
            % cancelled,
            messages.SUCCESS,
        )

    @admin.action(description=_("Export the selected registrations as CSV"))
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="registrations.csv"'
        # A byte-order mark makes spreadsheet programs read the file as UTF-8, so names in
        # Arabic, Bengali or Amharic arrive intact.
        response.write("\ufeff")
        writer = csv.writer(response)
        columns = CO_HOST_CSV_COLUMNS if is_co_host(request.user) else CSV_COLUMNS
        writer.writerow([name for name, _value in columns])
        rows = queryset.select_related("dialogue", "member__user", "breakout_group").order_by(
            "dialogue__starts_at", "status", "waitlist_number", "registered_at", "pk"
        )
        for registration in rows:
            writer.writerow([value(registration) for _name, value in columns])
        return response


def _report_attended(model_admin, request, changed: int) -> None:
    """The message after attendance was marked, by hand or from the participant report."""
    model_admin.message_user(
        request,
        ngettext("%d registrant marked as attended.", "%d registrants marked as attended.", changed)
        % changed,
        messages.SUCCESS,
    )
