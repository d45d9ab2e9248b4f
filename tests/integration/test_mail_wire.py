"""A message the outbox writes directly goes over a real SMTP connection (aiosmtpd on
loopback) to the right recipient, byte for byte as written, and reads as it should."""

import email
import email.policy

from django.core.mail import get_connection

from members.services import wire
from members.services.wire import ComposedMessage


class Recorded(ComposedMessage):
    """Keeps the bytes it was written as."""

    def wire_bytes(self) -> bytes | None:
        self.written = super().wire_bytes()
        return self.written


def test_written_message_arrives_over_smtp_as_written(smtp_server, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    message = Recorded(
        subject="Nouvelles pour Zoë",
        body="Chère Zoë,\n\n.A line that starts with a dot survives SMTP.\n",
        to=["zoe@example.org"],
        headers={"List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )
    message.attach_alternative("<p>Chère Zoë</p>", "text/html")
    backend = get_connection()
    backend.open()
    try:
        wire.send(backend, message)
    finally:
        backend.close()

    [(recipients, content)] = smtp_server.messages
    assert recipients == ["zoe@example.org"]
    assert content == message.written
    parsed = email.message_from_bytes(content, policy=email.policy.default)
    assert parsed["Subject"] == "Nouvelles pour Zoë"
    assert parsed["From"] == "A4EP Dialogues <dialogues@a4ep.example.org>"
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text, html = parsed.iter_parts()
    assert text.get_content().splitlines() == [
        "Chère Zoë,",
        "",
        ".A line that starts with a dot survives SMTP.",
    ]
    assert html.get_content() == "<p>Chère Zoë</p>"
