from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Delivery, Mailing, Member, Organisation, User
from .services import retry_failed_deliveries


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


def _count(status: str) -> Count:
    return Count("deliveries", filter=Q(deliveries__status=status))


@admin.register(Mailing)
class MailingAdmin(admin.ModelAdmin):
    """Mailings with their deliveries counted per status. Sending and the publishing workflow
    go through members.services (send_mailing, move_mailing)."""

    list_display = [
        "subject",
        "kind",
        "audience",
        "state",
        "sent_at",
        "queued",
        "sending",
        "sent",
        "failed",
        "skipped",
    ]
    list_filter = ["kind", "state", "audience"]
    search_fields = ["subject"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["recipient"]
    readonly_fields = ["state", "created_by", "approved_by", "created_at", "sent_at", "counts"]
    fields = [
        "kind",
        "subject",
        "body",
        "audience",
        "dialogue",
        "recipient",
        *readonly_fields,
    ]
    actions = ["retry_failed"]

    def get_queryset(self, request):
        statuses = Delivery.Status
        return (
            super()
            .get_queryset(request)
            .annotate(**{f"{status}_count": _count(status) for status in statuses.values})
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_sent():
            return [*self.fields]
        return self.readonly_fields

    def _deliveries_link(self, mailing: Mailing, status: str):
        count = getattr(mailing, f"{status}_count", 0)
        query = urlencode({"mailing__id__exact": mailing.pk, "status__exact": status})
        url = f"{reverse('admin:members_delivery_changelist')}?{query}"
        return format_html('<a href="{}">{}</a>', url, count)

    @admin.display(description=_("queued"))
    def queued(self, mailing):
        return self._deliveries_link(mailing, Delivery.Status.QUEUED)

    @admin.display(description=_("sending"))
    def sending(self, mailing):
        return self._deliveries_link(mailing, Delivery.Status.SENDING)

    @admin.display(description=_("sent"))
    def sent(self, mailing):
        return self._deliveries_link(mailing, Delivery.Status.SENT)

    @admin.display(description=_("failed"))
    def failed(self, mailing):
        return self._deliveries_link(mailing, Delivery.Status.FAILED)

    @admin.display(description=_("skipped"))
    def skipped(self, mailing):
        return self._deliveries_link(mailing, Delivery.Status.SKIPPED)

    @admin.display(description=_("deliveries"))
    def counts(self, mailing):
        return format_html_join(
            " · ",
            "{} {}",
            (
                (self._deliveries_link(mailing, status), label.lower())
                for status, label in Delivery.Status.choices
            ),
        )

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Retry the failed deliveries"), permissions=["retry"])
    def retry_failed(self, request, queryset):
        failed = Delivery.objects.filter(mailing__in=queryset, status=Delivery.Status.FAILED)
        _report_retry(self, request, retry_failed_deliveries(failed, actor=request.user))

    def has_retry_permission(self, request) -> bool:
        return request.user.has_perm("members.change_delivery")


def _report_retry(model_admin, request, count: int) -> None:
    model_admin.message_user(
        request,
        ngettext("%d delivery queued again.", "%d deliveries queued again.", count) % count,
        messages.SUCCESS,
    )


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """Deliveries are written by the outbox only: readable here, and failed ones can be
    queued again."""

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
