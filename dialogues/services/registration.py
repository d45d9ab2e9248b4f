"""Every write that matters in the dialogues app: registering, approving or declining
registrations (dialogues that require approval), cancelling, promoting from the waiting
list, changing capacity, attendance, cancelling a dialogue.

Each service that can race locks the dialogue row (SELECT ... FOR UPDATE) first, so seats
are counted by one transaction at a time. The mail a change owes is a RegistrationMessage row
written in the same transaction; it goes out after the commit.
"""

import functools
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC

from django.db import connection, transaction
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from a4ep_portal import pagecache
from a4ep_portal.access import organiser_may
from a4ep_portal.audit import log_action, log_actions
from a4ep_portal.queueing import dispatch_on_commit
from a4ep_portal.states import change_state
from members.models import Member

from ..figures import forget_figures
from ..models import Dialogue, Registration, RegistrationMessage
from .questions import ask_question, clean_question_text


class RegistrationError(Exception):
    """A registration change that is not allowed, with a message for the member."""


@dataclass(frozen=True)
class RegistrationDetails:
    organisation_name: str = ""
    role: str = ""
    language: str = "en"
    needs: str = ""
    consents_to_recording: bool = False
    # Interpretation channels asked for: codes among the dialogue's interpretation_languages.
    interpretation: tuple[str, ...] = ()
    # Not stored on the registration: it becomes a Question waiting for moderation.
    question: str = ""
    # The co-hosting organisations (ids) the member agreed to share their details with; only
    # co-hosts of this dialogue count.
    shares_details_with: tuple[int, ...] = ()


# Marked with gettext_noop so that makemessages finds them; translated when shown.
CLOSED_MESSAGES = {
    Dialogue.RegistrationState.NOT_YET_OPEN: gettext_noop(
        "Registration for this dialogue has not opened yet."
    ),
    Dialogue.RegistrationState.CLOSED: gettext_noop("Registration for this dialogue has closed."),
    Dialogue.RegistrationState.STARTED: gettext_noop("This dialogue has already started."),
    Dialogue.RegistrationState.CANCELLED: gettext_noop("This dialogue has been cancelled."),
    Dialogue.RegistrationState.NOT_ANNOUNCED: gettext_noop(
        "This dialogue is not open for registration."
    ),
    Dialogue.RegistrationState.PROVISIONAL: gettext_noop(
        "Registration opens once the dialogue's date and time are set."
    ),
}


def registration_closed_message(state: Dialogue.RegistrationState) -> str:
    return _(CLOSED_MESSAGES[state])


def _lock(dialogue: Dialogue) -> Dialogue:
    return Dialogue.objects.select_for_update().get(pk=dialogue.pk)


# What deciding a registration reads of the dialogue.
DECIDING_FIELDS = (
    "status",
    "starts_at",
    "date_precision",
    "registration_opens_at",
    "registration_closes_at",
    "capacity",
    "requires_approval",
)


def _lock_deciding_fields(dialogue: Dialogue) -> Dialogue:
    """Lock the dialogue row and refresh, on the caller's instance, what deciding a
    registration reads. The same row lock as _lock, without selecting the dozens of text
    columns (in every language) that a burst of sign-ups after an invitation never reads."""
    fresh = (
        Dialogue.objects.select_for_update()
        .filter(pk=dialogue.pk)
        .values_list(*DECIDING_FIELDS)
        .get()
    )
    for name, value in zip(DECIDING_FIELDS, fresh, strict=True):
        setattr(dialogue, name, value)
    return dialogue


def _seats_left(dialogue: Dialogue) -> int | None:
    if dialogue.capacity is None:
        return None
    confirmed = dialogue.registrations.confirmed().count()
    return max(dialogue.capacity - confirmed, 0)


