"""Messages the portal owes a registrant: written in the transaction that changed their
registration, turned into an outbox mailing by a worker (dialogues.services.mailings).

The row is the promise; the task queued after the commit only keeps it sooner. Should the task
never reach a worker (Redis down), the sweep makes the mailing once the row has waited
OUTBOX_SWEEP_SECONDS. Making it locks the row and records made_at in the same transaction as
the mailing, so each message is made once, however often it is tried.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .catalogue import Registration


class RegistrationMessage(models.Model):
    class Kind(models.TextChoices):
        CONFIRMED = "confirmed", _("Registration confirmed")
        WAITLISTED = "waitlisted", _("On the waiting list")
        PROMOTED = "promoted", _("Promoted from the waiting list")
        CANCELLED = "cancelled", _("Registration cancelled")
        DIALOGUE_CANCELLED = "dialogue_cancelled", _("Dialogue cancelled")
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Registration approved")
        DECLINED = "declined", _("Registration declined")

    registration = models.ForeignKey(
        Registration,
        on_delete=models.CASCADE,
        related_name="messages",
        verbose_name=_("registration"),
    )
    kind = models.CharField(_("message"), max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(_("owed since"), auto_now_add=True)
    # Set with the mailing, in one transaction; also set (without a mailing) when there was
    # nobody left to write to (the account was deleted meanwhile).
    made_at = models.DateTimeField(_("mailing made"), null=True, blank=True)
    mailing = models.ForeignKey(
        "members.Mailing",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("mailing"),
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("registration message")
        verbose_name_plural = _("registration messages")
        indexes = [
            # The sweep's question: what is still owed, oldest first.
            models.Index(
                fields=["created_at"],
                condition=models.Q(made_at__isnull=True),
                name="registration_message_owed",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.registration}"
