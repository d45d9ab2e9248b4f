"""The public catalogue as read-only JSON for partners' sites: /api/v1/.

Written with Django alone (JsonResponse, Paginator, the cache): Django REST framework is not a
dependency of the portal, and a few read-only lists do not need it. Only what any visitor may
see is here: public dialogues (never drafts, never join links), published papers and
recordings for the public audience (never drafts or items for registrants only). Times are
UTC (ISO 8601, "Z"). Answers are cached in the shared cache, keyed by the public pages'
generation so that publishing drops them; a cache that fails is a miss, never an error.
"""

import hashlib
import logging
from datetime import UTC
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Prefetch
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone, translation

from a4ep_portal import pagecache
from dialogues.models import Dialogue, DialogueSpeaker, Series, Speaker

from .linked_data import absolute
from .models import Paper, Recording

logger = logging.getLogger(__name__)
VERSION = "v1"


class ApiError(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


def _cached(key: str):
    try:
        return cache.get(key)
    except Exception:  # an unreachable cache is a miss
        logger.warning("API cache unavailable for reading", exc_info=True)
        return None


def _store(key: str, value) -> None:
    try:
        cache.set(key, value, settings.API_CACHE_SECONDS)
    except Exception:
        logger.warning("API cache unavailable for writing", exc_info=True)


def _key(request) -> str:
    generation = pagecache.generation() or 0
    text = f"{generation}\0{request.get_full_path()}"
    return "api:" + hashlib.sha256(text.encode()).hexdigest()


def api_view(view):
    """GET and HEAD only; JSON out; any origin may read it (CORS on GET); cached."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            response = JsonResponse({"detail": "Only GET is allowed."}, status=405)
            response["Allow"] = "GET, HEAD"
            return response
        key = _key(request) if settings.API_CACHE_SECONDS else None
        cached = _cached(key) if key else None
        if cached is not None:
            status, data = cached
        else:
            language = request.GET.get("language") or settings.LANGUAGE_CODE
            try:
                if language not in dict(settings.LANGUAGES):
                    raise ApiError(400, "Unknown language: use one of en, fr, es, ar.")
                with translation.override(language):
                    status, data = 200, view(request, *args, **kwargs)
            except ApiError as error:
                status, data = error.status, {"detail": error.detail}
            if key and status in (200, 404):
                _store(key, (status, data))
        response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
        response["Access-Control-Allow-Origin"] = "*"
        response["Cache-Control"] = "public, max-age=60"
        return response

    return wrapped


def _utc(value) -> str | None:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


def _page(request, items, serialise) -> dict:
    """One page of a list, with links to the next and previous ones (null at the ends)."""
    try:
        size = min(int(request.GET.get("page_size") or settings.API_PAGE_SIZE), 100)
        size = max(size, 1)
    except ValueError as error:
        raise ApiError(400, "page_size must be a number.") from error
    paginator = Paginator(items, size)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except (EmptyPage, PageNotAnInteger) as error:
        raise ApiError(404, "No such page.") from error

    def link(number: int) -> str:
        query = request.GET.copy()
        query["page"] = number
        return absolute(f"{request.path}?{urlencode(sorted(query.items()))}")

    return {
        "count": paginator.count,
        "next": link(page.next_page_number()) if page.has_next() else None,
        "previous": link(page.previous_page_number()) if page.has_previous() else None,
        "results": [serialise(item) for item in page.object_list],
    }


def _api_url(name: str, **kwargs) -> str:
    return absolute(reverse(f"api:{name}", kwargs=kwargs))


# --- Serialisers -----------------------------------------------------------------------------


def _series(series: Series) -> dict:
    return {
        "slug": series.slug,
        "title": series.title,
        "description": series.description,
        "campaign": series.campaign,
        "dialogues": absolute(reverse("api:dialogues") + f"?series={series.slug}"),
    }


def _speaker(speaker: Speaker) -> dict:
    return {
        "slug": speaker.slug,
        "name": speaker.name,
        "title": speaker.title,
        "organisation": speaker.organisation.name if speaker.organisation else None,
        "country": speaker.country.code or None,
        "url": absolute(speaker.get_absolute_url()),
    }


def _paper(paper: Paper, *, with_authors: bool = True) -> dict:
    """A published paper; within a dialogue without its authors (they are on /papers/), so
    that a page of dialogues costs the same queries whatever papers it holds."""
    version = paper.live_version
    files = {"slug": paper.slug}
    pdf = absolute(reverse("files:paper_pdf", kwargs=files)) if version.pdf else None
    data = {
        "slug": paper.slug,
        "title": version.title,
        "kind": paper.kind,
        "language": version.language,
        "abstract": version.abstract,
        "dialogue": paper.dialogue.slug if paper.dialogue_id else None,
        "published_at": _utc(paper.first_published_at),
        "updated_at": _utc(version.published_at),
        "version": version.number,
        "doi": version.doi or None,
        "url": absolute(paper.get_absolute_url()),
        "pdf_url": pdf,
        "pdf_size": version.pdf_size if version.pdf else None,
        "citation": {
            name: absolute(reverse("files:paper_citation", kwargs={**files, "format_name": name}))
            for name in ("bib", "ris", "json")
        },
    }
    if with_authors:
        data["authors"] = [str(author) for author in version.authors()]
    return data


def _recording(recording: Recording) -> dict:
    version = recording.live_version
    slug = {"slug": recording.slug}
    return {
        "slug": recording.slug,
        "title": version.title,
        "language": version.language,
        "dialogue": recording.dialogue.slug,
        "published_at": _utc(recording.first_published_at),
        "duration_seconds": int(version.duration.total_seconds()) if version.duration else None,
        "url": absolute(recording.get_absolute_url()),
        "video_url": version.video_url or None,
        "audio_url": absolute(reverse("files:recording_audio", kwargs=slug))
        if version.audio
        else None,
        "audio_type": version.audio_type or None,
        "audio_size": version.audio_size if version.audio else None,
        "captions": [
            {
                "language": track["language"],
                "url": absolute(
                    reverse(
                        "files:recording_captions", kwargs={**slug, "language": track["language"]}
                    )
                ),
            }
            for track in version.captions
        ],
    }


def _speaker_roles(dialogue: Dialogue) -> list[dict]:
    """Each speaker's part once, though they may hold it in several agenda items."""
    parts = {}
    for role in dialogue.speaker_roles.all():
        key = (role.speaker.slug, role.role)
        parts.setdefault(key, {"slug": key[0], "name": role.speaker.name, "role": key[1]})
    return list(parts.values())


def _dialogue(dialogue: Dialogue) -> dict:
    return {
        "slug": dialogue.slug,
        "series": dialogue.series.slug,
        "number": dialogue.number,
        "title": dialogue.title,
        "question": dialogue.question,
        "description": dialogue.description,
        "status": dialogue.status,
        # Provisional dialogues: starts_at and ends_at bound the month or day announced.
        "date_precision": dialogue.date_precision,
        "starts_at": _utc(dialogue.starts_at),
        "ends_at": _utc(dialogue.ends_at),
        "duration_minutes": dialogue.duration_minutes,
        "format": dialogue.format,
        "venue": dialogue.venue,
        "audience": dialogue.audience,
        "registration": dialogue.registration_state(),
        "co_hosts": [host.name for host in dialogue.co_hosts.all()],
        "speakers": _speaker_roles(dialogue),
        "papers": [_paper(paper, with_authors=False) for paper in dialogue.public_papers],
        "recordings": [_recording(recording) for recording in dialogue.public_recordings],
        "url": absolute(dialogue.get_absolute_url()),
        "calendar_url": ""
        if dialogue.is_provisional()
        else absolute(reverse("dialogues:dialogue_calendar", kwargs={"slug": dialogue.slug})),
        "preview_image": absolute(
            reverse(
                "files:dialogue_preview",
                kwargs={"slug": dialogue.slug, "language": translation.get_language()},
            )
        ),
    }


def _papers():
    return (
        Paper.objects.public()
        .select_related("live_version", "dialogue")
        .prefetch_related("live_version__speakers", "live_version__organisations")
        .order_by("-first_published_at", "-pk")
    )


def _recordings():
    return (
        Recording.objects.public()
        .select_related("live_version", "dialogue")
        .order_by("-first_published_at", "-pk")
    )


def _dialogues():
    return (
        Dialogue.objects.public()
        .select_related("series")
        .prefetch_related(
            "co_hosts",
            Prefetch(
                "speaker_roles",
                queryset=DialogueSpeaker.objects.select_related("speaker").order_by("order", "pk"),
            ),
            Prefetch(
                "papers",
                queryset=Paper.objects.public()
                .select_related("live_version", "dialogue")
                .order_by("kind", "live_version__language", "pk"),
                to_attr="public_papers",
            ),
            Prefetch("recordings", queryset=_recordings(), to_attr="public_recordings"),
        )
    )


# --- Views -----------------------------------------------------------------------------------


@api_view
def index(request) -> dict:
    return {
        "version": VERSION,
        "series": _api_url("series"),
        "dialogues": _api_url("dialogues"),
        "speakers": _api_url("speakers"),
        "papers": _api_url("papers"),
        "recordings": _api_url("recordings"),
        "documentation": absolute("/about/"),
    }


@api_view
def series_list(request) -> dict:
    return _page(request, Series.objects.order_by("title", "pk"), _series)


@api_view
def dialogue_list(request) -> dict:
    """?series=<slug>, ?when=upcoming|past; upcoming ones first in time order."""
    dialogues = _dialogues()
    if request.GET.get("series"):
        dialogues = dialogues.filter(series__slug=request.GET["series"])
    when = request.GET.get("when", "")
    if when == "upcoming":
        dialogues = dialogues.upcoming(timezone.now()).order_by("starts_at", "pk")
    elif when == "past":
        dialogues = dialogues.past(timezone.now()).order_by("-starts_at", "-pk")
    elif when:
        raise ApiError(400, "when must be upcoming or past.")
    else:
        dialogues = dialogues.order_by("starts_at", "pk")
    return _page(request, dialogues, _dialogue)


@api_view
def dialogue_detail(request, slug: str) -> dict:
    dialogue = _dialogues().filter(slug=slug).first()
    if dialogue is None:
        raise ApiError(404, "No such dialogue.")
    return _dialogue(dialogue)


@api_view
def speaker_list(request) -> dict:
    public_roles = DialogueSpeaker.objects.filter(dialogue__in=Dialogue.objects.public())
    speakers = (
        Speaker.objects.filter(pk__in=public_roles.values("speaker_id"))
        .select_related("organisation")
        .order_by("name", "pk")
    )
    return _page(request, speakers, _speaker)


@api_view
def paper_list(request) -> dict:
    return _page(request, _papers(), _paper)


@api_view
def recording_list(request) -> dict:
    return _page(request, _recordings(), _recording)
