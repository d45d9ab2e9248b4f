"""Every write to papers and recordings: saving an edit, the workflow moves, scheduled
publication. The site, admin and the scheduler all come through here."""

from django.db import transaction
from django.db.models import Max
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from modeltranslation.manager import get_translatable_fields_for_model

from a4ep_portal import services as workflow
from a4ep_portal.models import PublishableModel
from dialogues.services import draft_summary_mailing

from .models import Paper, PaperContent, PaperVersion, Recording, RecordingContent, RecordingVersion


def save_item(item: Paper | Recording, *, actor, created: bool) -> None:
    """Store an editor's change to a paper or recording (files included). New content of an
    approved or published item sends it back to review; the public keeps the live version."""
    with transaction.atomic():
        item.save()
        workflow.record_edit(item, actor=actor, created=created)


def note_edit(item: Paper | Recording, *, actor) -> None:
    """Record a change made beside the item itself (its captions), as save_item does."""
    workflow.record_edit(item, actor=actor)


def move(item: Paper | Recording, move_name: str, *, actor, note: str = "") -> Paper | Recording:
    """Make a workflow move (submit, return, approve, publish, withdraw, reopen) on a paper or
    a recording; publishing makes a new version live (a recording's captions are published
    with it; a summary's first one also drafts the summary mailing), withdrawing takes it off
    the site."""
    return workflow.move_item(item, move_name, actor=actor, note=note, effect=_go_live)


def publish_scheduled_items() -> list[PublishableModel]:
    """Publish approved papers and recordings whose publish_at has come."""
    now = timezone.now()
    return [
        *workflow.publish_due_items(Paper.objects.all(), effect=_go_live, now=now),
        *workflow.publish_due_items(Recording.objects.all(), effect=_go_live, now=now),
    ]


def _go_live(item: Paper | Recording, move_name: str, actor) -> None:
    """Runs inside the move's transaction, on the locked row."""
    if move_name == "publish":
        item.live_version = store_new_version(item)
        item.save(update_fields=["live_version"])
        if item.live_version.number == 1 and _is_summary(item):
            draft_summary_mailing(item.dialogue)
    elif move_name == "withdraw" and item.live_version_id:
        item.live_version = None
        item.save(update_fields=["live_version"])


def _is_summary(item: Paper | Recording) -> bool:
    """A dialogue's summary paper or recording: its first publication drafts the summary
    mailing to the dialogue's people."""
    if item.dialogue_id is None:
        return False
    return isinstance(item, Recording) or item.kind == Paper.Kind.SUMMARY


def store_new_version(item: Paper | Recording) -> PaperVersion | RecordingVersion:
    """Store the version publishing makes now, with its authors (making it live is the
    caller's: publishing does, and so do the test factories)."""
    version = next_version(item)
    version.published_at = timezone.now()
    version.save()
    for field in _content_model(item)._meta.many_to_many:
        getattr(version, field.name).set(getattr(item, field.name).all())
    return version


def _content_model(item: Paper | Recording) -> type[PaperContent] | type[RecordingContent]:
    return PaperContent if isinstance(item, Paper) else RecordingContent


def next_version(item: Paper | Recording) -> PaperVersion | RecordingVersion:
    """The version publishing the item would make, unsaved and without its authors (a
    many-to-many needs a saved row): what publishing stores, and what a preview shows. Its
    date is the item's "publish at" when that is still to come, else now."""
    if isinstance(item, Paper):
        version_model, owner = PaperVersion, {"paper": item}
    else:
        version_model, owner = RecordingVersion, {"recording": item}
    content = _content_model(item)
    number = (item.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    # Stored names, not FieldFile objects: a version shares the item's files, never moves them.
    # The per-language columns (title_en, title_fr, ...) are copied as they are; the translated
    # field itself (title) would only carry the language that happens to be active.
    translated = set(get_translatable_fields_for_model(content) or [])
    values = {
        field.attname: field.value_from_object(item)
        for field in content._meta.fields
        if field.name not in translated
    }
    values = {
        name: value.name if isinstance(value, FieldFile) else value
        for name, value in values.items()
    }
    now = timezone.now()
    published_at = item.publish_at if item.publish_at and item.publish_at > now else now
    version = version_model(**owner, **values, number=number, published_at=published_at)
    if isinstance(item, Recording):
        version.captions = [
            {"language": caption.language, "name": caption.file.name, "size": caption.size}
            for caption in item.captions.all()
        ]
    return version
