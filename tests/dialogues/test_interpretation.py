"""Interpretation channels: offered by a dialogue, asked for on the registration form, counted
for organisers (the dialogue's admin page, the registrations list and its export), and named
on the dialogue's page."""

import csv
import io

import pytest
from django.test import Client

from dialogues.models import Dialogue, Registration
from tests.factories import (
    DialogueFactory,
    EditorFactory,
    PublisherFactory,
    RegistrationFactory,
    UserFactory,
)
from tests.html import visible_text

pytestmark = pytest.mark.django_db

FORM = {
    "organisation_name": "Coast Trust",
    "role": "Programme officer",
    "language": "en",
    "needs": "",
    "question": "",
}
REGISTER = "/dialogues/accountability/register/"


@pytest.fixture
def dialogue():
    return DialogueFactory(
        slug="accountability", title="Accountability", interpretation_languages=["ar", "fr"]
    )


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_form_offers_the_dialogues_channels_as_checkboxes(dialogue):
    page = logged_in(UserFactory()).get(REGISTER).content.decode()

    # In the order of the language list, in a group named by its legend.
    assert "<legend>Interpretation you need" in page
    assert page.count('type="checkbox" name="interpretation"') == 2
    assert page.index('value="fr"') < page.index('value="ar"')
    assert "Tick the ones you will listen to" in visible_text(page)


def test_the_form_asks_nothing_of_interpretation_when_none_is_offered(dialogue):
    Dialogue.objects.filter(pk=dialogue.pk).update(interpretation_languages=[])

    page = logged_in(UserFactory()).get(REGISTER).content.decode()

    assert 'name="interpretation"' not in page
    assert "Interpretation you need" not in page


def test_a_registrant_asks_for_channels_without_javascript(dialogue):
    user = UserFactory()

    response = logged_in(user).post(REGISTER, {**FORM, "interpretation": ["fr", "ar"]})

    assert response.status_code == 302
    registration = Registration.objects.get(member__user=user)
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.interpretation == ["fr", "ar"]


def test_a_channel_the_dialogue_does_not_offer_is_refused_and_nothing_is_lost(dialogue):
    user = UserFactory()

    response = logged_in(user).post(REGISTER, {**FORM, "role": "Director", "interpretation": "es"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Select a valid choice. es is not one of the available choices." in visible_text(page)
    assert 'value="Director"' in page
    assert not Registration.objects.filter(member__user=user).exists()


def test_the_dialogue_page_names_the_interpreted_languages(client, dialogue):
    text = visible_text(client.get("/dialogues/accountability/").content)

    assert "Interpretation into French Arabic" in text


def test_the_dialogue_page_in_arabic_names_them_in_arabic(client, dialogue):
    text = visible_text(client.get("/ar/dialogues/accountability/").content)

    assert "الفرنسية" in text and "العربية" in text


def _registrations(dialogue):
    asked = [
        (["fr"], "confirmed"),
        (["fr", "ar"], "confirmed"),
        (["ar"], "waitlisted"),
        (["fr"], "cancelled"),  # not coming: no interpreter for them
        ([], "confirmed"),
    ]
    for number, (channels, status) in enumerate(asked, start=1):
        RegistrationFactory(
            dialogue=dialogue,
            status=status,
            interpretation=channels,
            waitlist_number=number if status == "waitlisted" else None,
            member=UserFactory(first_name=f"Person{number}").member,
        )


@pytest.mark.parametrize("organiser", [EditorFactory, PublisherFactory])
def test_admin_shows_the_demand_per_channel_on_the_dialogue(client, dialogue, organiser):
    _registrations(dialogue)
    client.force_login(organiser())

    text = visible_text(client.get(f"/admin/dialogues/dialogue/{dialogue.pk}/change/").content)

    assert ("Asked for: French: 2 confirmed, 0 waiting Arabic: 1 confirmed, 1 waiting") in text


def test_staff_without_a_group_see_no_demand(client, dialogue):
    client.force_login(UserFactory(is_staff=True))

    response = client.get(f"/admin/dialogues/dialogue/{dialogue.pk}/change/")

    assert response.status_code == 403


def test_registrations_list_filters_by_channel_and_exports_it(client, dialogue):
    _registrations(dialogue)
    client.force_login(EditorFactory())
    url = f"/admin/dialogues/registration/?dialogue__id__exact={dialogue.pk}"

    page = client.get(url).content.decode()
    assert f'href="?dialogue__id__exact={dialogue.pk}&amp;interpretation=fr"' in page
    assert "interpretation=es" not in page  # not offered: not a filter
    french = client.get(url + "&interpretation=fr").content.decode()
    assert sorted(
        name for name in ("Person1", "Person2", "Person3", "Person4", "Person5") if name in french
    ) == ["Person1", "Person2", "Person4"]

    ids = Registration.objects.order_by("pk").values_list("pk", flat=True)
    export = client.post(
        "/admin/dialogues/registration/",
        {"action": "export_csv", "_selected_action": list(ids)},
    )
    rows = list(csv.DictReader(io.StringIO(export.content.decode().lstrip("\ufeff"))))
    assert {row["name"].split()[0]: row["interpretation"] for row in rows} == {
        "Person1": "French",
        "Person2": "French, Arabic",
        "Person3": "Arabic",
        "Person4": "French",
        "Person5": "",
    }


def test_editor_offers_channels_in_admin(client, dialogue):
    from tests.dialogues.test_admin import _add_form

    client.force_login(EditorFactory())
    page = client.get(f"/admin/dialogues/dialogue/{dialogue.pk}/change/").content.decode()
    assert page.count('name="interpretation_languages"') == 16  # the whole language list

    response = client.post(
        "/admin/dialogues/dialogue/add/", _add_form(interpretation_languages=["es", "sw"])
    )

    assert response.status_code == 302
    assert Dialogue.objects.get(slug="funding").interpretation_languages == ["es", "sw"]


def test_the_registrant_sees_the_channels_they_asked_for_on_the_dialogue_page(dialogue):
    registration = RegistrationFactory(dialogue=dialogue, interpretation=["fr", "ar"])

    page = logged_in(registration.member.user).get("/dialogues/accountability/")

    assert "You asked for interpretation into: French, Arabic." in visible_text(page.content)
