from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from .calendars import calendar_for
from .forms import DialogueFilterForm
from .models import Dialogue, DialogueSpeaker, Series, Session, Speaker


@require_safe
def home(request):
    """The next dialogue first, then each series with its dialogues."""
    now = timezone.now()
    public = Dialogue.objects.public()
    next_dialogue = (
        public.filter(status=Dialogue.Status.ANNOUNCED).upcoming(now).for_cards().first()
    )
    series = Series.objects.prefetch_related(
        Prefetch("dialogues", queryset=public.for_cards().order_by("starts_at", "pk"))
    )
    return render(
        request,
        "dialogues/home.html",
        {"next_dialogue": next_dialogue, "series_list": series, "now": now},
    )


@require_safe
def dialogue_list(request):
    now = timezone.now()
    public = Dialogue.objects.public()
    years = [d.year for d in public.dates("starts_at", "year", order="DESC")]
    form = DialogueFilterForm(request.GET or None, years=years)
    filtered = form.filter(public).for_cards()
    upcoming = filtered.upcoming(now).order_by("starts_at", "pk")[: settings.PORTAL_PAGE_SIZE]
    past = Paginator(filtered.past(now).order_by("-starts_at", "-pk"), settings.PORTAL_PAGE_SIZE)
    page = past.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "dialogues/dialogue_list.html",
        {
            "form": form,
            "upcoming": upcoming,
            "past_page": page,
            "filter_query": query.urlencode(),
            "now": now,
        },
    )


@require_safe
def dialogue_detail(request, slug: str):
    roles = DialogueSpeaker.objects.select_related("speaker__organisation", "session")
    queryset = (
        Dialogue.objects.visible_to(request.user)
        .select_related("series")
        .prefetch_related(
            "co_hosts",
            Prefetch("sessions", queryset=_sessions_with_speakers(roles)),
            Prefetch("speaker_roles", queryset=roles),
        )
    )
    dialogue = get_object_or_404(queryset, slug=slug)
    speakers = _unique_speakers(dialogue.speaker_roles.all())
    return render(
        request,
        "dialogues/dialogue_detail.html",
        {
            "dialogue": dialogue,
            "agenda": dialogue.agenda(),
            "speakers": speakers,
            "registration_state": dialogue.registration_state(),
        },
    )


def _sessions_with_speakers(roles):
    return Session.objects.prefetch_related(Prefetch("speaker_roles", queryset=roles))


def _unique_speakers(roles) -> list[tuple[Speaker, list[str]]]:
    """Each speaker once, with the roles they hold in the dialogue."""
    by_speaker: dict[int, tuple[Speaker, list[str]]] = {}
    for role in roles:
        speaker, labels = by_speaker.setdefault(role.speaker_id, (role.speaker, []))
        label = role.get_role_display()
        if label not in labels:
            labels.append(label)
    return list(by_speaker.values())


@require_safe
def dialogue_calendar(request, slug: str):
    dialogue = get_object_or_404(Dialogue.objects.public().select_related("series"), slug=slug)
    return _ics_response(calendar_for([dialogue], name=dialogue.title), f"{dialogue.slug}.ics")


@require_safe
def series_calendar(request):
    dialogues = Dialogue.objects.public().select_related("series").order_by("starts_at", "pk")
    return _ics_response(
        calendar_for(dialogues, name="A4EP Localisation Dialogues"), "a4ep-dialogues.ics"
    )


def _ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_safe
def speaker_list(request):
    speakers = Speaker.objects.select_related("organisation").order_by("name", "pk")
    if not request.user.is_staff:
        public_roles = DialogueSpeaker.objects.filter(dialogue__in=Dialogue.objects.public())
        speakers = speakers.filter(pk__in=public_roles.values("speaker_id"))
    paginator = Paginator(speakers, settings.PORTAL_PAGE_SIZE)
    return render(
        request,
        "dialogues/speaker_list.html",
        {"page": paginator.get_page(request.GET.get("page"))},
    )


@require_safe
def speaker_detail(request, slug: str):
    speaker = get_object_or_404(Speaker.objects.select_related("organisation"), slug=slug)
    roles = (
        speaker.roles.filter(dialogue__in=Dialogue.objects.public())
        .select_related("dialogue__series", "session")
        .order_by("-dialogue__starts_at", "order", "pk")
    )
    # A speaker announced only in a draft dialogue is not public yet.
    if not roles and not request.user.is_staff:
        raise Http404
    return render(request, "dialogues/speaker_detail.html", {"speaker": speaker, "roles": roles})


@require_safe
def about(request):
    series = Series.objects.order_by("title")
    return render(request, "dialogues/about.html", {"series_list": series})