@functools.cache
def _seats_and_waiting_list_sql() -> str:
    meta, quote = Registration._meta, connection.ops.quote_name
    status, number, pk, member, dialogue = (
        quote(meta.get_field(name).column)
        for name in ("status", "waitlist_number", "id", "member", "dialogue")
    )
    # Only the model's own table and column names, quoted, go into the text; values are
    # parameters.
    return (
        f"SELECT COUNT(*) FILTER (WHERE {status} = %s), "  # noqa: S608
        f"COUNT(*) FILTER (WHERE {status} = %s), MAX({number}), "
        f"MAX({pk}) FILTER (WHERE {member} = %s) "
        f"FROM {quote(meta.db_table)} WHERE {dialogue} = %s"
    )


def _seats_and_waiting_list(dialogue: Dialogue, member: Member) -> dict:
    """In one query: seats taken, people waiting, the highest waiting-list number given so
    far, and the id of the member's own registration of this dialogue, if any.

    A burst of sign-ups queues on the dialogue's lock, and this runs under it. Written out
    because the ORM took some 0.8 ms of CPU to build this aggregate for 0.04 ms of work."""
    with connection.cursor() as cursor:
        cursor.execute(
            _seats_and_waiting_list_sql(),
            [Registration.Status.CONFIRMED, Registration.Status.WAITLISTED, member.pk, dialogue.pk],
        )
        confirmed, waiting, highest, mine = cursor.fetchone()
    return {"confirmed": confirmed, "waiting": waiting, "highest": highest, "mine": mine}


def _notify(registration: Registration, message: str) -> None:
    """Owe the registrant a message: a row in the caller's transaction, made into mail by a
    worker after the commit, or by the sweep should the task never reach one."""
    # Imported here: tasks call services, so services may not import tasks at module level.
    from ..tasks import make_registration_message_task

    owed = RegistrationMessage.objects.create(registration=registration, kind=message)
    dispatch_on_commit(make_registration_message_task, message_id=owed.pk)


def register_member(
    dialogue: Dialogue, member: Member, details: RegistrationDetails
) -> Registration:
    """Confirm the member if a seat is left, else put them on the waiting list; mail them.
    On a dialogue that requires approval the registration waits (pending, no seat) for an
    organiser instead. A question on the form is stored as a Question waiting for moderation.

    Registering again while confirmed or waiting changes nothing and returns that registration,
    its was_already_registered set.
    A new place on the waiting list comes with its position, as waitlist_position_when_registered.
    """
    with transaction.atomic():
        dialogue = _lock_deciding_fields(dialogue)
        counts = _seats_and_waiting_list(dialogue, member)
        registration = None
        if counts["mine"]:
            registration = Registration.objects.get(pk=counts["mine"])
            if registration.status != Registration.Status.CANCELLED:
                registration.was_already_registered = True
                return registration  # already registered (or by a concurrent request)
        state = dialogue.registration_state()
        if state != Dialogue.RegistrationState.OPEN:
            raise RegistrationError(registration_closed_message(state))
        again = registration is not None
        registration = registration or Registration(dialogue=dialogue, member=member)
        registration.dialogue = dialogue  # described by its dialogue in the audit log
        fields = asdict(details)
        question = fields.pop("question")
        shares_with = fields.pop("shares_details_with")
        for field, value in fields.items():
            setattr(registration, field, value)
        registration.interpretation = [
            code
            for code in dialogue.interpretation_languages_in_order()
            if code in details.interpretation
        ]
        now = timezone.now()
        registration.registered_at = now
        registration.cancelled_at = None
        registration.attended = False
        registration.breakout_group = None
        registration.decided_at = None
        if dialogue.requires_approval:
            # No seat yet: approve_registrations decides it, in order of approval.
            target = Registration.Status.PENDING
            registration.confirmed_at = None
            registration.waitlist_number = None
            message = "pending"
        elif dialogue.capacity is None or counts["confirmed"] < dialogue.capacity:
            target = Registration.Status.CONFIRMED
            registration.confirmed_at = now
            registration.waitlist_number = None
            message = "confirmed"
            if dialogue.capacity is not None and counts["confirmed"] + 1 == dialogue.capacity:
                # The last seat: visitors' cached page must now offer the waiting list.
                transaction.on_commit(lambda: pagecache.invalidate("the last seat was taken"))
        else:
            target = Registration.Status.WAITLISTED
            registration.confirmed_at = None
            registration.waitlist_number = (counts["highest"] or 0) + 1
            # Everyone waiting has a lower number, so the position is known without a query.
            registration.waitlist_position_when_registered = counts["waiting"] + 1
            message = "waitlisted"
        change_state(
            registration,
            target,
            actor=member.user_id,
            action="register",
            update_fields=None,
            after={"waitlist_number": registration.waitlist_number}
            if target == Registration.Status.WAITLISTED
            else None,
            subject=member,
            error=RegistrationError,
        )
        # A registration made again after a cancellation asks again: the old answer goes.
        if shares_with:
            registration.shares_details_with.set(dialogue.co_hosts.filter(pk__in=shares_with))
        elif again:
            registration.shares_details_with.clear()
        if clean_question_text(question):
            ask_question(dialogue, member, question, from_registration=True)
        _notify(registration, message)
    return registration


