"""Who a mailing goes to: the members of its audience, checked by one validator that the
admin form and the outbox both call, and why a member of the audience is skipped.

Audiences about a dialogue (its registrants, its waiting list, its summary readers) are
resolved by the dialogues app, which registers them in members.hooks: members knows no
other app (apps depend one way: papers -> dialogues -> members).
"""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from .. import hooks
from ..addresses import parse_addresses
from ..models import PREFERENCE_FIELDS, Mailing, Member


class MailingError(Exception):
    """A mailing that cannot be sent as asked, with a message for the organiser."""


def audience_problems(
    audience: str,
    *,
    recipient=None,
    countries=(),
    organisation_kinds=(),
    guest_addresses: str = "",
    dialogue=None,
    details: str = "",
    sent: bool = False,
) -> dict[str, str]:
    """What keeps a mailing with these fields from having an audience, by the field to fix
    (empty when nothing does). Audiences registered by other apps, and dialogue details,
    need the dialogue. A sent mailing's pasted addresses are gone (they live on in its
    deliveries), so they are not asked for again."""
    problems = {}
    if audience == Mailing.Audience.ONE_MEMBER and not recipient:
        problems["recipient"] = _("Choose the member.")
    if audience == Mailing.Audience.CHOSEN_MEMBERS and not (countries or organisation_kinds):
        problems["countries"] = _("Choose at least one country or kind of organisation.")
    if (
        audience == Mailing.Audience.ADDRESSES_ONLY
        and not sent
        and not parse_addresses(guest_addresses or "")[0]
    ):
        problems["guest_addresses"] = _("Paste at least one address.")
    needs_dialogue = hooks.audience_function(audience) is not None or (details and not sent)
    if needs_dialogue and not dialogue:
        problems["dialogue"] = _("Choose the dialogue.")
    return problems


def check_audience(mailing: Mailing) -> None:
    """Raise MailingError when the mailing has no audience it can be sent to."""
    problems = audience_problems(
        mailing.audience,
        recipient=mailing.recipient_id,
        countries=mailing.countries,
        organisation_kinds=mailing.organisation_kinds,
        guest_addresses=mailing.guest_addresses,
        dialogue=mailing.dialogue_id,
        details=mailing.details,
        sent=mailing.is_sent(),
    )
    if problems:
        raise MailingError(" ".join(problems.values()))


def _chosen_members(mailing: Mailing) -> QuerySet[Member]:
    members = Member.objects.all()
    if mailing.countries:
        members = members.filter(country__in=[c.code for c in mailing.countries])
    if mailing.organisation_kinds:
        members = members.filter(organisation__kind__in=mailing.organisation_kinds)
    return members


# The audiences members resolves itself; the others are registered in members.hooks.
_OWN_AUDIENCES = {
    Mailing.Audience.ALL_MEMBERS: lambda mailing: Member.objects.all(),
    Mailing.Audience.ONE_MEMBER: lambda mailing: Member.objects.filter(pk=mailing.recipient_id),
    Mailing.Audience.CHOSEN_MEMBERS: _chosen_members,
    Mailing.Audience.ADDRESSES_ONLY: lambda mailing: Member.objects.none(),
}


def audience_members(mailing: Mailing) -> QuerySet[Member]:
    """The members a mailing goes to (a queryset); MailingError when it has no audience."""
    function = _OWN_AUDIENCES.get(mailing.audience) or hooks.audience_function(mailing.audience)
    if function is None:
        raise MailingError(_("Nobody can resolve the audience “%s”.") % mailing.audience)
    check_audience(mailing)
    return function(mailing)


def audience_size(mailing: Mailing) -> int:
    """How many people a mailing would go to now: active members of its audience who take
    its kind (one COUNT), and the pasted addresses of non-members."""
    members = audience_members(mailing).filter(user__is_active=True)
    preference = PREFERENCE_FIELDS.get(mailing.kind)
    if preference:
        members = members.filter(**{preference: True})
    addresses = parse_addresses(mailing.guest_addresses)[0]
    return members.count() + len(addresses)


def skip_reason(is_active: bool, wants: bool) -> str:
    """Why a member of the audience gets no message ("" when they get it)."""
    if not is_active:
        return _("The account is inactive.")
    if not wants:
        return _("The member opted out of this kind of mail.")
    return ""
