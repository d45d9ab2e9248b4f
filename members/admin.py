import re

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.timezone import get_current_timezone_name, localtime, now
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST
from modeltranslation.admin import TranslationAdmin

from a4ep_portal.admin import (
    AuditedAdminMixin,
    AuditEntryInline,
    WorkflowAdminMixin,
    changed_fields,
)
from a4ep_portal.languages import in_every_language
from a4ep_portal.middleware import keep_uncompressed
from a4ep_portal.services import record_edit
from a4ep_portal.workflow import WorkflowError

from . import admin_home  # noqa: F401  (the admin home sections)
from .addresses import parse_addresses
from .models import (
    CURATED_KINDS,
    Delivery,
    Mailing,
    MailKind,
    Member,
    OneOffMessage,
    Organisation,
    User,
)
from .services import (
    MailingError,
    audience_problems,
    audience_size,
    move_mailing,
    preview_message,
    preview_sample,
    retry_failed_deliveries,
    save_mailing,
    send_test_mailing,
)


class MemberInline(admin.StackedInline):
    model = Member
    can_delete = False
    autocomplete_fields = ["organisation"]


class UserCreationAdminForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class UserChangeAdminForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    add_form = UserCreationAdminForm
    form = UserChangeAdminForm
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active", "date_joined"]
    search_fields = ["email", "first_name", "last_name"]
    inlines = [MemberInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "usable_password", "password1", "password2"),
            },
        ),
    )


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "country", "is_a4ep_member"]
    list_filter = ["kind", "is_a4ep_member", "country"]
    search_fields = ["name"]


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["__str__", "organisation", "country", "time_zone"]
    list_select_related = ["user", "organisation"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "organisation__name"]
    autocomplete_fields = ["organisation"]
    list_filter = ["country"]


ONE_OFF_KINDS = tuple(kind for kind in MailKind if kind not in CURATED_KINDS)


def kind_filter(kinds) -> type[admin.SimpleListFilter]:
    """A "kind" filter that offers only the kinds its list holds."""

    class KindFilter(admin.SimpleListFilter):
        title = _("kind")
        parameter_name = "kind"

        def lookups(self, request, model_admin):
            return [(kind.value, kind.label) for kind in kinds]

        def queryset(self, request, queryset):
            return queryset.filter(kind=self.value()) if self.value() else queryset

    return KindFilter


def _count(status: str) -> Count:
    return Count("deliveries", filter=Q(deliveries__status=status))


STYLE = re.compile(r'\sstyle="[^"]*"')


class MailingForm(forms.ModelForm):
    """An editor's mailing: the kinds that need approval, the audience and its choices, and
    the pasted addresses checked line by line (the text stays as typed when one is wrong)."""

    kind = forms.ChoiceField(
        label=capfirst(_("kind")),
        choices=[
            (k.value, k.label) for k in (MailKind.INVITATION, MailKind.SUMMARY, MailKind.NEWS)
        ],
    )
    organisation_kinds = forms.MultipleChoiceField(
        label=capfirst(_("kinds of organisation")),
        choices=Organisation.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=Mailing._meta.get_field("organisation_kinds").help_text,
    )

    class Meta:
        model = Mailing
        fields = [
            "kind",
            "subject",
            "body",
            "dialogue",
            "details",
            "audience",
            "countries",
            "organisation_kinds",
            "guest_addresses",
            "recipient",
            "publish_at",
        ]
        labels = {"publish_at": capfirst(_("send at"))}
        help_texts = {
            "publish_at": _("Leave empty to send as soon as a publisher approves it."),
        }

    def clean_guest_addresses(self) -> str:
        text = self.cleaned_data["guest_addresses"]
        _addresses, errors = parse_addresses(text)
        if errors:
            raise forms.ValidationError(errors)
        return text

    def clean(self):
        data = super().clean()
        problems = audience_problems(
            data.get("audience"),
            recipient=data.get("recipient"),
            countries=data.get("countries"),
            organisation_kinds=data.get("organisation_kinds"),
            guest_addresses=data.get("guest_addresses"),
            dialogue=data.get("dialogue"),
            details=data.get("details"),
        )
        for field_name, problem in problems.items():
            self.add_error(field_name, problem)
        return data


def _move(mailing: Mailing, move: str, *, actor, note: str = "") -> Mailing:
    try:
        return move_mailing(mailing, move, actor=actor, note=note)
    except MailingError as error:
        raise WorkflowError(str(error)) from error


