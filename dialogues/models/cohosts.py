"""Co-host accounts: people of an organisation that co-hosts dialogues, who work in admin on
those dialogues only (dialogues.cohosts decides what they see)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from a4ep_portal.access import CO_HOST_PERMISSION
from members.models import Organisation

# Held through the "Co-hosts" group: limits the holder, in admin and on the site, to the
# dialogues their organisations co-host (a4ep_portal.access.is_co_host).
WORK_AS_CO_HOST = CO_HOST_PERMISSION


class CoHostStaff(models.Model):
    """A user who works for a co-hosting organisation. Made and removed by
    dialogues.services.cohosts, which also puts the user in (or out of) the Co-hosts group."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="co_host_links",
        verbose_name=_("user"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="co_host_staff",
        verbose_name=_("organisation"),
    )
    added_at = models.DateTimeField(_("added"), default=timezone.now)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )

    class Meta:
        ordering = ["organisation", "user"]
        verbose_name = _("co-host account")
        verbose_name_plural = _("co-host accounts")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_link_per_co_host")
        ]
        permissions = [
            ("work_as_co_host", "Works only on the dialogues their organisation co-hosts"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation}"
