"""Files the portal makes from its catalogue: a link-preview image per dialogue, paper and
language, and an offline pack per held dialogue.

Owed work is a row: whatever changes what such a file shows marks its row stale in the same
transaction (papers/building.py, from the save's signal), and a Celery task, queued on commit,
rebuilds it; the beat sweep rebuilds what is still stale, in case that task never ran.
Imported by papers/models.py, so that Django finds the model.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from a4ep_portal.files import PrivateName


class DerivedFile(models.Model):
    class Kind(models.TextChoices):
        PREVIEW = "preview", _("Link preview image")
        PACK = "pack", _("Offline pack")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    dialogue = models.ForeignKey(
        "dialogues.Dialogue",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="derived_files",
        verbose_name=_("dialogue"),
    )
    paper = models.ForeignKey(
        "papers.Paper",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="derived_files",
        verbose_name=_("paper"),
    )
    # A preview's interface language (its title, date and series in that language); empty
    # for a pack, which holds every language's files.
    language = models.CharField(_("language"), max_length=8, blank=True)
    file = models.FileField(_("file"), upload_to=PrivateName("derived"), blank=True, max_length=200)
    size = models.PositiveBigIntegerField(_("size (bytes)"), null=True, blank=True)
    stale = models.BooleanField(_("to rebuild"), default=True, db_index=True)
    # When it was last marked stale: a build that started before a newer change does not
    # clear the mark of that change.
    marked_at = models.DateTimeField(_("marked stale"), auto_now_add=True)
    built_at = models.DateTimeField(_("built"), null=True, blank=True)

    class Meta:
        verbose_name = _("derived file")
        verbose_name_plural = _("derived files")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "dialogue", "language"],
                condition=Q(dialogue__isnull=False),
                name="one_derived_file_per_dialogue",
            ),
            models.UniqueConstraint(
                fields=["kind", "paper", "language"],
                condition=Q(paper__isnull=False),
                name="one_derived_file_per_paper",
            ),
            models.CheckConstraint(
                condition=Q(dialogue__isnull=True) ^ Q(paper__isnull=True),
                name="derived_file_of_one_item",
            ),
        ]

    def __str__(self) -> str:
        item = self.dialogue_id and f"dialogue {self.dialogue_id}" or f"paper {self.paper_id}"
        return f"{self.get_kind_display()} of {item} {self.language}".strip()

    def upload_extension(self, filename: str) -> str:
        return "png" if self.kind == self.Kind.PREVIEW else "zip"

    def is_ready(self) -> bool:
        return bool(self.file)
