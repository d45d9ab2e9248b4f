"""Every message in its recipient's language (the member's preferred_language is active while
it is rendered: the HTML's lang attribute) and time zone (the time it shows)."""

import pytest
from django.core import mail

from a4ep_portal.workflow import State
from dialogues.services import RegistrationDetails, cancel_dialogue, register_member
from members.models import Mailing, MailKind
from members.services import send_mailing
from tests.factories import EditorFactory, UserFactory

pytestmark = pytest.mark.django_db


def member(email, language, zone):
    person = UserFactory(email=email)
    person.member.preferred_language = language
    person.member.time_zone = zone
    person.member.save()
    return person.member


def by_recipient():
    return {m.to[0]: (m, m.alternatives[0][0]) for m in mail.outbox}


def test_an_invitation_is_rendered_per_recipients_language_and_zone(
    dialogue, django_capture_on_commit_callbacks
):
    member("amina@example.org", "fr", "Asia/Karachi")
    member("lucia@example.org", "es", "America/Lima")
    mailing = Mailing.objects.create(
        kind=MailKind.INVITATION,
        subject="Invitation: Accountability",
        body="Dear {{ first_name }},",
        audience=Mailing.Audience.ALL_MEMBERS,
        dialogue=dialogue,
        details=Mailing.Details.INVITATION,
        guest_addresses="guest@example.net",
        state=State.APPROVED,
    )
    with django_capture_on_commit_callbacks(execute=True):
        send_mailing(mailing)

    messages = by_recipient()
    expected = {
        "amina@example.org": ("fr", "17:00 (Asia/Karachi)"),
        "lucia@example.org": ("es", "07:00 (America/Lima)"),
        "guest@example.net": ("en", "12:00 (UTC)"),
    }
    for address, (language, time) in expected.items():
        message, html = messages[address]
        assert f'<html lang="{language}">' in html
        assert time in message.body
        assert time in html
        assert "Who is accountable to whom?" in message.body


def test_registration_messages_are_in_the_registrants_language_and_zone(
    dialogue, django_capture_on_commit_callbacks
):
    dialogue.capacity = 1
    dialogue.save()
    first = member("amina@example.org", "fr", "Asia/Karachi")
    second = member("lucia@example.org", "es", "America/Lima")
    with django_capture_on_commit_callbacks(execute=True):
        register_member(dialogue, first, RegistrationDetails())
        register_member(dialogue, second, RegistrationDetails())
    messages = by_recipient()
    confirmed, html = messages["amina@example.org"]
    assert confirmed.subject == "Vous êtes inscrit(e)\u00a0: Accountability"
    assert '<html lang="fr">' in html and "17:00 (Asia/Karachi)" in html
    assert [name for name, _content, _type in confirmed.attachments] == ["accountability.ics"]
    waiting, html = messages["lucia@example.org"]
    assert waiting.subject == "Está en la lista de espera: Accountability"
    assert '<html lang="es">' in html and "07:00 (America/Lima)" in html
    assert "está en la lista de espera con el número 1" in waiting.body
    assert waiting.attachments == []

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cancel_dialogue(dialogue, actor=EditorFactory())
    messages = by_recipient()
    assert {m.subject for m, _html in messages.values()} == {
        "Annulé\u00a0: Accountability",
        "Cancelado: Accountability",
    }
    assert '<html lang="es">' in messages["lucia@example.org"][1]
    assert "07:00 (America/Lima)" in messages["lucia@example.org"][0].body
