"""The dialogues app's mail, all through the members outbox: registration messages and
reminders (one member each, no approval), invitations and post-event summaries (curated
mailings: drafted here, approved and sent through the publishing workflow)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from a4ep_portal.languages import written_in_every_language
from a4ep_portal.services import record_event
from a4ep_portal.workflow import State
from members.models import Mailing, MailKind, Member
from members.services import MailingError, save_mailing, send_transactional

from ..calendars import registrant_calendar
from ..models import Dialogue, Registration, RegistrationMessage

# message -> subject; the bodies are templates/dialogues/mail/<message>.md (Markdown).
SUBJECTS = {
    "pending": gettext_lazy("Waiting for approval: {title}"),
    "approved": gettext_lazy("Your registration is approved: {title}"),
    "declined": gettext_lazy("Your registration was not approved: {title}"),
    "confirmed": gettext_lazy("You are registered: {title}"),
    "waitlisted": gettext_lazy("You are on the waiting list: {title}"),
    "promoted": gettext_lazy("A seat is yours: {title}"),
    "cancelled": gettext_lazy("Your registration is cancelled: {title}"),
    "dialogue_cancelled": gettext_lazy("Cancelled: {title}"),
}
WITH_CALENDAR = {"confirmed", "approved", "promoted"}
# Summary mailings still being prepared (one at a time per dialogue).
OPEN_STATES = [State.DRAFT, State.IN_REVIEW, State.APPROVED]


def mail_registration_message(registration: Registration, message: str) -> Mailing | None:
    """Mail the registrant about their registration through the outbox, in their language
    and zone; confirmed and promoted registrants get their calendar file attached."""
    member = registration.member
    if member is None or message not in SUBJECTS:
        return None
    if message == "waitlisted" and not registration.is_waitlisted():
        return None  # promoted (or cancelled) before this went out: that message tells them
    dialogue = registration.dialogue
    attachments = []
    # The dialogue's title (and the calendar file's text) in the member's language too.
    with translation.override(member.preferred_language):
        subject = str(SUBJECTS[message]).format(title=dialogue.title)
        if message in WITH_CALENDAR and registration.is_confirmed():
            calendar = registrant_calendar(registration)
            attachments.append((f"{dialogue.slug}.ics", calendar, "text/calendar"))
    return send_transactional(
        member,
        subject=subject,
        template=f"dialogues/mail/{message}.md",
        context={"registration": registration, "dialogue": dialogue, "site_url": settings.SITE_URL},
        dialogue=dialogue,
        attachments=attachments,
    )


# What a message says about the registration, which must still hold when it is made: a
# message made late (Redis was down) that the registration has moved past since is not sent,
# the later message tells the member (no "you are number 1 on the waiting list" once they
# have their seat, and they get that seat's message).
STILL_TRUE = {
    "confirmed": Registration.Status.CONFIRMED,
    "promoted": Registration.Status.CONFIRMED,
    "waitlisted": Registration.Status.WAITLISTED,
    "cancelled": Registration.Status.CANCELLED,
    "pending": Registration.Status.PENDING,
    "approved": Registration.Status.CONFIRMED,
    "declined": Registration.Status.DECLINED,
}


def make_registration_message(message_id: int) -> Mailing | None:
    """Make the owed registration message into its outbox mailing, once: the row is locked
    and marked made in the mailing's own transaction, so the task run twice, or beside the
    sweep, makes one mailing. Returns it (None if made already, if the registration has moved
    past what it says, or if nobody is left to mail)."""
    with transaction.atomic():
        owed = (
            RegistrationMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, made_at__isnull=True)
            .first()
        )
        if owed is None:
            return None
        registration = (
            Registration.objects.select_related("dialogue__series", "member__user")
            .with_waitlist_position()
            .get(pk=owed.registration_id)
        )
        if registration.status == STILL_TRUE.get(owed.kind, registration.status):
            owed.mailing = mail_registration_message(registration, owed.kind)
        owed.made_at = timezone.now()
        owed.save(update_fields=["mailing", "made_at"])
    return owed.mailing


def make_owed_registration_messages(*, now: datetime | None = None, limit: int = 500) -> int:
    """Make the registration messages still owed after OUTBOX_SWEEP_SECONDS (their task never
    reached a worker: Redis was down), oldest first, at most `limit` a run; return how many
    were made."""
    cutoff = (now or timezone.now()) - timedelta(seconds=settings.OUTBOX_SWEEP_SECONDS)
    owed = (
        RegistrationMessage.objects.filter(made_at__isnull=True, created_at__lt=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for pk in list(owed) if make_registration_message(pk) is not None)


# --- Reminders ------------------------------------------------------------------------------


def reminder_leads() -> list[timedelta]:
    """How long before the start reminders go out, longest first (MAIL_REMINDER_HOURS)."""
    return sorted({timedelta(hours=hours) for hours in settings.MAIL_REMINDER_HOURS}, reverse=True)


def due_reminders(before: timedelta, shorter: timedelta | None, now: datetime):
    """Confirmed registrations owed the reminder `before` the start: its time has come, the
    dialogue has not started, no shorter reminder is due yet (that one replaces it), they were
    confirmed before the reminder's time, and they have not had it."""
    reminded = Mailing.objects.filter(
        kind=MailKind.REMINDER,
        recipient=OuterRef("member"),
        dialogue=OuterRef("dialogue"),
        reminder_before=before,
    )
    return (
        Registration.objects.confirmed()
        .filter(
            member__isnull=False,
            dialogue__status=Dialogue.Status.ANNOUNCED,
            # A provisional dialogue's starts_at is only the start of its month or day.
            dialogue__date_precision=Dialogue.DatePrecision.EXACT,
            dialogue__starts_at__lte=now + before,
            dialogue__starts_at__gt=now + (shorter or timedelta(0)),
            confirmed_at__lte=F("dialogue__starts_at") - before,
        )
        .exclude(Exists(reminded))
        .select_related("dialogue__series", "member__user")
        .order_by("dialogue__starts_at", "pk")
    )


