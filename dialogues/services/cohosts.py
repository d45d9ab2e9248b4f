"""Co-host accounts and what they may reach: the dialogues their organisations co-host, the
speakers and questions of those dialogues, and the registrations whose member agreed to
share their details with that co-host. Admin narrows every list and lookup through these."""

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from a4ep_portal.access import is_co_host
from a4ep_portal.audit import log_action
from a4ep_portal.groups import CO_HOSTS, EDITORS, PUBLISHERS
from members.models import Organisation, User

from ..models import CoHostStaff, Dialogue, Registration, Speaker


class CoHostError(Exception):
    """A co-host account change that cannot be made."""


def co_host_organisation_ids(user) -> list[int]:
    """The organisations the user works for as a co-host (kept on the user for the request)."""
    if not hasattr(user, "_co_host_organisation_ids"):
        user._co_host_organisation_ids = list(
            CoHostStaff.objects.filter(user=user).values_list("organisation_id", flat=True)
        )
    return user._co_host_organisation_ids


def co_hosted_dialogues(user) -> QuerySet[Dialogue]:
    return Dialogue.objects.filter(co_hosts__in=co_host_organisation_ids(user)).distinct()


def limit_dialogues(queryset: QuerySet, user, path: str = "") -> QuerySet:
    """The rows of the queryset that belong to the user's co-hosted dialogues when the user is
    a co-host (`path` leads from the row to its dialogue, "" for dialogues themselves); the
    queryset unchanged for everyone else."""
    if not is_co_host(user):
        return queryset
    field = f"{path}__pk__in" if path else "pk__in"
    return queryset.filter(**{field: co_hosted_dialogues(user).values("pk")})


def limit_speakers(queryset: QuerySet[Speaker], user) -> QuerySet[Speaker]:
    """A co-host's speakers: those with a part in one of their dialogues, and those the user
    added (not yet given a part)."""
    if not is_co_host(user):
        return queryset
    with_a_part = limit_dialogues(Speaker.objects.all(), user, "roles__dialogue")
    return queryset.filter(Q(pk__in=with_a_part.values("pk")) | Q(added_by=user))


def limit_registrations(queryset: QuerySet[Registration], user) -> QuerySet[Registration]:
    """A co-host's registrants: of their dialogues, and only those who agreed, at registration
    or since, to share their details with one of the user's organisations co-hosting it."""
    if not is_co_host(user):
        return queryset
    shared = Registration.shares_details_with.through.objects.filter(
        registration=OuterRef("pk"),
        organisation__in=co_host_organisation_ids(user),
        organisation__co_hosted_dialogues=OuterRef("dialogue"),
    )
    return queryset.filter(Exists(shared))


def check_may_be_co_host(user: User | None) -> None:
    """Raise CoHostError if the account cannot be a co-host: an organiser would be limited."""
    if user is not None and (
        user.is_superuser or user.groups.filter(name__in=[EDITORS, PUBLISHERS]).exists()
    ):
        raise CoHostError(
            _("%(user)s is an organiser: a co-host account would limit them to its dialogues.")
            % {"user": user}
        )


def add_co_host_staff(
    organisation: Organisation, email: str, *, actor, first_name: str = "", last_name: str = ""
) -> CoHostStaff:
    """Link the account of this e-mail address (created, without a password, if there is none:
    its owner sets one with "Forgot your password?") to the organisation as co-host staff. The
    account gets the staff flag and the Co-hosts group. Linking twice changes nothing."""
    if actor is None or not actor.has_perm("dialogues.add_cohoststaff"):
        raise CoHostError(_("Only publishers may give co-host accounts."))
    email = User.objects.normalize_email(email.strip())
    user = User.objects.filter(email__iexact=email).first()
    check_may_be_co_host(user)
    with transaction.atomic():
        if user is None:
            user = User.objects.create_user(email=email, first_name=first_name, last_name=last_name)
            # The organiser vouches for the address; setting a password proves it again.
            EmailAddress.objects.get_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
        link, created = CoHostStaff.objects.get_or_create(
            user=user, organisation=organisation, defaults={"added_by": actor}
        )
        if not created:
            return link
        if not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        user.groups.add(Group.objects.get(name=CO_HOSTS))
        log_action(user, "add_co_host", actor=actor, after={"organisation": organisation.pk})
    return link


def remove_co_host_staff(link: CoHostStaff, *, actor) -> None:
    """Unlink the user from the organisation; without another co-host link they lose the
    Co-hosts group and, holding no other group, the staff flag (their member account stays)."""
    if actor is None or not actor.has_perm("dialogues.delete_cohoststaff"):
        raise CoHostError(_("Only publishers may remove co-host accounts."))
    with transaction.atomic():
        user = link.user
        log_action(
            user, "remove_co_host", actor=actor, before={"organisation": link.organisation_id}
        )
        link.delete()
        if CoHostStaff.objects.filter(user=user).exists():
            return
        user.groups.remove(Group.objects.get(name=CO_HOSTS))
        if user.is_staff and not user.is_superuser and not user.groups.exists():
            user.is_staff = False
            user.save(update_fields=["is_staff"])


def stop_sharing_details(registration: Registration, *, actor) -> bool:
    """The member withdraws their agreement to share details with the dialogue's co-hosts:
    from now on no co-host sees the registration. Returns whether anything was shared."""
    if actor is None or registration.member is None or registration.member.user_id != actor.pk:
        raise CoHostError(_("Only the registrant may change what they share."))
    with transaction.atomic():
        removed, _counts = Registration.shares_details_with.through.objects.filter(
            registration=registration
        ).delete()
        if removed:
            log_action(
                registration,
                "stop_sharing",
                actor=actor,
                before={"shares_details_with": removed},
                subject=registration.member,
            )
    return bool(removed)


__all__ = [
    "CoHostError",
    "check_may_be_co_host",
    "add_co_host_staff",
    "co_host_organisation_ids",
    "co_hosted_dialogues",
    "limit_dialogues",
    "limit_registrations",
    "limit_speakers",
    "remove_co_host_staff",
    "stop_sharing_details",
]
