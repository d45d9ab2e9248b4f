"""Telling people when a provisional dialogue's date is set.

Members ask (and take it back) in one click. Visitors give an address and confirm it from the
mail sent to it (double opt-in); an unconfirmed address gets that mail only. When an organiser
sets the exact time, tell_date_set() marks every confirmed ask as owed in that transaction;
a worker makes each into one outbox mailing (make_date_alert), in the member's language and
zone, or the visitor's language and the dialogue's zone. Each ask is told once: an ask owed
already is never owed again, and making it locks the row and records made_at with the mailing.
"""

import zoneinfo
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from a4ep_portal.audit import log_action
from a4ep_portal.queueing import dispatch_on_commit
from a4ep_portal.workflow import State
from members.models import Mailing, MailKind, Member
from members.services import send_mailing, send_transactional

from ..models import DateAlert, Dialogue

SALT = "dialogues.date-alert"
# How long the link in a visitor's confirmation mail works.
CONFIRM_DAYS = 7
SUBJECTS = {
    "confirm": gettext_lazy("Please confirm: tell me the date of {title}"),
    "date_set": gettext_lazy("The date is set: {title}"),
}


class DateAlertError(Exception):
    """An ask that cannot be taken, with a message for the person asking."""


def may_ask(dialogue: Dialogue) -> bool:
    """Whether people may ask to be told this dialogue's date: public, still provisional, not
    cancelled."""
    return dialogue.status == Dialogue.Status.ANNOUNCED and dialogue.is_provisional()


def _check(dialogue: Dialogue) -> None:
    if not may_ask(dialogue):
        raise DateAlertError(_("The date of this dialogue is set already, or it was cancelled."))


# --- Asking ---------------------------------------------------------------------------------


def ask_as_member(dialogue: Dialogue, member: Member) -> DateAlert:
    """Record that the member wants to be told the date (asking twice changes nothing). No
    mail now: their address is their account's, confirmed already."""
    _check(dialogue)
    try:
        with transaction.atomic():
            alert, _created = DateAlert.objects.get_or_create(
                dialogue=dialogue,
                member=member,
                defaults={"confirmed_at": timezone.now(), "language": member.site_language()},
            )
    except IntegrityError:  # the same click twice at once
        alert = DateAlert.objects.get(dialogue=dialogue, member=member)
    return alert


def withdraw_member_ask(dialogue: Dialogue, member: Member) -> bool:
    """Take the member's ask back; False if there was none (or they were told already)."""
    deleted, _rows = DateAlert.objects.filter(
        dialogue=dialogue, member=member, owed_at__isnull=True
    ).delete()
    return bool(deleted)


def ask_by_address(dialogue: Dialogue, email: str, language: str) -> None:
    """Record a visitor's address, unconfirmed, and mail it a link to confirm (each time they
    ask, until they confirm: the caller limits the rate). A confirmed address gets nothing
    new, and the caller says the same either way, so the form tells nobody who asked."""
    _check(dialogue)
    email = email.strip().lower()
    with transaction.atomic():
        alert, created = DateAlert.objects.select_for_update().get_or_create(
            dialogue=dialogue, member=None, email=email, defaults={"language": language}
        )
        if alert.is_confirmed():
            return
        if not created and alert.language != language:
            alert.language = language
            alert.save(update_fields=["language"])
        _mail_visitor(alert, "confirm")


def _token(alert: DateAlert) -> str:
    return signing.TimestampSigner(salt=SALT).sign_object([alert.pk, alert.email])


def _read(token: str, max_age: timedelta | None) -> DateAlert | None:
    try:
        pk, email = signing.TimestampSigner(salt=SALT).unsign_object(token, max_age=max_age)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return (
        DateAlert.objects.select_related("dialogue")
        .filter(pk=pk, email=email, member__isnull=True)
        .first()
    )


