"""The message a delivery sends: the mailing's Markdown body in the site's mail layout, as
text and HTML, in the member's language and time zone, with one-click unsubscribe headers
on everything but transactional mail.

A worker composes thousands of messages per mailing, so the layout is rendered once per
(language, zone) with tokens where per-recipient values go; each message then only swaps
its values in.
"""

import re
import zoneinfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from a4ep_portal.richtext import render_markdown

from ..models import Delivery, Mailing
from ..unsubscribe import make_token, unsubscribe_mailto, unsubscribe_url

# What an editor may write in a body or subject, as {{ first_name }}.
PLACEHOLDERS = ("first_name", "full_name", "email", "profile_url", "preferences_url")
# Further per-recipient values the layout uses.
VALUES = (*PLACEHOLDERS, "unsubscribe_url")
PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")
# Letters and digits only, so that neither Markdown nor the HTML sanitiser touches them.
TOKEN = re.compile(r"qqa4ep(\d+)qq")


def _token(name: str) -> str:
    return f"qqa4ep{VALUES.index(name)}qq"


def _tokenise(text: str) -> str:
    return PLACEHOLDER.sub(
        lambda m: _token(m.group(1)) if m.group(1) in PLACEHOLDERS else m.group(0), text
    )


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


class Composer:
    """Composes the messages of one mailing; keeps its rendered layouts while it lives."""

    def __init__(self, mailing: Mailing) -> None:
        self.mailing = mailing
        self.bulk = not mailing.is_transactional()
        self.subject = _tokenise(mailing.subject)
        self._layouts: dict[tuple[str, str], tuple[str, str]] = {}
        # Reversed once per language: thousands of messages share them.
        self._member_urls: dict[str, tuple[str, str]] = {}
        self.unsubscribe_url = unsubscribe_url("TOKEN")

    def member_urls(self, language: str) -> tuple[str, str]:
        """The profile and mail preferences pages in this language (/fr/me/ ...)."""
        if language not in self._member_urls:
            with translation.override(language):
                self._member_urls[language] = (
                    settings.SITE_URL + reverse("profile"),
                    settings.SITE_URL + reverse("mail_preferences"),
                )
        return self._member_urls[language]

    def _layout(self, language: str, zone: str) -> tuple[str, str]:
        key = (language, zone)
        if key not in self._layouts:
            body = _tokenise(self.mailing.body)
            with translation.override(language), timezone.override(_zone(zone)):
                context = {
                    "mailing": self.mailing,
                    "subject": self.subject,
                    "dialogue": self.mailing.dialogue,
                    "kind": self.mailing.get_kind_display(),
                    "bulk": self.bulk,
                    "body_text": body,
                    "body_html": render_markdown(body),
                    "zone": zone,
                    "site_url": settings.SITE_URL,
                    **{name: _token(name) for name in VALUES},
                }
                self._layouts[key] = (
                    render_to_string("members/mail/message.txt", context),
                    render_to_string("members/mail/message.html", context),
                )
        return self._layouts[key]

    def values(self, delivery: Delivery, token: str) -> dict[str, str]:
        user = delivery.member.user
        language = delivery.member.preferred_language
        profile_url, preferences_url = self.member_urls(language)
        participant = ""
        if not user.first_name:
            with translation.override(language):
                participant = _("participant")
        return {
            "first_name": user.first_name or participant,
            "full_name": user.get_full_name() or user.first_name or participant,
            "email": delivery.address,
            "profile_url": profile_url,
            "preferences_url": preferences_url,
            "unsubscribe_url": self.unsubscribe_url.replace("TOKEN", token) if token else "",
        }

    def compose(self, delivery: Delivery) -> EmailMultiAlternatives:
        member = delivery.member
        text, html = self._layout(member.preferred_language, member.time_zone)
        token = make_token(member.pk, self.mailing.kind) if self.bulk else ""
        values = self.values(delivery, token)
        ordered = [values[name] for name in VALUES]
        escaped = [escape(value) for value in ordered]
        headers = {}
        if self.bulk:
            headers = {
                # RFC 2369 and RFC 8058: mail clients offer "unsubscribe", and one click
                # POSTs List-Unsubscribe=One-Click to the HTTPS link.
                "List-Unsubscribe": (
                    f"<{values['unsubscribe_url']}>, <{unsubscribe_mailto(token)}>"
                ),
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            }
        message = EmailMultiAlternatives(
            subject=TOKEN.sub(lambda m: ordered[int(m.group(1))], self.subject),
            body=TOKEN.sub(lambda m: ordered[int(m.group(1))], text),
            to=[delivery.address],
            headers=headers,
        )
        message.attach_alternative(TOKEN.sub(lambda m: escaped[int(m.group(1))], html), "text/html")
        return message
