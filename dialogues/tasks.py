import zoneinfo

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from .calendars import registrant_calendar
from .models import Registration

# message -> subject; the body templates are templates/dialogues/mail/<message>.{txt,html}.
SUBJECTS = {
    "confirmed": _("You are registered: %(title)s"),
    "waitlisted": _("You are on the waiting list: %(title)s"),
    "promoted": _("A seat is yours: %(title)s"),
    "dialogue_cancelled": _("Cancelled: %(title)s"),
}
WITH_CALENDAR = {"confirmed", "promoted"}


@shared_task(name="dialogues.send_registration_message")
def send_registration_message(*, registration_id: int, message: str) -> None:
    """Mail a registrant about their registration, in their language and time zone.

    Sent with Django's mail API until the mail outbox takes registration messages over."""
    registration = (
        Registration.objects.select_related("dialogue__series", "member__user")
        .with_waitlist_position()
        .filter(pk=registration_id)
        .first()
    )
    if registration is None or registration.member is None or message not in SUBJECTS:
        return
    member = registration.member
    dialogue = registration.dialogue
    context = {
        "registration": registration,
        "dialogue": dialogue,
        "member": member,
        "site_url": settings.SITE_URL,
        "zone": member.time_zone,
    }
    with (
        translation.override(member.preferred_language),
        timezone.override(zoneinfo.ZoneInfo(member.time_zone)),
    ):
        text = render_to_string(f"dialogues/mail/{message}.txt", context)
        html = render_to_string(f"dialogues/mail/{message}.html", context)
        subject = SUBJECTS[message] % {"title": dialogue.title}
        calendar = None
        if message in WITH_CALENDAR and registration.is_confirmed():
            calendar = registrant_calendar(registration)
    mail = EmailMultiAlternatives(subject=subject, body=text, to=[member.user.email])
    mail.attach_alternative(html, "text/html")
    if calendar:
        mail.attach(f"{dialogue.slug}.ics", calendar, "text/calendar")
    mail.send()
