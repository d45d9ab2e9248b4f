"""What participants do around a dialogue: questions and their votes, breakout groups, topic
proposals for future dialogues and their votes, and feedback afterwards.

Written only by dialogues.services. One vote per member and question (or topic) is a
database constraint, so two requests at once can never count twice.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from a4ep_portal.languages import PORTAL_LANGUAGES

from ..regions import TOPIC_REGIONS
from .catalogue import Dialogue, Session, Speaker

QUESTION_MAX_LENGTH = 1000


class Question(models.Model):
    """A participant's question for a dialogue, moderated by organisers before anyone sees it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for moderation")
        APPROVED = "approved", pgettext_lazy("question", "Approved")
        HIDDEN = "hidden", _("Hidden")
        MERGED = "merged", _("Merged into another question")

    # The moves a moderator may make; checked in one place (a4ep_portal.states.change_state).
    TRANSITIONS = {
        Status.PENDING: {Status.APPROVED, Status.HIDDEN, Status.MERGED},
        Status.APPROVED: {Status.HIDDEN, Status.MERGED},
        Status.HIDDEN: {Status.APPROVED},
        Status.MERGED: set(),
    }

    dialogue = models.ForeignKey(
        Dialogue, on_delete=models.CASCADE, related_name="questions", verbose_name=_("dialogue")
    )
    # Kept (asker emptied) when an account is deleted: the question may already have been put.
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
        verbose_name=_("asked by"),
    )
    text = models.TextField(_("question"), max_length=QUESTION_MAX_LENGTH)
    speaker = models.ForeignKey(
        Speaker,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
        verbose_name=_("for speaker"),
    )
    session = models.ForeignKey(
        Session,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
        verbose_name=_("for agenda item"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("merged into"),
    )
    created_at = models.DateTimeField(_("asked"), default=timezone.now)
    moderated_at = models.DateTimeField(_("moderated"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        "members.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("moderated by"),
    )

    class Meta:
        ordering = ["dialogue", "created_at", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        indexes = [models.Index(fields=["dialogue", "status"])]

    def __str__(self) -> str:
        return self.text if len(self.text) <= 80 else self.text[:79] + "…"

    def audit_repr(self) -> str:
        """How the audit log names it: not by its text, which a member wrote."""
        return f"#{self.pk} · {self.dialogue.slug}"

    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED


class BreakoutGroup(models.Model):
    """A smaller discussion group of a dialogue; confirmed registrants pick one or are given one."""

    dialogue = models.ForeignKey(
        Dialogue,
        on_delete=models.CASCADE,
        related_name="breakout_groups",
        verbose_name=_("dialogue"),
    )
    topic = models.CharField(_("topic"), max_length=200)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=PORTAL_LANGUAGES,
        default="en",
    )
    facilitator = models.ForeignKey(
        Speaker,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="breakout_groups",
        verbose_name=_("facilitator"),
    )
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Empty means no limit.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["dialogue", "order", "pk"]
        verbose_name = _("breakout group")
        verbose_name_plural = _("breakout groups")

    def __str__(self) -> str:
        return f"{self.topic} ({self.get_language_display()})"


class TopicProposal(models.Model):
    """A member's proposal for the topic of a future dialogue."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open for votes")
        CHOSEN = "chosen", _("Chosen")
        MERGED = "merged", _("Merged into another proposal")
        DECLINED = "declined", _("Declined")

    # The moves organisers make; checked in one place (a4ep_portal.states.change_state).
    TRANSITIONS = {
        Status.OPEN: {Status.CHOSEN, Status.MERGED, Status.DECLINED},
        Status.CHOSEN: {Status.OPEN},
        Status.MERGED: set(),
        Status.DECLINED: {Status.OPEN},
    }

    title = models.CharField(_("topic"), max_length=200)
    why = models.TextField(_("why it matters"), max_length=2000)
    region = models.CharField(_("region"), max_length=20, choices=TOPIC_REGIONS, default="global")
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="topic_proposals",
        verbose_name=_("proposed by"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("merged into"),
    )
    dialogue = models.ForeignKey(
        Dialogue,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="topic_proposals",
        verbose_name=_("dialogue that came of it"),
    )
    public_votes = models.BooleanField(
        _("show the vote count to the public"),
        default=True,
        help_text=_("The public sees chosen proposals only; this decides whether with votes."),
    )
    created_at = models.DateTimeField(_("proposed"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("topic proposal")
        verbose_name_plural = _("topic proposals")

    def __str__(self) -> str:
        return self.title


class Vote(models.Model):
    """A member's vote for a question or for a topic proposal (exactly one of the two):
    they work alike (dialogues/services/votes.py), so one table holds both, and each item's
    `votes` are its own."""

    question = models.ForeignKey(
        Question,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="votes",
        verbose_name=_("question"),
    )
    proposal = models.ForeignKey(
        TopicProposal,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="votes",
        verbose_name=_("proposal"),
    )
    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="votes", verbose_name=_("member")
    )
    created_at = models.DateTimeField(_("voted"), default=timezone.now)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(question__isnull=False, proposal__isnull=True)
                | models.Q(question__isnull=True, proposal__isnull=False),
                name="vote_for_one_item",
            ),
            # A vote for the other kind of item has NULL here, and NULLs never collide.
            models.UniqueConstraint(fields=["question", "member"], name="one_vote_per_question"),
            models.UniqueConstraint(fields=["proposal", "member"], name="one_vote_per_topic"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} → {self.question_id or self.proposal_id}"


class Feedback(models.Model):
    """What an attendee thought of a dialogue; one per member and dialogue, editable."""

    class Useful(models.TextChoices):
        YES = "yes", _("Yes")
        PARTLY = "partly", _("Partly")
        NO = "no", _("No")

    dialogue = models.ForeignKey(
        Dialogue, on_delete=models.CASCADE, related_name="feedback", verbose_name=_("dialogue")
    )
    # Kept (member emptied) when an account is deleted, so that the aggregate stays true.
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback",
        verbose_name=_("member"),
    )
    rating = models.PositiveSmallIntegerField(
        _("overall rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    useful = models.CharField(_("was it useful?"), max_length=10, choices=Useful.choices)
    change = models.TextField(_("what should change"), max_length=2000, blank=True)
    may_quote = models.BooleanField(_("may we quote you?"), default=False)
    created_at = models.DateTimeField(_("given"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["dialogue", "-created_at", "pk"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.UniqueConstraint(fields=["dialogue", "member"], name="one_feedback_per_member"),
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dialogue} · {self.rating}/5"
