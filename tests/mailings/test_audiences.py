"""Who a curated mailing goes to: members who want its kind, chosen countries and kinds of
organisation, and pasted addresses of non-members (kept only in the delivery records)."""

import pytest
from django.core import mail

from a4ep_portal.workflow import State
from members.models import Delivery, Mailing, MailKind, Organisation
from members.services import MailingError, audience_size, send_mailing
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def person(email, *, country="", kind=None, **preferences):
    member = UserFactory(email=email).member
    member.country = country
    if kind is not None:
        member.organisation = OrganisationFactory(kind=kind)
    for field, value in preferences.items():
        setattr(member, field, value)
    member.save()
    return member


def invitation(dialogue, **fields) -> Mailing:
    values = {
        "kind": MailKind.INVITATION,
        "subject": "Invitation: Accountability",
        "body": "Dear {{ first_name }},",
        "audience": Mailing.Audience.ALL_MEMBERS,
        "dialogue": dialogue,
        "details": Mailing.Details.INVITATION,
        "state": State.APPROVED,
        **fields,
    }
    return Mailing.objects.create(**values)


def deliveries(mailing) -> dict[str, str]:
    return dict(mailing.deliveries.values_list("address", "status"))


def test_all_members_who_want_invitations_get_one_the_rest_are_skipped(dialogue):
    person("yes@example.org")
    person("no@example.org", wants_invitations=False)
    gone = person("inactive@example.org")
    gone.user.is_active = False
    gone.user.save()
    mailing = invitation(dialogue)

    assert audience_size(mailing) == 1
    send_mailing(mailing)

    assert deliveries(mailing) == {
        "yes@example.org": "queued",
        "no@example.org": "skipped",
        "inactive@example.org": "skipped",
    }


@pytest.mark.parametrize(
    ("countries", "kinds", "expected"),
    [
        (["BD"], [], {"bd-local@example.org", "bd-ingo@example.org"}),
        ([], [Organisation.Kind.LOCAL_NGO], {"bd-local@example.org", "ng-local@example.org"}),
        (["BD"], [Organisation.Kind.LOCAL_NGO], {"bd-local@example.org"}),
        (
            ["BD", "NG"],
            [Organisation.Kind.LOCAL_NGO],
            {"bd-local@example.org", "ng-local@example.org"},
        ),
    ],
)
def test_chosen_countries_and_kinds_select_exactly_their_members(
    dialogue, countries, kinds, expected
):
    person("bd-local@example.org", country="BD", kind=Organisation.Kind.LOCAL_NGO)
    person("bd-ingo@example.org", country="BD", kind=Organisation.Kind.INGO)
    person("ng-local@example.org", country="NG", kind=Organisation.Kind.LOCAL_NGO)
    person("pk-network@example.org", country="PK", kind=Organisation.Kind.NETWORK)
    person("bd-nothing@example.org", country="BD", kind=Organisation.Kind.LOCAL_NGO,
           wants_invitations=False)  # fmt: skip
    mailing = invitation(
        dialogue,
        audience=Mailing.Audience.CHOSEN_MEMBERS,
        countries=countries,
        organisation_kinds=kinds,
    )

    assert audience_size(mailing) == len(expected)
    send_mailing(mailing)

    queued = {address for address, status in deliveries(mailing).items() if status == "queued"}
    assert queued == expected


def test_audience_size_is_one_count_query(dialogue, django_assert_num_queries):
    for n in range(5):
        person(f"m{n}@example.org", country="BD")
    mailing = invitation(
        dialogue, audience=Mailing.Audience.CHOSEN_MEMBERS, countries=["BD"],
        guest_addresses="guest@example.net",
    )  # fmt: skip
    with django_assert_num_queries(1):
        assert audience_size(mailing) == 6


