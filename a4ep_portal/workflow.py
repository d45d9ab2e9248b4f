"""The publishing workflow shared by papers, recordings and mailings: its states, the one
table of allowed moves, and who may make each move.

Nothing here writes to the database; a4ep_portal.services applies a move and writes its
audit row. A model takes part by inheriting a4ep_portal.models.PublishableModel and
declaring the permission `publish_<model>` (approve, publish, withdraw); the editors' moves
need Django's own `change_<model>`.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class WorkflowError(Exception):
    """A move that the item's state or the actor's permissions do not allow."""


# Which permission a move needs: editors hold "change", publishers also hold "publish".
EDIT = "change"
PUBLISH = "publish"


@dataclass(frozen=True)
class Move:
    name: str
    label: str
    target: State
    permission: str


MOVES = {
    move.name: move
    for move in [
        Move("submit", _("Submit for review"), State.IN_REVIEW, EDIT),
        Move("return", _("Send back to draft"), State.DRAFT, EDIT),
        Move("approve", _("Approve"), State.APPROVED, PUBLISH),
        Move("publish", _("Publish"), State.PUBLISHED, PUBLISH),
        Move("withdraw", _("Withdraw"), State.WITHDRAWN, PUBLISH),
        Move("reopen", _("Reopen as draft"), State.DRAFT, EDIT),
        # Not a button: saving new content of an approved or published item makes this move,
        # so the new version goes through review while the public keeps the last published one.
        Move("revise", _("Revise"), State.IN_REVIEW, EDIT),
    ]
}

# The allowed moves, by the state they start from. Nothing else is allowed.
ALLOWED_MOVES: dict[State, tuple[str, ...]] = {
    State.DRAFT: ("submit", "withdraw"),
    State.IN_REVIEW: ("approve", "return", "withdraw"),
    State.APPROVED: ("publish", "return", "withdraw", "revise"),
    State.PUBLISHED: ("withdraw", "revise"),
    State.WITHDRAWN: ("reopen",),
}


def permission_name(item: models.Model, permission: str) -> str:
    opts = item._meta
    return f"{opts.app_label}.{permission}_{opts.model_name}"


def check_move(item, move_name: str, actor) -> Move:
    """Return the move if the actor may make it on the item now; raise WorkflowError if not."""
    move = MOVES.get(move_name)
    if move is None:
        raise WorkflowError(_("There is no move called “%(move)s”.") % {"move": move_name})
    state = State(item.state)
    if move_name not in ALLOWED_MOVES[state]:
        raise WorkflowError(
            _("“%(move)s” is not possible: the item is %(state)s, and it cannot go to %(target)s.")
            % {"move": move.label, "state": state.label, "target": move.target.label}
        )
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise WorkflowError(_("Log in to change the state of this item."))
    if not actor.has_perm(permission_name(item, move.permission)):
        if move.permission == PUBLISH:
            message = _("Only publishers may %(move)s this item.")
        else:
            message = _("Only editors and publishers may %(move)s this item.")
        raise WorkflowError(message % {"move": str(move.label).lower()})
    if move_name == "approve" and actor.pk in (item.last_edited_by_id, item.submitted_by_id):
        raise WorkflowError(
            _(
                "You cannot approve an item that you last edited or submitted: "
                "ask another publisher."
            )
        )
    return move


def allowed_moves(item, actor) -> list[Move]:
    """The moves the actor may make on the item now, in table order (for admin buttons)."""
    moves = []
    for name in ALLOWED_MOVES[State(item.state)]:
        if name == "revise":
            continue
        try:
            moves.append(check_move(item, name, actor))
        except WorkflowError:
            continue
    return moves
