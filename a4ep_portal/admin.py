"""Admin for items in the publishing workflow: state and history on the change page, and the
moves the user may make as buttons. The app's services do the work."""

from django.contrib import admin, messages
from django.contrib.contenttypes.admin import GenericTabularInline
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from .models import WorkflowEvent
from .workflow import WorkflowError, allowed_moves


class WorkflowEventInline(GenericTabularInline):
    model = WorkflowEvent
    ct_field = "content_type"
    ct_fk_field = "object_id"
    fields = ["at", "actor", "move", "from_state", "to_state", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("History")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class WorkflowAdminMixin:
    """Mix into a ModelAdmin of a PublishableModel. Set the app's services:
    `save_service(item, *, actor, created)`, `note_service(item, *, actor)` (a change made in
    an inline only) and `move_service(item, move, *, actor, note)`."""

    change_form_template = "admin/workflow_change_form.html"
    save_service = None
    note_service = None
    move_service = None

    def get_urls(self):
        opts = self.model._meta
        view = self.admin_site.admin_view(require_POST(self.move_view))
        return [
            path(
                "<path:object_id>/move/",
                view,
                name=f"{opts.app_label}_{opts.model_name}_move",
            ),
            *super().get_urls(),
        ]

    def move_view(self, request, object_id):
        item = get_object_or_404(self.model, pk=object_id)
        if not self.has_view_or_change_permission(request, item):
            raise PermissionDenied
        move = request.POST.get("move", "")
        try:
            note = request.POST.get("note", "").strip()
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
        opts = self.model._meta
        return redirect(f"admin:{opts.app_label}_{opts.model_name}_change", object_id)

    def workflow_moves(self, item, user) -> list:
        """The move buttons on the item's page."""
        return allowed_moves(item, user)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        item = self.get_object(request, object_id)
        if item is not None:
            extra_context["workflow_moves"] = self.workflow_moves(item, request.user)
            opts = self.model._meta
            extra_context["workflow_move_url"] = f"admin:{opts.app_label}_{opts.model_name}_move"
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change) -> None:
        if change and not form.has_changed():
            return
        type(self).save_service(obj, actor=request.user, created=not change)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        inline_changed = any(
            formset.has_changed() for formset in formsets if formset.model is not WorkflowEvent
        )
        if change and not form.has_changed() and inline_changed:
            type(self).note_service(form.instance, actor=request.user)


@admin.register(WorkflowEvent)
class WorkflowEventAdmin(admin.ModelAdmin):
    """The whole publishing history, read-only: rows are written by the workflow only."""

    list_display = ["at", "content_type", "item", "move", "from_state", "to_state", "actor"]
    list_filter = ["move", "to_state", "content_type"]
    list_select_related = ["content_type", "actor"]
    date_hierarchy = "at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