def test_pasted_addresses_are_mailed_a_sign_up_link_and_kept_only_in_deliveries(
    dialogue, settings, django_capture_on_commit_callbacks
):
    member = person("Member@Example.org")
    mailing = invitation(
        dialogue,
        audience=Mailing.Audience.ADDRESSES_ONLY,
        guest_addresses="new.person@ngo.example.net\n\nMEMBER@example.org\nnew.person@NGO.example.net\n",
    )
    assert audience_size(mailing) == 2

    with django_capture_on_commit_callbacks(execute=True):
        send_mailing(mailing)

    mailing.refresh_from_db()
    assert mailing.guest_addresses == ""
    rows = set(mailing.deliveries.values_list("member_id", "address", "status"))
    assert rows == {
        (None, "new.person@ngo.example.net", "sent"),
        (member.pk, "Member@Example.org", "sent"),
    }
    messages = {m.to[0]: m for m in mail.outbox}
    guest = messages["new.person@ngo.example.net"]
    signup = (
        f"{settings.SITE_URL}/accounts/signup/?next=%2Fdialogues%2Faccountability%2Fregister%2F"
    )
    assert signup in guest.body
    assert "Sign up and register for this dialogue" in guest.body
    assert "List-Unsubscribe" not in guest.extra_headers
    assert "we keep your address only to record that this message was sent" in guest.body
    known = messages["Member@Example.org"]
    assert f"{settings.SITE_URL}/dialogues/accountability/register/" in known.body
    assert "List-Unsubscribe" in known.extra_headers


def test_a_guest_address_is_mailed_once_even_if_sent_again(dialogue):
    mailing = invitation(
        dialogue, audience=Mailing.Audience.ADDRESSES_ONLY, guest_addresses="a@example.net"
    )
    send_mailing(mailing)
    send_mailing(mailing)
    assert Delivery.objects.filter(address="a@example.net").count() == 1


def test_bad_pasted_lines_get_a_message_each_and_nothing_typed_is_lost(client, dialogue, editor):
    client.force_login(editor)
    pasted = "good@example.org\nnot an address\n\nalso@bad@\nfine@example.net"
    response = client.post(
        "/admin/members/mailing/add/",
        {
            "kind": "invitation",
            "subject_en": "Come",
            "body_en": "Dear {{ first_name }}",
            "dialogue": dialogue.pk,
            "details": "invitation",
            "audience": "addresses",
            "guest_addresses": pasted,
            "_save": "Save",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Line 2: “not an address” is not an e-mail address." in page
    assert "Line 4: “also@bad@” is not an e-mail address." in page
    form = response.context["adminform"].form
    assert form["guest_addresses"].value() == pasted
    assert form["subject_en"].value() == "Come"
    assert Mailing.objects.count() == 0


def test_chosen_audience_needs_a_choice(client, dialogue, editor):
    client.force_login(editor)
    response = client.post(
        "/admin/members/mailing/add/",
        {
            "kind": "news",
            "subject_en": "News",
            "body_en": "News.",
            "audience": "chosen_members",
            "_save": "Save",
        },
    )
    assert "Choose at least one country or kind of organisation." in response.content.decode()
    assert Mailing.objects.count() == 0


def test_an_editor_saves_a_chosen_audience_as_a_draft(client, dialogue, editor):
    client.force_login(editor)
    response = client.post(
        "/admin/members/mailing/add/",
        {
            "kind": "invitation",
            "subject_en": "Come",
            "body_en": "Dear {{ first_name }}",
            "dialogue": dialogue.pk,
            "details": "invitation",
            "audience": "chosen_members",
            "countries": ["BD", "NG"],
            "organisation_kinds": ["local_ngo"],
            "guest_addresses": "a@example.net\n",
            "_save": "Save",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    mailing = Mailing.objects.get()
    assert (mailing.state, mailing.created_by, mailing.last_edited_by) == ("draft", editor, editor)
    assert [c.code for c in mailing.countries] == ["BD", "NG"]
    assert mailing.organisation_kinds == ["local_ngo"]
    assert mailing.guest_addresses == "a@example.net"


# The outbox refuses what the admin form refuses, with the same message (one validator):
# a mailing made outside the form (a script, a service) cannot slip past it.
@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"audience": Mailing.Audience.ONE_MEMBER}, "Choose the member."),
        (
            {"audience": Mailing.Audience.CHOSEN_MEMBERS},
            "Choose at least one country or kind of organisation.",
        ),
        ({"audience": Mailing.Audience.ADDRESSES_ONLY, "guest_addresses": " "}, "Paste"),
        ({"audience": Mailing.Audience.REGISTRANTS, "dialogue": None}, "Choose the dialogue."),
        # Dialogue details with no dialogue to show: the form refused it, the outbox did not.
        ({"dialogue": None}, "Choose the dialogue."),
    ],
)
def test_the_outbox_refuses_an_audience_the_form_refuses(dialogue, fields, message):
    UserFactory()
    fields = {"dialogue": dialogue, **fields}
    mailing = invitation(fields.pop("dialogue"), **fields)
    with pytest.raises(MailingError, match=message):
        send_mailing(mailing)
    assert Delivery.objects.count() == 0
    assert Mailing.objects.get(pk=mailing.pk).sent_at is None
