"""Profiles: sign-up details, the member's own edits and mail choices, one-click
unsubscribe, the data download and account deletion."""

from datetime import UTC

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from a4ep_portal.audit import log_action
from a4ep_portal.models import AuditEntry

from .. import hooks
from ..models import PREFERENCE_FIELDS, Delivery, Member, Organisation, User


class AccountError(Exception):
    """A change to an account that is not allowed, with a message for the member."""


def ensure_member(user: User) -> Member:
    """Return the user's profile, creating an empty one if the user has none yet."""
    try:
        return user.member  # usually loaded already by the time zone middleware
    except Member.DoesNotExist:
        member, _created = Member.objects.get_or_create(user=user)
        return member


def organisation_named(name: str) -> Organisation | None:
    """The organisation of this name (any case), added unclassified if it is new."""
    name = " ".join(name.split())
    if not name:
        return None
    found = Organisation.objects.filter(name__iexact=name).first()
    if found:
        return found
    organisation, _created = Organisation.objects.get_or_create(name=name)
    return organisation


@transaction.atomic
def update_signup_profile(
    user: User,
    *,
    first_name: str,
    last_name: str,
    country: str,
    time_zone: str,
    organisation_name: str = "",
    preferred_language: str = "",
) -> Member:
    """Store what the sign-up form asked: the name on the user, the rest on the profile, and
    the language the member signed up in as their preferred language."""
    user.first_name = first_name
    user.last_name = last_name
    user.save(update_fields=["first_name", "last_name"])
    member = ensure_member(user)
    member.country = country
    member.time_zone = time_zone
    member.organisation = organisation_named(organisation_name)
    fields = ["country", "time_zone", "organisation"]
    if preferred_language:
        member.preferred_language = preferred_language
        fields.append("preferred_language")
    member.save(update_fields=fields)
    return member


def set_member_time_zone(member: Member, time_zone: str) -> None:
    """Change the zone every time is shown in for this member."""
    if member.time_zone == time_zone:
        return
    member.time_zone = time_zone
    member.save(update_fields=["time_zone"])


PROFILE_FIELDS = [
    "country",
    "role",
    "time_zone",
    "preferred_language",
    "languages_spoken",
    "shown_as",
]


@transaction.atomic
def update_profile(
    member: Member, *, first_name: str, last_name: str, organisation_name: str, **fields
) -> Member:
    """Save the member's own edits of /me/: name, organisation (added if new) and profile."""
    user = member.user
    user.first_name, user.last_name = first_name, last_name
    user.save(update_fields=["first_name", "last_name"])
    member.organisation = organisation_named(organisation_name)
    for name in PROFILE_FIELDS:
        setattr(member, name, fields[name])
    member.save(update_fields=["organisation", *PROFILE_FIELDS])
    return member


def update_mail_preferences(member: Member, choices: dict[str, bool]) -> Member:
    """Set which kinds of mailing the member takes (keys: Member's wants_* fields)."""
    fields = [f for f in PREFERENCE_FIELDS.values() if f in choices]
    for field in fields:
        setattr(member, field, bool(choices[field]))
    member.save(update_fields=fields)
    return member


def unsubscribe(member: Member, kind: str) -> bool:
    """Stop mailings of this one kind to the member; return whether anything changed."""
    field = PREFERENCE_FIELDS[kind]
    changed = Member.objects.filter(pk=member.pk, **{field: True}).update(**{field: False})
    setattr(member, field, False)
    return bool(changed)


def _utc(value):
    return value.astimezone(UTC).isoformat() if value else None


def export_member_data(user: User) -> dict:
    """Everything the portal holds about the member, as JSON-able data: the profile, the
    mail deliveries, and each section other apps registered (registrations, ...)."""
    member = Member.objects.select_related("user", "organisation").get(user=user)
    deliveries = (
        Delivery.objects.filter(member=member)
        .select_related("mailing")
        .order_by("mailing__created_at", "pk")
    )
    data = {
        "profile": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": _utc(user.date_joined),
            "last_login": _utc(user.last_login),
            "organisation": member.organisation.name if member.organisation else "",
            "country": member.country.code or "",
            "role": member.role,
            "time_zone": member.time_zone,
            "preferred_language": member.preferred_language,
            "languages_spoken": list(member.languages_spoken),
            "shown_as": member.shown_as,
            "mail_preferences": {
                field: getattr(member, field) for field in PREFERENCE_FIELDS.values()
            },
        },
        "deliveries": [
            {
                "subject": delivery.mailing.subject,
                "kind": delivery.mailing.kind,
                "address": delivery.address,
                "status": delivery.status,
                "attempts": delivery.attempts,
                "sent_at": _utc(delivery.sent_at),
            }
            for delivery in deliveries
        ],
    }
    for name, exporter in hooks.exports().items():
        data[name] = exporter(member)
    data["audit_log"] = [
        {
            "at": _utc(entry.at),
            "action": entry.action,
            "object": entry.object_repr,
            "by_you": entry.actor_id == user.pk,
            "about_you": entry.subject_id == member.pk,
            "before": entry.before,
            "after": entry.after,
        }
        for entry in AuditEntry.objects.concerning(user, member).order_by("at", "pk")
    ]
    return data


def delete_account(user: User, *, password: str) -> None:
    """Erase the account and its personal data after checking the password. What others
    count (registrations, deliveries) stays, anonymous. Cannot be undone."""
    if not user.has_usable_password() or not user.check_password(password):
        raise AccountError(_("That is not your password: nothing was deleted."))
    with transaction.atomic():
        user = get_user_model().objects.select_for_update().get(pk=user.pk)
        member = ensure_member(user)
        for erase in hooks.erasers():
            erase(member)
        Delivery.objects.filter(member=member).update(member=None, address="")
        # By number only: the account's name and address go with it.
        log_action(
            member,
            "delete_account",
            actor=user,
            object_repr=_("Member #%(id)s") % {"id": member.pk},
        )
        user.delete()  # the profile, e-mail addresses and sessions' owner go with it
