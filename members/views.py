import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from a4ep_portal.languages import remember_language

from .forms import DeleteAccountForm, MailPreferencesForm, ProfileForm, TimeZoneChoiceForm
from .models import MailKind, Member
from .services import (
    AccountError,
    delete_account,
    ensure_member,
    export_member_data,
    set_member_time_zone,
    unsubscribe,
    update_mail_preferences,
    update_profile,
)
from .timezones import TZ_COOKIE
from .unsubscribe import read_token

ONE_YEAR = 365 * 24 * 3600


def _safe_next(request, target: str) -> str:
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")  # in the page's language: /ar/ from /ar/time-zone/


def choose_time_zone(request):
    """Pick the zone times are shown in: kept in a cookie, and on the profile of a member."""
    if request.method == "POST":
        form = TimeZoneChoiceForm(request.POST)
        if form.is_valid():
            zone = form.cleaned_data["time_zone"]
            response = redirect(_safe_next(request, form.cleaned_data["next"]))
            response.set_cookie(
                TZ_COOKIE,
                zone,
                max_age=ONE_YEAR,
                samesite="Lax",
                secure=not settings.DEBUG,
                httponly=True,
            )
            if request.user.is_authenticated and hasattr(request.user, "member"):
                set_member_time_zone(request.user.member, zone)
            messages.success(request, _("Times are now shown in %(zone)s.") % {"zone": zone})
            return response
    else:
        form = TimeZoneChoiceForm(
            initial={
                "time_zone": request.time_zone_name,
                "next": _safe_next(request, request.GET.get("next", "")),
            }
        )
        form.fields["time_zone"].keep(request.time_zone_name)
    return render(request, "members/time_zone.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    """/me/: the member's profile, shown and edited on one page."""
    member = ensure_member(request.user)
    form = ProfileForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        update_profile(member, **form.cleaned_data)
        # A new preferred language applies at once: the saved page comes back in it.
        language = member.site_language()
        translation.activate(language)
        messages.success(request, _("Your profile is saved."))
        response = redirect(reverse("profile"))
        remember_language(response, language)
        return response
    return render(request, "members/profile.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def mail_preferences(request):
    member = ensure_member(request.user)
    form = MailPreferencesForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        update_mail_preferences(member, form.cleaned_data)
        messages.success(request, _("Your mail preferences are saved."))
        return redirect("mail_preferences")
    return render(request, "members/mail_preferences.html", {"form": form})


@login_required
@require_safe
@never_cache
def data_download(request):
    """Everything the portal holds about the member, as a JSON file."""
    data = export_member_data(request.user)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    stamp = timezone.now().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="a4ep-dialogues-data-{stamp}.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delete_account_view(request):
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            delete_account(request.user, password=form.cleaned_data["password"])
        except AccountError as error:
            form.add_error("password", str(error))
        else:
            logout(request)
            messages.success(request, _("Your account and your personal data are deleted."))
            return redirect("home")
    return render(request, "members/delete_account.html", {"form": form})


@csrf_exempt  # RFC 8058: mail clients POST here without cookies or a form of ours
@require_http_methods(["GET", "POST"])
@never_cache
def unsubscribe_view(request, token: str):
    """A GET shows what the link does and changes nothing (mail scanners follow links); a
    POST stops that one kind of mailing, without login."""
    found = read_token(token)
    member = Member.objects.filter(pk=found[0]).first() if found else None
    if member is None:
        response = render(request, "members/unsubscribe_invalid.html", status=400)
        return response
    kind = MailKind(found[1])
    context = {"kind": kind, "member": member, "done": False}
    if request.method == "POST":
        unsubscribe(member, kind)
        context["done"] = True
    # The link has no language prefix (it must keep working); the page speaks the member's.
    language = member.site_language()
    with translation.override(language):
        response = render(request, "members/unsubscribe.html", context)
    response["Content-Language"] = language
    return response


@require_safe
def privacy(request):
    """What the portal keeps about people, for how long, and what they can do about it."""
    return render(
        request,
        "members/privacy.html",
        {"retention_days": settings.REGISTRATION_RETENTION_DAYS},
    )
