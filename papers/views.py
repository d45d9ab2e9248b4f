from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from a4ep_portal.files import file_response
from a4ep_portal.pagecache import cache_public_page

from .access import can_see_registrant_items
from .forms import ArchiveFilterForm
from .models import Audience, Paper, Recording

PAPER_SEARCH_FIELDS = ["title", "abstract", "body"]
RECORDING_SEARCH_FIELDS = ["title", "transcript"]


def _may_see(user, audience: str, dialogue) -> bool:
    return audience == Audience.PUBLIC or can_see_registrant_items(user, dialogue)


def _archive(request, items, *, search_fields, template):
    form = ArchiveFilterForm(request.GET or None, items=items, search_fields=search_fields)
    page = Paginator(form.filter(items), settings.PORTAL_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        template,
        {"form": form, "page": page, "filter_query": query.urlencode(), "searched": form.data},
    )


@require_safe
@cache_public_page
def paper_list(request):
    papers = (
        Paper.objects.public()
        .select_related("live_version", "dialogue")
        .prefetch_related("live_version__speakers", "live_version__organisations")
        .order_by("-first_published_at", "-pk")
    )
    return _archive(
        request, papers, search_fields=PAPER_SEARCH_FIELDS, template="papers/paper_list.html"
    )


@require_safe
@cache_public_page
def recording_list(request):
    recordings = (
        Recording.objects.public()
        .select_related("live_version", "dialogue")
        .order_by("-dialogue__starts_at", "-first_published_at", "-pk")
    )
    return _archive(
        request,
        recordings,
        search_fields=RECORDING_SEARCH_FIELDS,
        template="papers/recording_list.html",
    )


def _live_paper(request, slug: str) -> Paper:
    """The live paper if this visitor may see it; a 404 otherwise, whatever the reason."""
    paper = get_object_or_404(
        Paper.objects.live().select_related("live_version", "dialogue"), slug=slug
    )
    if not _may_see(request.user, paper.live_version.audience, paper.dialogue):
        raise Http404
    return paper


@require_safe
@cache_public_page
def paper_detail(request, slug: str):
    paper = _live_paper(request, slug)
    version = paper.live_version
    return render(
        request,
        "papers/paper_detail.html",
        {
            "paper": paper,
            "version": version,
            "authors": version.authors(),
            "earlier_versions": paper.versions.exclude(pk=version.pk).only(
                "number", "published_at", "paper_id"
            ),
            "translations": _translations(request.user, paper),
        },
    )


def _translations(user, paper: Paper) -> list[Paper]:
    """The live papers this one translates or that translate it (or the same original)."""
    related = Q(translation_of=paper)
    if paper.translation_of_id:
        related |= Q(pk=paper.translation_of_id) | Q(translation_of=paper.translation_of_id)
    candidates = (
        Paper.objects.live().filter(related).exclude(pk=paper.pk).select_related("live_version")
    )
    return [
        other
        for other in candidates.order_by("live_version__language", "pk")
        if _may_see(user, other.live_version.audience, paper.dialogue)
    ]


@require_safe
@cache_public_page
def paper_version(request, slug: str, number: int):
    paper = _live_paper(request, slug)
    if number == paper.live_version.number:
        return redirect(paper)
    version = get_object_or_404(paper.versions, number=number)
    if not _may_see(request.user, version.audience, paper.dialogue):
        raise Http404
    return render(
        request,
        "papers/paper_version.html",
        {"paper": paper, "version": version, "authors": version.authors()},
    )


@require_safe
def paper_pdf(request, slug: str, number: int | None = None):
    paper = _live_paper(request, slug)
    version = (
        paper.live_version if number is None else get_object_or_404(paper.versions, number=number)
    )
    if not version.pdf or not _may_see(request.user, version.audience, paper.dialogue):
        raise Http404
    suffix = "" if version.pk == paper.live_version_id else f"-v{version.number}"
    return file_response(
        request,
        version.pdf.name,
        filename=f"{paper.slug}{suffix}.pdf",
        content_type="application/pdf",
        public=version.audience == Audience.PUBLIC,
    )


def _live_recording(request, slug: str) -> Recording:
    recording = get_object_or_404(
        Recording.objects.live().select_related("live_version", "dialogue"), slug=slug
    )
    if not _may_see(request.user, recording.live_version.audience, recording.dialogue):
        raise Http404
    return recording


@require_safe
@cache_public_page
def recording_detail(request, slug: str):
    recording = _live_recording(request, slug)
    return render(
        request,
        "papers/recording_detail.html",
        {"recording": recording, "version": recording.live_version},
    )


@require_safe
def recording_audio(request, slug: str):
    recording = _live_recording(request, slug)
    version = recording.live_version
    if not version.audio:
        raise Http404
    extension = version.audio.name.rsplit(".", 1)[-1]
    return file_response(
        request,
        version.audio.name,
        filename=f"{recording.slug}.{extension}",
        content_type=version.audio_type or "application/octet-stream",
        public=version.audience == Audience.PUBLIC,
    )


@require_safe
def recording_captions(request, slug: str, language: str):
    recording = _live_recording(request, slug)
    version = recording.live_version
    caption = next((c for c in version.captions if c["language"] == language), None)
    if caption is None:
        raise Http404
    return file_response(
        request,
        caption["name"],
        filename=f"{recording.slug}.{language}.vtt",
        content_type="text/vtt; charset=utf-8",
        public=version.audience == Audience.PUBLIC,
    )
