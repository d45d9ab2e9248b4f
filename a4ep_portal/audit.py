"""The one audit log: every state-changing action of an organiser, a member or the system,
written by the service that makes it, inside the service's transaction.

Why a model of ours and not a library. django-auditlog and django-pghistory record field
diffs from model signals or database triggers: they see that `status` changed, not that an
organiser approved three registrations, that the scheduler published a paper, or that a
retention run forgot a dialogue's details. Many of our writes are also bulk UPDATEs that send
no signal (attendance, breakout groups, retention). What we want is pretix's `log_action` or
Zulip's `RealmAuditLog`: the service says who did what to which object, with the state before
and after. That is one small table and one function; a library would add a second trail
beside ours rather than replace it.

An entry keeps ids and state names, never a name, an address or free text a member wrote:
the retention run and account deletion must not leave personal details behind here
(docs/organising.md says what is kept).
"""

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry

# Every action the log knows, with what the log list says of it. One name may serve several
# kinds of object ("approve" a paper, a registration or a question): the object says which.
ACTIONS = {
    # The publishing workflow (papers, recordings, mailings).
    "create": _("Created"),
    "submit": _("Submitted for review"),
    "return": _("Sent back to draft"),
    "approve": _("Approved"),
    "publish": _("Published"),
    "withdraw": _("Withdrawn"),
    "reopen": _("Reopened as draft"),
    "revise": _("Revised"),
    # Dialogues.
    "announce": _("Announced"),
    "back_to_draft": _("Returned to draft"),
    "mark_held": _("Marked as held"),
    "cancel": _("Cancelled"),
    "change_capacity": _("Capacity changed"),
    "tell_date_set": _("Those who asked told the date"),
    "assign_breakout_groups": _("Breakout groups assigned"),
    "forget_registration_details": _("Registration details forgotten"),
    # Registrations.
    "register": _("Registered"),
    "decline": _("Declined"),
    "promote": _("Promoted from the waiting list"),
    "mark_attended": _("Marked as attended"),
    "mark_absent": _("Marked as absent"),
    "choose_breakout_group": _("Breakout group chosen"),
    # Questions and topic proposals.
    "ask": _("Question asked"),
    "propose": _("Topic proposed"),
    "hide": _("Hidden"),
    "merge": _("Merged"),
    "choose": _("Chosen"),
    # Mail and accounts.
    "retry_deliveries": _("Failed deliveries retried"),
    "delete_account": _("Account deleted"),
    # Co-hosts: their accounts, and what registrants share with them.
    "add_co_host": _("Co-host account given"),
    "remove_co_host": _("Co-host account removed"),
    "stop_sharing": _("Stopped sharing details with co-hosts"),
}


def action_label(action: str) -> str:
    return str(ACTIONS.get(action, action))


def action_choices() -> list[tuple[str, str]]:
    return sorted(((name, action_label(name)) for name in ACTIONS), key=lambda c: c[1])


def _id(person) -> int | None:
    """A user or a member (or its id), or None for the system or an anonymous visitor."""
    if person is None or isinstance(person, int):
        return person
    return person.pk


def _repr(obj: models.Model) -> str:
    describe = getattr(obj, "audit_repr", None)
    return str(describe() if describe else obj)[:200]


def _entry(obj, action, *, actor, before, after, subject, note, object_repr) -> AuditEntry:
    if action not in ACTIONS:
        raise ValueError(f"Unknown audit action {action!r}: add it to ACTIONS.")
    return AuditEntry(
        actor_id=_id(actor),
        action=action,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=obj.pk,
        object_repr=object_repr if object_repr is not None else _repr(obj),
        subject_id=_id(subject),
        before=before or {},
        after=after or {},
        note=note,
    )


def log_action(
    obj: models.Model,
    action: str,
    *,
    actor,
    before: dict | None = None,
    after: dict | None = None,
    subject=None,
    note: str = "",
    object_repr: str | None = None,
) -> AuditEntry:
    """Write one entry: `actor` (a user, or None for the system) did `action` to `obj`.
    `before` and `after` hold the changed fields (ids and state names only); `subject` is the
    member the action concerns, if any. Call it inside the service's transaction."""
    entry = _entry(
        obj,
        action,
        actor=actor,
        before=before,
        after=after,
        subject=subject,
        note=note,
        object_repr=object_repr,
    )
    entry.save()
    return entry


def log_actions(
    objects: Iterable[models.Model],
    action: str,
    *,
    actor,
    before: dict | None = None,
    after: dict | None = None,
    subject_of=None,
) -> list[AuditEntry]:
    """The same action on many objects, in one INSERT. `subject_of(obj)` gives each one's
    member."""
    entries = [
        _entry(
            obj,
            action,
            actor=actor,
            before=before,
            after=after,
            subject=subject_of(obj) if subject_of else None,
            note="",
            object_repr=None,
        )
        for obj in objects
    ]
    return AuditEntry.objects.bulk_create(entries)
