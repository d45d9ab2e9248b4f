from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from a4ep_portal.admin import WorkflowAdminMixin, WorkflowEventInline
from a4ep_portal.languages import in_every_language

from . import services
from .models import Caption, Paper, PaperVersion, Recording, RecordingVersion


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


@admin.register(Paper)
class PaperAdmin(WorkflowAdminMixin, TranslationAdmin):
    save_service = services.save_item
    note_service = services.note_edit
    move_service = services.move_paper

    list_display = ["title", "kind", "dialogue", "language", "state", "live_number", "updated_at"]
    list_filter = ["state", "kind", "language", "audience", "dialogue"]
    list_select_related = ["dialogue", "live_version"]
    search_fields = [*in_every_language("title", "abstract"), "slug"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["dialogue", "speakers", "organisations", "translation_of"]
    readonly_fields = ["state", "submitted_by", "last_edited_by", "first_published_at"]
    inlines = [PaperVersionInline, WorkflowEventInline]
    fieldsets = (
        (None, {"fields": ["title", "slug", "kind", "dialogue", "language", "translation_of"]}),
        (_("Content"), {"fields": ["abstract", "speakers", "organisations", "body", "pdf", "doi"]}),
        (_("Publishing"), {"fields": ["audience", "publish_at", *readonly_fields]}),
    )

    @admin.display(description=_("public version"), ordering="live_version__number")
    def live_number(self, paper: Paper):
        return paper.live_version.number if paper.live_version else "—"


@admin.register(Recording)
class RecordingAdmin(WorkflowAdminMixin, TranslationAdmin):
    save_service = services.save_item
    note_service = services.note_edit
    move_service = services.move_recording
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    list_display = ["title", "dialogue", "language", "state", "live_number", "updated_at"]
    list_filter = ["state", "language", "audience", "dialogue"]
    list_select_related = ["dialogue", "live_version"]
    search_fields = [*in_every_language("title"), "slug"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["dialogue"]
    readonly_fields = ["state", "submitted_by", "last_edited_by", "first_published_at"]
    inlines = [CaptionInline, RecordingVersionInline, WorkflowEventInline]
    fieldsets = (
        (None, {"fields": ["title", "slug", "dialogue", "language"]}),
        (_("Content"), {"fields": ["video_url", "audio", "duration", "transcript"]}),
        (_("Publishing"), {"fields": ["audience", "publish_at", *readonly_fields]}),
    )

    live_number = PaperAdmin.live_number
