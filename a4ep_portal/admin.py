"""Admin for items in the publishing workflow: state and history on the change page, and the
moves the user may make as buttons. The app's services do the work."""

from django.contrib import admin, messages
from django.contrib.contenttypes.admin import GenericTabularInline
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.timezone import get_current_timezone_name
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from .audit import action_choices
from .models import AuditEntry
from .workflow import MOVES, WorkflowError, allowed_moves, check_move


class AuditEntryInline(GenericTabularInline):
    """The object's history, from the one audit log, on its change page."""

    model = AuditEntry
    ct_field = "content_type"
    ct_fk_field = "object_id"
    fields = ["at", "actor", "action_label", "change_summary", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("History")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_view_permission(self, request, obj=None) -> bool:
        return True  # whoever may see the object sees its history

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor", "content_type")

    @admin.display(description=_("action"))
    def action_label(self, entry: AuditEntry) -> str:
        return entry.action_label

    @admin.display(description=_("before → after"))
    def change_summary(self, entry: AuditEntry) -> str:
        return format_html("<bdi>{}</bdi>", entry.change_summary())


def _normalised(value):
    if isinstance(value, str):
        return value.replace("\r\n", "\n").strip()
    return value


def changed_fields(form) -> list[str]:
    """The fields whose stored value a valid change form changes. Django's changed_data
    counts a text that differs only in line endings (browsers send CRLF) or surrounding
    spaces, which would make a publisher who changed nothing the item's last editor, unable
    to approve it."""
    if "_changed_fields" not in form.__dict__:
        item = form.instance
        stored = type(item)._default_manager.filter(pk=item.pk).first()
        changed = []
        for name in form.changed_data:
            try:
                field = item._meta.get_field(name)
            except FieldDoesNotExist:
                changed.append(name)
                continue
            if (
                stored is None
                or field.many_to_many
                or _normalised(field.value_from_object(stored))
                != _normalised(field.value_from_object(item))
            ):
                changed.append(name)
        form._changed_fields = changed
    return form._changed_fields


def content_changed(form) -> bool:
    return bool(changed_fields(form))


class WorkflowAdminMixin:
    """Mix into a ModelAdmin of a PublishableModel. Set the app's services:
    `save_service(item, *, actor, created)`, `note_service(item, *, actor)` (a change made in
    an inline only) and `move_service(item, move, *, actor, note)`.

    The move buttons sit at the bottom of the change form and submit it: the typed changes are
    saved first (a form with errors is shown again, unmoved), then the move is made. Moves in
    `confirm_moves` (those that mail people) go through a confirmation page that says what
    will happen; `confirmation(item, move, user)` describes it."""

    change_form_template = "admin/workflow_change_form.html"
    save_service = None
    note_service = None
    move_service = None
    confirm_moves: frozenset[str] = frozenset()

    class Media:
        css = {"all": ["css/admin.css"]}

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        field = form.base_fields.get("publish_at")
        if field is not None:  # never silently in some zone: name the organiser's
            zone = _("In your time zone, %(zone)s.") % {"zone": get_current_timezone_name()}
            field.help_text = f"{field.help_text} {zone}".strip()
        return form

    def get_urls(self):
        opts = self.model._meta
        prefix = f"{opts.app_label}_{opts.model_name}"
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/move/", view(require_POST(self.move_view)), name=f"{prefix}_move"
            ),
            path(
                "<path:object_id>/confirm/<str:move>/",
                view(require_GET(self.confirm_view)),
                name=f"{prefix}_confirm",
            ),
            *super().get_urls(),
        ]

    def _item_or_deny(self, request, object_id):
        item = get_object_or_404(self.model, pk=object_id)
        if not self.has_view_or_change_permission(request, item):
            raise PermissionDenied
        return item

    def _change_url(self, item) -> str:
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[item.pk])

    def _confirm_redirect(self, item, move: str, note: str):
        opts = self.model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_confirm", args=[item.pk, move])
        return redirect(f"{url}?{urlencode({'note': note})}" if note else url)

    def move_view(self, request, object_id):
        """A move from the confirmation page (or a bare form): a move that needs confirming
        and comes without it is sent to its confirmation page, unmade."""
        item = self._item_or_deny(request, object_id)
        move = request.POST.get("move", "")
        note = request.POST.get("note", "").strip()
        if move in self.confirm_moves and request.POST.get("confirmed") != "yes":
            return self._confirm_redirect(item, move, note)
        return self._make_move(request, item, move, note)

    def _make_move(self, request, item, move: str, note: str):
        try:
            type(self).move_service(item, move, actor=request.user, note=note)
        except WorkflowError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(
                request,
                _("“%(item)s” is now %(state)s.")
                % {"item": item, "state": item.get_state_display().lower()},
                messages.SUCCESS,
            )
        return redirect(self._change_url(item))

    def confirm_view(self, request, object_id, move):
        """What the move will do, with a button that makes it; nothing changes here."""
        item = self._item_or_deny(request, object_id)
        if move not in self.confirm_moves:
            raise Http404
        try:
            check_move(item, move, request.user)
        except WorkflowError as error:
            self.message_user(request, str(error), messages.ERROR)
            return redirect(self._change_url(item))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": item,
            "move": move,
            "note": request.GET.get("note", "").strip()[:500],
            "change_url": self._change_url(item),
            **self.confirmation(item, move, request.user),
        }
        return TemplateResponse(request, "admin/workflow_confirm.html", context)

    def confirmation(self, item, move: str, user) -> dict:
        """The confirmation page's `title`, `lines` (what will happen), `button` (what it
        says) and `error` (when the move cannot be made: no button then)."""
        label = MOVES[move].label
        return {"title": label, "lines": [], "button": label, "error": ""}

    def button_label(self, item, move) -> str:
        """What a move's button says; "…" when a confirmation page comes first."""
        return f"{move.label}…" if move.name in self.confirm_moves else str(move.label)

    def workflow_moves(self, item, user) -> list:
        """The move buttons on the item's page."""
        return allowed_moves(item, user)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        item = self.get_object(request, object_id)
        if item is not None:
            extra_context["workflow_buttons"] = [
                (move.name, self.button_label(item, move))
                for move in self.workflow_moves(item, request.user)
            ]
        return super().change_view(request, object_id, form_url, extra_context)

    def response_change(self, request, obj):
        # A move button of the change form: the changes are saved (the form was valid), so
        # make the move now, or show its confirmation page.
        move = request.POST.get("_move")
        if move is None or "_popup" in request.POST:
            return super().response_change(request, obj)
        if getattr(request, "_workflow_edited", False):
            self.message_user(request, _("Your changes were saved."), messages.SUCCESS)
        note = request.POST.get("_move_note", "").strip()
        if move in self.confirm_moves:
            return self._confirm_redirect(obj, move, note)
        return self._make_move(request, obj, move, note)

    def save_model(self, request, obj, form, change) -> None:
        if change and not content_changed(form):
            return
        request._workflow_edited = True
        type(self).save_service(obj, actor=request.user, created=not change)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        inline_changed = any(
            formset.has_changed() for formset in formsets if formset.model is not AuditEntry
        )
        if inline_changed:
            request._workflow_edited = True
        if change and not content_changed(form) and inline_changed:
            type(self).note_service(form.instance, actor=request.user)