@admin.register(Mailing)
class MailingAdmin(AuditedAdminMixin, WorkflowAdminMixin, TranslationAdmin):
    """Mailings with their deliveries counted per status. Editors draft and submit, anyone
    with access previews and mails themselves a test, publishers approve (which sends, or
    schedules for "send at"); members.services does the work. The subject and text are
    written per language (English, the original, required); each member gets theirs."""

    form = MailingForm
    change_form_template = "admin/members/mailing/change_form.html"
    save_service = staticmethod(save_mailing)
    note_service = staticmethod(lambda mailing, *, actor: record_edit(mailing, actor=actor))
    move_service = staticmethod(_move)
    confirm_moves = frozenset({"approve", "publish"})  # both send, or schedule sending
    inlines = [AuditEntryInline]
    # One "sent" column (when); the deliveries column counts what became of each message.
    list_display = ["subject", "kind", "audience", "state", "sent_at", "deliveries"]
    list_filter = [kind_filter(CURATED_KINDS), "state", "audience"]
    search_fields = in_every_language("subject")
    date_hierarchy = "created_at"
    autocomplete_fields = ["recipient", "dialogue"]
    readonly_fields = [
        "state",
        "created_by",
        "approved_by",
        "created_at",
        "sent_at",
        "audience_size",
        "counts",
        "reasons",
    ]
    actions = ["retry_failed"]

    def get_queryset(self, request):
        # Curated mailings only: the portal's one-off messages have their own list.
        return _with_counts(super().get_queryset(request).filter(kind__in=CURATED_KINDS))

    def workflow_moves(self, item, user) -> list:
        return [] if item.is_sent() else super().workflow_moves(item, user)  # gone out: final

    def button_label(self, item, move) -> str:
        if move.name == "approve":
            return _("Approve and send…")
        if move.name == "publish":
            return _("Send now…")
        return super().button_label(item, move)

    def confirmation(self, item, move: str, user) -> dict:
        """Whom approving or sending mails, and when: now, or at the mailing's send time."""
        try:
            size = audience_size(item)
        except MailingError as error:
            return {"title": _("Approve and send"), "lines": [], "button": "", "error": str(error)}
        later = move == "approve" and item.publish_at is not None and item.publish_at > now()
        counted = _("Members who opted out of this kind of mail or are inactive are not counted.")
        if later:
            when = _when(item.publish_at)
            lines = [
                ngettext(
                    "Approving schedules “%(subject)s”: it goes out at %(when)s to its audience "
                    "as it is then (%(count)d recipient today).",
                    "Approving schedules “%(subject)s”: it goes out at %(when)s to its audience "
                    "as it is then (%(count)d recipients today).",
                    size,
                )
                % {"subject": item.subject, "when": when, "count": size},
                _("Until then it can still be withdrawn or sent back to draft."),
            ]
            button = ngettext(
                "Approve and send to %(count)d recipient at %(when)s",
                "Approve and send to %(count)d recipients at %(when)s",
                size,
            ) % {"count": size, "when": when}
        else:
            lines = [
                ngettext(
                    "This sends “%(subject)s” at once to %(count)d recipient. It cannot be "
                    "called back.",
                    "This sends “%(subject)s” at once to %(count)d recipients. It cannot be "
                    "called back.",
                    size,
                )
                % {"subject": item.subject, "count": size},
            ]
            label = (
                ngettext(
                    "Approve and send to %(count)d recipient now",
                    "Approve and send to %(count)d recipients now",
                    size,
                )
                if move == "approve"
                else ngettext(
                    "Send to %(count)d recipient now", "Send to %(count)d recipients now", size
                )
            )
            button = label % {"count": size}
        title = _("Approve and send") if move == "approve" else _("Send now")
        return {"title": title, "lines": [*lines, counted], "button": button, "error": ""}

    def response_change(self, request, obj):
        # "Preview" and "Send me a test" at the bottom of the form: the changes are saved.
        if "_preview" in request.POST:
            return redirect("admin:members_mailing_preview", obj.pk)
        if "_test" in request.POST:
            return self.test_view(request, obj.pk)
        return super().response_change(request, obj)

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        # A change to the original only, where translations exist, leaves those readers with
        # the old text: say so (the editor may mean it, so it is a warning, not an error).
        changed = changed_fields(form) if change else []
        stale = {
            str(name)
            for field in ("subject", "body")
            if f"{field}_en" in changed
            for code, name in settings.LANGUAGES
            if code != "en"
            and form.cleaned_data.get(f"{field}_{code}")
            and f"{field}_{code}" not in changed
        }
        if stale:
            self.message_user(
                request,
                _("You changed the English text only: the %(languages)s text is unchanged.")
                % {"languages": ", ".join(sorted(stale))},
                messages.WARNING,
            )

    def get_fields(self, request, obj=None):
        # subject and body stand for their columns in every language (subject_en, ...).
        return self.replace_orig_field(self._fields(obj))

    def _fields(self, obj) -> list[str]:
        if obj is not None and obj.is_sent():
            return [
                "kind",
                "subject",
                "body",
                "dialogue",
                "details",
                "audience",
                "countries",
                "organisation_kinds",
                "recipient",
                "publish_at",
                *self.readonly_fields,
            ]
        if obj is None:
            return MailingForm.Meta.fields
        return [*MailingForm.Meta.fields, *self.readonly_fields]

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []  # no history before it exists

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_sent():
            return self.get_fields(request, obj)
        return self.readonly_fields

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/preview/",
                view(require_GET(self.preview_view)),
                name="members_mailing_preview",
            ),
            path(
                "<path:object_id>/test/",
                view(require_POST(self.test_view)),
                name="members_mailing_test",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        return _uncompressed_if_join_link(response, object_id)

    def _mailing_or_deny(self, request, object_id) -> Mailing:
        mailing = get_object_or_404(Mailing.objects.select_related("dialogue"), pk=object_id)
        if not self.has_view_or_change_permission(request, mailing):
            raise PermissionDenied
        return mailing

    def preview_view(self, request, object_id):
        """The message a sample recipient gets: a member of the audience by default, the
        member with the address typed, or a non-member invited by address."""
        mailing = self._mailing_or_deny(request, object_id)
        wanted = request.GET.get("sample", "").strip()
        try:
            sample, error = preview_sample(mailing, wanted, actor=request.user)
        except MailingError as problem:
            raise PermissionDenied(str(problem)) from problem
        message = preview_message(mailing, sample, actor=request.user)
        html = message.alternatives[0][0]
        body = re.search(r"<body[^>]*>(.*)</body>", html, re.DOTALL)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": mailing,
            "title": _("Preview of “%s”") % mailing,
            "message": message,
            "sample": sample,
            "sample_value": wanted,
            "error": error,
            # Our layout around sanitised Markdown, with the recipient's values escaped.
            # Style attributes dropped: the admin's CSP allows no inline style.
            "html_body": mark_safe(STYLE.sub("", body.group(1)) if body else ""),  # noqa: S308
            "html_lang": re.search(r'<html lang="([^"]*)"', html).group(1),
            "attachments": [name for name, _content, _type in message.attachments],
        }
        response = TemplateResponse(request, "admin/members/mailing/preview.html", context)
        return _uncompressed_if_join_link(response, mailing.pk)

    def test_view(self, request, object_id):
        mailing = self._mailing_or_deny(request, object_id)
        try:
            send_test_mailing(mailing, actor=request.user)
        except MailingError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(
                request,
                _("A test message is on its way to %s.") % request.user.email,
                messages.SUCCESS,
            )
        return redirect("admin:members_mailing_change", mailing.pk)

    @admin.display(description=_("audience size"))
    def audience_size(self, mailing):
        if mailing.is_sent():
            return _("Sent: see the deliveries below.")
        try:
            size = audience_size(mailing)
        except MailingError as error:
            return str(error)
        return (
            ngettext(
                "%d recipient (members who opted out or are inactive not counted)",
                "%d recipients (members who opted out or are inactive not counted)",
                size,
            )
            % size
        )

    @admin.display(description=_("reasons"))
    def reasons(self, mailing):
        rows = (
            mailing.deliveries.filter(status__in=[Delivery.Status.FAILED, Delivery.Status.SKIPPED])
            .values("status", "last_error")
            .annotate(count=Count("pk"))
            .order_by("-count", "status", "last_error")
        )
        labels = dict(Delivery.Status.choices)
        return (
            format_html_join(
                mark_safe("<br>"),
                "{}: {} × {}",
                ((labels[row["status"]], row["count"], row["last_error"] or "—") for row in rows),
            )
            or "—"
        )

    @admin.display(description=_("deliveries"))
    def deliveries(self, mailing):
        return _delivery_summary(mailing)

    @admin.display(description=_("deliveries"))
    def counts(self, mailing):
        return format_html_join(
            " · ",
            "{} {}",
            (
                (_deliveries_link(mailing, status), label.lower())
                for status, label in Delivery.Status.choices
            ),
        )

    @admin.action(description=_("Retry the failed deliveries"), permissions=["retry"])
    def retry_failed(self, request, queryset):
        failed = Delivery.objects.filter(mailing__in=queryset, status=Delivery.Status.FAILED)
        _report_retry(self, request, retry_failed_deliveries(failed, actor=request.user))

    def has_retry_permission(self, request) -> bool:
        return request.user.has_perm("members.change_delivery")