def _place(registration: Registration) -> dict:
    """What the audit log keeps of a registration's place besides its status."""
    if registration.waitlist_number is not None and registration.is_waitlisted():
        return {"waitlist_number": registration.waitlist_number}
    return {}


def _check_may_decide(actor) -> None:
    if not actor.has_perm("dialogues.change_registration"):
        raise RegistrationError(_("You may not change registrations."))


def _pending_of(registrations: Iterable[Registration]) -> dict[int, list[int]]:
    """The ids of the registrations still waiting for approval, by dialogue."""
    ids = [r.pk for r in registrations]
    by_dialogue: dict[int, list[int]] = {}
    rows = Registration.objects.filter(pk__in=ids, status=Registration.Status.PENDING)
    for pk, dialogue_id in rows.values_list("pk", "dialogue_id").order_by("dialogue_id"):
        by_dialogue.setdefault(dialogue_id, []).append(pk)
    return by_dialogue


def approve_registrations(registrations: Iterable[Registration], *, actor) -> list[Registration]:
    """Give each pending registration a seat while seats are left, else a place at the end of
    the waiting list, in the order they registered; mail each. Registrations no longer
    pending are left as they are. Returns those approved, with their new status."""
    _check_may_decide(actor)
    approved = []
    for dialogue_id, ids in _pending_of(registrations).items():
        with transaction.atomic():
            # The same lock as registering: seats are decided by one transaction at a time.
            dialogue = _lock(Dialogue(pk=dialogue_id))
            if dialogue.status != Dialogue.Status.ANNOUNCED or dialogue.is_over():
                raise RegistrationError(
                    _("%(title)s: registrations of a cancelled or past dialogue stay as they are.")
                    % {"title": dialogue.title}
                )
            counts = dialogue.registrations.aggregate(
                confirmed=Count("pk", filter=Q(status=Registration.Status.CONFIRMED)),
                highest=Max("waitlist_number"),
            )
            pending = (
                Registration.objects.select_for_update()
                .filter(pk__in=ids, status=Registration.Status.PENDING)
                .order_by("registered_at", "pk")
            )
            now = timezone.now()
            for registration in pending:
                seat = dialogue.capacity is None or counts["confirmed"] < dialogue.capacity
                target = Registration.Status.CONFIRMED if seat else Registration.Status.WAITLISTED
                registration.dialogue = dialogue
                registration.decided_at = now
                if seat:
                    counts["confirmed"] += 1
                    registration.confirmed_at = now
                    message = "approved"
                else:
                    counts["highest"] = (counts["highest"] or 0) + 1
                    registration.waitlist_number = counts["highest"]
                    message = "waitlisted"
                change_state(
                    registration,
                    target,
                    actor=actor,
                    action="approve",
                    update_fields=["decided_at", "confirmed_at", "waitlist_number"],
                    after={"waitlist_number": registration.waitlist_number} if not seat else None,
                    subject=registration.member_id,
                    error=RegistrationError,
                )
                _notify(registration, message)
                approved.append(registration)
    return approved


