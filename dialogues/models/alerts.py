"""Asks to be told when a provisional dialogue's date is set ("tell me when the date is set").

A member asks in one click; a visitor gives an address and confirms it from a mail (double
opt-in): an unconfirmed address is sent nothing but that one mail. Setting the exact time
marks every confirmed ask as owed (owed_at) in the same transaction; a worker then makes each
owed ask into its outbox mailing once, like the registration messages (made_at, under a row
lock), and the outbox sweep picks up what the broker never took.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .catalogue import Dialogue


class DateAlert(models.Model):
    dialogue = models.ForeignKey(
        Dialogue, on_delete=models.CASCADE, related_name="date_alerts", verbose_name=_("dialogue")
    )
    # A member's ask goes when the account does; a visitor's has only its address.
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="date_alerts",
        verbose_name=_("member"),
    )
    email = models.EmailField(_("address"), blank=True)
    # The language a visitor asked in (members get their profile's).
    language = models.CharField(_("language"), max_length=8, default="en")
    asked_at = models.DateTimeField(_("asked"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("address confirmed"), null=True, blank=True)
    owed_at = models.DateTimeField(_("date set, mail owed"), null=True, blank=True)
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
        ordering = ["dialogue", "pk"]
        verbose_name = _("ask to be told the date")
        verbose_name_plural = _("asks to be told the date")
        constraints = [
            models.UniqueConstraint(
                fields=["dialogue", "member"],
                condition=Q(member__isnull=False),
                name="one_date_alert_per_member",
            ),
            models.UniqueConstraint(
                fields=["dialogue", "email"],
                condition=Q(member__isnull=True),
                name="one_date_alert_per_address",
            ),
            models.CheckConstraint(
                condition=Q(member__isnull=False) | ~Q(email=""), name="date_alert_has_someone"
            ),
        ]
        indexes = [
            # The sweep's question: what is owed and not yet made.
            models.Index(
                fields=["owed_at"],
                condition=Q(owed_at__isnull=False, made_at__isnull=True),
                name="date_alert_owed",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member or self.email} · {self.dialogue}"

    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None
