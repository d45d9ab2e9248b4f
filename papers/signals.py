"""Changes that make preview images or offline packs stale mark them so, in the change's own
transaction (papers/building.py); saves that touch nothing those files show are ignored."""

from django.db.models.signals import post_delete, post_save

from dialogues.models import Dialogue, Series

from . import building
from .derived import DerivedFile
from .models import Paper, Recording


def _names(update_fields, prefixes) -> bool:
    return update_fields is None or any(
        field.startswith(prefix) for field in update_fields for prefix in prefixes
    )


def dialogue_saved(sender, instance: Dialogue, raw=False, update_fields=None, **kwargs) -> None:
    if not raw and _names(update_fields, building.DIALOGUE_FIELDS):
        building.mark_dialogue_stale(instance.pk)


def series_saved(sender, instance: Series, raw=False, update_fields=None, **kwargs) -> None:
    if not raw and not kwargs.get("created") and _names(update_fields, ("title",)):
        building.mark_series_stale(instance.pk)


def _went_live_or_off(instance, created: bool, update_fields) -> bool:
    """Publishing and withdrawing set live_version, naming it; a new item saved live (data
    loaded by hand) counts too. An editor's change to the working copy shows nowhere yet."""
    if update_fields is not None:
        return "live_version" in update_fields
    return created and instance.live_version_id is not None


def paper_saved(sender, instance: Paper, raw=False, created=False, update_fields=None, **kw):
    if not raw and _went_live_or_off(instance, created, update_fields):
        building.mark_paper_stale(instance.pk, instance.dialogue_id)


def recording_saved(
    sender, instance: Recording, raw=False, created=False, update_fields=None, **kw
):
    if not raw and _went_live_or_off(instance, created, update_fields):
        building.mark_pack_stale(instance.dialogue_id)


def connect() -> None:
    post_save.connect(dialogue_saved, sender=Dialogue, dispatch_uid="derived_dialogue")
    post_save.connect(series_saved, sender=Series, dispatch_uid="derived_series")
    post_save.connect(paper_saved, sender=Paper, dispatch_uid="derived_paper")
    post_save.connect(recording_saved, sender=Recording, dispatch_uid="derived_recording")
    post_delete.connect(building.forget_file, sender=DerivedFile, dispatch_uid="derived_deleted")
