"""A registrant's agreement to share their details with a dialogue's co-hosts: asked on the
registration form, one box per co-host, none ticked; withdrawn from Your dialogues."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from a4ep_portal.models import AuditEntry
from dialogues.models import Dialogue, Registration
from dialogues.services import erase_registration_details, export_registrations
from members.models import User
from tests.factories import CoHostFactory, DialogueFactory, OrganisationFactory, UserFactory
from tests.html import main_text

pytestmark = pytest.mark.django_db

FORM = {
    "organisation_name": "Coast Trust",
    "role": "Programme officer",
    "language": "en",
    "needs": "",
}


@pytest.fixture
def world():
    alpha = OrganisationFactory(name="Alpha Platform")
    beta = OrganisationFactory(name="Beta Network")
    other = OrganisationFactory(name="Gamma Other")
    dialogue = DialogueFactory(slug="shared", title="Shared dialogue", co_hosts=[alpha, beta])
    return {
        "dialogue": dialogue,
        "alpha": alpha,
        "beta": beta,
        "other": other,
        "member": UserFactory(),
        "cohost_a": CoHostFactory(organisation=alpha),
        "cohost_b": CoHostFactory(organisation=beta),
    }


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def registrant_emails(user) -> set[str]:
    page = logged_in(user).get("/admin/dialogues/registration/").content.decode()
    return {email for email in User.objects.values_list("email", flat=True) if email in page}


def test_form_asks_per_co_host_with_nothing_ticked(world):
    page = logged_in(world["member"]).get("/dialogues/shared/register/").content.decode()
    # A group of boxes, named by its legend (a label for no field named nothing).
    assert "<legend>Share my details with the co-hosts I tick" in page
    assert 'for=""' not in page
    assert "Nothing is shared unless you tick a box" in page
    boxes = [line for line in page.splitlines() if 'name="shares_details_with"' in line]
    assert len(boxes) == 2
    assert not any("checked" in box for box in boxes)
    assert "Alpha Platform" in page and "Beta Network" in page
    # A dialogue without co-hosts does not ask.
    DialogueFactory(slug="alone")
    page = logged_in(world["member"]).get("/dialogues/alone/register/").content.decode()
    assert "shares_details_with" not in page


def test_ticked_co_host_sees_the_registrant_the_other_does_not(world):
    member = world["member"]
    response = logged_in(member).post(
        "/dialogues/shared/register/", {**FORM, "shares_details_with": [world["alpha"].pk]}
    )
    assert response.status_code == 302
    registration = Registration.objects.get(member__user=member)
    assert list(registration.shares_details_with.all()) == [world["alpha"]]
    assert member.email in registrant_emails(world["cohost_a"])
    assert member.email not in registrant_emails(world["cohost_b"])


def test_an_organisation_that_is_not_a_co_host_cannot_be_chosen(world):
    member = world["member"]
    response = logged_in(member).post(
        "/dialogues/shared/register/", {**FORM, "shares_details_with": [world["other"].pk]}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in main_text(response.content)
    assert not Registration.objects.exists()


def test_unticked_form_shares_nothing(world):
    member = world["member"]
    logged_in(member).post("/dialogues/shared/register/", FORM)
    registration = Registration.objects.get(member__user=member)
    assert list(registration.shares_details_with.all()) == []
    assert member.email not in registrant_emails(world["cohost_a"])
    page = logged_in(member).get("/me/dialogues/").content.decode()
    assert "Stop sharing my details" not in page


def test_member_stops_sharing_from_their_dialogues(world):
    member = world["member"]
    client = logged_in(member)
    client.post(
        "/dialogues/shared/register/",
        {**FORM, "shares_details_with": [world["alpha"].pk, world["beta"].pk]},
    )
    page = main_text(client.get("/me/dialogues/").content)
    assert (
        "You share your name, e-mail address, organisation and role with its co-hosts: "
        "Alpha Platform, Beta Network." in page
    )
    # Only the registrant may withdraw: someone else's POST finds no registration.
    assert logged_in(UserFactory()).post("/me/dialogues/shared/sharing/").status_code == 404
    assert member.email in registrant_emails(world["cohost_b"])
    response = client.post("/me/dialogues/shared/sharing/", follow=True)
    assert "The co-hosts of “Shared dialogue” no longer see your details." in main_text(
        response.content
    )
    assert "Stop sharing my details" not in response.content.decode()
    assert member.email not in registrant_emails(world["cohost_a"])
    assert member.email not in registrant_emails(world["cohost_b"])
    registration = Registration.objects.get(member__user=member)
    assert AuditEntry.objects.about(registration).filter(action="stop_sharing").count() == 1
    assert client.get("/me/dialogues/shared/sharing/").status_code == 405


def test_registering_again_after_cancelling_asks_again(world):
    member = world["member"]
    client = logged_in(member)
    client.post("/dialogues/shared/register/", {**FORM, "shares_details_with": [world["alpha"].pk]})
    client.post("/me/dialogues/shared/cancel/")
    client.post("/dialogues/shared/register/", FORM)
    registration = Registration.objects.get(member__user=member)
    assert registration.status == "confirmed"
    assert list(registration.shares_details_with.all()) == []


def test_data_export_and_deletion_cover_sharing(world):
    member = world["member"]
    logged_in(member).post(
        "/dialogues/shared/register/", {**FORM, "shares_details_with": [world["beta"].pk]}
    )
    exported = export_registrations(member.member)
    assert exported[0]["shares_details_with"] == ["Beta Network"]
    # Once the dialogue is over the row stays for the counts, its sharing goes with the account.
    past = timezone.now() - timedelta(days=30)
    Dialogue.objects.filter(pk=world["dialogue"].pk).update(starts_at=past, ends_at=past)
    erase_registration_details(member.member)
    assert Registration.objects.filter(member__user=member).exists()
    assert not Registration.shares_details_with.through.objects.exists()
