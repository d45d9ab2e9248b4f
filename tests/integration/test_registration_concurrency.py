"""Registration under bursts, on PostgreSQL: every thread has its own connection, so the
dialogue row lock is what keeps the count right."""

import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core import mail
from django.db import connection

from dialogues.models import Registration
from dialogues.services import (
    RegistrationDetails,
    approve_registrations,
    cancel_registration,
    register_member,
)
from members.models import Member
from tests.factories import DialogueFactory, EditorFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 40  # below PostgreSQL's connection limit, well above the machine's cores


def members(count: int) -> list[Member]:
    return [UserFactory(verified=False).member for _ in range(count)]


def run_together(calls) -> list:
    """Run the calls on THREADS threads, all released at once; re-raise any error."""
    start = threading.Barrier(min(THREADS, len(calls)))

    def run(call):
        try:
            # Fewer calls left than threads breaks the barrier: those go at once.
            with contextlib.suppress(threading.BrokenBarrierError):
                start.wait(timeout=30)
            return call()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return list(pool.map(run, calls))


def test_200_concurrent_registrations_fill_50_seats_exactly():
    dialogue = DialogueFactory(capacity=50)
    calls = [
        (lambda m=m: register_member(dialogue, m, RegistrationDetails())) for m in members(200)
    ]
    results = run_together(calls)
    assert len(results) == 200
    registrations = Registration.objects.filter(dialogue=dialogue)
    assert registrations.confirmed().count() == 50
    assert registrations.waitlisted().count() == 150
    numbers = sorted(registrations.waitlisted().values_list("waitlist_number", flat=True))
    assert numbers == list(range(1, 151))
    positions = sorted(r.waitlist_position() for r in registrations.waitlisted())
    assert positions == list(range(1, 151))
    assert len(mail.outbox) == 200


def test_cancellations_racing_registrations_promote_one_each_and_never_overfill():
    dialogue = DialogueFactory(capacity=50)
    for member in members(80):
        register_member(dialogue, member, RegistrationDetails())
    waiting_before = list(
        Registration.objects.filter(dialogue=dialogue)
        .waitlisted()
        .order_by("waitlist_number")
        .values_list("pk", flat=True)
    )
    assert len(waiting_before) == 30
    leaving = list(Registration.objects.filter(dialogue=dialogue).confirmed()[:20])
    mail.outbox.clear()
    cancels = [(lambda r=r: cancel_registration(r, actor=r.member.user)) for r in leaving]
    joins = [(lambda m=m: register_member(dialogue, m, RegistrationDetails())) for m in members(20)]
    calls = [call for pair in zip(cancels, joins, strict=True) for call in pair]
    run_together(calls)
    registrations = Registration.objects.filter(dialogue=dialogue)
    assert registrations.confirmed().count() == 50
    assert registrations.filter(status="cancelled").count() == 20
    promoted = set(
        registrations.confirmed().filter(pk__in=waiting_before).values_list("pk", flat=True)
    )
    assert promoted == set(waiting_before[:20])
    assert registrations.waitlisted().count() == 30
    subjects = [m.subject for m in mail.outbox]
    assert sum(s.startswith("A seat is yours") for s in subjects) == 20


def test_approvals_racing_each_other_and_cancellations_never_overfill_or_mail_twice():
    dialogue = DialogueFactory(capacity=50, requires_approval=True)
    for member in members(100):
        register_member(dialogue, member, RegistrationDetails())
    pending = list(Registration.objects.filter(dialogue=dialogue).order_by("pk"))
    editor = EditorFactory()
    approve_registrations(pending[:30], actor=editor)
    leaving = pending[:10]
    rest = pending[30:]
    mail.outbox.clear()
    # Each of the other 70 approved on its own, and again in batches of ten by a second
    # organiser at the same time, while ten seated registrants cancel.
    singles = [(lambda r=r: approve_registrations([r], actor=editor)) for r in rest]
    batches = [
        (lambda b=rest[i : i + 10]: approve_registrations(b, actor=editor))
        for i in range(0, 70, 10)
    ]
    cancels = [(lambda r=r: cancel_registration(r, actor=r.member.user)) for r in leaving]
    run_together(singles + batches + cancels)
    registrations = Registration.objects.filter(dialogue=dialogue)
    assert registrations.confirmed().count() == 50
    assert registrations.waitlisted().count() == 40
    assert registrations.filter(status="cancelled").count() == 10
    assert registrations.pending().count() == 0
    positions = sorted(r.waitlist_position() for r in registrations.waitlisted())
    assert positions == list(range(1, 41))
    subjects = [m.subject for m in mail.outbox]
    decided = [s for s in subjects if s.startswith(("Your registration is approved", "You are on"))]
    assert len(decided) == 70
    assert len({m.to[0] for m in mail.outbox if m.subject in decided}) == 70
