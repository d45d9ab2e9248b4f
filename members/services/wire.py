"""The bytes of an outbox message, written directly for the common case.

Django builds every message as a tree of email.mime objects and flattens it with the
standard library's generator, which folds and re-encodes every header of every part: for a
mailing that is most of a worker's time. The outbox's messages almost always have one shape,
text plus HTML in UTF-8 with a handful of ASCII headers, and that shape is written here
directly, as the generator would write it. Anything else (attachments, other alternatives,
Cc or Reply-To, a non-ASCII or oddly formed address or header, a body line longer than SMTP
allows) goes through Django's own build, unchanged.
"""

import email
import functools
import re
import secrets
import sys
from email.header import Header
from email.utils import formatdate, make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.mail.message import RFC5322_EMAIL_LINE_LENGTH_LIMIT, sanitize_address
from django.core.mail.utils import DNS_NAME

# Headers this module writes itself; extra headers by these names take Django's build.
OWN_HEADERS = {"content-type", "mime-version", "subject", "from", "to", "date", "message-id"}
# A plain address: nothing that would need quoting, encoding or punycode.
PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+")
# Folded header lines stay within this length where the value allows (RFC 5322, 2.1.1).
FOLD_AT = 78
LINE_ENDINGS = re.compile(r"\r\n|\r|\n")


def _ascii(value: str) -> bool:
    return value.isascii() and "\r" not in value and "\n" not in value


def _fold(name: str, value: str) -> str:
    """An ASCII header line, folded at spaces to keep lines short."""
    line, lines = f"{name}:", []
    for word in value.split(" "):
        if len(line) + 1 + len(word) > FOLD_AT and line != f"{name}:":
            lines.append(line)
            line = ""
        line = f"{line} {word}"
    lines.append(line)
    return "\r\n".join(lines)


def _subject(subject: str) -> str:
    if _ascii(subject) and len("Subject: ") + len(subject) <= FOLD_AT:
        return f"Subject: {subject}"
    # RFC 2047 encoded words, folded, exactly as Django encodes a subject.
    charset = None if subject.isascii() else "utf-8"
    encoded = Header(subject, charset, header_name="Subject").encode(linesep="\r\n")
    return f"Subject: {encoded}"


def _part(content: str, subtype: str) -> str | None:
    """A text part as the generator writes it: 7bit when ASCII, else 8bit UTF-8, with CRLF
    line endings; None when a line is too long for SMTP (Django quoted-prints those)."""
    lines = LINE_ENDINGS.split(content)
    if any(len(line.encode()) > RFC5322_EMAIL_LINE_LENGTH_LIMIT for line in lines):
        return None
    encoding = "7bit" if content.isascii() else "8bit"
    return (
        f'Content-Type: text/{subtype}; charset="utf-8"\r\nMIME-Version: 1.0\r\n'
        f"Content-Transfer-Encoding: {encoding}\r\n\r\n" + "\r\n".join(lines)
    )


class WireMessage:
    """Serialised message bytes with the interface mail backends use (as_bytes, as_string);
    anything else is answered by the parsed message."""

    def __init__(self, data: bytes) -> None:
        self.data = data  # with CRLF line endings, as SMTP sends them

    def as_bytes(self, unixfrom: bool = False, linesep: str = "\n") -> bytes:
        return self.data if linesep == "\r\n" else self.data.replace(b"\r\n", linesep.encode())

    def as_string(self, unixfrom: bool = False, linesep: str = "\n") -> str:
        return self.as_bytes(linesep=linesep).decode()

    def __getattr__(self, name: str):
        if name == "data":  # not set yet (a copy being made): nothing to parse
            raise AttributeError(name)
        return getattr(email.message_from_bytes(self.data), name)

    def __getitem__(self, name: str):
        return email.message_from_bytes(self.data)[name]


class ComposedMessage(EmailMultiAlternatives):
    """An outbox message. Same contents and API as Django's; message() writes the common
    case (text and one HTML alternative, no attachments) directly."""

    def message(self):
        data = self.wire_bytes()
        return WireMessage(data) if data is not None else super().message()

    def wire_bytes(self) -> bytes | None:
        """The message as SMTP sends it, or None when it takes Django's full build."""
        if (
            self.attachments
            or self.cc
            or self.reply_to
            or self.bcc
            or (self.encoding or settings.DEFAULT_CHARSET).lower() != "utf-8"
            or [mimetype for _content, mimetype in self.alternatives] != ["text/html"]
            or not self.body
            or len(self.to) != 1
            or not PLAIN_ADDRESS.fullmatch(self.to[0])
            or not _ascii(self.from_email)
            or "\r" in self.subject
            or "\n" in self.subject
        ):
            return None
        extra = []
        for name, value in self.extra_headers.items():
            if name.lower() in OWN_HEADERS or not _ascii(name) or not _ascii(str(value)):
                return None
            line = _fold(name, str(value))
            if any(len(part) > RFC5322_EMAIL_LINE_LENGTH_LIMIT for part in line.split("\r\n")):
                return None
            extra.append(line)
        text = _part(self.body, "plain")
        html = _part(self.alternatives[0].content, "html")
        if text is None or html is None:
            return None
        # As the standard library makes it, and never found inside the message.
        boundary = "=" * 15 + f"{secrets.randbelow(sys.maxsize):019d}" + "=="
        if boundary in text or boundary in html:
            return None
        headers = [
            f'Content-Type: multipart/alternative;\r\n boundary="{boundary}"',
            "MIME-Version: 1.0",
            _subject(self.subject),
            _fold("From", self.from_email),
            f"To: {self.to[0]}",
            f"Date: {formatdate(localtime=settings.EMAIL_USE_LOCALTIME)}",
            f"Message-ID: {make_msgid(domain=DNS_NAME)}",
            *extra,
        ]
        return (
            "\r\n".join(headers)
            + f"\r\n\r\n--{boundary}\r\n{text}\r\n--{boundary}\r\n{html}\r\n--{boundary}--\r\n"
        ).encode()


def send(backend, message: EmailMultiAlternatives) -> None:
    """Send one message over an open mail backend. Over Django's SMTP backend a message with
    wire bytes goes straight to the SMTP connection, without the backend parsing both
    addresses again for every message (it checked them when composing: plain addresses)."""
    data = message.wire_bytes() if isinstance(message, ComposedMessage) else None
    if data is None or not isinstance(backend, SMTPBackend) or backend.connection is None:
        backend.send_messages([message])
        return
    backend.connection.sendmail(_envelope_sender(message.from_email), message.recipients(), data)


@functools.cache
def _envelope_sender(from_email: str) -> str:
    return sanitize_address(from_email, "utf-8")
