"""Certificates of participation: the attendee's PDF, and the public page that says whether a
certificate is genuine."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.views.decorators.http import require_safe

from members.models import Member

from ..certificates import may_have_certificate, registration_for_token, render_certificate
from ..models import Registration


@login_required
@require_safe
def my_certificate(request, slug: str):
    """The member's certificate of a held dialogue they attended, in the language of the page
    they download it from (their preferred one once logged in, unless they switched)."""
    registration = get_object_or_404(
        Registration.objects.select_related(
            "dialogue__series", "member__user", "member__organisation"
        ).prefetch_related("dialogue__co_hosts"),
        dialogue__slug=slug,
        member__user=request.user,
    )
    if not may_have_certificate(registration):
        raise Http404
    pdf = render_certificate(registration, language=translation.get_language())
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"certificate-{registration.dialogue.slug}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
def verify_certificate(request, token: str):
    """Genuine or not; the attendee's name only if they chose to be shown by name."""
    registration = registration_for_token(token)
    name = None
    if registration is not None and registration.member is not None:
        member = registration.member
        if member.shown_as == Member.ShownAs.FULL_NAME:
            name = member.user.get_full_name() or None
    return render(
        request,
        "dialogues/certificate.html",
        {"registration": registration, "name": name},
        status=200 if registration else 404,
    )
