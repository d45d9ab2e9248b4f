"""Organiser tools for participation: question moderation and the run sheet, breakout groups,
topic review, feedback. Every action calls the same service as the site and checks the
permission on the server."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, Prefetch, Q
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from a4ep_portal.access import is_co_host
from a4ep_portal.admin import AuditedAdminMixin

from ..models import BreakoutGroup, Dialogue, Feedback, Question, Session, TopicProposal
from ..services import (
    ParticipationError,
    approve_questions,
    choose_topic,
    decline_topic,
    hide_questions,
    limit_dialogues,
    merge_questions,
    merge_topics,
)
from .cohosts import CoHostScoped, scoped_list_filter


def _may(admin_obj, request, action: str) -> bool:
    """The server-side check behind every action: the user holds the model's permission."""
    opts = admin_obj.opts
    if request.user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}"):
        return True
    admin_obj.message_user(request, _("You may not do this."), messages.ERROR)
    return False


class BreakoutGroupInline(admin.TabularInline):
    model = BreakoutGroup
    extra = 0
    fields = ["order", "topic", "language", "facilitator", "capacity"]
    autocomplete_fields = ["facilitator"]


@admin.register(Question)
class QuestionAdmin(CoHostScoped, AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["text", "dialogue", "status", "asked_by", "votes", "created_at"]
    list_filter = ["status", "dialogue"]
    list_select_related = ["dialogue", "member__user", "member__organisation"]
    search_fields = ["text"]
    readonly_fields = [
        "dialogue",
        "member",
        "text",
        "speaker",
        "session",
        "status",
        "merged_into",
        "created_at",
        "moderated_at",
        "moderated_by",
    ]
    actions = ["approve", "hide", "merge"]

    def has_add_permission(self, request) -> bool:
        return False  # questions come from participants, through the services

    def get_queryset(self, request):
        queryset = super().get_queryset(request).annotate(vote_count=Count("votes"))
        return limit_dialogues(queryset, request.user, "dialogue")

    def get_list_filter(self, request):
        return scoped_list_filter(super().get_list_filter(request), request)

    def get_fields(self, request, obj=None):
        # The asker as other participants see them, never their account (e-mail) for a co-host.
        fields = super().get_fields(request, obj)
        if is_co_host(request.user):
            return ["asked_by" if name == "member" else name for name in fields]
        return fields

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if is_co_host(request.user):
            return ["asked_by" if name == "member" else name for name in fields]
        return fields

    @admin.display(description=_("asked by"))
    def asked_by(self, question: Question) -> str:
        return question.member.shown_name() if question.member else "—"

    @admin.display(description=_("votes"), ordering="vote_count")
    def votes(self, question: Question) -> int:
        return question.vote_count

    def _report(self, request, moved: int, singular: str, plural: str) -> None:
        self.message_user(request, ngettext(singular, plural, moved) % moved, messages.SUCCESS)

    @admin.action(description=_("Approve: show to the dialogue's registrants"))
    def approve(self, request, queryset):
        if _may(self, request, "change"):
            try:
                moved = approve_questions(queryset, actor=request.user)
            except ParticipationError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self._report(request, moved, "%d question approved.", "%d questions approved.")

    @admin.action(description=_("Hide from everyone"))
    def hide(self, request, queryset):
        if _may(self, request, "change"):
            try:
                moved = hide_questions(queryset, actor=request.user)
            except ParticipationError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self._report(request, moved, "%d question hidden.", "%d questions hidden.")

    @admin.action(description=_("Merge duplicates into the oldest selected question"))
    def merge(self, request, queryset):
        if not _may(self, request, "change"):
            return
        questions = list(queryset.order_by("created_at", "pk"))
        if len(questions) < 2:
            self.message_user(request, _("Select two questions or more."), messages.ERROR)
            return
        try:
            moved = merge_questions(questions[1:], questions[0], actor=request.user)
        except ParticipationError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self._report(request, moved, "%d question merged.", "%d questions merged.")

    def get_urls(self):
        run_sheet = self.admin_site.admin_view(self.run_sheet_view)
        return [
            path(
                "run-sheet/<int:dialogue_id>/",
                run_sheet,
                name="dialogues_question_run_sheet",
            ),
            *super().get_urls(),
        ]

    def run_sheet_view(self, request, dialogue_id: int):
        """The moderator's printable list: approved questions by agenda item, most votes
        first, with the asker as shown to others, their organisation and country."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        approved = (
            Question.objects.filter(status=Question.Status.APPROVED)
            .select_related("member__user", "member__organisation", "speaker")
            .annotate(vote_count=Count("votes"))
            .order_by("-vote_count", "created_at", "pk")
        )
        dialogue = get_object_or_404(
            limit_dialogues(Dialogue.objects.all(), request.user)
            .select_related("series")
            .prefetch_related(
                Prefetch("sessions", queryset=Session.objects.order_by("order", "pk")),
                Prefetch(
                    "questions",
                    queryset=approved.filter(session=None),
                    to_attr="general_questions",
                ),
                Prefetch("sessions__questions", queryset=approved, to_attr="approved_questions"),
            ),
            pk=dialogue_id,
        )
        return render(
            request,
            "admin/dialogues/question/run_sheet.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Run sheet: %s") % dialogue.title,
                "dialogue": dialogue,
                "agenda": dialogue.agenda(),
                "opts": self.opts,
            },
        )


def run_sheet_link(dialogue: Dialogue) -> str:
    url = reverse("admin:dialogues_question_run_sheet", args=[dialogue.pk])
    return format_html('<a href="{}">{}</a>', url, _("run sheet"))


@admin.register(BreakoutGroup)
class BreakoutGroupAdmin(admin.ModelAdmin):
    list_display = ["topic", "dialogue", "language", "facilitator", "capacity", "members"]
    list_filter = ["dialogue", "language"]
    list_select_related = ["dialogue", "facilitator"]
    autocomplete_fields = ["facilitator"]

    def get_queryset(self, request):
        confirmed = Q(registrations__status="confirmed")
        return super().get_queryset(request).annotate(size=Count("registrations", filter=confirmed))

    @admin.display(description=_("members"), ordering="size")
    def members(self, group: BreakoutGroup) -> int:
        return group.size


@admin.register(TopicProposal)
class TopicProposalAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["title", "region", "status", "votes", "dialogue", "public_votes", "created_at"]
    list_filter = ["status", "region"]
    list_select_related = ["dialogue"]
    search_fields = ["title", "why"]
    fields = [
        "title",
        "why",
        "region",
        "status",
        "merged_into",
        "dialogue",
        "public_votes",
        "member",
        "created_at",
        "decided_at",
    ]
    readonly_fields = ["status", "merged_into", "member", "created_at", "decided_at"]
    autocomplete_fields = ["dialogue"]
    actions = ["choose", "decline", "merge"]

    def has_add_permission(self, request) -> bool:
        return False  # members propose on /topics/

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(vote_count=Count("votes"))

    @admin.display(description=_("votes"), ordering="vote_count")
    def votes(self, proposal: TopicProposal) -> int:
        return proposal.vote_count

    @admin.action(description=_("Mark as chosen (with the dialogue set on each)"))
    def choose(self, request, queryset):
        if not _may(self, request, "change"):
            return
        for proposal in queryset.select_related("dialogue"):
            try:
                choose_topic(proposal, proposal.dialogue, actor=request.user)
            except ParticipationError as error:
                self.message_user(request, f"{proposal}: {error}", messages.ERROR)
        self.message_user(request, _("Chosen proposals are shown to the public."), messages.INFO)

    @admin.action(description=_("Decline: close to votes"))
    def decline(self, request, queryset):
        if not _may(self, request, "change"):
            return
        for proposal in queryset:
            try:
                decline_topic(proposal, actor=request.user)
            except ParticipationError as error:
                self.message_user(request, f"{proposal}: {error}", messages.ERROR)

    @admin.action(description=_("Merge duplicates into the oldest selected proposal"))
    def merge(self, request, queryset):
        if not _may(self, request, "change"):
            return
        proposals = list(queryset.order_by("created_at", "pk"))
        if len(proposals) < 2:
            self.message_user(request, _("Select two proposals or more."), messages.ERROR)
            return
        try:
            merged = merge_topics(proposals[1:], proposals[0], actor=request.user)
        except ParticipationError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(
                request,
                ngettext("%d proposal merged.", "%d proposals merged.", merged) % merged,
                messages.SUCCESS,
            )


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ["dialogue", "rating", "useful", "may_quote", "created_at"]
    list_filter = ["dialogue", "rating", "useful", "may_quote"]
    list_select_related = ["dialogue"]
    readonly_fields = ["dialogue", "member", "rating", "useful", "change", "may_quote"]
    change_list_template = "admin/dialogues/feedback/change_list.html"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # what attendees said stays as they said it

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            useful = Feedback.Useful
            response.context_data["feedback_summary"] = (
                changelist.queryset.order_by()
                .values("dialogue__number", "dialogue__title")
                .annotate(
                    answers=Count("pk"),
                    average=Avg("rating"),
                    useful_yes=Count("pk", filter=Q(useful=useful.YES)),
                    useful_partly=Count("pk", filter=Q(useful=useful.PARTLY)),
                    useful_no=Count("pk", filter=Q(useful=useful.NO)),
                    quotable=Count("pk", filter=Q(may_quote=True)),
                )
                .order_by("dialogue__number")
            )
        return response