def send_due_reminders(*, now: datetime | None = None) -> int:
    """Mail each confirmed registrant their reminders with the join link; return how many were
    queued. Each (registrant, dialogue, lead time) is mailed once, even when this runs late,
    twice, or on two workers at once: a unique constraint on the reminder mailing refuses
    the second."""
    now = now or timezone.now()
    leads = reminder_leads()
    count = 0
    for index, before in enumerate(leads):
        shorter = leads[index + 1] if index + 1 < len(leads) else None
        for registration in due_reminders(before, shorter, now):
            try:
                _remind(registration, before)
            except IntegrityError:
                continue  # another run mailed this one meanwhile
            count += 1
    return count


def _remind(registration: Registration, before: timedelta) -> Mailing:
    dialogue = registration.dialogue
    with translation.override(registration.member.preferred_language):
        subject = _("Reminder: {title}").format(title=dialogue.title)
    return send_transactional(
        registration.member,
        subject=subject,
        template="dialogues/mail/reminder.md",
        context={"registration": registration, "dialogue": dialogue, "site_url": settings.SITE_URL},
        dialogue=dialogue,
        kind=MailKind.REMINDER,
        reminder_before=before,
    )


# --- Curated mailings -----------------------------------------------------------------------


def draft_invitation(dialogue: Dialogue, *, actor) -> Mailing:
    """Create a draft invitation to an announced dialogue, to all members who want
    invitations; the message shows its question, time (in each recipient's zone), co-hosts,
    public discussion paper and a register link."""
    if actor is None or not actor.has_perm("members.add_mailing"):
        raise MailingError(_("Only editors and publishers may create mailings."))
    if dialogue.status != Dialogue.Status.ANNOUNCED or dialogue.is_over():
        raise MailingError(
            _("Only an announced dialogue that is still to come can be invited to: “%s” is not.")
            % dialogue.title
        )
    # Drafted in every language the portal speaks (each with the dialogue's title in it where
    # it has one): each member gets the one they read, editors may change any.
    with translation.override(settings.LANGUAGE_CODE):
        mailing = Mailing(
            kind=MailKind.INVITATION,
            audience=Mailing.Audience.ALL_MEMBERS,
            dialogue=dialogue,
            details=Mailing.Details.INVITATION,
            **written_in_every_language(
                "subject", lambda: _("Invitation: %(title)s") % {"title": dialogue.title}
            ),
            **written_in_every_language(
                "body",
                lambda: render_to_string("dialogues/mail/invitation.md", {"dialogue": dialogue}),
            ),
        )
    return save_mailing(mailing, actor=actor, created=True)


def draft_summary_mailing(dialogue: Dialogue) -> Mailing | None:
    """Create a draft summary mailing for the dialogue's registrants, attendees and members
    who want summaries, unless one is already being prepared; it links whatever papers and
    recordings of the dialogue are public when it is sent. It goes out only once approved."""
    if Mailing.objects.filter(
        kind=MailKind.SUMMARY, dialogue=dialogue, state__in=OPEN_STATES
    ).exists():
        return None
    with translation.override(settings.LANGUAGE_CODE):
        note = _("Drafted when the dialogue's summary or recording was published.")
    subjects = written_in_every_language(
        "subject", lambda: _("After the dialogue: %(title)s") % {"title": dialogue.title}
    )
    bodies = written_in_every_language(
        "body", lambda: render_to_string("dialogues/mail/summary.md", {"dialogue": dialogue})
    )
    try:
        with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
            mailing = Mailing.objects.create(
                kind=MailKind.SUMMARY,
                **subjects,
                **bodies,
                audience=Mailing.Audience.SUMMARY_READERS,
                dialogue=dialogue,
                details=Mailing.Details.SUMMARY,
                state=State.DRAFT,
            )
            record_event(mailing, "create", State.DRAFT, State.DRAFT, actor=None, note=note)
    except IntegrityError:
        return None  # drafted by a concurrent publication
    return mailing


def summary_readers(mailing: Mailing) -> QuerySet[Member]:
    """The dialogue's confirmed registrants and attendees, and every member who wants
    summaries (the members' preference then decides who is skipped)."""
    registrants = Registration.objects.filter(dialogue_id=mailing.dialogue_id).filter(
        Q(status=Registration.Status.CONFIRMED) | Q(attended=True)
    )
    return Member.objects.filter(
        Q(pk__in=registrants.values("member_id")) | Q(wants_summaries=True)
    )
