"""The outbox in-process: deliveries, preferences, headers, errors and recovery."""

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from a4ep_portal.models import AuditEntry
from a4ep_portal.workflow import State, WorkflowError
from members.models import Delivery, Mailing, MailKind
from members.services import (
    MailingError,
    requeue_stuck_deliveries,
    retry_failed_deliveries,
    send_delivery_batch,
    send_mailing,
    send_transactional,
)
from members.unsubscribe import make_token
from tests.factories import (
    DialogueFactory,
    EditorFactory,
    PublisherFactory,
    RegistrationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def statuses(mailing) -> dict[str, str]:
    return dict(mailing.deliveries.values_list("address", "status"))


def test_send_mailing_mails_opted_in_members_and_skips_the_rest(
    make_mailing, django_capture_on_commit_callbacks
):
    keen = UserFactory(email="keen@example.org", first_name="Keen").member
    keen.wants_news = True
    keen.save()
    UserFactory(email="quiet@example.org")  # news is opt-in: off by default
    gone = UserFactory(email="gone@example.org", is_active=False).member
    gone.wants_news = True
    gone.save()
    mailing = make_mailing()

    with django_capture_on_commit_callbacks(execute=True):
        send_mailing(mailing)

    mailing.refresh_from_db()
    assert mailing.state == State.PUBLISHED
    assert mailing.sent_at is not None
    assert statuses(mailing) == {
        "keen@example.org": "sent",
        "quiet@example.org": "skipped",
        "gone@example.org": "skipped",
    }
    assert dict(mailing.deliveries.values_list("address", "last_error")) == {
        "keen@example.org": "",
        "quiet@example.org": "The member opted out of this kind of mail.",
        "gone@example.org": "The account is inactive.",
    }
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["keen@example.org"]
    assert message.subject == "News for Keen"
    assert message.body.startswith("Dear Keen,\n\nThe **third** dialogue is announced.\n")
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "<p>Dear Keen,</p>\n<p>The <strong>third</strong> dialogue is announced.</p>" in html
    token = make_token(keen.pk, MailKind.NEWS)
    assert message.extra_headers == {
        "List-Unsubscribe": (
            f"<http://127.0.0.1:8000/unsubscribe/{token}/>, "
            f"<mailto:unsubscribe@a4ep.example.org?subject=unsubscribe%20{token}>"
        ),
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    assert f"http://127.0.0.1:8000/unsubscribe/{token}/" in message.body
    assert f'<a href="http://127.0.0.1:8000/unsubscribe/{token}/">' in html


def test_sending_again_creates_no_second_delivery(make_mailing, django_capture_on_commit_callbacks):
    UserFactory()
    mailing = make_mailing(kind=MailKind.INVITATION)
    with django_capture_on_commit_callbacks(execute=True):
        send_mailing(mailing)
        send_mailing(mailing)
        send_mailing(Mailing.objects.get(pk=mailing.pk))
    assert mailing.deliveries.count() == 1
    assert len(mail.outbox) == 1


def test_a_redelivered_batch_sends_nothing_twice(make_mailing, django_capture_on_commit_callbacks):
    for _ in range(3):
        UserFactory()
    mailing = make_mailing(kind=MailKind.REMINDER)
    with django_capture_on_commit_callbacks(execute=True):
        send_mailing(mailing)
    ids = list(mailing.deliveries.values_list("pk", flat=True))

    outcome = send_delivery_batch(ids)

    assert (outcome.sent, outcome.failed, outcome.skipped) == (0, 0, 0)
    assert len(mail.outbox) == 3
    assert list(mailing.deliveries.values_list("attempts", flat=True)) == [1, 1, 1]


@pytest.mark.parametrize("state", [State.DRAFT, State.IN_REVIEW, State.WITHDRAWN])
def test_only_approved_mailings_are_sent(make_mailing, state):
    UserFactory()
    mailing = make_mailing(state=state)
    with pytest.raises(MailingError, match="Only approved mailings can be sent; this one is "):
        send_mailing(mailing)
    assert Delivery.objects.count() == 0
    assert Mailing.objects.get(pk=mailing.pk).sent_at is None


def test_sending_by_a_person_needs_the_publish_permission(make_mailing):
    UserFactory()
    mailing = make_mailing()
    editor, publisher = EditorFactory(), PublisherFactory()
    with pytest.raises(WorkflowError, match="Only publishers may publish this item."):
        send_mailing(mailing, actor=editor)
    assert Delivery.objects.count() == 0

    send_mailing(mailing, actor=publisher)
    assert Mailing.objects.get(pk=mailing.pk).state == State.PUBLISHED
    assert Delivery.objects.count() == 3  # the organisers are members too
    event = AuditEntry.objects.get(action="publish")
    assert (event.actor, event.before, event.after) == (
        publisher,
        {"state": "approved"},
        {"state": "published"},
    )


def test_a_rolled_back_send_queues_nothing(make_mailing, django_capture_on_commit_callbacks):
    from django.db import transaction

    UserFactory()
    mailing = make_mailing(kind=MailKind.INVITATION)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        send_mailing(mailing)
        raise RuntimeError("the caller's transaction fails")
    assert callbacks == []
    assert Delivery.objects.count() == 0
    assert Mailing.objects.get(pk=mailing.pk).sent_at is None
    assert mail.outbox == []


def test_transactional_mail_ignores_preferences(member, django_capture_on_commit_callbacks):
    member.wants_invitations = member.wants_reminders = member.wants_summaries = False
    member.save()
    with django_capture_on_commit_callbacks(execute=True):
        mailing = send_transactional(
            member, subject="Your password was changed", body="Hello {{ first_name }}."
        )
    assert statuses(mailing) == {"mariam@example.org": "sent"}
    assert mail.outbox[0].subject == "Your password was changed"
    assert mail.outbox[0].body.startswith("Hello Mariam.\n")
    assert "List-Unsubscribe" not in mail.outbox[0].extra_headers
    assert "Unsubscribe" not in mail.outbox[0].body


def test_mail_shows_the_dialogue_in_the_members_zone(member, django_capture_on_commit_callbacks):
    from tests.factories import utc

    member.time_zone = "Asia/Dhaka"
    member.save()
    dialogue = DialogueFactory(title="Who decides?", starts_at=utc(2030, 9, 30, 9, 0))
    with django_capture_on_commit_callbacks(execute=True):
        send_transactional(member, subject="Reminder", body="See you.", dialogue=dialogue)
    body = mail.outbox[0].body
    assert "Who decides?\nWhen: Mon 30 Sep 2030, 15:00 (Asia/Dhaka)\n" in body


def test_registrants_audience_comes_from_the_dialogues_app(
    make_mailing, django_capture_on_commit_callbacks
):
    dialogue = DialogueFactory()
    confirmed = RegistrationFactory(dialogue=dialogue, member=UserFactory(email="in@x.org").member)
    RegistrationFactory(
        dialogue=dialogue, member=UserFactory(email="wait@x.org").member, status="waitlisted"
    )
    UserFactory(email="other@x.org")
    mailing = make_mailing(
        kind=MailKind.REMINDER, audience=Mailing.Audience.REGISTRANTS, dialogue=dialogue
    )
    with django_capture_on_commit_callbacks(execute=True):
        send_mailing(mailing)
    assert statuses(mailing) == {confirmed.member.user.email: "sent"}
    assert [m.to for m in mail.outbox] == [["in@x.org"]]


def test_preference_changed_after_queueing_is_respected(make_mailing):
    member = UserFactory(email="late@example.org").member
    mailing = make_mailing(kind=MailKind.SUMMARY)
    send_mailing(mailing)  # queued; the commit (and the task) has not happened yet
    member.wants_summaries = False
    member.save()

    outcome = send_delivery_batch(list(mailing.deliveries.values_list("pk", flat=True)))

    assert outcome.skipped == 1
    assert statuses(mailing) == {"late@example.org": "skipped"}
    assert mail.outbox == []


class FlakyBackend:
    """A mail backend whose server answers each send with the next error in `errors`."""

    errors: list = []
    sent: list = []

    def __init__(self, **kwargs):
        pass

    def open(self):
        return True

    def close(self):
        pass

    def send_messages(self, messages):
        error = FlakyBackend.errors.pop(0) if FlakyBackend.errors else None
        if error:
            raise error
        FlakyBackend.sent.extend(messages)
        return len(messages)


@pytest.fixture
def retries_in_process():
    """In-process, a retry runs at once (its countdown is for real workers); Celery hands it
    back instead of raising it only when eager tasks do not propagate errors."""
    from a4ep_portal.celery import app

    previous = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = previous


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = "tests.members.test_outbox.FlakyBackend"
    FlakyBackend.errors, FlakyBackend.sent = [], []
    return FlakyBackend


def test_permanent_error_fails_that_delivery_and_the_batch_goes_on(make_mailing, flaky):
    UserFactory(email="bad@example.org")
    UserFactory(email="good@example.org")
    mailing = make_mailing(kind=MailKind.INVITATION)
    send_mailing(mailing)
    flaky.errors = [smtplib.SMTPRecipientsRefused({"bad@example.org": (550, b"No such user")})]

    outcome = send_delivery_batch(list(mailing.deliveries.values_list("pk", flat=True)))

    assert (outcome.sent, outcome.failed, outcome.retry_ids) == (1, 1, [])
    assert statuses(mailing) == {"bad@example.org": "failed", "good@example.org": "sent"}
    assert mailing.deliveries.get(address="bad@example.org").last_error == (
        "SMTPRecipientsRefused: {'bad@example.org': (550, b'No such user')}"
    )


@pytest.mark.parametrize(
    "error",
    [
        ConnectionRefusedError(111, "Connection refused"),
        TimeoutError("timed out"),
        smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
        smtplib.SMTPDataError(451, b"Try again later"),
    ],
)
def test_transient_error_puts_the_rest_of_the_batch_back_for_a_retry(make_mailing, flaky, error):
    for n in range(3):
        UserFactory(email=f"m{n}@example.org")
    mailing = make_mailing(kind=MailKind.INVITATION)
    send_mailing(mailing)
    ids = list(mailing.deliveries.order_by("pk").values_list("pk", flat=True))
    flaky.errors = [None, error]

    outcome = send_delivery_batch(ids)

    assert outcome.sent == 1
    assert outcome.retry_ids == ids[1:]
    assert statuses(mailing) == {
        "m0@example.org": "sent",
        "m1@example.org": "queued",
        "m2@example.org": "queued",
    }


def test_task_retries_transient_errors_then_sends(make_mailing, flaky, retries_in_process):
    from members.tasks import send_deliveries

    UserFactory(email="m@example.org")
    mailing = make_mailing(kind=MailKind.INVITATION)
    send_mailing(mailing)
    flaky.errors = [smtplib.SMTPSenderRefused(421, b"Busy", "from"), None]

    send_deliveries.apply(kwargs={"delivery_ids": [mailing.deliveries.get().pk]})

    delivery = mailing.deliveries.get()
    assert (delivery.status, delivery.attempts) == ("sent", 2)
    assert [m.to for m in flaky.sent] == [["m@example.org"]]


def test_task_gives_up_after_bounded_retries_and_admin_can_retry(
    make_mailing, flaky, retries_in_process
):
    from members.tasks import MAX_RETRIES, backoff, send_deliveries

    UserFactory(email="m@example.org")
    mailing = make_mailing(kind=MailKind.INVITATION)
    send_mailing(mailing)
    flaky.errors = [ConnectionRefusedError(111, "Connection refused")] * (MAX_RETRIES + 1)

    send_deliveries.apply(kwargs={"delivery_ids": [mailing.deliveries.get().pk]})

    delivery = mailing.deliveries.get()
    assert (delivery.status, delivery.attempts) == ("failed", MAX_RETRIES + 1)
    assert delivery.last_error == "ConnectionRefusedError: [Errno 111] Connection refused"
    assert [backoff(n) for n in range(7)] == [30, 60, 120, 240, 480, 900, 900]

    assert retry_failed_deliveries([delivery], actor=None) == 1
    delivery.refresh_from_db()
    assert delivery.status == "queued"


def test_stuck_deliveries_are_queued_again_after_the_visibility_timeout(
    make_mailing, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_VISIBILITY_TIMEOUT = 600
    for n in range(3):
        UserFactory(email=f"m{n}@example.org")
    mailing = make_mailing(kind=MailKind.INVITATION)
    send_mailing(mailing)  # queued, and the task lost with the broker's data
    now = timezone.now()
    mailing.deliveries.update(dispatched_at=now)
    first, second, third = mailing.deliveries.order_by("pk")
    Delivery.objects.filter(pk=second.pk).update(status="sending", claimed_at=now)
    Delivery.objects.filter(pk=third.pk).update(
        status="sending", claimed_at=now - timedelta(seconds=400)
    )

    assert requeue_stuck_deliveries(now=now + timedelta(seconds=100)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_stuck_deliveries(now=now + timedelta(seconds=250)) == 1
    assert statuses(mailing) == {
        "m0@example.org": "queued",
        "m1@example.org": "sending",
        "m2@example.org": "sent",
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_stuck_deliveries(now=now + timedelta(seconds=601)) == 2

    assert set(statuses(mailing).values()) == {"sent"}
    assert sorted(m.to[0] for m in mail.outbox) == [
        "m0@example.org",
        "m1@example.org",
        "m2@example.org",
    ]


def test_deliveries_the_broker_never_took_are_handed_over_after_one_sweep_interval(
    make_mailing, settings, django_capture_on_commit_callbacks
):
    settings.OUTBOX_SWEEP_SECONDS = 60
    for n in range(2):
        UserFactory(email=f"m{n}@example.org")
    mailing = make_mailing(kind=MailKind.INVITATION)
    send_mailing(mailing)  # the queueing callback never ran: Redis was down
    assert set(mailing.deliveries.values_list("dispatched_at", flat=True)) == {None}
    now = timezone.now()

    assert requeue_stuck_deliveries(now=now + timedelta(seconds=30)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_stuck_deliveries(now=now + timedelta(seconds=61)) == 2

    assert set(statuses(mailing).values()) == {"sent"}
    assert sorted(m.to[0] for m in mail.outbox) == ["m0@example.org", "m1@example.org"]
    assert None not in set(mailing.deliveries.values_list("dispatched_at", flat=True))


def test_throttle_keeps_to_the_rate(make_mailing, settings, django_capture_on_commit_callbacks):
    import time

    settings.MAIL_RATE_PER_SECOND = 2
    for _ in range(5):
        UserFactory()
    mailing = make_mailing(kind=MailKind.INVITATION)
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        send_mailing(mailing)
    # Five messages at two per second take three clock seconds: at least two ticks.
    assert time.monotonic() - started >= 1
    assert len(mail.outbox) == 5