def _uncompressed_if_join_link(response, mailing_id):
    """A registrant's confirmation or reminder holds their dialogue's join link: its pages
    go out uncompressed (BREACH), as the site's pages with a join link do."""
    mailing = (
        Mailing.objects.select_related("dialogue").filter(pk=mailing_id).first()
        if str(mailing_id).isdigit()
        else None
    )
    join_url = mailing and mailing.dialogue and mailing.dialogue.join_url
    if join_url and any(
        join_url in (getattr(mailing, body) or "") for body in in_every_language("body")
    ):
        return keep_uncompressed(response)
    return response


def _with_counts(queryset):
    return queryset.annotate(
        **{f"{status}_count": _count(status) for status in Delivery.Status.values}
    )


def _deliveries_link(mailing: Mailing, status: str):
    count = getattr(mailing, f"{status}_count", 0)
    query = urlencode({"mailing__id__exact": mailing.pk, "status__exact": status})
    url = f"{reverse('admin:members_delivery_changelist')}?{query}"
    return format_html('<a href="{}">{}</a>', url, count)


def _delivery_summary(mailing: Mailing):
    """The statuses that have deliveries, with their counts: "310 sent · 2 failed"."""
    return (
        format_html_join(
            " · ",
            "{} {}",
            (
                (_deliveries_link(mailing, status), label.lower())
                for status, label in Delivery.Status.choices
                if getattr(mailing, f"{status}_count", 0)
            ),
        )
        or "—"
    )


