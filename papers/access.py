"""Who may see the papers and recordings meant for a dialogue's registrants only, and the
working copies of papers and recordings before they are published (previews)."""

from django.db import models

from a4ep_portal.access import organiser_may
from dialogues.models import Dialogue, Registration


def view_permission(model: type[models.Model]) -> str:
    """The permission admin asks to show this kind of item: papers.view_paper, ..."""
    return f"{model._meta.app_label}.view_{model._meta.model_name}"


def may_preview(user, model: type[models.Model]) -> bool:
    """Organisers who may view this kind of item in admin see its working copy on the site."""
    return organiser_may(user, view_permission(model))


def is_confirmed_registrant(user, dialogue: Dialogue | None) -> bool:
    """Holds a seat at the dialogue. The waiting list has none yet, so it does not count."""
    if not user.is_authenticated or dialogue is None:
        return False
    return Registration.objects.filter(dialogue=dialogue, member__user=user).confirmed().exists()


def can_see_registrant_items(user, dialogue: Dialogue | None, model: type[models.Model]) -> bool:
    """Confirmed registrants of the dialogue, and organisers who may view this kind of item
    (`model`: Paper or Recording) in admin. Every view, feed and template tag asks this."""
    return may_preview(user, model) or is_confirmed_registrant(user, dialogue)
