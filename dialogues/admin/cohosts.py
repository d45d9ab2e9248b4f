"""Co-host accounts in admin: publishers link a user to a co-hosting organisation, and each
admin of the dialogues app narrows what a co-host sees to their own dialogues through
CoHostScoped and the helpers below (dialogues.services.cohosts decides the rows)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.contenttypes import views as contenttype_views
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from a4ep_portal.access import is_co_host
from members.models import User

from ..models import CoHostStaff, Dialogue, Speaker
from ..services import (
    CoHostError,
    add_co_host_staff,
    check_may_be_co_host,
    limit_dialogues,
    limit_speakers,
    remove_co_host_staff,
)


def scoped_list_filter(list_filter, request) -> list:
    """A co-host's "dialogue" filter offers their dialogues only (the plain one lists every
    dialogue's title, drafts included)."""
    if not is_co_host(request.user):
        return list_filter
    return [
        ("dialogue", admin.RelatedOnlyFieldListFilter) if name == "dialogue" else name
        for name in list_filter
    ]


def scoped_choices(db_field, request, kwargs) -> dict:
    """The dialogue and speaker choices of a form (select, autocomplete) narrowed for
    co-hosts: a guessed id of another dialogue's speaker is refused as an invalid choice."""
    if not is_co_host(request.user):
        return kwargs
    if db_field.related_model is Dialogue:
        kwargs["queryset"] = limit_dialogues(Dialogue.objects.all(), request.user)
    elif db_field.related_model is Speaker:
        kwargs["queryset"] = limit_speakers(Speaker.objects.all(), request.user)
    return kwargs


class CoHostScoped:
    """Mixed into the admins a co-host reaches: an id outside their dialogues is a 404 for
    them, where Django would redirect to the index with "doesn't exist" (the same for
    organisers as before)."""

    def _in_scope(self, request, obj) -> bool:
        """Whether the object is one of the co-host's (always, for everyone else); asked once
        per object and request."""
        if obj is None or obj.pk is None or not is_co_host(request.user):
            return True
        asked = request.__dict__.setdefault("_co_host_scope", {})
        key = (type(obj), obj.pk)
        if key not in asked:
            asked[key] = self.get_queryset(request).filter(pk=obj.pk).exists()
        return asked[key]

    # Every object-level check says no outside their dialogues, whatever view asks it.
    def has_view_permission(self, request, obj=None) -> bool:
        return super().has_view_permission(request, obj) and self._in_scope(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and self._in_scope(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and self._in_scope(request, obj)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        if is_co_host(request.user):
            raise Http404
        return super()._get_obj_does_not_exist_redirect(request, opts, object_id)


def view_on_site(request, content_type_id: int, object_id: str):
    """Admin's "View on site" redirect. Django's answers any staff user with the address of
    any object; a co-host gets it only for what their admin lists (else a 404), so that it
    never names another dialogue's address, a draft's included."""
    if is_co_host(request.user):
        content_type = get_object_or_404(ContentType, pk=content_type_id)
        model_admin = admin.site._registry.get(content_type.model_class())
        try:
            found = (
                model_admin is not None
                and model_admin.has_view_or_change_permission(request)
                and model_admin.get_queryset(request).filter(pk=object_id).exists()
            )
        except (ValueError, ValidationError):
            found = False
        if not found:
            raise Http404
    return contenttype_views.shortcut(request, content_type_id, object_id)


def refuse_co_hosts(request) -> None:
    if is_co_host(request.user):
        raise PermissionDenied


class CoHostStaffForm(forms.ModelForm):
    """A co-host account by e-mail address: an existing account is linked, a new one created."""

    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_(
            "Of an existing account, or of a new one created now without a password: its owner "
            "sets one with “Forgot your password?” on the login page."
        ),
    )
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)

    class Meta:
        model = CoHostStaff
        fields = ["organisation"]

    def clean_email(self):
        email = self.cleaned_data["email"]
        try:
            check_may_be_co_host(User.objects.filter(email__iexact=email.strip()).first())
        except CoHostError as error:
            raise forms.ValidationError(str(error)) from error
        return email


@admin.register(CoHostStaff)
class CoHostStaffAdmin(admin.ModelAdmin):
    """Who works for which co-hosting organisation. Adding a row gives the account the staff
    flag and the Co-hosts group; removing its last one takes them away again."""

    form = CoHostStaffForm
    list_display = ["user", "organisation", "dialogues", "added_at", "added_by"]
    list_select_related = ["user", "organisation", "added_by"]
    list_filter = [("organisation", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__email", "user__first_name", "user__last_name", "organisation__name"]
    autocomplete_fields = ["organisation"]
    actions = ["remove_links"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["organisation", "email", "first_name", "last_name"]
        return ["user", "organisation", "added_at", "added_by"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["user", "organisation", "added_at", "added_by"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # remove the link and add another instead: the group follows the links

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # removing goes through the service
        return actions

    @admin.display(description=_("dialogues co-hosted"))
    def dialogues(self, link: CoHostStaff) -> str:
        return ", ".join(d.title for d in link.organisation.co_hosted_dialogues.all()) or "—"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("organisation__co_hosted_dialogues")

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        link = add_co_host_staff(
            data["organisation"],
            data["email"],
            actor=request.user,
            first_name=data["first_name"],
            last_name=data["last_name"],
        )
        obj.pk, obj.user = link.pk, link.user

    def delete_model(self, request, obj) -> None:
        remove_co_host_staff(obj, actor=request.user)

    @admin.action(description=_("Remove the selected co-host accounts"))
    def remove_links(self, request, queryset):
        if not request.user.has_perm("dialogues.delete_cohoststaff"):
            self.message_user(request, _("You may not do this."), messages.ERROR)
            return
        removed = 0
        for link in queryset.select_related("user", "organisation"):
            remove_co_host_staff(link, actor=request.user)
            removed += 1
        self.message_user(
            request,
            ngettext("%d co-host account removed.", "%d co-host accounts removed.", removed)
            % removed,
            messages.SUCCESS,
        )