def _when(moment) -> str:
    """A time as organisers read it: in their zone, with the zone named."""
    return f"{date_format(localtime(moment), 'DATETIME_FORMAT')} ({get_current_timezone_name()})"


def _report_retry(model_admin, request, count: int) -> None:
    model_admin.message_user(
        request,
        ngettext("%d delivery queued again.", "%d deliveries queued again.", count) % count,
        messages.SUCCESS,
    )


@admin.register(OneOffMessage)
class OneOffMessageAdmin(admin.ModelAdmin):
    """The portal's own messages to one member each: confirmations, reminders, account mail
    and organisers' test messages. Written and sent by the portal; read-only here."""

    class Media:
        css = {"all": ["css/admin.css"]}

    # What became of it first, so that a 1,280 px screen shows it; the dialogue is a filter.
    list_display = ["subject", "sent_at", "deliveries", "recipient", "kind"]
    list_filter = [kind_filter(ONE_OFF_KINDS), "dialogue"]
    list_select_related = ["recipient__user", "dialogue"]
    search_fields = ["subject", "recipient__user__email"]
    date_hierarchy = "created_at"
    fields = [
        "kind",
        "subject",
        "body",
        "recipient",
        "dialogue",
        "created_by",
        "created_at",
        "sent_at",
        "counts",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return _with_counts(super().get_queryset(request).exclude(kind__in=CURATED_KINDS))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        return _uncompressed_if_join_link(response, object_id)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # the counts and the members' history must stay true

    @admin.display(description=_("deliveries"))
    def deliveries(self, message):
        return _delivery_summary(message)

    counts = deliveries


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """Deliveries are written by the outbox only: readable here, and failed ones can be
    queued again."""

    class Media:
        css = {"all": ["css/admin.css"]}

    list_display = ["address", "mailing", "status", "attempts", "last_error", "sent_at"]
    list_filter = ["status", "mailing__kind", "mailing"]
    list_select_related = ["mailing"]
    search_fields = ["address", "mailing__subject"]
    actions = ["retry_failed"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # the counts of a mailing must stay true

    @admin.action(description=_("Retry the selected failed deliveries"), permissions=["change"])
    def retry_failed(self, request, queryset):
        _report_retry(self, request, retry_failed_deliveries(queryset, actor=request.user))
