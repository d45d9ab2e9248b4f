"""Who may see the papers and recordings meant for a dialogue's registrants only."""

from dialogues.models import Dialogue


def can_see_registrant_items(user, dialogue: Dialogue | None) -> bool:
    """May this user see the registrant-only papers and recordings of the dialogue?

    WHEN REGISTRATIONS LAND: this becomes "staff, or a confirmed registration of this member
    for this dialogue", e.g.
        user.is_staff or dialogue.registrations.filter(
            member__user=user, status=Registration.Status.CONFIRMED).exists()
    Every view, feed and template tag asks this one function, so that is the only change.
    """
    # TODO(registrations): staff or a confirmed registration (see above); staff only for now.
    return bool(user.is_authenticated and user.is_staff)
