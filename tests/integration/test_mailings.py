"""Curated and registration mail against the real parts: the registration task and the
deliveries run in a Celery worker process on Redis, and a real SMTP server (aiosmtpd) on
loopback receives what they send."""

import email
import email.policy
import time
import uuid

import pytest
from django.conf import settings
from icalendar import Calendar

from a4ep_portal.celery import app
from dialogues.services import RegistrationDetails, draft_invitation, register_member
from members.models import Delivery, Mailing, Member
from members.services import move_mailing
from tests.factories import DialogueFactory, EditorFactory, PublisherFactory, UserFactory, utc

from .conftest import start_celery_worker, stop_celery_worker

pytestmark = [
    pytest.mark.redis,
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
]

JOIN = "https://zoom.us/j/123456789?pwd=secret-join-link"


@pytest.fixture
def queue(settings):
    """A queue of this test's own for the deliveries and the registration task, so that only
    this test's worker takes them."""
    name = f"test-mailings-{uuid.uuid4().hex}"
    settings.MAIL_QUEUE = name
    previous = app.conf.task_routes
    _route({"dialogues.make_registration_message": {"queue": name}})
    yield name
    _route(previous)


def _route(routes) -> None:
    """Celery builds its router once per process, from the routes of the first task sent:
    after another test has sent one, changing app.conf.task_routes alone routes nothing."""
    app.conf.task_routes = routes
    app.amqp.flush_routes()
    del app.amqp.router  # cached; rebuilt from the routes just flushed


@pytest.fixture
def worker(child_env, smtp_server, queue, tmp_path):
    log_path = tmp_path / "worker.log"
    env = {
        **child_env,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_server.port}",
        "SITE_URL": settings.SITE_URL,
        "MAIL_QUEUE": queue,
        "LOG_LEVEL": "WARNING",
    }
    process = start_celery_worker(queue, queue, env, log_path)
    yield process
    stop_celery_worker(process)


def wait_for(smtp_server, count: int, worker) -> None:
    deadline = time.monotonic() + 60
    while smtp_server.count() < count:
        assert worker.poll() is None, "the worker died"
        assert time.monotonic() < deadline, f"only {smtp_server.count()} of {count} arrived"
        time.sleep(0.05)
    time.sleep(0.5)  # nothing more should come


def received(smtp_server) -> dict[tuple[str, str], email.message.EmailMessage]:
    messages = {}
    for rcpts, content in smtp_server.messages:
        message = email.message_from_bytes(content, policy=email.policy.default)
        for rcpt in rcpts:
            key = (rcpt, str(message["Subject"]))
            assert key not in messages, f"{key} arrived twice"
            messages[key] = message
    return messages


