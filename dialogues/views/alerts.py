""" "Tell me when the date is set" for provisional dialogues: members in one click on the
dialogue's page, visitors by address on a page of its own (the dialogue's page is cached for
visitors, so it carries no form of theirs), confirmed from the mail and stopped by its link."""

from allauth.account.decorators import verified_email_required
from allauth.core import ratelimit
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from members.services import ensure_member

from ..forms import DateAlertForm
from ..models import Dialogue
from ..services.alerts import (
    DateAlertError,
    alert_for_confirmation,
    alert_for_stopping,
    ask_as_member,
    ask_by_address,
    confirm_address,
    may_ask,
    stop_alert,
    withdraw_member_ask,
)


@verified_email_required
@require_POST
def member_date_alert(request, slug: str):
    """Ask to be told (or, with "undo", take it back); back to the dialogue's page."""
    dialogue = get_object_or_404(Dialogue.objects.public(), slug=slug)
    member = ensure_member(request.user)
    if request.POST.get("undo"):
        if withdraw_member_ask(dialogue, member):
            messages.success(request, _("Done: we will not mail you about this dialogue's date."))
    else:
        try:
            ask_as_member(dialogue, member)
        except DateAlertError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("We will mail you as soon as the date and time are set."))
    return redirect(dialogue.get_absolute_url() + "#registration-heading")


@never_cache
@require_http_methods(["GET", "POST"])
def visitor_date_alert(request, slug: str):
    """A visitor's address: a confirmation mail goes to it; the page says the same whoever
    the address belongs to."""
    dialogue = get_object_or_404(Dialogue.objects.public(), slug=slug)
    if request.user.is_authenticated or not may_ask(dialogue):
        return redirect(dialogue.get_absolute_url())
    form = DateAlertForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].strip().lower()
        if not ratelimit.consume(request, action="date_alert", key=email):
            form.add_error(None, _("Too many requests from here. Please try again in an hour."))
            status = 429
        else:
            ask_by_address(dialogue, email, translation.get_language())
            return render(
                request,
                "dialogues/date_alert.html",
                {"dialogue": dialogue, "sent_to": email, "noindex": True},
            )
    return render(
        request,
        "dialogues/date_alert.html",
        {"dialogue": dialogue, "form": form, "noindex": True},
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def confirm_date_alert(request, token: str):
    """The link in the confirmation mail: a GET shows a button and changes nothing (mail
    scanners follow links); its POST confirms the address."""
    alert = alert_for_confirmation(token)
    if alert is None:
        return render(request, "dialogues/date_alert_link.html", {"invalid": True}, status=400)
    done = alert.is_confirmed()
    if request.method == "POST":
        confirm_address(alert)
        done = True
    return render(
        request,
        "dialogues/date_alert_link.html",
        {"alert": alert, "dialogue": alert.dialogue, "confirm": True, "done": done},
    )


@csrf_exempt  # RFC 8058: mail clients POST here without cookies or a form of ours
@never_cache
@require_http_methods(["GET", "POST"])
def stop_date_alert(request, token: str):
    """The link to stop a visitor's mails: a GET shows a button, a POST forgets the address."""
    alert = alert_for_stopping(token)
    if alert is None:
        # Forgotten already (or a damaged link): nothing is kept, nothing will be sent.
        return render(request, "dialogues/date_alert_link.html", {"stopped": True})
    dialogue = alert.dialogue
    if request.method == "POST":
        stop_alert(alert)
        return render(
            request, "dialogues/date_alert_link.html", {"dialogue": dialogue, "stopped": True}
        )
    return render(request, "dialogues/date_alert_link.html", {"dialogue": dialogue, "stop": True})
