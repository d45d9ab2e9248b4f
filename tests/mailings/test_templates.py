"""Every kind of mail, in every language, read as its recipient's mail program reads it: the
message is parsed with Python's email package and the lines a reader sees are checked, in
the text part and in the HTML part (its language and direction too)."""

import email
import email.policy
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from a4ep_portal.workflow import State
from dialogues.services import (
    RegistrationDetails,
    cancel_dialogue,
    cancel_registration,
    register_member,
    send_due_reminders,
)
from dialogues.services.mailings import draft_invitation, draft_summary_mailing
from members.models import Mailing, Member
from members.services import send_mailing, send_test_mailing
from papers.models import Paper
from tests.factories import (
    DialogueFactory,
    EditorFactory,
    OrganisationFactory,
    PaperFactory,
    RecordingFactory,
    UserFactory,
    utc,
)

pytestmark = pytest.mark.django_db

YEAR = timezone.now().year + 1
WEEKDAYS = {
    "en": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    "ar": ["الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"],
}
STARTS = utc(YEAR, 3, 10, 12)
DAY = STARTS.weekday()
# 12:00 UTC, read in Riyadh (UTC+3): each language's own order, the minutes and the zone.
WHEN = {
    "en": f"{WEEKDAYS['en'][DAY]} 10 Mar {YEAR}, 15:00 (Asia/Riyadh)",
    "fr": f"10 mars {YEAR} 15:00 (Asia/Riyadh)",
    "es": f"10 de marzo de {YEAR} a las 15:00 (Asia/Riyadh)",
    "ar": f"{WEEKDAYS['ar'][DAY]} 10 مارس {YEAR}، 15:00 (Asia/Riyadh)",
}
DIRECTION = {"en": "ltr", "fr": "ltr", "es": "ltr", "ar": "rtl"}
# What a template slip shows a reader: a Python object, an empty value, template syntax or a
# token the composer failed to fill.
SLIPS = ("<QuerySet", "None", "{{", "}}", "{%", "%}", "qqa4ep", " .", " ,")


def parsed(message) -> tuple[list[str], str]:
    """(the text part's lines, the HTML part) of the message as it goes over the wire."""
    wire = email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)
    text = wire.get_body(preferencelist=("plain",)).get_content()
    html = wire.get_body(preferencelist=("html",)).get_content()
    return text.splitlines(), html


def member(email_address: str, language: str) -> Member:
    person = UserFactory(email=email_address, first_name="Amina")
    person.member.preferred_language = language
    person.member.time_zone = "Asia/Riyadh"
    person.member.wants_invitations = True
    person.member.wants_summaries = True
    person.member.save()
    return person.member


