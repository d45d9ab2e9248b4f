from django.db import transaction

from .models import Member, User


def ensure_member(user: User) -> Member:
    """Return the user's profile, creating an empty one if the user has none yet."""
    try:
        return user.member  # usually loaded already by the time zone middleware
    except Member.DoesNotExist:
        member, _created = Member.objects.get_or_create(user=user)
        return member


@transaction.atomic
def update_signup_profile(
    user: User, *, first_name: str, last_name: str, country: str, time_zone: str
) -> Member:
    """Store what the sign-up form asked: the name on the user, the rest on the profile."""
    user.first_name = first_name
    user.last_name = last_name
    user.save(update_fields=["first_name", "last_name"])
    member = ensure_member(user)
    member.country = country
    member.time_zone = time_zone
    member.save(update_fields=["country", "time_zone"])
    return member


def set_member_time_zone(member: Member, time_zone: str) -> None:
    """Change the zone every time is shown in for this member."""
    if member.time_zone == time_zone:
        return
    member.time_zone = time_zone
    member.save(update_fields=["time_zone"])
