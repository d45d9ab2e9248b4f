"""Every message in its recipient's language (the member's preferred_language is active while
it is rendered: the HTML's lang attribute) and time zone (the time it shows)."""

import pytest
from django.core import mail
from django.utils import translation

from a4ep_portal.workflow import State
from dialogues.services import RegistrationDetails, cancel_dialogue, register_member
from dialogues.services.mailings import draft_invitation, draft_summary_mailing
from members.models import Mailing, MailKind, Member
from members.services import send_mailing, send_transactional
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
        assert f'<html lang="{language}" dir="ltr">' in html
        assert time in message.body
        assert time.replace("(", "(<bdi>").replace(")", "</bdi>)") in html
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
    assert '<html lang="fr" dir="ltr">' in html and "17:00 (<bdi>Asia/Karachi</bdi>)" in html
    assert [name for name, _content, _type in confirmed.attachments] == ["accountability.ics"]
    waiting, html = messages["lucia@example.org"]
    assert waiting.subject == "Está en la lista de espera: Accountability"
    assert '<html lang="es" dir="ltr">' in html and "07:00 (<bdi>America/Lima</bdi>)" in html
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
    assert '<html lang="es" dir="ltr">' in messages["lucia@example.org"][1]
    assert "07:00 (America/Lima)" in messages["lucia@example.org"][0].body


def test_each_member_reads_the_mailing_in_their_language_else_the_english_original(
    dialogue, django_capture_on_commit_callbacks
):
    member("amina@example.org", "fr", "UTC")
    member("lucia@example.org", "es", "UTC")
    member("bob@example.org", "en", "UTC")
    mailing = Mailing.objects.create(
        kind=MailKind.NEWS,
        subject_en="News for {{ first_name }}",
        body_en="The **third** dialogue is announced.",
        subject_fr="Nouvelles pour {{ first_name }}",
        body_fr="Le **troisième** dialogue est annoncé.",
        audience=Mailing.Audience.ALL_MEMBERS,
        state=State.APPROVED,
    )
    member_news = {"amina@example.org", "lucia@example.org", "bob@example.org"}
    Member.objects.exclude(user__email__in=member_news).update(wants_news=False)
    Member.objects.filter(user__email__in=member_news).update(wants_news=True)
    with django_capture_on_commit_callbacks(execute=True):
        send_mailing(Mailing.objects.get(pk=mailing.pk))

    messages = by_recipient()
    french, html = messages["amina@example.org"]
    assert french.subject.startswith("Nouvelles pour ")
    assert "Le <strong>troisième</strong> dialogue est annoncé." in html
    # No Spanish text was written: Lucía gets the English original, in a Spanish frame.
    spanish, html = messages["lucia@example.org"]
    assert spanish.subject.startswith("News for ")
    assert "The <strong>third</strong> dialogue is announced." in html
    assert '<html lang="es" dir="ltr">' in html
    english, _html = messages["bob@example.org"]
    assert english.subject.startswith("News for ")


def test_drafted_invitation_and_summary_come_in_every_language(dialogue):
    dialogue.title_fr = "Redevabilité"
    dialogue.save()
    invitation = draft_invitation(dialogue, actor=EditorFactory())
    assert invitation.subject_en == "Invitation: Accountability"
    assert invitation.subject_fr == "Invitation\u00a0: Redevabilité"
    assert invitation.body_fr.startswith("Bonjour {{ first_name }},")
    assert invitation.subject_es and invitation.subject_ar and invitation.body_ar
    summary = draft_summary_mailing(dialogue)
    assert summary.subject_en.startswith("After the dialogue")
    assert summary.subject_fr and summary.subject_fr != summary.subject_en
    assert summary.body_es and summary.body_es != summary.body_en


def test_mail_written_for_one_member_reads_the_same_whichever_language_was_active(dialogue):
    bob = member("bob@example.org", "en", "UTC")
    with translation.override("fr"):  # e.g. written during a request on a /fr/ page
        mailing = send_transactional(bob, subject="Hello", body="Plain text.")
    mailing = Mailing.objects.get(pk=mailing.pk)
    assert (mailing.subject_en, mailing.body_en) == ("Hello", "Plain text.")
    with translation.override("es"):
        assert mailing.subject == "Hello"
