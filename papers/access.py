"""Who may see the papers and recordings meant for a dialogue's registrants only."""

from dialogues.models import Dialogue, Registration


def can_see_registrant_items(user, dialogue: Dialogue | None) -> bool:
    """Staff, and members registered for the dialogue (confirmed or on the waiting list: both
    prepare for it). Every view, feed and template tag asks this one function."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    if dialogue is None:
        return False
    return Registration.objects.filter(dialogue=dialogue, member__user=user).active().exists()