def _link(alert: DateAlert, name: str) -> str:
    with translation.override(alert.language):
        return settings.SITE_URL + reverse(name, kwargs={"token": _token(alert)})


def alert_for_confirmation(token: str) -> DateAlert | None:
    """The visitor's ask a confirmation link names, while the link is valid."""
    return _read(token, timedelta(days=CONFIRM_DAYS))


def alert_for_stopping(token: str) -> DateAlert | None:
    """The visitor's ask an unsubscribe link names (these links do not expire)."""
    return _read(token, None)


def confirm_address(alert: DateAlert) -> DateAlert:
    """Confirm a visitor's address (again changes nothing). Should the date have been set
    meanwhile, they are told at once."""
    with transaction.atomic():
        alert = DateAlert.objects.select_for_update().select_related("dialogue").get(pk=alert.pk)
        if alert.is_confirmed():
            return alert
        alert.confirmed_at = timezone.now()
        alert.save(update_fields=["confirmed_at"])
        dialogue = alert.dialogue
        if not dialogue.is_provisional() and dialogue.status == Dialogue.Status.ANNOUNCED:
            _owe(DateAlert.objects.filter(pk=alert.pk))
    return alert


def stop_alert(alert: DateAlert) -> None:
    """Forget a visitor's ask and their address with it."""
    DateAlert.objects.filter(pk=alert.pk).delete()


def forget_unconfirmed_addresses(*, now: datetime | None = None) -> int:
    """Forget visitors' addresses left unconfirmed once their link has expired; return how
    many."""
    cutoff = (now or timezone.now()) - timedelta(days=CONFIRM_DAYS)
    deleted, _rows = DateAlert.objects.filter(
        member__isnull=True, confirmed_at__isnull=True, asked_at__lt=cutoff
    ).delete()
    return deleted


def waiting_count(dialogue: Dialogue) -> int:
    """How many confirmed asks wait to be told this dialogue's date."""
    return dialogue.date_alerts.filter(confirmed_at__isnull=False, owed_at__isnull=True).count()


# --- Telling --------------------------------------------------------------------------------


def tell_date_set(dialogue: Dialogue, *, actor=None) -> int:
    """Call in the transaction that gave the dialogue its exact time: owe every confirmed ask
    not told yet one mail, made by a worker after the commit. Returns how many. Saving the
    dialogue again owes nothing more: an ask is owed once. The audit log keeps who set the
    time and how many were owed a mail."""
    if dialogue.is_provisional() or dialogue.status != Dialogue.Status.ANNOUNCED:
        return 0
    told = _owe(
        DateAlert.objects.filter(
            dialogue=dialogue, confirmed_at__isnull=False, owed_at__isnull=True
        )
    )
    if told:
        log_action(dialogue, "tell_date_set", actor=actor, after={"people_told": told})
    return told


def _owe(alerts) -> int:
    from ..tasks import make_date_alerts_task  # tasks call services: imported late

    ids = list(alerts.select_for_update().values_list("pk", flat=True))
    if not ids:
        return 0
    DateAlert.objects.filter(pk__in=ids).update(owed_at=timezone.now())
    dispatch_on_commit(make_date_alerts_task, alert_ids=ids)
    return len(ids)


def make_date_alert(alert_id: int) -> Mailing | None:
    """Make one owed ask into its outbox mailing, once: the row is locked and marked made in
    the mailing's own transaction. None when made already or no longer owed."""
    with transaction.atomic():
        alert = (
            DateAlert.objects.select_for_update(skip_locked=True)
            .filter(pk=alert_id, owed_at__isnull=False, made_at__isnull=True)
            .first()
        )
        if alert is None:
            return None
        dialogue = Dialogue.objects.select_related("series").get(pk=alert.dialogue_id)
        mailing = None
        if not dialogue.is_provisional() and dialogue.status == Dialogue.Status.ANNOUNCED:
            if alert.member_id:
                mailing = _mail_member(alert, dialogue)
            else:
                alert.dialogue = dialogue
                mailing = _mail_visitor(alert, "date_set")
        alert.mailing = mailing
        alert.made_at = timezone.now()
        alert.save(update_fields=["mailing", "made_at"])
    return mailing


