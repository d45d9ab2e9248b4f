"""Forget the cached localisation figures when what they count changes."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from members.models import Member, Organisation

from .figures import forget_figures
from .models import Dialogue, DialogueSpeaker, Registration, Speaker

# The fields of each model the figures read; a save that names none of them changes nothing.
COUNTED_FIELDS = {
    Dialogue: {"status", "starts_at", "duration_minutes", "ends_at", "title", "number", "slug"},
    Registration: {"status", "attended", "member"},
    Member: {"organisation", "country"},
    Organisation: {"kind", "country"},
    Speaker: {"organisation", "country"},
    DialogueSpeaker: {"dialogue", "speaker"},
}


def _saved(sender, instance, created: bool = False, update_fields=None, raw=False, **kwargs):
    if raw:
        return
    if sender is Registration:
        # A new registration is never an attendee yet; registering and promoting name their
        # fields. Attendance itself changes through mark_attendance (which forgets) or admin.
        if created or (update_fields and not instance.attended):
            return
    elif created and sender in (Member, Organisation, Speaker):
        return  # counted only once something points at it
    if update_fields and not set(update_fields) & COUNTED_FIELDS[sender]:
        return
    forget_figures()


def _deleted(sender, instance, **kwargs):
    forget_figures()


for model in COUNTED_FIELDS:
    receiver(post_save, sender=model, dispatch_uid=f"figures_saved_{model.__name__}")(_saved)
    receiver(post_delete, sender=model, dispatch_uid=f"figures_deleted_{model.__name__}")(_deleted)
