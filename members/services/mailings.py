"""Curated mailings as editors work on them in admin: saving (the workflow notes who edited),
a test message to oneself, and the preview of the message a sample recipient would get. The
workflow moves and sending are in outbox.py."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from a4ep_portal.languages import written_in_every_language
from a4ep_portal.services import record_edit

from ..models import Delivery, MailAttachment, Mailing, MailKind, Member
from .audiences import MailingError, audience_members
from .composing import Composer
from .outbox import send_mailing
from .profiles import ensure_member

# The address a preview for a non-member shows.
SAMPLE_GUEST_ADDRESS = "someone@example.org"


def _check_access(actor) -> None:
    if actor is None or not actor.is_active or not actor.has_perm("members.view_mailing"):
        raise MailingError(_("Only organisers with access to mailings may do this."))


def save_mailing(mailing: Mailing, *, actor, created: bool) -> Mailing:
    """Store an editor's change to a mailing and note them as its last editor (they may not
    approve it); a change to an approved mailing sends it back to review."""
    if mailing.is_sent():
        raise MailingError(_("A sent mailing cannot be changed."))
    with transaction.atomic():
        if created:
            mailing.created_by = actor
        mailing.save()
        record_edit(mailing, actor=actor, created=created)
    return mailing


def send_test_mailing(mailing: Mailing, *, actor) -> Mailing:
    """Mail the actor the mailing as a recipient would get it (their language and zone),
    through the outbox, marked as a test in the subject; the mailing itself is unchanged."""
    _check_access(actor)
    member = ensure_member(actor)
    # Every language of the mailing: the tester reads the one they would get.
    subjects = written_in_every_language(
        "subject", lambda: _("[Test] %(subject)s") % {"subject": mailing.subject}
    )
    bodies = written_in_every_language("body", lambda: mailing.body)
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        test = Mailing.objects.create(
            kind=MailKind.TRANSACTIONAL,
            **subjects,
            **bodies,
            audience=Mailing.Audience.ONE_MEMBER,
            recipient=member,
            dialogue=mailing.dialogue,
            details=mailing.details,
            created_by=actor,
            state=mailing.state,
        )
        MailAttachment.objects.bulk_create(
            MailAttachment(
                mailing=test, filename=a.filename, content=a.content, content_type=a.content_type
            )
            for a in mailing.attachments.all()
        )
        return send_mailing(test)


def preview_sample(mailing: Mailing, wanted: str, *, actor) -> tuple[Member | None, str]:
    """Whom a preview is for, and an error message when the address asked for is nobody's:
    "guest" is a non-member invited by address (None); an address is that member; else the
    first member of the mailing's audience, else the actor's own profile (a guest when they
    have none: a preview writes nothing)."""
    _check_access(actor)
    wanted = wanted.strip()
    if wanted == "guest":
        return None, ""
    error = ""
    if wanted:
        found = Member.objects.select_related("user").filter(user__email__iexact=wanted).first()
        if found is not None:
            return found, ""
        error = _("No member has the address “%s”.") % wanted
    try:
        audience = audience_members(mailing)
    except MailingError:
        audience = Member.objects.none()
    sample = audience.select_related("user").order_by("pk").first()
    return sample or Member.objects.filter(user=actor).first(), error


def preview_message(mailing: Mailing, sample: Member | None, *, actor) -> EmailMultiAlternatives:
    """The message `sample` would get (a non-member invited by address when None); sends
    nothing and stores nothing."""
    _check_access(actor)
    if sample is None:
        delivery = Delivery(mailing=mailing, member=None, address=SAMPLE_GUEST_ADDRESS)
    else:
        delivery = Delivery(mailing=mailing, member=sample, address=sample.user.email)
    return Composer(mailing).compose(delivery)
