"""What every app shares: the publishable items' workflow fields, and the one audit log."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
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


class AuditEntryQuerySet(models.QuerySet):
    def about(self, obj: models.Model) -> "AuditEntryQuerySet":
        """The entries of one object (its history)."""
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
            object_id=obj.pk,
        )

    def concerning(self, user, member) -> "AuditEntryQuerySet":
        """What the user did, and what was done to the member's things (their data download)."""
        return self.filter(models.Q(actor=user) | models.Q(subject=member))


class AuditEntry(models.Model):
    """One state-changing action of an organiser, a member or the system: who, what, on which
    object, before and after, when. Written by the services only (a4ep_portal.audit)."""

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
        help_text=_("Empty for the system (the scheduler, a worker) or a deleted account."),
    )
    action = models.CharField(_("action"), max_length=40, db_index=True)
    content_type = models.ForeignKey(
        ContentType,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("kind of object"),
    )
    object_id = models.PositiveBigIntegerField(_("object id"), null=True, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    # Kept when the object is deleted. Never a name or an address (see docs/organising.md).
    object_repr = models.CharField(_("object"), max_length=200)
    # The member the action concerns (a registrant, the asker of a question), for their data
    # download; emptied with their account.
    subject = models.ForeignKey(
        "members.Member",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("concerning"),
    )
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log entries")

    def __str__(self) -> str:
        return f"{self.action_label} · {self.object_repr}"

    @property
    def action_label(self) -> str:
        from .audit import action_label

        return action_label(self.action)

    def kind_label(self) -> str:
        """What kind of object it is, in the reader's language ("registration")."""
        model = self.content_type.model_class() if self.content_type_id else None
        return str(model._meta.verbose_name) if model else ""

    def change_summary(self) -> str:
        """Before → after in one line, in the reader's language where the field has a name
        and its states labels: "status: Waiting for approval → Confirmed"."""
        model = self.content_type.model_class() if self.content_type_id else None
        parts = []
        for name in dict.fromkeys([*self.before, *self.after]):
            label, shown = _describer(model, name)
            old, new = self.before.get(name), self.after.get(name)
            if name in self.after and (old is None or old == new):
                parts.append(f"{label}: {shown(new)}")
            else:
                # The arrow points the way the reader reads (← in Arabic).
                change = _("%(before)s → %(after)s") % {"before": shown(old), "after": shown(new)}
                parts.append(f"{label}: {change}")
        return "; ".join(parts)


def _describer(model, name: str):
    """The field's name and a function that shows one of its values."""
    try:
        field = model._meta.get_field(name.removesuffix("_id")) if model else None
    except FieldDoesNotExist:
        field = None
    choices = dict(field.flatchoices) if field is not None and field.choices else {}

    def shown(value) -> str:
        if value is None or value == "":
            return "–"
        if isinstance(value, bool):
            return str(_("yes") if value else _("no"))
        if isinstance(value, list):
            return ", ".join(str(v) for v in value) or "–"
        if isinstance(value, dict):
            return "; ".join(f"{k}: {shown(v)}" for k, v in value.items())
        return str(choices.get(value, value))

    return (str(field.verbose_name) if field is not None else name.replace("_", " ")), shown
