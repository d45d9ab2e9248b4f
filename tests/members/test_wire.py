"""Outbox messages written directly (members/services/wire.py) read exactly as Django's own
build of the same message: same headers, same parts, same text, same encodings."""

import copy
import email
import email.policy
import re

import pytest
from django.conf import settings
from django.core.mail.message import SafeMIMEMultipart

from members.models import Delivery
from members.services.composing import Composer
from members.services.wire import ComposedMessage, WireMessage
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

UNSUBSCRIBE = (
    "<https://dialogues.a4ep.example/unsubscribe/eyJtIjoxMiwiayI6Im5ld3MifQ:1tAbCd:"
    "Zm9vYmFyYmF6cXV4cXV1eHh5enp5MTIzNDU2Nzg5MA/>, "
    "<mailto:unsubscribe@a4ep.example.org?subject=eyJtIjoxMiwiayI6Im5ld3MifQ:1tAbCd>"
)


def message(subject="News for Mariam", body="Dear Mariam,\n\nNews.\n", html=None, **kwargs):
    composed = ComposedMessage(
        subject=subject,
        body=body,
        to=kwargs.pop("to", ["mariam@example.org"]),
        headers=kwargs.pop(
            "headers",
            {
                "List-Unsubscribe": UNSUBSCRIBE,
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        ),
        **kwargs,
    )
    composed.attach_alternative(html or f"<p>{body}</p>", "text/html")
    return composed


def read(data: bytes) -> dict:
    """What a mail client sees: every header (decoded, unfolded, runs of white space as one:
    the standard library folds some right after the colon) but the three that differ per
    build, and each part's type, encoding and decoded text."""
    parsed = email.message_from_bytes(data, policy=email.policy.default)
    headers = [
        (name, " ".join(str(value).split()))
        for name, value in parsed.items()
        if name not in {"Date", "Message-ID", "Content-Type"}
    ]
    parts = [
        (
            part.get_content_type(),
            part["Content-Transfer-Encoding"],
            part.get_content_charset(),
            part.get_content(),
        )
        for part in parsed.iter_parts()
    ]
    return {"type": parsed.get_content_type(), "headers": headers, "parts": parts}


def both(composed: ComposedMessage) -> tuple[bytes, bytes]:
    wire = composed.message().as_bytes(linesep="\r\n")
    django = super(ComposedMessage, composed).message().as_bytes(linesep="\r\n")
    return wire, django


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        ("News for Mariam", "Dear Mariam,\n\nThe third dialogue is announced.\n"),
        ("Nouvelles pour Zoë Ñandú", "Chère Zoë,\n\nLe troisième dialogue est annoncé.\n"),
        ("أخبار الحوار الثالث لمريم", "عزيزتي مريم،\n\nأُعلن عن الحوار الثالث."),
        (
            "A rather long subject for Mariam that runs well past seventy-eight characters",
            "Windows line ends\r\nand old Mac ones\rstay lines.",
        ),
        (
            "Une très longue ligne d’objet pour Zoë qui dépasse soixante-dix-huit caractères",
            "From the start of a line, nothing is mangled.\n",
        ),
    ],
)
def test_written_message_reads_as_djangos_build(subject, body):
    wire, django = both(message(subject=subject, body=body))

    assert read(wire) == read(django)
    assert read(wire)["type"] == "multipart/alternative"
    parsed = email.message_from_bytes(wire, policy=email.policy.default)
    assert re.fullmatch(r"<[^@<>]+@[^@<>]+>", parsed["Message-ID"])
    assert parsed["Date"].datetime is not None
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert parsed["List-Unsubscribe"] == UNSUBSCRIBE
    assert all(len(line) <= 998 for line in wire.split(b"\r\n"))


def test_composed_member_mail_is_written_directly_and_reads_as_djangos(make_mailing):
    user = UserFactory(first_name="Zoë", last_name="Ñandú", email="zoe@example.org")
    mailing = make_mailing(subject="Nouvelles pour {{ full_name }}")

    delivery = Delivery(mailing=mailing, member=user.member, address=user.email)

    composed = Composer(mailing).compose(delivery)

    assert isinstance(composed.message(), WireMessage)
    wire, django = both(composed)
    assert read(wire) == read(django)
    parsed = email.message_from_bytes(wire, policy=email.policy.default)
    assert parsed["Subject"] == "Nouvelles pour Zoë Ñandú"
    assert parsed["List-Unsubscribe"].startswith(f"<{settings.SITE_URL}/unsubscribe/")
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


@pytest.mark.parametrize(
    "change",
    [
        lambda m: m.attach("dialogue.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar"),
        lambda m: setattr(m, "body", "x" * 1200),  # longer than SMTP allows: quoted-printable
        lambda m: setattr(m, "to", ["zoë@exämple.org"]),
        lambda m: setattr(m, "cc", ["editor@example.org"]),
        lambda m: m.extra_headers.update({"X-Note": "für alle"}),
    ],
)
def test_anything_unusual_takes_djangos_build(change):
    composed = message()
    change(composed)

    built = composed.message()

    assert isinstance(built, SafeMIMEMultipart)
    assert composed.wire_bytes() is None


def test_long_line_goes_out_quoted_printable_as_django_sends_it():
    composed = message(body="x" * 1200)

    parsed = email.message_from_bytes(composed.message().as_bytes(), policy=email.policy.default)

    text = next(parsed.iter_parts())
    assert text["Content-Transfer-Encoding"] == "quoted-printable"
    assert text.get_content() == "x" * 1200


def test_header_injection_is_refused_as_django_refuses_it():
    from django.core.mail import BadHeaderError

    with pytest.raises(BadHeaderError):
        message(subject="Hello\r\nBcc: everyone@example.org").message()


def test_written_message_answers_as_a_parsed_message_where_asked():
    built = message(subject="Nouvelles pour Zoë").message()

    assert built["Subject"] == "=?utf-8?q?Nouvelles_pour_Zo=C3=AB?="
    assert built.is_multipart()
    assert built.as_bytes().count(b"\r\n") == 0  # the console and file backends' line ends
    assert copy.deepcopy(built).as_bytes(linesep="\r\n") == built.as_bytes(linesep="\r\n")
