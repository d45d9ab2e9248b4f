"""Making and remaking the files derived from the catalogue (papers/derived.py): link-preview
images per dialogue, paper and language, offline packs per held dialogue.

A change marks the rows of what it affects stale in its own transaction and queues a build on
commit; a public item with no row yet is owed its files too. The beat sweep
(sweep_derived_files) creates missing rows and builds whatever is stale, so a lost task only
delays a file. Builds run in Celery, never in a request.
"""

import logging
from datetime import UTC

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from a4ep_portal.queueing import dispatch_on_commit
from dialogues.models import Dialogue

from .derived import DerivedFile
from .models import Paper
from .previews import PreviewText, render_preview

logger = logging.getLogger(__name__)

PREVIEW, PACK = DerivedFile.Kind.PREVIEW, DerivedFile.Kind.PACK
# What a dialogue's preview and pack show; a save naming none of these changes neither.
DIALOGUE_FIELDS = ("title", "question", "series", "number", "starts_at", "status", "slug")


def _languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


# --- Marking ---------------------------------------------------------------------------------


def mark_dialogue_stale(dialogue_id: int) -> None:
    """Its previews and pack must be remade (one UPDATE, then a build queued on commit)."""
    DerivedFile.objects.filter(dialogue_id=dialogue_id, stale=False).update(
        stale=True, marked_at=timezone.now()
    )
    _queue(dialogue_id=dialogue_id)


def mark_paper_stale(paper_id: int, dialogue_id: int | None) -> None:
    """The paper's previews, and its dialogue's pack, must be remade."""
    DerivedFile.objects.filter(paper_id=paper_id, stale=False).update(
        stale=True, marked_at=timezone.now()
    )
    _queue(paper_id=paper_id)
    if dialogue_id:
        mark_pack_stale(dialogue_id)


def mark_series_stale(series_id: int) -> None:
    """The series' title is on its dialogues' and their papers' previews."""
    DerivedFile.objects.filter(
        Q(dialogue__series_id=series_id) | Q(paper__dialogue__series_id=series_id),
        kind=PREVIEW,
        stale=False,
    ).update(stale=True, marked_at=timezone.now())
    for dialogue_id in Dialogue.objects.filter(series_id=series_id).values_list("pk", flat=True):
        _queue(dialogue_id=dialogue_id)
    for paper_id in Paper.objects.filter(dialogue__series_id=series_id).values_list(
        "pk", flat=True
    ):
        _queue(paper_id=paper_id)


def forget_file(sender, instance: DerivedFile, **kwargs) -> None:
    """A deleted row (its dialogue or paper deleted) takes its file along, once committed."""
    if instance.file.name:
        name, storage = instance.file.name, instance.file.storage
        transaction.on_commit(lambda: storage.delete(name))


def mark_pack_stale(dialogue_id: int) -> None:
    DerivedFile.objects.filter(dialogue_id=dialogue_id, kind=PACK, stale=False).update(
        stale=True, marked_at=timezone.now()
    )
    _queue(dialogue_id=dialogue_id)


def _queue(**item) -> None:
    from .tasks import build_item_files

    # The stale mark is the promise; a broker that does not answer leaves it to the sweep.
    dispatch_on_commit(build_item_files, **item)


# --- Which files are owed -------------------------------------------------------------------


def public_dialogues():
    return Dialogue.objects.public()


def held_dialogues():
    return Dialogue.objects.filter(status=Dialogue.Status.HELD)


def ensure_rows(*, dialogue_ids=None, paper_ids=None) -> None:
    """Rows (stale: owed) for every file a public item should have and has not yet."""
    dialogues = public_dialogues()
    papers = Paper.objects.public()
    if dialogue_ids is not None:
        dialogues = dialogues.filter(pk__in=dialogue_ids)
    if paper_ids is not None:
        papers = papers.filter(pk__in=paper_ids)
    held = set(held_dialogues().filter(pk__in=dialogues.values("pk")).values_list("pk", flat=True))
    rows = [
        DerivedFile(kind=PREVIEW, dialogue_id=pk, language=code)
        for pk in dialogues.values_list("pk", flat=True)
        for code in _languages()
    ]
    rows += [DerivedFile(kind=PACK, dialogue_id=pk) for pk in held]
    rows += [
        DerivedFile(kind=PREVIEW, paper_id=pk, language=code)
        for pk in papers.values_list("pk", flat=True)
        for code in _languages()
    ]
    DerivedFile.objects.bulk_create(rows, ignore_conflicts=True)


