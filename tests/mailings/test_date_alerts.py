"""The mail of "tell me when the date is set", in every language, read as a mail program reads
it: the visitor's confirmation, then the date set, to a member (their language and zone) and to
a visitor (the language they asked in, the dialogue's zone with its offset from UTC)."""

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext as _

from dialogues.models import DateAlert, Dialogue
from dialogues.services.alerts import ask_as_member, ask_by_address, confirm_address, tell_date_set
from tests.factories import DialogueFactory, UserFactory, utc
from tests.mailings.test_templates import DIRECTION, SLIPS, STARTS, WHEN, YEAR, parsed

pytestmark = pytest.mark.django_db
PREFIX = {"en": "", "fr": "/fr", "es": "/es", "ar": "/ar"}


@pytest.mark.parametrize("language", ["en", "fr", "es", "ar"])
def test_date_alert_mail_reads_cleanly_in_every_language(
    language, settings, django_capture_on_commit_callbacks
):
    dialogue = DialogueFactory(
        number=1,
        title="Accountability",
        slug="accountability",
        question="Who is accountable to whom?",
        starts_at=utc(YEAR, 3, 1, 12),
        time_zone="Asia/Karachi",
        date_precision=Dialogue.DatePrecision.MONTH,
    )
    person = UserFactory(email="amina@example.org", first_name="Amina").member
    person.preferred_language, person.time_zone = language, "Asia/Riyadh"
    person.save()
    with django_capture_on_commit_callbacks(execute=True):
        ask_as_member(dialogue, person)
        ask_by_address(dialogue, "guest@example.net", language)
    (confirmation,) = mail.outbox
    confirm_address(DateAlert.objects.get(email="guest@example.net"))

    with django_capture_on_commit_callbacks(execute=True):
        dialogue.date_precision = Dialogue.DatePrecision.EXACT
        dialogue.starts_at = STARTS
        dialogue.save()
        assert tell_date_set(dialogue) == 2
    to_member, to_visitor = sorted(mail.outbox[1:], key=lambda m: m.to[0])
    assert (to_member.to, to_visitor.to) == (["amina@example.org"], ["guest@example.net"])

    with translation.override(language):
        # The confirmation was written while only the month was known.
        dialogue.date_precision = Dialogue.DatePrecision.MONTH
        dialogue.starts_at = utc(YEAR, 3, 1, 12)
        month = f"{_('When:')} {dialogue.provisional_text()}"
        heading = "**{}**".format(
            _("%(series)s, dialogue %(number)s: %(title)s")
            % {"series": "Localisation Dialogue Series", "number": 1, "title": "Accountability"}
        )
        riyadh = WHEN[language].replace("(Asia/Riyadh)", "(Asia/Riyadh, UTC+03:00)")
        karachi = riyadh.replace("15:00", "17:00").replace("Riyadh, UTC+03", "Karachi, UTC+05")
        register = f"{settings.SITE_URL}{PREFIX[language]}/dialogues/accountability/register/"
        expected = {
            "confirm": (
                confirmation,
                [
                    _("Hello,"),
                    month,
                    _(
                        "If it was not you, do nothing: without confirmation we send nothing "
                        "else to this address."
                    ),
                ],
                _("Please confirm: tell me the date of {title}").format(title="Accountability"),
            ),
            "member": (
                to_member,
                [_("Dear %(name)s,").replace("%(name)s", "Amina"), f"**{riyadh}**", heading],
                _("The date is set: {title}").format(title="Accountability"),
            ),
            "visitor": (
                to_visitor,
                [_("Hello,"), f"**{karachi}**", heading],
                _("The date is set: {title}").format(title="Accountability"),
            ),
        }
    for name, (message, lines_wanted, subject) in expected.items():
        lines, html = parsed(message)
        assert message.subject == subject, name
        for slip in SLIPS:
            assert slip not in "\n".join(lines), (name, slip, lines)
            assert slip not in html, (name, slip)
        assert f'<html lang="{language}" dir="{DIRECTION[language]}">' in html, name
        for line in lines_wanted:
            assert line in lines, (name, line, lines)
    # The confirmation leads to a page in the visitor's language; its link stops it all.
    text = "\n".join(parsed(confirmation)[0])
    assert f"{PREFIX[language]}/date-alerts/" in text and "/confirm/" in text
    assert "/stop/" in confirmation.extra_headers["List-Unsubscribe"]
    assert "/stop/" in "\n".join(parsed(to_visitor)[0])
    assert register in "\n".join(parsed(to_member)[0])
    assert register in "\n".join(parsed(to_visitor)[0])
    assert "List-Unsubscribe" not in to_member.extra_headers  # transactional: asked for


def test_an_invitation_to_a_provisional_dialogue_says_when_registration_opens(
    settings, django_capture_on_commit_callbacks
):
    from a4ep_portal.workflow import State
    from dialogues.services.mailings import draft_invitation
    from members.models import Mailing, Member
    from members.services import send_mailing
    from tests.factories import EditorFactory

    dialogue = DialogueFactory(
        title="Funding",
        slug="funding",
        starts_at=utc(YEAR, 10, 10, 12),
        date_precision=Dialogue.DatePrecision.MONTH,
    )
    editor = EditorFactory(email="editor@example.org")
    Member.objects.update(wants_invitations=False)
    UserFactory(email="amina@example.org").member.__class__.objects.filter(
        user__email="amina@example.org"
    ).update(wants_invitations=True, preferred_language="ar")
    invitation = draft_invitation(dialogue, actor=editor)
    Mailing.objects.filter(pk=invitation.pk).update(state=State.APPROVED)
    with django_capture_on_commit_callbacks(execute=True):
        send_mailing(Mailing.objects.get(pk=invitation.pk))
    (message,) = mail.outbox
    lines, html = parsed(message)
    with translation.override("ar"):
        when = f"{_('When:')} {dialogue.provisional_text()}"
        opens = _("Registration opens once the date and time are set. Ask to be told on its page:")
    assert when in lines
    assert f"{opens} {settings.SITE_URL}/ar/dialogues/funding/" in lines
    assert "/register/" not in "\n".join(lines) + html
