"""Pages and actions of participation: questions, breakout groups, topic consultation,
feedback and the localisation figures. Each action authorises, calls a service, and turns a
ParticipationError into a message."""

from allauth.account.decorators import verified_email_required
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from a4ep_portal.access import organiser_may
from members.services import ensure_member

from ..figures import dialogue_report, series_report
from ..forms import BreakoutChoiceForm, FeedbackForm, QuestionForm, TopicProposalForm
from ..models import (
    VIEW_QUESTION,
    Dialogue,
    Feedback,
    Question,
    Registration,
    TopicProposal,
    Vote,
)
from ..services import (
    ParticipationError,
    ask_question,
    breakouts_open,
    choose_breakout_group,
    give_feedback,
    groups_with_sizes,
    may_give_feedback,
    propose_topic,
    vote_for_question,
    vote_for_topic,
    withdraw_question_vote,
    withdraw_topic_vote,
)


def participation_context(request, dialogue: Dialogue, registration, speakers, agenda) -> dict:
    """What the dialogue page shows of participation, in a fixed number of queries: the
    figures once it is over (cached), approved questions for registrants and staff (one query),
    breakout groups for confirmed registrants (one to three). The question form lists
    `speakers` and `agenda` (empty when the page's kept question form is shown instead)."""
    now = timezone.now()
    # Waiting for approval or declined is not (yet) taking part.
    active = registration is not None and registration.status in (
        Registration.Status.CONFIRMED,
        Registration.Status.WAITLISTED,
    )
    confirmed = active and registration.is_confirmed()
    context = {
        "figures": dialogue_report(dialogue, now),
        "may_give_feedback": may_give_feedback(registration),
        "questions": None,
        "question_form": None,
        "may_vote": confirmed and not dialogue.is_over(now),
        "breakout": None,
    }
    if active or organiser_may(request.user, VIEW_QUESTION):
        # The registration's own query says whether there are any (dialogue_detail), which
        # spares the page this one (the costliest to build) until the first is approved.
        if getattr(registration, "any_approved_questions", True):
            context["questions"] = list(_approved_questions(dialogue, request.user))
        else:
            context["questions"] = []
    if confirmed and now < dialogue.starts_at:
        context["question_form"] = QuestionForm(
            speakers=[speaker for speaker, _roles in speakers],
            sessions=[item.session for item in agenda],
        )
    if confirmed and not dialogue.is_over(now):
        context["breakout"] = _breakout_context(dialogue, registration)
    return context


def _approved_questions(dialogue: Dialogue, user):
    own_vote = Vote.objects.filter(question=OuterRef("pk"), member__user_id=user.pk)
    return (
        Question.objects.filter(dialogue=dialogue, status=Question.Status.APPROVED)
        .select_related("member__user", "member__organisation", "speaker", "session")
        .annotate(vote_count=Count("votes"), voted=Exists(own_vote))
        .order_by("-vote_count", "created_at", "pk")
    )


def _breakout_context(dialogue: Dialogue, registration: Registration) -> dict | None:
    groups = list(groups_with_sizes(dialogue))
    if not groups:
        return None
    confirmed = sum(group.size for group in groups)
    if dialogue.breakout_threshold is not None:
        confirmed = dialogue.registrations.confirmed().count()
    own = next((g for g in groups if g.pk == registration.breakout_group_id), None)
    roster = []
    if own is not None:
        roster = [
            r.member.shown_name()
            for r in own.registrations.confirmed()
            .exclude(member=None)
            .select_related("member__user", "member__organisation")
            .order_by("registered_at", "pk")
        ]
    return {
        "open": breakouts_open(dialogue, confirmed),
        "threshold": dialogue.breakout_threshold,
        "groups": groups,
        "own": own,
        "roster": roster,
        "form": BreakoutChoiceForm(groups=groups, initial={"group": own.pk if own else None}),
    }


def _dialogue_and_member(request, slug: str):
    dialogue = get_object_or_404(Dialogue.objects.public(), slug=slug)
    return dialogue, ensure_member(request.user)


