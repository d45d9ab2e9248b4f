"""Views for reaching beyond the site: preview images, offline packs, citation files, and the
embeddable list of upcoming dialogues for partners' sites. All public, all read-only."""

from csp.decorators import csp_replace
from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from a4ep_portal.files import file_response
from a4ep_portal.pagecache import cache_public_page
from dialogues.models import Dialogue

from . import citations
from .derived import DerivedFile
from .models import Paper


def _site_language(language: str) -> str:
    if language not in dict(settings.LANGUAGES):
        raise Http404
    return language


def _preview_response(request, rows, filename: str):
    """The built image; the site's own card until it is built (a sweep is on its way)."""
    row = rows.filter(kind=DerivedFile.Kind.PREVIEW).exclude(file="").first()
    if row is None:
        response = redirect(static("img/preview.png"))
        response["Cache-Control"] = "public, max-age=300"
        return response
    return file_response(
        request, row.file.name, filename=filename, content_type="image/png", public=True
    )


@require_safe
def dialogue_preview(request, slug: str, language: str):
    dialogue = get_object_or_404(Dialogue.objects.public(), slug=slug)
    rows = DerivedFile.objects.filter(dialogue=dialogue, language=_site_language(language))
    return _preview_response(request, rows, f"{slug}.{language}.png")


@require_safe
def paper_preview(request, slug: str, language: str):
    paper = get_object_or_404(Paper.objects.public(), slug=slug)
    rows = DerivedFile.objects.filter(paper=paper, language=_site_language(language))
    return _preview_response(request, rows, f"{slug}.{language}.png")


@require_safe
def dialogue_pack(request, slug: str):
    dialogue = get_object_or_404(Dialogue.objects.filter(status=Dialogue.Status.HELD), slug=slug)
    pack = get_object_or_404(
        DerivedFile.objects.exclude(file=""), dialogue=dialogue, kind=DerivedFile.Kind.PACK
    )
    return file_response(
        request,
        pack.file.name,
        filename=f"{dialogue.slug}-offline.zip",
        content_type="application/zip",
        public=True,
    )


@require_safe
@cache_public_page
def paper_citation(request, slug: str, format_name: str):
    """The paper's reference as a file for a citation manager (public papers only)."""
    paper = get_object_or_404(Paper.objects.public().select_related("live_version"), slug=slug)
    version = paper.live_version
    content_type, extension = citations.FORMATS[format_name]
    text = citations.render(format_name, paper, version, version.authors())
    response = HttpResponse(text, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{paper.slug}.{extension}"'
    return response


@require_safe
@xframe_options_exempt
@csp_replace({"frame-ancestors": ["*"]})
@cache_public_page
def embed_upcoming(request):
    """Upcoming dialogues for a partner's page, in an iframe: no script, no cookies, links
    open on the portal (target _top). The only page that other sites may frame."""
    now = timezone.now()
    dialogues = (
        Dialogue.objects.public()
        .filter(status=Dialogue.Status.ANNOUNCED)
        .upcoming(now)
        .select_related("series")
        .order_by("starts_at", "pk")[: settings.EMBED_DIALOGUES]
    )
    return render(request, "papers/embed_upcoming.html", {"dialogues": dialogues, "now": now})
