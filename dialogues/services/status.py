"""A dialogue's status: the organisers' moves (announce, back to draft, mark as held, cancel),
each through the one table (Dialogue.TRANSITIONS) and logged. Cancelling also tells the
registrants (registration.cancel_dialogue)."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from a4ep_portal.access import is_co_host
from a4ep_portal.states import StateError, change_state, check_state_move

from ..models import Dialogue, Registration
from .registration import _lock, cancel_dialogue


@dataclass(frozen=True)
class DialogueMove:
    name: str
    label: str
    target: str


# The buttons of the dialogue's admin page, in this order; the table says which apply.
DIALOGUE_MOVES = {
    move.name: move
    for move in [
        DialogueMove("announce", gettext_lazy("Announce"), Dialogue.Status.ANNOUNCED),
        DialogueMove("mark_held", gettext_lazy("Mark as held"), Dialogue.Status.HELD),
        DialogueMove("back_to_draft", gettext_lazy("Back to draft"), Dialogue.Status.DRAFT),
        DialogueMove(
            "cancel", gettext_lazy("Cancel and tell the registrants"), Dialogue.Status.CANCELLED
        ),
    ]
}


def may_move_dialogues(actor) -> bool:
    """Organisers who may change dialogues; not co-hosts, whose own dialogues' status decides
    what the portal promises and mails to every registrant."""
    return bool(
        actor
        and actor.is_active
        and actor.has_perm("dialogues.change_dialogue")
        and not is_co_host(actor)
    )


def dialogue_moves(dialogue: Dialogue, actor) -> list[DialogueMove]:
    """The moves the table allows from the dialogue's status, if the actor may make moves;
    "mark as held" once the dialogue has started."""
    if not may_move_dialogues(actor):
        return []
    allowed = Dialogue.TRANSITIONS[dialogue.status]
    moves = [move for move in DIALOGUE_MOVES.values() if move.target in allowed]
    if timezone.now() < dialogue.starts_at:
        moves = [move for move in moves if move.name != "mark_held"]
    if any(move.name == "back_to_draft" for move in moves) and _has_registrants(dialogue):
        moves = [move for move in moves if move.name != "back_to_draft"]
    return moves


def _has_registrants(dialogue: Dialogue) -> bool:
    active = [
        Registration.Status.PENDING,
        Registration.Status.CONFIRMED,
        Registration.Status.WAITLISTED,
    ]
    return dialogue.registrations.filter(status__in=active).exists()


def _check_guard(dialogue: Dialogue, move: DialogueMove) -> None:
    if move.name == "mark_held" and timezone.now() < dialogue.starts_at:
        raise StateError(
            _("“%(move)s” is not possible: this dialogue has not started yet.")
            % {"move": move.label}
        )
    if move.name == "back_to_draft" and _has_registrants(dialogue):
        raise StateError(
            _(
                "“%(move)s” is not possible: members have registered for this dialogue. "
                "Cancel it instead, which tells them."
            )
            % {"move": move.label}
        )


def move_dialogue(dialogue: Dialogue, move_name: str, *, actor) -> Dialogue:
    """Make the move on the dialogue's status if the table, the dialogue and the actor's
    permissions allow it, and log it; raise StateError (saying why) if not."""
    move = DIALOGUE_MOVES.get(move_name)
    if move is None:
        raise StateError(_("There is no move called “%(move)s”.") % {"move": move_name})
    if not may_move_dialogues(actor):
        raise StateError(_("Only editors and publishers may change the status of a dialogue."))
    if move.name == "cancel":
        check_state_move(dialogue, move.target, action="cancel")
        return cancel_dialogue(dialogue, actor=actor)
    with transaction.atomic():
        dialogue = _lock(dialogue)
        check_state_move(dialogue, move.target, action=move.name)
        _check_guard(dialogue, move)
        change_state(
            dialogue, move.target, actor=actor, action=move.name, update_fields=["updated_at"]
        )
    return dialogue
