import re

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from a4ep_portal.files import file_response
from a4ep_portal.fragments import PageParts
from a4ep_portal.pagecache import cache_public_page

from .access import can_see_registrant_items, may_preview
from .cards import PAPER_ITEMS, RECORDING_ITEMS
from .forms import ArchiveFilterForm
from .models import Audience, Caption, Paper, Recording
from .services import next_version

PAPER_SEARCH_FIELDS = ["title", "abstract", "body"]
RECORDING_SEARCH_FIELDS = ["title", "transcript"]


def _may_see(user, audience: str, dialogue, model) -> bool:
    return audience == Audience.PUBLIC or can_see_registrant_items(user, dialogue, model)


# The parameters of the lists' filter form, and the page. A list's content block (filters,
# items, pagination) is a function of its address when the address is made of these alone,
# each once, each a value the form validated: then the block is kept under the address
# (a4ep_portal/fragments.py). Blocks are only ever kept for such addresses, so the keys stay
# bounded; reading comes first, under the address as it is (nothing is kept under any other,
# so it can only find what rendering would show), and a kept block needs no form. A search's
# words are arbitrary text, which makes no bounded key: a search keeps its items alone
# (papers/cards.py).
ARCHIVE_FILTERS = ("q", "kind", "language", "year", "dialogue")
PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,5}")


def _address(data) -> str | None:
    """The address a block may be kept under, before validation: None for a search and for
    parameters the form does not know or gets twice."""
    if data.get("q") or any(
        name not in ARCHIVE_FILTERS and name != "page" or len(data.getlist(name)) != 1
        for name in data
    ):
        return None
    return data.urlencode()


def _validated(form, data) -> bool:
    """Every parameter is a page number, an empty filter or a filter's value as the form
    cleaned it (a search's words are never: see above)."""
    if data and not form.is_valid():
        return False
    for name, value in data.items():
        if name == "page":
            if not PAGE_NUMBER.fullmatch(value):
                return False
        elif value and (
            name == "q" or name not in form.fields or value != str(form.cleaned_data[name])
        ):
            return False
    return True


def _archive(request, items, *, kind, search_fields, template, cards, parts=None):
    """A list of papers or recordings (`kind`); `parts`: the page's other shared parts
    (PageParts names and variants), kept beside its content block."""
    data = request.GET
    shared = PageParts(kind, {**(parts or {}), "archive": _address(data)})
    context = {"shared_parts": shared}
    if "archive" not in shared.found:
        form = ArchiveFilterForm(data or None, items=items, search_fields=search_fields)
        page = Paginator(form.filter(cards.listed(items)), settings.PORTAL_PAGE_SIZE).get_page(
            data.get("page")
        )
        if "archive" in shared.keys and (
            not _validated(form, data) or page.number != int(data.get("page", 1))
        ):
            # Not a block of its own (past the last page: the last one under another number).
            shared.forget("archive")
        query = data.copy()
        query.pop("page", None)
        context.update(
            form=form,
            searched=form.data,
            page=page,
            items=cards.html(page.object_list),
            filter_query=query.urlencode(),
        )
    return render(request, template, context)


@require_safe
@cache_public_page
def paper_list(request):
    papers = Paper.objects.public().order_by("-first_published_at", "-pk")
    return _archive(
        request,
        papers,
        kind="paper-list",
        search_fields=PAPER_SEARCH_FIELDS,
        template="papers/paper_list.html",
        cards=PAPER_ITEMS,
    )


@require_safe
@cache_public_page
def recording_list(request):
    recordings = Recording.objects.public().order_by(
        "-dialogue__starts_at", "-first_published_at", "-pk"
    )
    return _archive(
        request,
        recordings,
        kind="recording-list",
        search_fields=RECORDING_SEARCH_FIELDS,
        template="papers/recording_list.html",
        cards=RECORDING_ITEMS,
        parts={"podcasts": ""},
    )


# What a paper's pages read of the paper and its dialogue beside the live version: the paper's
# own working copy and the dialogue's texts are most of those rows, and the version's
# text-search vector (papers/search.py) is as long as its text.
PAPER_PAGE_FIELDS = (
    *("id", "slug", "kind", "dialogue_id", "translation_of_id", "live_version_id"),
    *("updated_at", "first_published_at"),
    *("dialogue__id", "dialogue__slug", "dialogue__number", "dialogue__title"),
    *(
        f"live_version__{name}"
        for name in (
            *("id", "paper_id", "number", "published_at", "title", "abstract", "language"),
            *("body", "pdf", "pdf_size", "audience", "publication_date", "doi"),
        )
    ),
)


