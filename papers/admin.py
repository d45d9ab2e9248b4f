from django.contrib import admin
from django.contrib.admin.widgets import AdminFileWidget
from django.db import models
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from a4ep_portal.admin import AuditedAdminMixin, AuditEntryInline, WorkflowAdminMixin
from a4ep_portal.languages import in_every_language

from . import admin_home, services  # noqa: F401  (admin_home: the home sections)
from .models import Caption, Paper, PaperVersion, Recording, RecordingVersion


class _LinkedFile:
    """A stored file shown under another address: the widget prints its name and links url."""

    def __init__(self, file, url: str) -> None:
        self.file = file
        self.url = url

    def __str__(self) -> str:
        return str(self.file)


class PrivateFileWidget(AdminFileWidget):
    """The "Currently:" link of a file under private/ opens it through the portal, for those
    who may view the item (its model's file_preview_url()), not at the storage's address,
    which answers nobody (local private/ is never served, a bucket stays private)."""

    def format_value(self, value):
        value = super().format_value(value)
        instance = getattr(value, "instance", None)
        if value and instance is not None and instance.pk:
            return _LinkedFile(value, instance.file_preview_url())
        return value


PRIVATE_FILES = {models.FileField: {"widget": PrivateFileWidget}}


def _view_on_site(item) -> str | None:
    """Admin's "View on site" only once the item is live (a 404 before); "Preview" beside it
    (admin/workflow_change_form.html) shows the working copy whatever its state."""
    return item.get_absolute_url() if item.live_version_id else None


class PaperVersionInline(admin.TabularInline):
    model = PaperVersion
    fields = ["number", "published_at", "title", "language", "audience"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False
    verbose_name_plural = _("Published versions")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class RecordingVersionInline(PaperVersionInline):
    model = RecordingVersion


class CaptionInline(admin.TabularInline):
    model = Caption
    fields = ["language", "file", "size"]
    readonly_fields = ["size"]
    extra = 0
    formfield_overrides = PRIVATE_FILES


@admin.register(Paper)
class PaperAdmin(AuditedAdminMixin, WorkflowAdminMixin, TranslationAdmin):
    save_service = services.save_item
    note_service = services.note_edit
    move_service = services.move
    formfield_overrides = PRIVATE_FILES
    view_on_site = staticmethod(_view_on_site)

    list_display = ["title", "kind", "dialogue", "language", "state", "live_number", "updated_at"]
    list_filter = ["state", "kind", "language", "audience", "dialogue"]
    list_select_related = ["dialogue", "live_version"]
    search_fields = [*in_every_language("title", "abstract"), "slug"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["dialogue", "speakers", "organisations", "translation_of"]
    readonly_fields = ["state", "submitted_by", "last_edited_by", "first_published_at"]
    inlines = [PaperVersionInline, AuditEntryInline]
    fieldsets = (
        (None, {"fields": ["title", "slug", "kind", "dialogue", "language", "translation_of"]}),
        (
            _("Content"),
            {
                "fields": [
                    "abstract",
                    "speakers",
                    "organisations",
                    "body",
                    "pdf",
                    "publication_date",
                    "doi",
                ]
            },
        ),
        (_("Publishing"), {"fields": ["audience", "publish_at", *readonly_fields]}),
    )

    @admin.display(description=_("public version"), ordering="live_version__number")
    def live_number(self, paper: Paper):
        return paper.live_version.number if paper.live_version else "—"


@admin.register(Recording)
class RecordingAdmin(AuditedAdminMixin, WorkflowAdminMixin, TranslationAdmin):
    save_service = services.save_item
    note_service = services.note_edit
    move_service = services.move
    formfield_overrides = {**PRIVATE_FILES, models.URLField: {"assume_scheme": "https"}}
    view_on_site = staticmethod(_view_on_site)

    list_display = ["title", "dialogue", "language", "state", "live_number", "updated_at"]
    list_filter = ["state", "language", "audience", "dialogue"]
    list_select_related = ["dialogue", "live_version"]
    search_fields = [*in_every_language("title"), "slug"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["dialogue"]
    readonly_fields = ["state", "submitted_by", "last_edited_by", "first_published_at"]
    inlines = [CaptionInline, RecordingVersionInline, AuditEntryInline]
    fieldsets = (
        (None, {"fields": ["title", "slug", "dialogue", "language"]}),
        (_("Content"), {"fields": ["video_url", "audio", "duration", "transcript"]}),
        (_("Publishing"), {"fields": ["audience", "publish_at", *readonly_fields]}),
    )

    live_number = PaperAdmin.live_number
