"""The mail outbox: every message the portal sends is a Delivery of a Mailing.

Sending a mailing writes one delivery per member of its audience in one transaction and,
after the commit, queues them in batches. A worker claims a batch under a row lock (queued ->
sending), sends it over one SMTP connection and commits each delivery as sent right after the
server accepted it, so a redelivered task skips it. A killed worker leaves at most the one
message in flight unrecorded; its claimed deliveries go back to the queue after
CELERY_VISIBILITY_TIMEOUT (requeue_stuck_deliveries, run by the beat scheduler).

Queueing is only a speed-up: a delivery the broker did not take (Redis down) keeps no
dispatched_at, and the same sweep hands it over once it has waited OUTBOX_SWEEP_SECONDS.

This module writes, queues and recovers deliveries and makes the mailings' workflow moves;
who a mailing goes to is in audiences.py, how a worker sends a batch in sending.py.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import BooleanField, F, Q, Value
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from a4ep_portal.audit import log_action
from a4ep_portal.queueing import dispatch
from a4ep_portal.services import move_item
from a4ep_portal.workflow import State, WorkflowError

from ..addresses import parse_addresses
from ..models import PREFERENCE_FIELDS, Delivery, MailAttachment, Mailing, MailKind, Member, User
from .audiences import MailingError, audience_members, audience_size, skip_reason
from .composing import _zone
from .sending import BatchOutcome, give_up_deliveries, send_delivery_batch

# Kept importable from here, where they were before the split.
__all__ = [
    "BatchOutcome",
    "MailingError",
    "audience_members",
    "audience_size",
    "forget_dispatch",
    "give_up_deliveries",
    "move_mailing",
    "queue_deliveries",
    "requeue_stuck_deliveries",
    "retry_failed_deliveries",
    "send_delivery_batch",
    "send_mailing",
    "send_scheduled_mailings",
    "send_transactional",
]


# --- Creating and queueing deliveries -------------------------------------------------------


def _create_deliveries(mailing: Mailing) -> list[int]:
    """Write the mailing's deliveries (inside the caller's transaction); return the queued."""
    now = timezone.now()
    # Transactional mail has no preference: it goes to every active account.
    preference = PREFERENCE_FIELDS.get(mailing.kind)
    wants = F(preference) if preference else Value(True, output_field=BooleanField())
    rows = (
        audience_members(mailing)
        .order_by("pk")
        .values_list("pk", "user__email", "user__is_active", wants)
    )
    deliveries = []
    for pk, address, is_active, wanted in rows.iterator(chunk_size=2000):
        reason = skip_reason(is_active, wanted)
        deliveries.append(
            Delivery(
                mailing=mailing,
                member_id=pk,
                address=address,
                status=Delivery.Status.SKIPPED if reason else Delivery.Status.QUEUED,
                last_error=reason,
                queued_at=now,
            )
        )
    Delivery.objects.bulk_create(deliveries, batch_size=1000, ignore_conflicts=True)
    _create_guest_deliveries(mailing, now)
    mailing.sent_at = now
    mailing.save(update_fields=["sent_at", "guest_addresses"])
    return list(
        mailing.deliveries.filter(status=Delivery.Status.QUEUED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _create_guest_deliveries(mailing: Mailing, now: datetime) -> None:
    """Deliveries for the pasted addresses: as members for members' addresses (their
    preferences hold), by address only for the others. The pasted text is then emptied: the
    addresses live on only in these delivery records."""
    addresses = parse_addresses(mailing.guest_addresses)[0]
    if not addresses:
        return
    preference = PREFERENCE_FIELDS.get(mailing.kind)
    wants = F(f"member__{preference}") if preference else Value(True, BooleanField())
    members = {
        email.lower(): (pk, email, is_active, wanted)
        for pk, email, is_active, wanted in User.objects.annotate(email_lower=Lower("email"))
        .filter(email_lower__in=[address.lower() for address in addresses], member__isnull=False)
        .values_list("member__pk", "email", "is_active", wants)
    }
    deliveries = []
    for address in addresses:
        known = members.get(address.lower())
        reason = skip_reason(known[2], known[3]) if known else ""
        deliveries.append(
            Delivery(
                mailing=mailing,
                member_id=known[0] if known else None,
                address=known[1] if known else address,
                status=Delivery.Status.SKIPPED if reason else Delivery.Status.QUEUED,
                last_error=reason,
                queued_at=now,
            )
        )
    Delivery.objects.bulk_create(deliveries, batch_size=1000, ignore_conflicts=True)
    mailing.guest_addresses = ""


def queue_deliveries(delivery_ids: list[int]) -> int:
    """Hand the deliveries to the workers in batches of MAIL_BATCH_SIZE and record which were
    handed over (dispatched_at); return how many. Once the broker refuses a batch the rest
    are not tried: the sweep hands them over later (requeue_stuck_deliveries)."""
    from ..tasks import send_deliveries  # tasks call services; imported late on purpose

    # Marked before the first batch goes: a worker claims with SKIP LOCKED, so marking rows
    # while a worker already claims them (the first batches start at once) made it skip them,
    # and they waited for the stuck-delivery sweep (seen in the scale-out test).
    _mark_dispatched(delivery_ids, timezone.now())
    size, taken = settings.MAIL_BATCH_SIZE, 0
    for start in range(0, len(delivery_ids), size):
        batch = delivery_ids[start : start + size]
        if not dispatch(send_deliveries, queue=settings.MAIL_QUEUE, delivery_ids=batch):
            break
        taken += len(batch)
    # What the broker did not take waits for the sweep (never handed over).
    _mark_dispatched(delivery_ids[taken:], None)
    return taken


def _mark_dispatched(delivery_ids: list[int], when: datetime | None) -> None:
    for start in range(0, len(delivery_ids), 1000):
        Delivery.objects.filter(pk__in=delivery_ids[start : start + 1000]).update(
            dispatched_at=when
        )


def _release(mailing: Mailing) -> None:
    queued = _create_deliveries(mailing)
    transaction.on_commit(lambda: queue_deliveries(queued), robust=True)


def send_mailing(mailing: Mailing, *, actor=None) -> Mailing:
    """Send an approved (or transactional) mailing: write its deliveries, skipped for members
    who opted out or are inactive, mark it sent, and queue the rest after the commit. A
    curated mailing makes the workflow's "publish" move (by `actor`, or the scheduler when
    None). Sending again changes nothing."""
    if mailing.is_sent():
        return mailing
    if not mailing.may_be_sent():
        raise MailingError(
            _("Only approved mailings can be sent; this one is %(state)s.")
            % {"state": mailing.get_state_display().lower()}
        )
    audience_members(mailing)  # a mailing with no audience fails here, before any change
    if not mailing.needs_approval():
        with transaction.atomic():
            locked = Mailing.objects.select_for_update().get(pk=mailing.pk)
            if locked.is_sent():
                return locked
            locked.state = State.PUBLISHED
            locked.state_changed_at = timezone.now()
            locked.save(update_fields=["state", "state_changed_at"])
            _release(locked)
        mailing.refresh_from_db()
        return mailing

    def effect(item: Mailing, move: str, actor) -> None:
        if not item.is_sent():
            _release(item)

    return move_item(
        mailing, "publish", actor=actor, note=_("Sent."), effect=effect, scheduled=actor is None
    )


def move_mailing(mailing: Mailing, move: str, *, actor, note: str = "") -> Mailing:
    """Make a workflow move on a curated mailing; approving records the approver and sends
    it at once, or at its publish_at when that is still to come (send_scheduled_mailings);
    "publish" sends it. A sent mailing is final: it has gone out."""
    if mailing.is_sent():
        raise MailingError(_("This mailing has been sent: it can no longer be changed."))
    if move == "publish":
        return send_mailing(mailing, actor=actor)
    if move == "approve":
        audience_members(mailing)  # an approved mailing must be sendable

    def effect(item: Mailing, move: str, actor) -> None:
        if move == "approve":
            item.approved_by = actor
            item.save(update_fields=["approved_by"])

    mailing = move_item(mailing, move, actor=actor, note=note, effect=effect)
    if move == "approve" and (mailing.publish_at is None or mailing.publish_at <= timezone.now()):
        mailing = send_mailing(mailing, actor=actor)
    return mailing


def send_scheduled_mailings(*, now: datetime | None = None) -> list[Mailing]:
    """Send the approved mailings whose publish_at has come (run by beat). Two workers
    running it at once send each mailing once: the send locks the row and re-checks it."""
    due = Mailing.objects.filter(
        state=State.APPROVED, sent_at__isnull=True, publish_at__lte=now or timezone.now()
    ).order_by("publish_at", "pk")
    sent = []
    for mailing in due:
        try:
            sent.append(send_mailing(mailing))
        except (WorkflowError, MailingError):
            continue  # sent, revised or withdrawn by someone else since the query
    return sent


def send_transactional(
    member: Member,
    *,
    subject: str,
    body: str = "",
    template: str = "",
    context: dict | None = None,
    dialogue=None,
    created_by=None,
    kind: str = MailKind.TRANSACTIONAL,
    attachments: list[tuple[str, bytes, str]] = (),
    **fields,
) -> Mailing:
    """Mail one member at once, without approval: transactional mail (confirmations, account
    mail) whatever their preferences; a reminder unless they opted out of reminders. The
    subject (may be lazy) and the body (Markdown, given or rendered from `template`) are in
    the member's language and zone; it is queued after the caller's transaction commits."""
    zone = _zone(member.time_zone)
    with translation.override(member.preferred_language), timezone.override(zone):
        subject = str(subject)
        if template:
            body = render_to_string(template, {**(context or {}), "member": member})
    # Stored as the mailing's original (its English column), whichever language is active:
    # written for one member, it is shown to that member whatever their language.
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        mailing = Mailing.objects.create(
            kind=kind,
            subject=subject[:200],
            body=body,
            audience=Mailing.Audience.ONE_MEMBER,
            recipient=member,
            dialogue=dialogue,
            created_by=created_by,
            state=State.APPROVED,
            **fields,
        )
        MailAttachment.objects.bulk_create(
            MailAttachment(mailing=mailing, filename=name, content=content, content_type=type_)
            for name, content, type_ in attachments
        )
        return send_mailing(mailing)


def forget_dispatch(delivery_ids: list[int]) -> None:
    """Record that these deliveries' task never reached the broker: the sweep hands them
    over again."""
    _mark_dispatched(delivery_ids, None)


# --- Recovery -------------------------------------------------------------------------------


def requeue_stuck_deliveries(*, now: datetime | None = None) -> int:
    """Hand the workers what they never got or lost (run by beat every OUTBOX_SWEEP_SECONDS
    and as a worker starts): deliveries the broker did not take and that have waited
    OUTBOX_SWEEP_SECONDS, and deliveries queued or claimed longer ago than
    CELERY_VISIBILITY_TIMEOUT (their task was lost with the broker's data, or their worker
    died); return how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.CELERY_VISIBILITY_TIMEOUT)
    never_dispatched = Q(
        status=Delivery.Status.QUEUED,
        dispatched_at__isnull=True,
        queued_at__lt=now - timedelta(seconds=settings.OUTBOX_SWEEP_SECONDS),
    )
    stuck = Q(status=Delivery.Status.QUEUED, queued_at__lt=cutoff) | Q(
        status=Delivery.Status.SENDING, claimed_at__lt=cutoff
    )
    with transaction.atomic():
        ids = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(never_dispatched | stuck)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        # Marked as handed over at once, so that a sweep running meanwhile (another worker
        # starting) leaves them alone; queue_deliveries clears the mark of what it could not.
        Delivery.objects.filter(pk__in=ids).update(
            status=Delivery.Status.QUEUED, queued_at=now, dispatched_at=now
        )
        transaction.on_commit(lambda: queue_deliveries(ids), robust=True)
    return len(ids)


def retry_failed_deliveries(deliveries, *, actor) -> int:
    """Queue the failed deliveries among these again (admin's "retry failed"); return how
    many."""
    with transaction.atomic():
        rows = list(
            Delivery.objects.select_for_update()
            .filter(pk__in=[d.pk for d in deliveries], status=Delivery.Status.FAILED)
            .order_by("pk")
            .values_list("pk", "mailing_id")
        )
        ids = [pk for pk, _mailing in rows]
        Delivery.objects.filter(pk__in=ids).update(
            status=Delivery.Status.QUEUED, queued_at=timezone.now(), dispatched_at=None
        )
        for mailing in Mailing.objects.filter(pk__in={mailing for _pk, mailing in rows}):
            retried = [pk for pk, of in rows if of == mailing.pk]
            log_action(
                mailing,
                "retry_deliveries",
                actor=actor,
                before={"status": Delivery.Status.FAILED.value, "deliveries": retried},
                after={"status": Delivery.Status.QUEUED.value, "deliveries": retried},
            )
        transaction.on_commit(lambda: queue_deliveries(ids), robust=True)
    return len(ids)
