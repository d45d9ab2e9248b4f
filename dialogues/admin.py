from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Dialogue, DialogueSpeaker, Series, Session, Speaker


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0
    fields = ["order", "kind", "title", "duration_minutes", "description"]
    ordering = ["order", "pk"]


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
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    list_display = ["title", "campaign"]
    search_fields = ["title", "campaign"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(Dialogue)
class DialogueAdmin(admin.ModelAdmin):
    list_display = ["title", "number", "series", "starts_at", "status", "format", "capacity"]
    list_filter = ["status", "format", "series", "starts_at"]
    list_select_related = ["series"]
    search_fields = ["title", "question", "description", "audience"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "starts_at"
    autocomplete_fields = ["co_hosts"]
    inlines = [SessionInline, DialogueSpeakerInline]
    fieldsets = (
        (None, {"fields": ["series", "number", "title", "slug", "question", "status"]}),
        (_("When and where"), {"fields": ["starts_at", "duration_minutes", "format", "venue"]}),
        (_("About"), {"fields": ["description", "audience", "co_hosts"]}),
        (
            _("Registration"),
            {
                "fields": [
                    "capacity",
                    "registration_opens_at",
                    "registration_closes_at",
                    "join_url",
                ]
            },
        ),
    )


@admin.register(Speaker)
class SpeakerAdmin(admin.ModelAdmin):
    list_display = ["name", "title", "organisation", "country"]
    list_select_related = ["organisation"]
    list_filter = ["country"]
    search_fields = ["name", "title", "organisation__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["organisation"]