@verified_email_required
@require_POST
def ask(request, slug: str):
    dialogue, member = _dialogue_and_member(request, slug)
    speakers = [role.speaker for role in dialogue.speaker_roles.select_related("speaker")]
    form = QuestionForm(request.POST, speakers=speakers, sessions=dialogue.sessions.all())
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(dialogue.get_absolute_url() + "#questions-heading")
    try:
        ask_question(dialogue, member, form.cleaned_data["text"], **form.target())
    except ParticipationError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Thank you. Your question is shown once the organisers have read it.")
        )
    return redirect(dialogue.get_absolute_url() + "#questions-heading")


@verified_email_required
@require_POST
def vote_question(request, slug: str, pk: int, withdraw: bool = False):
    dialogue, member = _dialogue_and_member(request, slug)
    question = get_object_or_404(
        Question.objects.select_related("dialogue"), pk=pk, dialogue=dialogue
    )
    try:
        if withdraw:
            withdraw_question_vote(question, member)
        else:
            vote_for_question(question, member)
    except ParticipationError as error:
        messages.error(request, str(error))
    return redirect(dialogue.get_absolute_url() + "#questions-heading")


@verified_email_required
@require_POST
def choose_breakout(request, slug: str):
    dialogue, member = _dialogue_and_member(request, slug)
    registration = get_object_or_404(
        Registration.objects.select_related("dialogue"), dialogue=dialogue, member=member
    )
    form = BreakoutChoiceForm(request.POST, groups=list(dialogue.breakout_groups.all()))
    if not form.is_valid():
        messages.error(request, _("Please pick a group."))
    else:
        try:
            choose_breakout_group(registration, form.chosen(), actor=request.user)
        except ParticipationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("You are in the group “%s”.") % form.chosen().topic)
    return redirect(dialogue.get_absolute_url() + "#breakout-heading")


@require_http_methods(["GET", "POST"])
def topics(request):
    """Open proposals for members (with their votes), chosen ones for everyone."""
    is_member = request.user.is_authenticated
    form = TopicProposalForm(request.POST or None) if is_member else None
    if request.method == "POST":
        if not is_member:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        if form.is_valid():
            try:
                propose_topic(ensure_member(request.user), **form.cleaned_data)
            except ParticipationError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("Thank you: your proposal is open for votes."))
                return redirect("topics")
    statuses = [TopicProposal.Status.CHOSEN]
    if is_member:
        statuses.append(TopicProposal.Status.OPEN)
    proposals = (
        TopicProposal.objects.filter(status__in=statuses)
        .select_related("dialogue")
        .annotate(vote_count=Count("votes"))
        .order_by("-status", "-vote_count", "-created_at", "pk")  # open before chosen
    )
    member_id = None
    if is_member:
        member_id = ensure_member(request.user).pk
        own_vote = Vote.objects.filter(proposal=OuterRef("pk"), member_id=member_id)
        proposals = proposals.annotate(voted=Exists(own_vote))
    page = Paginator(proposals, settings.PORTAL_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "dialogues/topics.html", {"page": page, "form": form, "member_id": member_id}
    )


@verified_email_required
@require_POST
def vote_topic(request, pk: int, withdraw: bool = False):
    proposal = get_object_or_404(TopicProposal, pk=pk)
    member = ensure_member(request.user)
    try:
        if withdraw:
            withdraw_topic_vote(proposal, member)
        else:
            vote_for_topic(proposal, member)
    except ParticipationError as error:
        messages.error(request, str(error))
    return redirect(f"{reverse('topics')}#topic-{proposal.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def feedback(request, slug: str):
    """The short feedback form for attendees; a stable address to mail them after the event."""
    registration = get_object_or_404(
        Registration.objects.select_related("dialogue"),
        dialogue__slug=slug,
        member__user=request.user,
    )
    if not may_give_feedback(registration):
        messages.error(request, _("Feedback is open to attendees once the dialogue is over."))
        return redirect("my_dialogues")
    existing = Feedback.objects.filter(
        dialogue_id=registration.dialogue_id, member_id=registration.member_id
    ).first()
    form = FeedbackForm(request.POST or None, instance=existing)
    if request.method == "POST" and form.is_valid():
        give_feedback(registration, **form.cleaned_data)
        messages.success(request, _("Thank you for your feedback."))
        return redirect("my_dialogues")
    return render(
        request,
        "dialogues/feedback.html",
        {"dialogue": registration.dialogue, "form": form, "existing": existing},
    )


@require_safe
def figures(request):
    overall, dialogues = series_report()
    return render(request, "dialogues/figures.html", {"overall": overall, "dialogues": dialogues})