def make_date_alerts(alert_ids: list[int]) -> int:
    return sum(1 for pk in alert_ids if make_date_alert(pk) is not None)


def make_owed_date_alerts(*, now: datetime | None = None, limit: int = 500) -> int:
    """Make the asks still owed after OUTBOX_SWEEP_SECONDS (their task never reached a
    worker), oldest first, at most `limit` a run; return how many mailings were made."""
    cutoff = (now or timezone.now()) - timedelta(seconds=settings.OUTBOX_SWEEP_SECONDS)
    owed = (
        DateAlert.objects.filter(made_at__isnull=True, owed_at__lt=cutoff)
        .order_by("owed_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return make_date_alerts(list(owed))


def _when(dialogue: Dialogue, zone_name: str) -> dict:
    """The start in this zone, as the mail shows it: the date and time, the zone and its
    offset from UTC (in the active language)."""
    try:
        zone = zoneinfo.ZoneInfo(zone_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    local = dialogue.starts_at.astimezone(zone)
    offset = local.strftime("%z")
    name = str(zone).replace("_", " ")
    return {
        "when": date_format(local, "DATETIME_FORMAT"),
        "zone": name,
        # "UTC, UTC+00:00" would say it twice.
        "offset": "" if name == "UTC" else f"UTC{offset[:3]}:{offset[3:]}",
    }


def _urls(dialogue: Dialogue, language: str) -> dict:
    with translation.override(language):
        return {
            "dialogue_url": settings.SITE_URL + dialogue.get_absolute_url(),
            "register_url": settings.SITE_URL
            + reverse("dialogues:register", kwargs={"slug": dialogue.slug}),
        }


def _mail_member(alert: DateAlert, dialogue: Dialogue) -> Mailing:
    member = Member.objects.select_related("user").get(pk=alert.member_id)
    language = member.preferred_language
    with translation.override(language):
        subject = str(SUBJECTS["date_set"]).format(title=dialogue.title)
        context = {"dialogue": dialogue, **_when(dialogue, member.time_zone)}
    return send_transactional(
        member,
        subject=subject,
        template="dialogues/mail/date_set.md",
        context={**context, **_urls(dialogue, language), "site_url": settings.SITE_URL},
        dialogue=dialogue,
    )


def _mail_visitor(alert: DateAlert, message: str) -> Mailing:
    """Mail a visitor's address through the outbox (one delivery, written in the caller's
    transaction), in the language they asked in, with a link to stop these mails; the time
    (once set) in the dialogue's zone."""
    dialogue = alert.dialogue
    with translation.override(alert.language):
        if message == "confirm":
            context = {"confirm_url": _link(alert, "dialogues:alert_confirm")}
        else:
            context = _when(dialogue, dialogue.time_zone)
        subject = str(SUBJECTS[message]).format(title=dialogue.title)
        body = render_to_string(
            f"dialogues/mail/{message}.md",
            {
                **context,
                **_urls(dialogue, alert.language),
                "dialogue": dialogue,
                "visitor": True,
                "confirm_days": CONFIRM_DAYS,
            },
        )
    with translation.override(settings.LANGUAGE_CODE):
        mailing = Mailing.objects.create(
            kind=MailKind.TRANSACTIONAL,
            subject=subject[:200],
            body=body,
            audience=Mailing.Audience.ADDRESSES_ONLY,
            guest_addresses=alert.email,
            dialogue=dialogue,
            guest_language=alert.language,
            guest_time_zone=dialogue.time_zone,
            guest_unsubscribe_url=_link(alert, "dialogues:alert_stop"),
            state=State.APPROVED,
        )
    return send_mailing(mailing)