def decline_registrations(registrations: Iterable[Registration], *, actor) -> int:
    """Decline each pending registration and mail the registrant; return how many. Declined
    registrants cannot register again for that dialogue."""
    _check_may_decide(actor)
    declined = 0
    for dialogue_id, ids in _pending_of(registrations).items():
        with transaction.atomic():
            dialogue = _lock(Dialogue(pk=dialogue_id))
            pending = Registration.objects.select_for_update().filter(
                pk__in=ids, status=Registration.Status.PENDING
            )
            now = timezone.now()
            for registration in pending.order_by("registered_at", "pk"):
                registration.dialogue = dialogue
                registration.decided_at = now
                change_state(
                    registration,
                    Registration.Status.DECLINED,
                    actor=actor,
                    action="decline",
                    update_fields=["decided_at"],
                    subject=registration.member_id,
                    error=RegistrationError,
                )
                _notify(registration, "declined")
                declined += 1
    return declined


def cancel_registration(registration: Registration, *, actor) -> Registration:
    """Cancel a registration and tell the member; a freed seat goes at once to the first on
    the waiting list."""
    if registration.status in (Registration.Status.CANCELLED, Registration.Status.DECLINED):
        return registration
    with transaction.atomic():
        dialogue = _lock(registration.dialogue)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status in (Registration.Status.CANCELLED, Registration.Status.DECLINED):
            return registration
        if registration.dialogue.is_over() and not organiser_may(
            actor, "dialogues.change_registration"
        ):
            raise RegistrationError(_("This dialogue is over; its registrations stay as they are."))
        freed_a_seat = registration.is_confirmed()
        registration.dialogue = dialogue
        group = registration.breakout_group_id
        registration.cancelled_at = timezone.now()
        registration.breakout_group = None
        change_state(
            registration,
            Registration.Status.CANCELLED,
            actor=actor,
            action="cancel",
            update_fields=["cancelled_at", "breakout_group"],
            before={"breakout_group": group} if group else None,
            subject=registration.member_id,
            error=RegistrationError,
        )
        _notify(registration, "cancelled")
        promoted = promote_from_waiting_list(dialogue, actor=actor)
        if freed_a_seat and not promoted and dialogue.capacity is not None:
            # A full dialogue may have a seat again: visitors' cached page must say so.
            transaction.on_commit(lambda: pagecache.invalidate("a seat was freed"))
    return registration


def promote_from_waiting_list(dialogue: Dialogue, *, actor=None) -> list[Registration]:
    """Confirm people from the waiting list, in order, while seats are free; mail each.
    `actor` is whoever freed the seats (None: the system).

    Call with the dialogue row locked (inside the caller's transaction)."""
    if dialogue.status != Dialogue.Status.ANNOUNCED or dialogue.is_over():
        return []
    seats = _seats_left(dialogue)
    waiting = dialogue.registrations.waitlisted().order_by("waitlist_number")
    chosen = list(waiting if seats is None else waiting[:seats])
    now = timezone.now()
    for registration in chosen:
        registration.dialogue = dialogue
        registration.confirmed_at = now
        change_state(
            registration,
            Registration.Status.CONFIRMED,
            actor=actor,
            action="promote",
            update_fields=["confirmed_at"],
            before=_place(registration),
            subject=registration.member_id,
            error=RegistrationError,
        )
        _notify(registration, "promoted")
    return chosen


def change_capacity(dialogue: Dialogue, capacity: int | None, *, actor) -> Dialogue:
    """Set the number of seats. Raising it promotes from the waiting list; lowering it never
    removes anyone already confirmed (new sign-ups simply wait)."""
    with transaction.atomic():
        dialogue = _lock(dialogue)
        if dialogue.capacity == capacity:
            return dialogue
        before = dialogue.capacity
        dialogue.capacity = capacity
        dialogue.save(update_fields=["capacity", "updated_at"])
        log_action(
            dialogue,
            "change_capacity",
            actor=actor,
            before={"capacity": before},
            after={"capacity": capacity},
        )
        promote_from_waiting_list(dialogue, actor=actor)
    return dialogue