# --- Building --------------------------------------------------------------------------------


def build_item_files(*, dialogue_id: int | None = None, paper_id: int | None = None) -> int:
    """Create the item's missing rows and build its stale files; returns how many were built."""
    ensure_rows(
        dialogue_ids=[dialogue_id] if dialogue_id else [],
        paper_ids=[paper_id] if paper_id else [],
    )
    rows = DerivedFile.objects.filter(stale=True)
    rows = rows.filter(dialogue_id=dialogue_id) if dialogue_id else rows.filter(paper_id=paper_id)
    return sum(build_derived_file(row) for row in rows.order_by("pk"))


def sweep_derived_files(limit: int = 200) -> int:
    """Create missing rows, then build up to `limit` stale files (oldest marks first)."""
    ensure_rows()
    rows = DerivedFile.objects.filter(stale=True).order_by("marked_at", "pk")[:limit]
    return sum(build_derived_file(row) for row in rows)


def build_derived_file(row: DerivedFile) -> bool:
    """Make the row's file from the catalogue as it is now, store it under a new name and
    clear the stale mark, unless a newer change marked it meanwhile (then that change's
    build follows). An item no longer public loses its file. Returns whether it was built."""
    marked_at = row.marked_at
    content = _content(row)
    new_name, size = "", None
    if content is not None:
        with content:
            size = content.size
            new_name = row.file.storage.save(row.file.field.generate_filename(row, "file"), content)
    done = DerivedFile.objects.filter(pk=row.pk, marked_at=marked_at).update(
        file=new_name,
        size=size,
        stale=False,
        built_at=timezone.now(),
    )
    if not done:
        if new_name:
            row.file.storage.delete(new_name)
        return False
    if row.file.name:
        row.file.storage.delete(row.file.name)
    return True


def _content(row: DerivedFile) -> File | None:
    if row.kind == PACK:
        from .packs import build_pack

        dialogue = held_dialogues().filter(pk=row.dialogue_id).first()
        return build_pack(dialogue) if dialogue else None
    with translation.override(row.language or settings.LANGUAGE_CODE):
        if row.dialogue_id:
            dialogue = public_dialogues().select_related("series").filter(pk=row.dialogue_id)
            item = dialogue.first()
            return _png(dialogue_preview_text(item)) if item else None
        paper = (
            Paper.objects.public()
            .select_related("live_version", "dialogue__series")
            .filter(pk=row.paper_id)
            .first()
        )
        return _png(paper_preview_text(paper)) if paper else None


def _png(text: PreviewText) -> File:
    return ContentFile(render_preview(text))


def _rtl(text: str) -> bool:
    from .previews import ARABIC_LETTERS

    letters = [c for c in text if c.isalpha()]
    arabic = sum(1 for c in letters if ARABIC_LETTERS.match(c))
    return bool(letters) and arabic * 2 > len(letters)


def dialogue_preview_text(dialogue: Dialogue) -> PreviewText:
    """What a dialogue's card says, in the active language."""
    starts = dialogue.starts_at.astimezone(UTC)
    when = _("%(date)s, %(time)s UTC") % {
        "date": formats.date_format(starts, "DATE_FORMAT"),
        "time": formats.time_format(starts, "H:i"),
    }
    number = _("Dialogue %(number)s") % {"number": dialogue.number}
    return PreviewText(
        eyebrow=f"{dialogue.series.title} · {number}",
        title=dialogue.title,
        footer=when,
        rtl=_rtl(dialogue.title),
        brand=_("A4EP Dialogues"),
    )


def paper_preview_text(paper: Paper) -> PreviewText:
    version = paper.live_version
    eyebrow = paper.get_kind_display()
    if paper.dialogue_id:
        eyebrow = f"{eyebrow} · {paper.dialogue.series.title}"
    published = formats.date_format(paper.first_published_at or version.published_at, "DATE_FORMAT")
    return PreviewText(
        eyebrow=eyebrow,
        title=version.title,
        footer=published,
        rtl=_rtl(version.title),
        brand=_("A4EP Dialogues"),
    )
