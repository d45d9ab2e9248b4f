import functools

from allauth.account.decorators import verified_email_required
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Prefetch, Q, prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from a4ep_portal import fragments
from a4ep_portal.access import organiser_may
from a4ep_portal.fragments import PageParts
from a4ep_portal.middleware import keep_uncompressed
from a4ep_portal.pagecache import cache_public_page
from members.models import Member
from members.services import ensure_member

from ..calendars import calendar_for, registrant_calendar
from ..cards import card_html, card_states
from ..forms import DialogueFilterForm, RegistrationForm
from ..models import (
    VIEW_JOIN_LINK,
    VIEW_SPEAKER,
    DateAlert,
    Dialogue,
    DialogueSpeaker,
    Question,
    Registration,
    Series,
    Session,
    Speaker,
)
from ..services import (
    DECIDING_FIELDS,
    RegistrationError,
    cancel_registration,
    register_member,
    registration_closed_message,
    stop_sharing_details,
)
from .participation import participation_context


@require_safe
@cache_public_page
def home(request):
    """The next dialogue first, then each series with its dialogues.

    The whole body is the same for every viewer of a language and time zone: it is kept
    (a4ep_portal/fragments.py) under the content generation and the cards' states (which are
    full, when the clock next moves one), so a request that finds it runs one query."""
    now = timezone.now()
    states = card_states(now)
    parts = PageParts("home", {"body": ""}, *states.key())
    context = {"shared_parts": parts}
    if not parts.complete:
        context.update(_home_content(now))
        shown = [context["next_dialogue"], *context["dialogues"]]
        if not states.agree_with(filter(None, shown), now):
            parts.forget("body")
    return render(request, "dialogues/home.html", context)


def _home_content(now) -> dict:
    public = Dialogue.objects.public()
    next_dialogue = (
        public.filter(status=Dialogue.Status.ANNOUNCED).upcoming(now).for_cards().first()
    )
    # The latest few of each series (a long series would make the page heavy on a phone); the
    # full list is one link away on /dialogues/.
    latest = public.for_cards().order_by("-starts_at", "-pk")
    if next_dialogue is not None:
        # Shown once, under "Next dialogue", not again in its series.
        latest = latest.exclude(pk=next_dialogue.pk)
    latest = latest[: settings.HOME_DIALOGUES_PER_SERIES]
    series = list(
        Series.objects.annotate(
            public_count=Count("dialogues", filter=~Q(dialogues__status=Dialogue.Status.DRAFT))
        ).prefetch_related(Prefetch("dialogues", queryset=latest, to_attr="latest_dialogues"))
    )
    shown = [d for s in series for d in s.latest_dialogues]
    return {
        "next_dialogue": next_dialogue,
        "series_list": series,
        "dialogues": shown,
        "dialogue_cards": card_html([next_dialogue, *shown] if next_dialogue else shown),
    }


# The query string of a dialogue list page that is kept whole: the filters and the page.
LIST_PARAMETERS = {"year", "status", "page"}