def _live_paper(request, slug: str) -> Paper:
    """The live paper if this visitor may see it; a 404 otherwise, whatever the reason."""
    paper = get_object_or_404(
        Paper.objects.live().select_related("live_version", "dialogue").only(*PAPER_PAGE_FIELDS),
        slug=slug,
    )
    if not _may_see(request.user, paper.live_version.audience, paper.dialogue, Paper):
        raise Http404
    return paper


@require_safe
@cache_public_page
def paper_detail(request, slug: str):
    paper = _live_paper(request, slug)
    version = paper.live_version
    # The parts that read the same for everyone shown the paper (a4ep_portal/fragments.py),
    # kept for its live version. The translations listed differ for those who may see
    # registrant-only papers: kept for visitors, who never may; a member's are looked up
    # (asking whether they may would cost the query it saves).
    visitor_translations = "" if not request.user.is_authenticated else None
    parts = PageParts(
        "paper",
        {"head": "", "body": "", "cite": "", "versions": "", "translations": visitor_translations},
        paper.pk,
        paper.updated_at,
        paper.live_version_id,
    )
    found = parts.found
    context = {"paper": paper, "version": version, "shared_parts": parts}
    if not {"head", "body", "cite"} <= found.keys():
        context["authors"] = version.authors()
    if "versions" not in found:
        context["earlier_versions"] = paper.versions.exclude(pk=version.pk).only(
            "number", "published_at", "paper_id"
        )
    if "translations" not in found:
        context["translations"] = _translations(request.user, paper)
    return render(request, "papers/paper_detail.html", context)


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
        if _may_see(user, other.live_version.audience, paper.dialogue, Paper)
    ]


@require_safe
@cache_public_page
def paper_version(request, slug: str, number: int):
    paper = _live_paper(request, slug)
    if number == paper.live_version.number:
        return redirect(paper)
    version = get_object_or_404(paper.versions, number=number)
    if not _may_see(request.user, version.audience, paper.dialogue, Paper):
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
    if not version.pdf or not _may_see(request.user, version.audience, paper.dialogue, Paper):
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
    if not _may_see(request.user, recording.live_version.audience, recording.dialogue, Recording):
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


# --- Previews: the working copy as it will be published, for organisers only --------------


def _working_copy(request, model, **lookup):
    """The item, for organisers who may view it in admin; a 404 for anyone else, as if it
    did not exist."""
    if not may_preview(request.user, model):
        raise Http404
    return get_object_or_404(model.objects.select_related("dialogue"), **lookup)


def _preview_response(request, template: str, item, context: dict):
    opts = item._meta
    admin_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[item.pk])
    response = render(
        request,
        template,
        {
            **context,
            "preview": True,
            "noindex": True,
            "admin_url": admin_url,
        },
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_safe
@never_cache
def paper_preview(request, slug: str):
    """The paper's page as publishing it now would make it, whatever its state."""
    paper = _working_copy(request, Paper, slug=slug)
    return _preview_response(
        request,
        "papers/paper_detail.html",
        paper,
        {
            "paper": paper,
            "version": next_version(paper),
            "authors": paper.authors(),
            "earlier_versions": paper.versions.only("number", "published_at", "paper_id"),
            "translations": _translations(request.user, paper),
        },
    )


@require_safe
@never_cache
def recording_preview(request, slug: str):
    recording = _working_copy(request, Recording, slug=slug)
    return _preview_response(
        request,
        "papers/recording_detail.html",
        recording,
        {"recording": recording, "version": next_version(recording)},
    )


@require_safe
def paper_preview_pdf(request, pk: int):
    """The PDF of the working copy (admin's "Currently:" link), never cached."""
    paper = _working_copy(request, Paper, pk=pk)
    if not paper.pdf:
        raise Http404
    return file_response(
        request,
        paper.pdf.name,
        filename=f"{paper.slug}.pdf",
        content_type="application/pdf",
        public=False,
    )


@require_safe
def recording_preview_audio(request, pk: int):
    recording = _working_copy(request, Recording, pk=pk)
    if not recording.audio:
        raise Http404
    extension = recording.audio.name.rsplit(".", 1)[-1]
    return file_response(
        request,
        recording.audio.name,
        filename=f"{recording.slug}.{extension}",
        content_type=recording.audio_type or "application/octet-stream",
        public=False,
    )


@require_safe
def recording_preview_captions(request, pk: int, language: str):
    recording = _working_copy(request, Recording, pk=pk)
    caption = get_object_or_404(Caption, recording=recording, language=language)
    return file_response(
        request,
        caption.file.name,
        filename=f"{recording.slug}.{language}.vtt",
        content_type="text/vtt; charset=utf-8",
        public=False,
    )
