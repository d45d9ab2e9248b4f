"""One way to change the state of anything that has one.

A model with a state machine declares its table of allowed moves next to its states, as
`TRANSITIONS = {State.A: {State.B, ...}, ...}` (`None` as a key: the states a new row may
start in). Services change a state only through change_state(), which checks the table,
sets the field, saves, and writes the audit row, in the caller's transaction. The publishing
workflow (papers, recordings, mailings) has its own table of named moves with permissions
(a4ep_portal.workflow), applied by a4ep_portal.services.move_item, which logs the same way.

Deliveries are the one table not applied row by row: the outbox moves them in bulk with
conditional UPDATEs (`... WHERE status = 'sending'`), each of which is its own check, on the
send path whose queries are measured. members.models.Delivery.TRANSITIONS lists those moves.
"""

from django.db import models
from django.utils.translation import gettext as _

from .audit import action_label, log_action


class StateError(Exception):
    """A move that the object's state does not allow; the message names both states."""


def _label(obj: models.Model, field: str, value) -> str:
    if not value:
        return _("new")
    choices = dict(obj._meta.get_field(field).flatchoices)
    return str(choices.get(value, value))


def check_state_move(
    obj: models.Model,
    to: str,
    *,
    action: str,
    field: str = "status",
    error: type[Exception] = StateError,
) -> None:
    """Raise `error`, naming the move and both states, unless the table allows the move."""
    current = getattr(obj, field) or None
    if to not in type(obj).TRANSITIONS.get(current, ()):
        raise error(
            _(
                "This %(kind)s cannot be %(move)s: it is “%(current)s” "
                "and cannot become “%(target)s”."
            )
            % {
                "move": action_label(action).lower(),
                "kind": obj._meta.verbose_name,
                "current": _label(obj, field, current),
                "target": _label(obj, field, to),
            }
        )


def change_state(
    obj: models.Model,
    to: str,
    *,
    actor,
    action: str,
    field: str = "status",
    update_fields: list[str] | None = (),
    before: dict | None = None,
    after: dict | None = None,
    subject=None,
    note: str = "",
    error: type[Exception] = StateError,
) -> models.Model:
    """Move `obj` to the state `to` if its model's table allows it, save it, and log the action.

    Set any other changed attributes first and name them in `update_fields` (None saves the
    whole row, as a new one must be); `before`/`after` add them to the audit row (ids and state
    names only). Call it with the row locked, inside the service's transaction."""
    check_state_move(obj, to, action=action, field=field, error=error)
    current = getattr(obj, field) or None
    setattr(obj, field, to)
    if update_fields is None or obj.pk is None:
        obj.save()
    else:
        obj.save(update_fields=[field, *update_fields])
    log_action(
        obj,
        action,
        actor=actor,
        before={field: current, **(before or {})},
        after={field: to, **(after or {})},
        subject=subject,
        note=note,
    )
    return obj