@require_safe
@cache_public_page
def dialogue_list(request):
    """Upcoming dialogues, then a page of past ones, filtered by year and status.

    Kept whole like the home page, for each valid filter and existing page: the key holds the
    cleaned query (which also makes the pagination's links), never a raw one."""
    now = timezone.now()
    public = Dialogue.objects.public()
    filtering = any(name != "page" for name in request.GET)
    form = DialogueFilterForm(request.GET, years=dialogue_years(public)) if filtering else None
    number = _page_number(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    keep = (
        number is not None
        and set(request.GET) <= LIST_PARAMETERS
        and all(len(request.GET.getlist(name)) == 1 for name in request.GET)
        and (form is None or form.is_valid())
    )
    states = card_states(now)
    variant = (query.urlencode(), number, bool(request.GET)) if keep else None
    parts = PageParts("dialogue-list", {"body": variant}, *states.key())
    context = {"shared_parts": parts}
    if not parts.complete:
        if form is None:
            form = DialogueFilterForm(request.GET or None, years=dialogue_years(public))
        filtered = form.filter(public).for_cards()
        upcoming = filtered.upcoming(now).order_by("starts_at", "pk")[: settings.PORTAL_PAGE_SIZE]
        past = Paginator(
            filtered.past(now).order_by("-starts_at", "-pk"), settings.PORTAL_PAGE_SIZE
        )
        page = past.get_page(request.GET.get("page"))
        upcoming = list(upcoming)
        shown = [*upcoming, *page.object_list]
        if page.number != number or not states.agree_with(shown, now):
            parts.forget("body")
        context.update(
            form=form,
            upcoming=upcoming,
            past_page=page,
            filter_query=query.urlencode(),
            dialogue_cards=card_html(shown),
        )
    return render(request, "dialogues/dialogue_list.html", context)


def _page_number(value: str | None) -> int | None:
    """The page asked for, when written as a page number is (1 without one); None for what
    the paginator would read as another page (it shows the first page for "x", the last for
    "0"), which is shown but not kept."""
    if value is None:
        return 1
    if value.isascii() and value.isdigit() and value == str(int(value)) and int(value) >= 1:
        return int(value)
    return None


def dialogue_years(public) -> list[int]:
    """The years public dialogues fall in, newest first (the list's year filter): a scan of
    the whole archive, kept under the content generation, which a new or moved dialogue
    bumps (as papers.forms.languages_and_years)."""
    generation = fragments.content_generation()
    key = None if generation is None else fragments.fragment_key(generation, "dialogue-years")
    years = fragments.fragment_cache().get(key) if key else None
    if years is None:
        years = [d.year for d in public.dates("starts_at", "year", order="DESC")]
        if key:
            fragments.fragment_cache().set(key, years, fragments.FRAGMENT_SECONDS)
    return years


# Permissions that let an organiser see registrant-only papers and recordings (asked by name:
# this app knows nothing of papers); they pick which variant of the publications part is shown.
VIEW_PAPER, VIEW_RECORDING = "papers.view_paper", "papers.view_recording"


@require_safe
@cache_public_page
def dialogue_detail(request, slug: str):
    dialogue = get_object_or_404(
        Dialogue.objects.visible_to(request.user).select_related("series"), slug=slug
    )
    registration = _own_registration(request, dialogue)
    # The join link is secret: confirmed registrants, and organisers allowed to see it.
    registrant = bool(registration and registration.is_confirmed())
    organiser = not registrant and organiser_may(request.user, VIEW_JOIN_LINK)
    draft = not dialogue.is_public()
    # A confirmed registrant's question form lists the speakers and agenda items: the same
    # form for every registrant, kept as a part too, so that it needs neither fetched.
    asks_questions = registrant and timezone.now() < dialogue.starts_at
    # The parts that are the same for every viewer (a4ep_portal/fragments.py); drafts are not
    # kept. Publications differ for those who may see registrant-only items, and say "nothing
    # published yet" once the dialogue is over.
    parts = (
        None
        if draft
        else PageParts(
            "dialogue",
            {
                "head": "",
                "facts": "",
                "about": "",
                "programme": "",
                "publications": (
                    registrant,
                    organiser_may(request.user, VIEW_PAPER),
                    organiser_may(request.user, VIEW_RECORDING),
                    dialogue.is_over(),
                ),
                **({"question_form": ""} if asks_questions else {}),
            },
            dialogue.pk,
            dialogue.updated_at,
        )
    )
    if parts is None or not parts.complete:
        roles = DialogueSpeaker.objects.select_related("speaker__organisation", "session")
        prefetch_related_objects(
            [dialogue],
            "co_hosts",
            Prefetch("sessions", queryset=_sessions_with_speakers(roles)),
            Prefetch("speaker_roles", queryset=roles),
        )
        speakers = _unique_speakers(dialogue.speaker_roles.all())
        agenda = dialogue.agenda()
    else:
        speakers = agenda = []
    participation = participation_context(request, dialogue, registration, speakers, agenda)
    show_join_url = bool(dialogue.join_url) and (registrant or organiser)
    state = dialogue.registration_state()
    holds_place = bool(registration and registration.status != Registration.Status.CANCELLED)
    # A provisional dialogue: whether this member asked to be told its date (one query, on
    # such pages only).
    asked_for_date = (
        request.user.is_authenticated
        and state == state.PROVISIONAL
        and DateAlert.objects.filter(dialogue=dialogue, member__user=request.user).exists()
    )
    response = render(
        request,
        "dialogues/dialogue_detail.html",
        {
            "dialogue": dialogue,
            "agenda": agenda,
            "speakers": speakers,
            "shared_parts": parts,
            "confirmed_registrant": registrant,
            "registration_state": state,
            "registration": registration,
            "may_cancel": holds_place
            and dialogue.status == Dialogue.Status.ANNOUNCED
            and not dialogue.is_over(),
            "seats": None if holds_place or state != state.OPEN else seats_and_waiting(dialogue),
            "show_join_url": show_join_url,
            "asked_for_date": asked_for_date,
            "join_url_for_organiser": organiser,
            "noindex": draft,
            **participation,
        },
    )
    if draft:
        # Organisers only: no shared cache and no search engine may keep it.
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex, nofollow"
    return keep_uncompressed(response) if show_join_url else response


def seats_and_waiting(dialogue: Dialogue) -> dict | None:
    """Seats left and people waiting, in one query; None when the dialogue has no limit."""
    if dialogue.capacity is None:
        return None
    counts = dialogue.registrations.aggregate(
        confirmed=Count("pk", filter=Q(status=Registration.Status.CONFIRMED)),
        waiting=Count("pk", filter=Q(status=Registration.Status.WAITLISTED)),
    )
    return {"left": max(dialogue.capacity - counts["confirmed"], 0), "waiting": counts["waiting"]}


def _own_registration(request, dialogue: Dialogue) -> Registration | None:
    """The viewer's registration, with `waitlist_ahead` (as with_waitlist_position()) and
    `any_approved_questions` (whether the questions section has any to list)."""
    if not request.user.is_authenticated:
        return None
    registration = next(
        iter(
            Registration.objects.raw(
                _own_registration_sql(),
                [
                    Registration.Status.WAITLISTED,
                    Question.Status.APPROVED,
                    dialogue.pk,
                    request.user.pk,
                ],
            )
        ),
        None,
    )
    if registration is not None:
        Registration.dialogue.field.set_cached_value(registration, dialogue)
    return registration


@functools.cache
def _own_registration_sql() -> str:
    """Written out: a member's every view of a dialogue page reads it, and the ORM took some
    2 ms of CPU to build this one-row query (its waiting-list subquery, the join to the
    member) for a tenth of that to run it. Only the models' own table and column names,
    quoted, go into the text; values are parameters."""
    quote = connection.ops.quote_name

    def column(model, name):
        return quote(model._meta.get_field(name).column)

    registrations, members, questions = (
        quote(model._meta.db_table) for model in (Registration, Member, Question)
    )
    dialogue, status, number = (
        column(Registration, name) for name in ("dialogue", "status", "waitlist_number")
    )
    return (
        f"SELECT own.*, "  # noqa: S608
        f"(SELECT COUNT(*) FROM {registrations} ahead WHERE ahead.{dialogue} = own.{dialogue} "
        f"AND ahead.{status} = %s AND ahead.{number} < own.{number}) AS waitlist_ahead, "
        f"EXISTS (SELECT 1 FROM {questions} question "
        f"WHERE question.{column(Question, 'dialogue')} = own.{dialogue} "
        f"AND question.{column(Question, 'status')} = %s) AS any_approved_questions "
        f"FROM {registrations} own JOIN {members} member "
        f"ON member.{column(Member, 'id')} = own.{column(Registration, 'member')} "
        f"WHERE own.{dialogue} = %s AND member.{column(Member, 'user')} = %s"
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
@cache_public_page
def dialogue_calendar(request, slug: str):
    # A provisional dialogue has no time to put in a calendar yet.
    dialogues = Dialogue.objects.public().filter(date_precision=Dialogue.DatePrecision.EXACT)
    dialogue = get_object_or_404(dialogues.select_related("series"), slug=slug)
    return _ics_response(calendar_for([dialogue], name=dialogue.title), f"{dialogue.slug}.ics")


@require_safe
@cache_public_page
def series_calendar(request):
    dialogues = (
        Dialogue.objects.public()
        .filter(date_precision=Dialogue.DatePrecision.EXACT)
        .select_related("series")
        .order_by("starts_at", "pk")
    )
    return _ics_response(
        calendar_for(dialogues, name=_("A4EP Localisation Dialogues")), "a4ep-dialogues.ics"
    )


def _ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_safe
@cache_public_page
def speaker_list(request):
    speakers = Speaker.objects.select_related("organisation").order_by("name", "pk")
    if not organiser_may(request.user, VIEW_SPEAKER):
        public_roles = DialogueSpeaker.objects.filter(dialogue__in=Dialogue.objects.public())
        speakers = speakers.filter(pk__in=public_roles.values("speaker_id"))
    paginator = Paginator(speakers, settings.PORTAL_PAGE_SIZE)
    return render(
        request,
        "dialogues/speaker_list.html",
        {"page": paginator.get_page(request.GET.get("page"))},
    )


@require_safe
@cache_public_page
def speaker_detail(request, slug: str):
    speaker = get_object_or_404(Speaker.objects.select_related("organisation"), slug=slug)
    roles = (
        speaker.roles.filter(dialogue__in=Dialogue.objects.public())
        .select_related("dialogue__series", "session")
        .order_by("-dialogue__starts_at", "order", "pk")
    )
    # A speaker announced only in a draft dialogue is not public yet, but organisers who may
    # view speakers in admin see them.
    if not roles and not organiser_may(request.user, VIEW_SPEAKER):
        raise Http404
    return render(request, "dialogues/speaker_detail.html", {"speaker": speaker, "roles": roles})


@require_safe
@cache_public_page
def about(request):
    series = Series.objects.order_by("title")
    return render(request, "dialogues/about.html", {"series_list": series})


@require_safe
@cache_public_page
def contact(request):
    return render(request, "dialogues/contact.html", {"contact_email": settings.CONTACT_EMAIL})


@require_safe
@cache_public_page
def calendar_subscription(request):
    """How to subscribe to the calendar of all dialogues: a webcal:// link (calendar apps
    subscribe and refresh it) and the https address to paste into web calendars."""
    address = settings.SITE_URL + reverse("dialogues:calendar")
    return render(
        request,
        "dialogues/calendar_subscription.html",
        {"address": address, "webcal": "webcal://" + address.split("://", 1)[1]},
    )


@verified_email_required
@require_http_methods(["GET", "POST"])
def register(request, slug: str):
    """The registration form; confirmed or waiting-list place on submit."""
    dialogues = Dialogue.objects.public()
    if request.method == "POST":
        # Registering reads the dates, the capacity, the slug and the interpretation channels
        # only; the form page (below, when the form has errors) loads the rest.
        dialogue = get_object_or_404(
            dialogues.only("slug", "interpretation_languages", *DECIDING_FIELDS), slug=slug
        )
    else:
        dialogue = get_object_or_404(dialogues.select_related("series"), slug=slug)
    member = ensure_member(request.user)
    state = dialogue.registration_state()
    # A POST while registration is open leaves this check to register_member, under the lock.
    checked_by_service = request.method == "POST" and state == Dialogue.RegistrationState.OPEN
    current = (
        None
        if checked_by_service
        else Registration.objects.filter(dialogue=dialogue, member=member)
        .exclude(status=Registration.Status.CANCELLED)
        .values_list("status", flat=True)
        .first()
    )
    if current == Registration.Status.DECLINED:
        messages.info(
            request, _("The organisers did not approve your registration for this dialogue.")
        )
        return redirect(dialogue)
    if current:
        messages.info(request, _("You are already registered for this dialogue."))
        return redirect(dialogue)
    if state != Dialogue.RegistrationState.OPEN:
        messages.error(request, registration_closed_message(state))
        return redirect(dialogue)
    form = RegistrationForm.for_member(
        member,
        dialogue,
        data=request.POST if request.method == "POST" else None,
        co_hosts=list(dialogue.co_hosts.all()),
    )
    if request.method == "POST" and form.is_valid():
        try:
            registration = register_member(dialogue, member, form.details())
        except RegistrationError as error:
            messages.error(request, str(error))
            return redirect(dialogue)
        if registration.was_already_registered:
            messages.info(request, _("You are already registered for this dialogue."))
        elif registration.is_pending():
            messages.success(
                request,
                _(
                    "Thank you. The organisers approve each registration for this dialogue; "
                    "we will mail you when they have decided."
                ),
            )
        elif registration.is_confirmed():
            messages.success(
                request,
                _("You are registered. The join link is below and in the mail we sent you."),
            )
        else:
            messages.success(
                request,
                _(
                    "All seats are taken: you are number %(position)s on the waiting list. "
                    "We will mail you if a seat frees up."
                )
                % {
                    "position": getattr(registration, "waitlist_position_when_registered", None)
                    or registration.waitlist_position()
                },
            )
        return redirect(dialogue)
    if request.method == "POST":
        dialogue = get_object_or_404(dialogues.select_related("series"), pk=dialogue.pk)
    return render(
        request,
        "dialogues/register.html",
        {"dialogue": dialogue, "form": form, "seats": seats_and_waiting(dialogue)},
    )


@login_required
@require_safe
def my_dialogues(request):
    now = timezone.now()
    registrations = (
        Registration.objects.filter(member__user=request.user)
        .select_related("dialogue__series", "breakout_group__facilitator")
        .with_waitlist_position()
    )
    # One query for both lists (building a second one cost the ORM more than running it).
    upcoming, past = [], []
    for registration in registrations.order_by("dialogue__starts_at", "pk"):
        (upcoming if registration.dialogue.ends_at > now else past).append(registration)
    past.sort(
        key=lambda registration: (-registration.dialogue.starts_at.timestamp(), registration.pk)
    )
    # Whom each shares their details with (to stop sharing), in one query for both lists.
    prefetch_related_objects([*upcoming, *past], "shares_details_with")
    # Join links may be on it.
    return keep_uncompressed(
        render(
            request,
            "dialogues/my_dialogues.html",
            {"upcoming": upcoming, "past": past, "now": now},
        )
    )


def _my_registration(request, slug: str) -> Registration:
    return get_object_or_404(
        Registration.objects.select_related("dialogue__series").with_waitlist_position(),
        dialogue__slug=slug,
        member__user=request.user,
    )


@login_required
@require_http_methods(["GET", "POST"])
def cancel_my_registration(request, slug: str):
    registration = _my_registration(request, slug)
    if request.method == "POST":
        try:
            cancel_registration(registration, actor=request.user)
        except RegistrationError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("Your registration for “%(title)s” is cancelled.")
                % {"title": registration.dialogue.title},
            )
        # Cancelled from the dialogue's own page: back to it.
        if request.POST.get("back") == "dialogue":
            return redirect(registration.dialogue)
        return redirect("my_dialogues")
    return render(request, "dialogues/cancel_registration.html", {"registration": registration})


@login_required
@require_POST
def stop_sharing(request, slug: str):
    """The member withdraws the details they shared with the dialogue's co-hosts."""
    registration = _my_registration(request, slug)
    if stop_sharing_details(registration, actor=request.user):
        messages.success(
            request,
            _("The co-hosts of “%(title)s” no longer see your details.")
            % {"title": registration.dialogue.title},
        )
    else:
        messages.info(request, _("You were not sharing your details with its co-hosts."))
    return redirect("my_dialogues")


@login_required
@require_safe
def my_calendar(request, slug: str):
    """A confirmed registrant's own calendar file, with the join link."""
    registration = _my_registration(request, slug)
    if not registration.is_confirmed() or registration.dialogue.is_provisional():
        raise Http404
    return keep_uncompressed(
        _ics_response(registrant_calendar(registration), f"{registration.dialogue.slug}.ics")
    )
