"""Moves of the publishing workflow. Each checks the state and the actor, changes the item
under a row lock, writes the audit row, and runs the app's effect (e.g. make a version live)
in the same transaction."""

from collections.abc import Callable
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import log_action
from .models import AuditEntry, PublishableModel
from .workflow import MOVES, State, WorkflowError, check_move

Effect = Callable[[PublishableModel, str, object], None]


def move_item(
    item: PublishableModel,
    move_name: str,
    *,
    actor,
    note: str = "",
    effect: Effect | None = None,
    scheduled: bool = False,
) -> PublishableModel:
    """Make the move on the item (and on the passed instance), write the audit row, then call
    effect(item, move_name, actor). Raises WorkflowError when the move is not allowed.
    `scheduled` is the scheduler's publication: no person acts, the approval stands for it."""
    with transaction.atomic():
        locked = type(item)._default_manager.select_for_update().get(pk=item.pk)
        if scheduled:
            if move_name != "publish" or locked.state != State.APPROVED:
                raise WorkflowError(_("Only approved items are published on schedule."))
            move = MOVES["publish"]
            actor = None
        else:
            move = check_move(locked, move_name, actor)
        from_state = locked.state
        now = timezone.now()
        locked.state = move.target
        locked.state_changed_at = now
        fields = ["state", "state_changed_at"]
        if move_name in ("submit", "revise"):
            locked.submitted_by = actor
            fields.append("submitted_by")
        if move_name == "publish" and locked.first_published_at is None:
            locked.first_published_at = now
            fields.append("first_published_at")
        locked.save(update_fields=fields)
        record_event(locked, move_name, from_state, locked.state, actor=actor, note=note)
        if effect is not None:
            effect(locked, move_name, actor)
    item.refresh_from_db()
    return item


def record_event(
    item: PublishableModel, move_name: str, from_state: str, to_state: str, *, actor, note=""
) -> AuditEntry:
    """The audit row of a workflow move (the one log, a4ep_portal.audit)."""
    return log_action(
        item,
        move_name,
        actor=actor,
        before={"state": str(from_state)},
        after={"state": str(to_state)},
        note=note,
    )


def record_edit(item: PublishableModel, *, actor, created: bool = False) -> None:
    """Note who changed the item's content (they may not approve it). New content of an
    approved or published item goes back to review as a new version."""
    item.last_edited_by = actor
    type(item)._default_manager.filter(pk=item.pk).update(last_edited_by=actor)
    if created:
        record_event(item, "create", State.DRAFT, State.DRAFT, actor=actor, note=_("Created."))
    elif item.state in (State.APPROVED, State.PUBLISHED):
        move_item(
            item, "revise", actor=actor, note=_("Content changed: the new version needs review.")
        )


def publish_due_items(queryset, *, effect: Effect | None = None, now: datetime | None = None):
    """Publish the approved items of the queryset whose publish_at has come; return them."""
    due = queryset.filter(state=State.APPROVED, publish_at__lte=now or timezone.now())
    published = []
    for item in due.order_by("publish_at", "pk"):
        try:
            move_item(
                item,
                "publish",
                actor=None,
                note=_("Published on schedule."),
                effect=effect,
                scheduled=True,
            )
        except WorkflowError:
            continue  # changed since the query: e.g. revised or withdrawn meanwhile
        published.append(item)
    return published