def mark_attendance(registrations: Iterable[Registration], *, attended: bool, actor) -> int:
    """Record who came (confirmed registrations only), with an audit row each; return how many
    changed."""
    ids = [r.pk for r in registrations]
    with transaction.atomic():
        marked = list(
            Registration.objects.select_for_update(of=("self",))
            .filter(pk__in=ids, status=Registration.Status.CONFIRMED)
            .exclude(attended=attended)
            .select_related("dialogue")
            .only("pk", "member_id", "dialogue__slug")
        )
        changed = Registration.objects.filter(pk__in=[r.pk for r in marked]).update(
            attended=attended
        )
        log_actions(
            marked,
            "mark_attended" if attended else "mark_absent",
            actor=actor,
            before={"attended": not attended},
            after={"attended": attended},
            subject_of=lambda registration: registration.member_id,
        )
    if changed:
        # Attendees count in the localisation figures, which past dialogue pages show to
        # visitors too; update() sends no signal, so both caches are dropped here.
        forget_figures()
        pagecache.invalidate("attendance was marked")
    return changed


def cancel_dialogue(dialogue: Dialogue, *, actor) -> Dialogue:
    """Cancel the dialogue and tell every confirmed, waiting and pending registrant. A dialogue
    already held cannot be cancelled (a4ep_portal.states.StateError)."""
    if dialogue.status == Dialogue.Status.CANCELLED:
        return dialogue
    with transaction.atomic():
        dialogue = _lock(dialogue)
        if dialogue.status == Dialogue.Status.CANCELLED:
            return dialogue
        change_state(
            dialogue,
            Dialogue.Status.CANCELLED,
            actor=actor,
            action="cancel",
            update_fields=["updated_at"],
        )
        status = Registration.Status
        told = [status.CONFIRMED, status.WAITLISTED, status.PENDING]
        for registration in dialogue.registrations.filter(status__in=told):
            _notify(registration, "dialogue_cancelled")
    return dialogue


# --- For members' data download, account deletion and mail audiences (members.hooks) ---------


def export_registrations(member: Member) -> list[dict]:
    """The member's registrations as JSON-able data, for their data download."""
    registrations = (
        Registration.objects.filter(member=member)
        .select_related("dialogue")
        .prefetch_related("shares_details_with")
        .order_by("registered_at", "pk")
    )

    def utc(value):
        return value.astimezone(UTC).isoformat() if value else None

    return [
        {
            "dialogue": r.dialogue.title,
            "starts_at": utc(r.dialogue.starts_at),
            "status": r.status,
            "organisation": r.organisation_name,
            "role": r.role,
            "language": r.language,
            "needs": r.needs,
            "consents_to_recording": r.consents_to_recording,
            "shares_details_with": [o.name for o in r.shares_details_with.all()],
            "attended": r.attended,
            "registered_at": utc(r.registered_at),
        }
        for r in registrations
    ]


def erase_registration_details(member: Member) -> None:
    """For an account being deleted: cancel the member's seats and waiting-list places at
    dialogues still to come (the waiting list is promoted and mailed as usual) and drop those
    rows; past registrations stay, blanked and anonymous, so that a dialogue's counts stay
    true."""
    upcoming = Registration.objects.filter(member=member, dialogue__ends_at__gt=timezone.now())
    for registration in upcoming.active().select_related("dialogue"):
        cancel_registration(registration, actor=member.user)
    # Nobody is left to tell about them, and a nameless row would only puzzle organisers.
    upcoming.delete()
    Registration.objects.filter(member=member).update(organisation_name="", role="", needs="")
    Registration.shares_details_with.through.objects.filter(registration__member=member).delete()


def confirmed_registrants(mailing) -> QuerySet[Member]:
    return Member.objects.filter(
        registrations__dialogue_id=mailing.dialogue_id,
        registrations__status=Registration.Status.CONFIRMED,
    )


def waiting_registrants(mailing) -> QuerySet[Member]:
    return Member.objects.filter(
        registrations__dialogue_id=mailing.dialogue_id,
        registrations__status=Registration.Status.WAITLISTED,
    )