class AuditedAdminMixin:
    """Mix into the ModelAdmin of an object whose actions are logged: its History page (the
    button at the top of its change page) shows the object's entries of the audit log above
    the admin's own record of form edits, and links to them in the whole log."""

    object_history_template = "admin/audit_object_history.html"

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, object_id)
        context = dict(extra_context or {})
        if obj is not None:
            context["audit_entries"] = AuditEntry.objects.about(obj).select_related(
                "actor", "content_type"
            )
            content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
            context["audit_log_url"] = (
                reverse("admin:a4ep_portal_auditentry_changelist")
                + "?"
                + urlencode({"content_type__id__exact": content_type.pk, "object_id": obj.pk})
            )
        return super().history_view(request, object_id, context)


class ActorFilter(admin.RelatedOnlyFieldListFilter):
    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        self.title = _("who")


class ActionFilter(admin.SimpleListFilter):
    title = _("action")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return action_choices()

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The whole log, read-only: rows are written by the services only, and nobody may change
    or delete them (not even superusers, through the admin)."""

    list_display = ["at", "action_label", "described", "change_summary", "actor"]
    list_display_links = None
    list_filter = [
        ActionFilter,
        ("actor", ActorFilter),
        ("content_type", admin.RelatedOnlyFieldListFilter),
        "at",
    ]
    list_select_related = ["content_type", "actor"]
    search_fields = ["object_repr", "action", "note", "actor__email"]
    date_hierarchy = "at"
    readonly_fields = [
        "at",
        "actor",
        "action",
        "content_type",
        "object_id",
        "object_repr",
        "subject",
        "before",
        "after",
        "note",
    ]

    class Media:
        css = {"all": ["css/admin.css"]}

    @admin.display(description=_("action"), ordering="action")
    def action_label(self, entry: AuditEntry) -> str:
        return entry.action_label

    @admin.display(description=_("object"), ordering="object_repr")
    def described(self, entry: AuditEntry) -> str:
        # Titles are typed in any language: each keeps its own direction.
        return format_html("{}: <bdi>{}</bdi>", capfirst(entry.kind_label()), entry.object_repr)

    @admin.display(description=_("before → after"))
    def change_summary(self, entry: AuditEntry) -> str:
        return format_html("<bdi>{}</bdi>", entry.change_summary())

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
