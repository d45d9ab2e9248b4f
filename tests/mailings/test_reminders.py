"""Reminders: each confirmed registrant gets each reminder once, with the join link, in their
language and zone, even when the task runs late, twice, or on two workers at once; nobody
gets a reminder whose time had passed when they registered."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection

from dialogues.models import Registration
from dialogues.services import send_due_reminders
from members.models import Delivery, Mailing, MailKind
from tests.factories import DialogueFactory, RegistrationFactory, UserFactory

JOIN = "https://zoom.us/j/123456789?pwd=secret-join-link"
HOUR = timedelta(hours=1)


def reminders() -> list[tuple[str, timedelta]]:
    return sorted(
        Mailing.objects.filter(kind=MailKind.REMINDER).values_list(
            "recipient__user__email", "reminder_before"
        )
    )


def registrant(dialogue, email, **fields):
    return RegistrationFactory(dialogue=dialogue, member=UserFactory(email=email).member, **fields)


@pytest.mark.django_db
def test_each_confirmed_registrant_gets_the_24_hour_reminder_once_even_when_late(
    dialogue, django_capture_on_commit_callbacks
):
    registrant(dialogue, "a@example.org")
    registrant(dialogue, "b@example.org")
    registrant(dialogue, "waiting@example.org", status=Registration.Status.WAITLISTED,
               confirmed_at=None, waitlist_number=1)  # fmt: skip
    registrant(dialogue, "gone@example.org", status=Registration.Status.CANCELLED)
    start = dialogue.starts_at

    assert send_due_reminders(now=start - 25 * HOUR) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_reminders(now=start - 23 * HOUR) == 2  # an hour late
        assert send_due_reminders(now=start - 22 * HOUR) == 0  # and again

    assert reminders() == [("a@example.org", 24 * HOUR), ("b@example.org", 24 * HOUR)]
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org", "b@example.org"]
    assert {m.subject for m in mail.outbox} == {"Reminder: Accountability"}
    assert all(JOIN in m.body for m in mail.outbox)


@pytest.mark.django_db
def test_the_one_hour_reminder_follows_and_replaces_a_missed_24_hour_one(dialogue):
    registrant(dialogue, "a@example.org")
    start = dialogue.starts_at
    send_due_reminders(now=start - 20 * HOUR)
    send_due_reminders(now=start - 30 * timedelta(minutes=1))
    assert reminders() == [("a@example.org", HOUR), ("a@example.org", 24 * HOUR)]

    other = DialogueFactory(starts_at=start + timedelta(days=1))
    registrant(other, "late-run@example.org")
    # The task's first run comes when the one-hour reminder is due already: only that one.
    send_due_reminders(now=other.starts_at - timedelta(minutes=50))
    before = Mailing.objects.filter(dialogue=other).values_list("reminder_before", flat=True)
    assert list(before) == [HOUR]


@pytest.mark.django_db
def test_a_member_who_registers_after_the_reminders_time_gets_no_stale_reminder(dialogue):
    start = dialogue.starts_at
    registrant(dialogue, "late@example.org", confirmed_at=start - 10 * HOUR)
    assert send_due_reminders(now=start - 9 * HOUR) == 0
    assert send_due_reminders(now=start - 40 * timedelta(minutes=1)) == 1
    assert reminders() == [("late@example.org", HOUR)]
    assert send_due_reminders(now=start + timedelta(minutes=5)) == 0


@pytest.mark.django_db
def test_no_reminder_once_the_dialogue_has_started(dialogue):
    registrant(dialogue, "a@example.org")
    assert send_due_reminders(now=dialogue.starts_at + timedelta(minutes=1)) == 0
    assert reminders() == []


@pytest.mark.django_db
def test_reminder_times_come_from_the_setting(dialogue, settings):
    settings.MAIL_REMINDER_HOURS = [2.5]
    registrant(dialogue, "a@example.org")
    start = dialogue.starts_at
    assert send_due_reminders(now=start - 3 * HOUR) == 0
    assert send_due_reminders(now=start - 2 * HOUR) == 1
    assert reminders() == [("a@example.org", timedelta(hours=2.5))]


@pytest.mark.django_db
def test_a_member_who_opted_out_of_reminders_is_skipped(
    dialogue, django_capture_on_commit_callbacks
):
    quiet = registrant(dialogue, "quiet@example.org").member
    quiet.wants_reminders = False
    quiet.save()
    with django_capture_on_commit_callbacks(execute=True):
        send_due_reminders(now=dialogue.starts_at - 2 * HOUR)
    assert mail.outbox == []
    delivery = Delivery.objects.get(address="quiet@example.org")
    assert (delivery.status, delivery.last_error) == (
        "skipped",
        "The member opted out of this kind of mail.",
    )


@pytest.mark.django_db
def test_reminder_is_in_the_members_language_and_zone(dialogue, django_capture_on_commit_callbacks):
    member = registrant(dialogue, "amina@example.org").member
    member.preferred_language = "fr"
    member.time_zone = "Asia/Karachi"
    member.save()
    with django_capture_on_commit_callbacks(execute=True):
        send_due_reminders(now=dialogue.starts_at - 2 * HOUR)
    (message,) = mail.outbox
    html = message.alternatives[0][0]
    assert '<html lang="fr" dir="ltr">' in html
    assert "17:00 (Asia/Karachi)" in message.body
    assert "17:00 (<bdi>Asia/Karachi</bdi>)" in html
    assert JOIN in message.body
    assert "List-Unsubscribe" in message.extra_headers


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_one_reminder_per_registrant(dialogue):
    for n in range(30):
        registrant(dialogue, f"r{n}@example.org")
    now = dialogue.starts_at - 2 * HOUR
    barrier = threading.Barrier(4)
    results, errors = [], []

    def run() -> None:
        try:
            barrier.wait()
            results.append(send_due_reminders(now=now))
        except Exception as error:  # reported below: a thread cannot fail the test itself
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sum(results) == 30
    assert len(reminders()) == 30
    assert len(set(reminders())) == 30
    assert Delivery.objects.filter(mailing__kind=MailKind.REMINDER).count() == 30
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"r{n}@example.org" for n in range(30))
    # And once more, later: nothing new.
    assert send_due_reminders(now=now + timedelta(minutes=10)) == 0
