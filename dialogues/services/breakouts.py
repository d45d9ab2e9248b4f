"""Breakout groups: a confirmed registrant picks one, or organisers assign everyone left.

Both lock the dialogue row, like registering does, so group capacities hold when members
choose and organisers assign at the same moment.
"""

from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from a4ep_portal.audit import log_action

from ..models import BreakoutGroup, Dialogue, Registration
from .questions import ParticipationError
from .registration import _lock


def breakouts_open(dialogue: Dialogue, confirmed: int | None = None) -> bool:
    """Groups open once the dialogue has more confirmed registrants than its threshold
    ("the method of participation depends on the number of participants")."""
    if dialogue.breakout_threshold is None:
        return True
    if confirmed is None:
        confirmed = dialogue.registrations.confirmed().count()
    return confirmed > dialogue.breakout_threshold


def groups_with_sizes(dialogue: Dialogue):
    """The dialogue's groups, each annotated with `size`: its confirmed members."""
    confirmed = Q(registrations__status=Registration.Status.CONFIRMED)
    return (
        BreakoutGroup.objects.filter(dialogue=dialogue)
        .select_related("facilitator")
        .annotate(size=Count("registrations", filter=confirmed))
        .order_by("order", "pk")
    )


def choose_breakout_group(
    registration: Registration, group: BreakoutGroup, *, actor=None
) -> Registration:
    """Put a confirmed registrant in the group of their choice, if it has room. `actor` is the
    member's user (for the audit log)."""
    if registration.breakout_group_id == group.pk:
        return registration
    with transaction.atomic():
        dialogue = _lock(registration.dialogue)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if group.dialogue_id != dialogue.pk:
            raise ParticipationError(_("Pick a group of this dialogue."))
        if not registration.is_confirmed():
            raise ParticipationError(_("Only confirmed registrants can join a breakout group."))
        if dialogue.is_over():
            raise ParticipationError(_("This dialogue is over; its groups stay as they are."))
        if not breakouts_open(dialogue):
            raise ParticipationError(_("Breakout groups are not open for this dialogue."))
        size = group.registrations.confirmed().count()
        if group.capacity is not None and size >= group.capacity:
            raise ParticipationError(_("This group is full; please pick another."))
        before = registration.breakout_group_id
        registration.breakout_group = group
        registration.dialogue = dialogue
        registration.save(update_fields=["breakout_group"])
        log_action(
            registration,
            "choose_breakout_group",
            actor=actor,
            before={"breakout_group": before},
            after={"breakout_group": group.pk},
            subject=registration.member_id,
        )
    return registration


def auto_assign_breakout_groups(dialogue: Dialogue, *, actor) -> tuple[int, int]:
    """Give every confirmed registrant without a group one: the smallest group in their
    language with room (any group with room if none in their language). Choices already made
    stay. Returns (assigned, left without a group because every group is full)."""
    with transaction.atomic():
        dialogue = _lock(dialogue)
        groups = list(groups_with_sizes(dialogue))
        waiting = (
            dialogue.registrations.confirmed()
            .filter(breakout_group=None)
            .order_by("registered_at", "pk")
            .only("pk", "language")
        )
        chosen: dict[int, list[int]] = {group.pk: [] for group in groups}
        left = 0
        for registration in waiting:
            room = [g for g in groups if g.capacity is None or g.size < g.capacity]
            pool = [g for g in room if g.language == registration.language] or room
            if not pool:
                left += 1
                continue
            group = min(pool, key=lambda g: (g.size, g.order, g.pk))
            group.size += 1
            chosen[group.pk].append(registration.pk)
        assigned = {group_id: ids for group_id, ids in chosen.items() if ids}
        for group_id, ids in assigned.items():
            Registration.objects.filter(pk__in=ids).update(breakout_group_id=group_id)
        if assigned:
            # One row for the dialogue: which registrations went to which group.
            log_action(
                dialogue,
                "assign_breakout_groups",
                actor=actor,
                after={"groups": {str(group_id): ids for group_id, ids in assigned.items()}},
            )
    return sum(len(ids) for ids in chosen.values()), left