@pytest.mark.parametrize("language", ["en", "fr", "es", "ar"])
def test_every_kind_of_mail_reads_cleanly_in_every_language(
    language, settings, django_capture_on_commit_callbacks
):
    settings.MAIL_REMINDER_HOURS = [24]
    dialogue = DialogueFactory(
        number=1,
        title="Accountability",
        slug="accountability",
        question="Who is accountable to whom?",
        starts_at=STARTS,
        capacity=1,
        co_hosts=[OrganisationFactory(name="KUNO"), OrganisationFactory(name="Charter4Change")],
    )
    PaperFactory(dialogue=dialogue, kind=Paper.Kind.DISCUSSION, title="Papers", published=True)
    RecordingFactory(dialogue=dialogue, title="Video", published=True)
    Member.objects.update(wants_invitations=False, wants_summaries=False)
    first = member("first@example.org", language)
    second = member("second@example.org", language)
    editor = EditorFactory(email="editor@example.org")
    editor.member.preferred_language = language
    editor.member.time_zone = "Asia/Riyadh"
    editor.member.save()

    invitation = draft_invitation(dialogue, actor=editor)
    summary = draft_summary_mailing(dialogue)
    Mailing.objects.filter(pk__in=[invitation.pk, summary.pk]).update(state=State.APPROVED)
    steps = [
        lambda: send_test_mailing(invitation, actor=editor),
        lambda: send_mailing(Mailing.objects.get(pk=invitation.pk)),
        lambda: register_member(dialogue, first, RegistrationDetails()),
        lambda: register_member(dialogue, second, RegistrationDetails()),
        lambda: cancel_registration(first.registrations.get(), actor=first.user),
        lambda: send_due_reminders(now=STARTS - timedelta(hours=23)),
        lambda: send_mailing(Mailing.objects.get(pk=summary.pk)),
        lambda: cancel_dialogue(dialogue, actor=editor),
    ]
    for step in steps:
        with django_capture_on_commit_callbacks(execute=True):
            step()
    waiting = second.registrations.get()
    assert waiting.status == "confirmed"

    with translation.override(language):
        when = f"{_('When:')} {WHEN[language]}"
        comma = pgettext("between the items of a list", ", ")
        co_hosts = f"{_('Co-hosted by:')} Charter4Change{comma}KUNO"
        greeting = _("Dear %(name)s,").replace("%(name)s", "Amina")
        editor_greeting = _("Dear %(name)s,").replace("%(name)s", editor.first_name)
        heading = "**{}**".format(
            _("%(series)s, dialogue %(number)s: %(title)s")
            % {"series": "Localisation Dialogue Series", "number": 1, "title": "Accountability"}
        )
        cancelled = _(
            "Your registration is cancelled. You are welcome to register again while "
            "registration is open."
        )
        expected = [
            ("editor@example.org", [editor_greeting, co_hosts, when]),  # the invitation's test
            ("editor@example.org", [editor_greeting, co_hosts, when]),  # and the invitation
            ("editor@example.org", [editor_greeting, when]),  # the summary
            ("first@example.org", [greeting, co_hosts, when]),  # the invitation
            ("second@example.org", [greeting, co_hosts, when]),
            ("first@example.org", [greeting, heading, when]),  # confirmed
            ("second@example.org", [greeting, heading, when]),  # waiting list
            ("first@example.org", [greeting, cancelled, heading, when]),  # cancelled
            ("second@example.org", [greeting, heading, when]),  # promoted
            ("second@example.org", [greeting, heading, when]),  # reminder
            ("first@example.org", [greeting, when]),  # the summary
            ("second@example.org", [greeting, when]),
            ("second@example.org", [greeting, heading, when]),  # the dialogue is cancelled
        ]
    messages = sorted(mail.outbox, key=lambda m: (m.subject, m.to[0]))
    assert sorted(m.to[0] for m in messages) == sorted(address for address, _lines in expected)
    seen, htmls = {}, []
    for message in messages:
        lines, html = parsed(message)
        for slip in SLIPS:
            assert slip not in "\n".join(lines), (message.subject, slip, lines)
            assert slip not in html, (message.subject, slip)
        assert f'<html lang="{language}" dir="{DIRECTION[language]}">' in html
        assert f"{WHEN[language].replace('(Asia/Riyadh)', '(<bdi>Asia/Riyadh</bdi>)')}" in html
        seen.setdefault(message.to[0], []).append(lines)
        htmls.append(html)
    if language == "ar":
        # One sentence in the reader's language, its comma included.
        assert heading == "**Localisation Dialogue Series، الحوار 1: Accountability**"
        # English text in an Arabic message keeps its own direction.
        assert (
            sum('<p dir="auto"><em>Who is accountable to whom?</em></p>' in h for h in htmls) == 4
        )
        assert (greeting, co_hosts) == (
            "عزيزنا/عزيزتنا Amina،",
            "الجهات المشاركة في الاستضافة: Charter4Change، KUNO",
        )
    for address, wanted in expected:
        assert any(all(line in lines for line in wanted) for lines in seen[address]), (
            address,
            wanted,
            seen[address],
        )


def test_a_waiting_list_message_overtaken_by_a_promotion_is_not_sent(
    django_capture_on_commit_callbacks,
):
    dialogue = DialogueFactory(title="Accountability", capacity=1)
    first, second = member("first@example.org", "en"), member("second@example.org", "en")
    with django_capture_on_commit_callbacks(execute=True):
        register_member(dialogue, first, RegistrationDetails())
    # The worker comes to the waiting-list message only after a seat freed up.
    with django_capture_on_commit_callbacks(execute=True):
        register_member(dialogue, second, RegistrationDetails())
        cancel_registration(first.registrations.get(), actor=first.user)

    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        ("first@example.org", "You are registered: Accountability"),
        ("first@example.org", "Your registration is cancelled: Accountability"),
        ("second@example.org", "A seat is yours: Accountability"),
    ]
