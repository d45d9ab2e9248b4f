"""Signed unsubscribe links: a token names one member and one kind of mailing, so that a POST
to its link (RFC 8058 one-click, from a mail client, without login or cookies) stops that
kind only. Tokens do not expire: a link in an old message must keep working."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from .models import PREFERENCE_FIELDS

SALT = "members.unsubscribe"


def make_token(member_id: int, kind: str) -> str:
    return signing.Signer(salt=SALT).sign_object([member_id, str(kind)])


def read_token(token: str) -> tuple[int, str] | None:
    """(member id, kind) of a valid token; None if it was tampered with or is unknown."""
    try:
        member_id, kind = signing.Signer(salt=SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(member_id, int) or kind not in PREFERENCE_FIELDS:
        return None
    return member_id, kind


def unsubscribe_url(token: str) -> str:
    return settings.SITE_URL + reverse("unsubscribe", kwargs={"token": token})


def unsubscribe_mailto(token: str) -> str:
    return f"mailto:{settings.MAIL_UNSUBSCRIBE_ADDRESS}?subject=unsubscribe%20{token}"
