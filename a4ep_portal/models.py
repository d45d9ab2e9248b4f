"""What every app's publishable items share: the workflow fields and the audit trail."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from .workflow import State


class PublishableModel(models.Model):
    """An item that goes draft -> in review -> approved -> published (or withdrawn).

    The state belongs to the item's working copy; what the public sees is up to the app (papers
    keep published versions), so that a published item can be revised meanwhile.
    """

    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.DRAFT, editable=False
    )
    state_changed_at = models.DateTimeField(_("state changed"), null=True, editable=False)
    publish_at = models.DateTimeField(
        _("publish at"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("Leave empty to publish by hand. Approved items are published at this time."),
    )
    first_published_at = models.DateTimeField(_("first published"), null=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
        verbose_name=_("last edited by"),
    )

    class Meta:
        abstract = True


class WorkflowEvent(models.Model):
    """One move of one item: who, when, from which state to which, and why."""

    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, verbose_name=_("kind of item")
    )
    object_id = models.PositiveBigIntegerField(_("item id"))
    item = GenericForeignKey("content_type", "object_id")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
        help_text=_("Empty for the scheduler."),
    )
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    move = models.CharField(_("move"), max_length=20)
    from_state = models.CharField(_("from"), max_length=20, choices=State.choices)
    to_state = models.CharField(_("to"), max_length=20, choices=State.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        verbose_name = _("workflow event")
        verbose_name_plural = _("workflow history")

    def __str__(self) -> str:
        return f"{self.get_from_state_display()} → {self.get_to_state_display()}"