def html_of(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def member(email_address: str, *, language: str, zone: str, **preferences) -> Member:
    person = UserFactory(email=email_address, first_name=email_address.split("@")[0].title())
    Member.objects.filter(user=person).update(
        preferred_language=language, time_zone=zone, **preferences
    )
    return Member.objects.get(user=person)


def test_confirmation_and_invitation_through_a_worker_in_each_recipients_language_and_zone(
    smtp_server, worker
):
    dialogue = DialogueFactory(
        title="Accountability", slug="accountability", starts_at=utc(2099, 3, 10, 12)
    )
    editor, publisher = EditorFactory(), PublisherFactory()
    Member.objects.filter(user__in=[editor, publisher]).update(wants_invitations=False)
    amina = member("amina@example.org", language="fr", zone="Asia/Karachi")
    member("bob@example.org", language="en", zone="America/Lima")
    member("carl@example.org", language="en", zone="UTC", wants_invitations=False)

    # The web request's part: the registration, and the task queued after its commit.
    register_member(dialogue, amina, RegistrationDetails())
    wait_for(smtp_server, 1, worker)
    # Amina reads French: the subject is in French too (with French typography's no-break
    # space before the colon).
    confirmation = received(smtp_server)[
        ("amina@example.org", "Vous êtes inscrit(e)\u00a0: Accountability")
    ]
    assert '<html lang="fr" dir="ltr">' in html_of(confirmation)
    assert "17:00 (Asia/Karachi)" in text_of(confirmation)
    assert JOIN in text_of(confirmation)
    (calendar,) = list(confirmation.iter_attachments())
    assert (calendar.get_filename(), calendar.get_content_type()) == (
        "accountability.ics",
        "text/calendar",
    )
    event = Calendar.from_ical(calendar.get_content()).walk("VEVENT")[0]
    assert JOIN in str(event["DESCRIPTION"])

    invitation = draft_invitation(dialogue, actor=editor)
    Mailing.objects.filter(pk=invitation.pk).update(guest_addresses="new@ngo.example.net")
    invitation.refresh_from_db()
    move_mailing(invitation, "submit", actor=editor)
    move_mailing(invitation, "approve", actor=publisher)
    wait_for(smtp_server, 4, worker)

    messages = received(smtp_server)
    subject = "Invitation: Accountability"
    assert sorted(rcpt for rcpt, title in messages if title == subject) == [
        "bob@example.org",
        "new@ngo.example.net",
    ]
    # The invitation was drafted in every language: Amina reads it in French.
    to_amina = messages[("amina@example.org", "Invitation\u00a0: Accountability")]
    assert "Bonjour Amina," in text_of(to_amina)
    assert '<html lang="fr" dir="ltr">' in html_of(to_amina)
    assert "17:00 (Asia/Karachi)" in text_of(to_amina)
    to_bob = messages[("bob@example.org", subject)]
    assert "07:00 (America/Lima)" in text_of(to_bob)
    assert f"{settings.SITE_URL}/dialogues/accountability/register/" in text_of(to_bob)
    assert str(to_bob["List-Unsubscribe-Post"]) == "List-Unsubscribe=One-Click"
    assert JOIN not in text_of(to_bob)
    to_guest = messages[("new@ngo.example.net", subject)]
    assert "12:00 (UTC)" in text_of(to_guest)
    assert "/accounts/signup/?next=%2Fdialogues%2Faccountability%2Fregister%2F" in text_of(to_guest)
    assert to_guest["List-Unsubscribe"] is None
    statuses = dict(invitation.deliveries.values_list("address", "status"))
    assert statuses["carl@example.org"] == Delivery.Status.SKIPPED
    assert Mailing.objects.get(pk=invitation.pk).guest_addresses == ""


def test_the_date_set_reaches_everyone_who_asked_once_through_a_worker(smtp_server, worker, queue):
    from django.db import transaction

    from dialogues.models import DateAlert, Dialogue
    from dialogues.services.alerts import (
        ask_as_member,
        ask_by_address,
        confirm_address,
        tell_date_set,
    )

    _route(
        {
            "dialogues.make_registration_message": {"queue": queue},
            "dialogues.make_date_alerts": {"queue": queue},
        }
    )
    dialogue = DialogueFactory(
        title="Funding",
        slug="funding",
        starts_at=utc(2099, 10, 1, 12),
        time_zone="Asia/Karachi",
        date_precision=Dialogue.DatePrecision.MONTH,
    )
    amina = member("amina@example.org", language="fr", zone="Africa/Nairobi")
    ask_as_member(dialogue, amina)
    ask_by_address(dialogue, "guest@example.net", "ar")
    ask_by_address(dialogue, "never-confirmed@example.net", "en")
    wait_for(smtp_server, 2, worker)  # the two confirmations
    confirm_address(DateAlert.objects.get(email="guest@example.net"))

    def set_the_time(hour: int) -> int:
        with transaction.atomic():
            dialogue.date_precision = Dialogue.DatePrecision.EXACT
            dialogue.starts_at = utc(2099, 10, 14, hour)
            dialogue.save()
            return tell_date_set(dialogue)

    assert set_the_time(12) == 2
    wait_for(smtp_server, 4, worker)
    assert set_the_time(13) == 0
    time.sleep(1)
    assert smtp_server.count() == 4

    messages = received(smtp_server)
    to_amina = messages[("amina@example.org", "La date est fixée\u00a0: Funding")]
    assert "**14 octobre 2099 15:00 (Africa/Nairobi, UTC+03:00)**" in text_of(to_amina)
    to_guest = messages[("guest@example.net", "حُدِّد الموعد: Funding")]
    assert '<html lang="ar" dir="rtl">' in html_of(to_guest)
    assert "17:00 (Asia/Karachi, UTC+05:00)**" in text_of(to_guest)
    assert "/ar/date-alerts/" in str(to_guest["List-Unsubscribe"])
    assert [rcpt for rcpt, _subject in messages].count("never-confirmed@example.net") == 1
