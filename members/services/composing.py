"""The message a delivery sends: the mailing's Markdown body in the site's mail layout, as
text and HTML, in the member's language and time zone, with one-click unsubscribe headers
on everything but transactional mail, and the mailing's attachments. A non-member invited by
address gets the site's language, UTC, a sign-up link and no unsubscribe link (there is
nothing to unsubscribe from: the address is kept only for this mailing's delivery record).

A worker composes thousands of messages per mailing, so the layout is rendered once per
(language, zone) with tokens where per-recipient values go; each message then only swaps
its values in.
"""

import re
import zoneinfo

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from a4ep_portal.richtext import render_markdown

from ..models import Delivery, Mailing
from ..unsubscribe import make_token, unsubscribe_mailto, unsubscribe_url
from .wire import ComposedMessage

# What an editor may write in a body or subject, as {{ first_name }}.
PLACEHOLDERS = ("first_name", "full_name", "email", "profile_url", "preferences_url")
# Further per-recipient values the layout uses; register_url is the dialogue's register form
# for members and the sign-up form (coming back to it) for non-members.
VALUES = (*PLACEHOLDERS, "unsubscribe_url", "register_url")
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
        self._layouts: dict[tuple[str, str, bool], tuple[str, str, str]] = {}
        # Reversed once per language: thousands of messages share them.
        self._member_urls: dict[str, dict[str, str]] = {}
        self.unsubscribe_url = unsubscribe_url("TOKEN")
        # Guests (invited by address) get English and a sign-up link that leads to registering.
        self.signup_url = ""
        if mailing.dialogue_id:
            with translation.override(settings.LANGUAGE_CODE):
                register = reverse("dialogues:register", kwargs={"slug": mailing.dialogue.slug})
                signup = reverse("account_signup") + "?" + urlencode({"next": register})
            self.signup_url = settings.SITE_URL + signup
        self.attachments = [
            (attachment.filename, bytes(attachment.content), attachment.content_type)
            for attachment in mailing.attachments.all()
        ]

    def member_urls(self, language: str) -> dict[str, str]:
        """The profile, mail preferences and register pages in this language (/fr/me/ ...)."""
        if language not in self._member_urls:
            with translation.override(language):
                urls = {
                    "profile_url": settings.SITE_URL + reverse("profile"),
                    "preferences_url": settings.SITE_URL + reverse("mail_preferences"),
                    "register_url": "",
                }
                if self.mailing.dialogue_id:
                    urls["register_url"] = settings.SITE_URL + reverse(
                        "dialogues:register", kwargs={"slug": self.mailing.dialogue.slug}
                    )
            self._member_urls[language] = urls
        return self._member_urls[language]

    def _layout(self, language: str, zone: str, guest: bool = False) -> tuple[str, str, str]:
        """(subject, text, HTML) in this language and zone, with tokens for the recipient's
        values. The subject and body are the mailing's in this language, else its original."""
        key = (language, zone, guest)
        if key not in self._layouts:
            with translation.override(language), timezone.override(_zone(zone)):
                subject = _tokenise(self.mailing.subject)
                body = _tokenise(self.mailing.body)
                context = {
                    "mailing": self.mailing,
                    "subject": subject,
                    "dialogue": self.mailing.dialogue,
                    "kind": self.mailing.get_kind_display(),
                    "bulk": self.bulk,
                    "body_text": body,
                    "body_html": render_markdown(body),
                    "zone": zone,
                    "guest": guest,
                    "site_url": settings.SITE_URL,
                    **{name: _token(name) for name in VALUES},
                }
                self._layouts[key] = (
                    subject,
                    render_to_string("members/mail/message.txt", context),
                    render_to_string("members/mail/message.html", context),
                )
        return self._layouts[key]

    def values(self, delivery: Delivery, token: str) -> dict[str, str]:
        if delivery.member is None:
            return self.guest_values(delivery)
        user = delivery.member.user
        language = delivery.member.preferred_language
        urls = self.member_urls(language)
        participant = ""
        if not user.first_name:
            with translation.override(language):
                participant = _("participant")
        return {
            "first_name": user.first_name or participant,
            "full_name": user.get_full_name() or user.first_name or participant,
            "email": delivery.address,
            "profile_url": urls["profile_url"],
            "preferences_url": urls["preferences_url"],
            "unsubscribe_url": self.unsubscribe_url.replace("TOKEN", token) if token else "",
            "register_url": urls["register_url"],
        }

    def guest_values(self, delivery: Delivery) -> dict[str, str]:
        with translation.override(self.mailing.guest_language or settings.LANGUAGE_CODE):
            participant = _("participant")
        return {
            **dict.fromkeys(VALUES, ""),
            "first_name": participant,
            "full_name": participant,
            "email": delivery.address,
            "register_url": self.signup_url,
            "unsubscribe_url": self.mailing.guest_unsubscribe_url,
        }

    def compose(self, delivery: Delivery) -> ComposedMessage:
        member = delivery.member
        if member is None:
            subject, text, html = self._layout(
                self.mailing.guest_language or settings.LANGUAGE_CODE,
                self.mailing.guest_time_zone or "UTC",
                guest=True,
            )
        else:
            subject, text, html = self._layout(member.preferred_language, member.time_zone)
        token = make_token(member.pk, self.mailing.kind) if self.bulk and member else ""
        values = self.values(delivery, token)
        ordered = [values[name] for name in VALUES]
        escaped = [escape(value) for value in ordered]
        headers = {}
        if member is None and self.mailing.guest_unsubscribe_url:
            headers = {
                "List-Unsubscribe": f"<{self.mailing.guest_unsubscribe_url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            }
        if self.bulk and token:
            headers = {
                # RFC 2369 and RFC 8058: mail clients offer "unsubscribe", and one click
                # POSTs List-Unsubscribe=One-Click to the HTTPS link.
                "List-Unsubscribe": (
                    f"<{values['unsubscribe_url']}>, <{unsubscribe_mailto(token)}>"
                ),
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            }
        message = ComposedMessage(
            subject=TOKEN.sub(lambda m: ordered[int(m.group(1))], subject),
            body=TOKEN.sub(lambda m: ordered[int(m.group(1))], text),
            to=[delivery.address],
            headers=headers,
        )
        message.attach_alternative(TOKEN.sub(lambda m: escaped[int(m.group(1))], html), "text/html")
        for filename, content, content_type in self.attachments:
            message.attach(filename, content, content_type)
        return message
