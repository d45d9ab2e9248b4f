"""The registration mail names the languages a dialogue is interpreted into, and the channels
the registrant asked for, in the registrant's language; read as a member's mail program would."""

from email import message_from_bytes, policy

import pytest
from django.core import mail

from dialogues.models import Dialogue
from dialogues.services import RegistrationDetails, register_member
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def member(email: str, language: str):
    person = UserFactory(email=email, first_name="Amina")
    person.member.preferred_language = language
    person.member.save(update_fields=["preferred_language"])
    return person.member


def parsed(message) -> tuple[str, str]:
    """The text and HTML parts of a sent message."""
    received = message_from_bytes(message.message().as_bytes(), policy=policy.default)
    text = received.get_body(("plain",)).get_content()
    html = received.get_body(("html",)).get_content()
    return text, html


EXPECTED = {
    "en": ("Interpretation into: French, Arabic.", "You asked for: Arabic."),
    "fr": ("Interprétation vers\u00a0: Français, Arabe.", "Vous avez demandé\u00a0: Arabe."),
    "es": ("Interpretación a: Francés, Árabe.", "Usted solicitó: Árabe."),
    "ar": ("الترجمة الفورية إلى: الفرنسية، العربية.", "طلبتَ: العربية."),
}


@pytest.mark.parametrize("language", list(EXPECTED))
def test_registration_mail_names_the_interpreted_languages(
    dialogue, language, django_capture_on_commit_callbacks
):
    Dialogue.objects.filter(pk=dialogue.pk).update(interpretation_languages=["ar", "fr"])
    dialogue.refresh_from_db()
    person = member(f"amina-{language}@example.org", language)

    with django_capture_on_commit_callbacks(execute=True):
        register_member(dialogue, person, RegistrationDetails(interpretation=("ar",)))

    [message] = mail.outbox
    text, html = parsed(message)
    offered, asked = EXPECTED[language]
    assert f"{offered} {asked}" in text
    assert f"<p>{offered} {asked}</p>" in html.replace("&nbsp;", "\u00a0")


def test_mail_about_a_dialogue_without_interpretation_says_nothing_of_it(
    dialogue, django_capture_on_commit_callbacks
):
    person = member("amina@example.org", "en")

    with django_capture_on_commit_callbacks(execute=True):
        register_member(dialogue, person, RegistrationDetails())

    text, _html = parsed(mail.outbox[0])
    assert "Interpretation" not in text
    assert "Where: Online (Zoom)\n\nYour dialogues:" in text
