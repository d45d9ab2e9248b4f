"""The dialogue admin, checked from the outside: who gets in, and what editors and
publishers may do."""

import re
from datetime import timedelta

import pytest
from django.contrib.sites.models import Site

from dialogues.models import Dialogue, Session
from members.models import Mailing
from tests.factories import (
    DialogueFactory,
    EditorFactory,
    OrganisationFactory,
    PublisherFactory,
    RegistrationFactory,
    SeriesFactory,
    SessionFactory,
    UserFactory,
    utc,
)
from tests.html import visible_text

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/dialogues/dialogue/"
ADD = "/admin/dialogues/dialogue/add/"


def change_url(dialogue) -> str:
    return f"/admin/dialogues/dialogue/{dialogue.pk}/change/"


def delete_url(dialogue) -> str:
    return f"/admin/dialogues/dialogue/{dialogue.pk}/delete/"


def listed_titles(html: str) -> list[str]:
    return re.findall(r'<th class="field-title"><a href="[^"]*">([^<]*)</a></th>', html)


@pytest.fixture
def dialogue():
    return DialogueFactory(
        number=2, title="Accountability", slug="accountability", question="Who is accountable?"
    )


@pytest.mark.parametrize("url", ["/admin/", CHANGELIST, ADD])
def test_admin_sends_a_visitor_to_the_sites_login(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={url}"
    # The admin login is allauth's, so verification and rate limits apply to staff too.
    login = client.get(response["Location"])
    assert login.status_code == 302
    assert login["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("url", ["/admin/", CHANGELIST, ADD])
def test_admin_refuses_a_member_who_is_not_staff(client, url):
    client.force_login(UserFactory(email="member@example.org"))

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={url}"
    # Admin login goes through allauth, which refuses a logged-in member outright.
    assert client.get(response["Location"]).status_code == 403


def test_admin_refuses_a_member_who_posts_a_dialogue(client):
    client.force_login(UserFactory())

    response = client.post(ADD, {"title": "Sneaky"})

    assert response.status_code == 302
    assert Dialogue.objects.count() == 0


def test_staff_without_a_group_cannot_open_dialogues(client, dialogue):
    client.force_login(UserFactory(is_staff=True))

    assert client.get("/admin/").status_code == 200
    assert client.get(CHANGELIST).status_code == 403
    assert client.get(change_url(dialogue)).status_code == 403


def test_editor_opens_the_dialogue_changelist(client, dialogue):
    DialogueFactory(title="Localisation", status=Dialogue.Status.DRAFT)
    client.force_login(EditorFactory())

    response = client.get(CHANGELIST)

    assert response.status_code == 200
    assert listed_titles(response.content.decode()) == ["Accountability", "Localisation"]


def test_editor_searches_dialogues(client, dialogue):
    DialogueFactory(title="Localisation", question="Why does it matter?")
    client.force_login(EditorFactory())

    by_title = client.get(CHANGELIST, {"q": "account"}).content.decode()
    by_question = client.get(CHANGELIST, {"q": "matter"}).content.decode()

    assert listed_titles(by_title) == ["Accountability"]
    assert listed_titles(by_question) == ["Localisation"]


def test_editor_filters_dialogues_by_status(client, dialogue):
    DialogueFactory(title="Secret plans", status=Dialogue.Status.DRAFT)
    DialogueFactory(title="Called off", status=Dialogue.Status.CANCELLED)
    client.force_login(EditorFactory())

    drafts = client.get(CHANGELIST, {"status__exact": "draft"}).content.decode()
    cancelled = client.get(CHANGELIST, {"status__exact": "cancelled"}).content.decode()

    assert listed_titles(drafts) == ["Secret plans"]
    assert listed_titles(cancelled) == ["Called off"]
    assert '<a href="?status__exact=draft">Draft</a>' in drafts


def test_editor_opens_the_add_form_with_agenda_and_speaker_inlines(client):
    client.force_login(EditorFactory())

    response = client.get(ADD)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="sessions-TOTAL_FORMS"' in html
    assert 'name="speaker_roles-TOTAL_FORMS"' in html
    assert re.search(r'<h2 id="sessions-heading" class="inline-heading">\s*Agenda\s*</h2>', html)
    assert re.search(
        r'<h2 id="speaker_roles-heading" class="inline-heading">\s*Speakers\s*</h2>', html
    )


def test_editor_opens_the_change_form_with_inlines(client, dialogue):
    SessionFactory(dialogue=dialogue, title="Welcome and purpose", order=1)
    client.force_login(EditorFactory())

    response = client.get(change_url(dialogue))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h2>2. Accountability</h2>" in html
    assert 'name="sessions-0-title_en"' in html
    assert 'value="Welcome and purpose"' in html
    assert 'name="speaker_roles-TOTAL_FORMS"' in html


def test_change_form_offers_only_this_dialogues_agenda_items_for_speakers(client, dialogue):
    SessionFactory(dialogue=dialogue, title="Our panel")
    SessionFactory(dialogue=DialogueFactory(), title="Someone else's panel")
    client.force_login(EditorFactory())

    html = client.get(change_url(dialogue)).content.decode()

    select = re.search(
        r'<select name="speaker_roles-__prefix__-session"[^>]*>(.*?)</select>', html, re.S
    ).group(1)
    assert re.findall(r"<option[^>]*>([^<]*)</option>", select) == ["---------", "Our panel"]


def test_change_form_links_to_the_dialogue_on_the_site(client, dialogue):
    client.force_login(EditorFactory())

    html = client.get(change_url(dialogue)).content.decode()

    link = re.search(r'<a href="([^"]+)" class="viewsitelink">View on site</a>', html)
    assert link
    response = client.get(link.group(1))
    assert response.status_code == 302
    domain = Site.objects.get_current().domain
    assert response["Location"] == f"http://{domain}/dialogues/accountability/"


def _add_form(**overrides) -> dict:
    series = SeriesFactory()
    hosts = [OrganisationFactory(name="KUNO"), OrganisationFactory(name="CHS Alliance")]
    data = {
        "series": series.pk,
        "number": "7",
        "title_en": "Funding",
        "slug": "funding",
        "question_en": "Who holds the money?",
        "status": "announced",
        "starts_at_0": "2099-01-14",
        "starts_at_1": "12:00:00",
        "time_zone": "UTC",
        "duration_minutes": "90",
        "format": "online",
        "venue": "Zoom",
        "description_en": "**Money** talks.",
        "audience": "Local actors",
        "co_hosts": [hosts[0].pk, hosts[1].pk],
        "capacity": "80",
        "registration_opens_at_0": "",
        "registration_opens_at_1": "",
        "registration_closes_at_0": "2099-01-13",
        "registration_closes_at_1": "12:00:00",
        "join_url": "https://zoom.us/j/42?pwd=funding",
        "sessions-TOTAL_FORMS": "2",
        "sessions-INITIAL_FORMS": "0",
        "sessions-MIN_NUM_FORMS": "0",
        "sessions-MAX_NUM_FORMS": "1000",
        "sessions-0-order": "1",
        "sessions-0-kind": "opening",
        "sessions-0-title_en": "Welcome",
        "sessions-0-duration_minutes": "15",
        "sessions-0-description_en": "",
        "sessions-1-order": "2",
        "sessions-1-kind": "panel",
        "sessions-1-title_en": "Where the money goes",
        "sessions-1-duration_minutes": "75",
        "sessions-1-description_en": "",
        "speaker_roles-TOTAL_FORMS": "0",
        "speaker_roles-INITIAL_FORMS": "0",
        "speaker_roles-MIN_NUM_FORMS": "0",
        "speaker_roles-MAX_NUM_FORMS": "1000",
        # The breakout groups inline (participation) sends its management form too.
        "breakout_groups-TOTAL_FORMS": "0",
        "breakout_groups-INITIAL_FORMS": "0",
        "breakout_groups-MIN_NUM_FORMS": "0",
        "breakout_groups-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    data.update(overrides)
    return data


def test_editor_adds_a_dialogue_with_its_agenda(client):
    client.force_login(EditorFactory())

    response = client.post(ADD, _add_form())

    assert response.status_code == 302
    assert response["Location"] == CHANGELIST
    dialogue = Dialogue.objects.get(slug="funding")
    assert dialogue.title == "Funding"
    # The status sent with the form is ignored: a new dialogue is a draft until announced.
    assert dialogue.status == Dialogue.Status.DRAFT
    assert dialogue.starts_at == utc(2099, 1, 14, 12, 0)
    assert dialogue.ends_at == utc(2099, 1, 14, 13, 30)
    assert dialogue.registration_closes_at == utc(2099, 1, 13, 12, 0)
    assert sorted(host.name for host in dialogue.co_hosts.all()) == ["CHS Alliance", "KUNO"]
    assert [(s.order, s.kind, s.title, s.duration_minutes) for s in dialogue.sessions.all()] == [
        (1, Session.Kind.OPENING, "Welcome", 15),
        (2, Session.Kind.PANEL, "Where the money goes", 75),
    ]
    page = client.get("/dialogues/funding/").content.decode()
    assert "<strong>Money</strong>" in page


def _selected_zone(page: str) -> str:
    select = page.split('name="time_zone"')[1].split("</select>")[0]
    return re.search(r'<option value="([^"]+)" selected>', select).group(1)


def test_a_new_dialogues_zone_is_the_organisers_own_and_its_times_are_read_in_it(client):
    client.force_login(EditorFactory(time_zone="Africa/Nairobi"))
    assert _selected_zone(client.get(ADD).content.decode()) == "Africa/Nairobi"

    response = client.post(
        ADD,
        _add_form(
            time_zone="Africa/Nairobi", starts_at_1="13:00:00", registration_closes_at_1="13:00"
        ),
    )

    assert response.status_code == 302
    dialogue = Dialogue.objects.get(slug="funding")
    assert dialogue.time_zone == "Africa/Nairobi"
    assert dialogue.starts_at == utc(2099, 1, 14, 10, 0)
    assert dialogue.registration_closes_at == utc(2099, 1, 13, 10, 0)


def test_the_dialogues_zone_not_the_organisers_reads_and_shows_its_times(client):
    client.force_login(EditorFactory(time_zone="Africa/Nairobi"))

    response = client.post(ADD, _add_form(time_zone="Asia/Karachi", starts_at_1="17:00:00"))

    assert response.status_code == 302
    dialogue = Dialogue.objects.get(slug="funding")
    assert dialogue.starts_at == utc(2099, 1, 14, 12, 0)
    page = client.get(change_url(dialogue)).content.decode()
    assert _selected_zone(page) == "Asia/Karachi"
    assert 'name="starts_at_1" value="17:00:00"' in page
    # The same moment in UTC and where members often are, the day named when it differs.
    assert (
        "UTC 12:00 · Africa/Nairobi 15:00 · Asia/Dhaka 18:00 · America/Bogota 07:00 · "
        "Asia/Beirut 14:00"
    ) in visible_text(page)


def test_times_elsewhere_follow_the_registrants_zones(client, dialogue):
    Dialogue.objects.filter(pk=dialogue.pk).update(
        starts_at=utc(2099, 3, 10, 22, 0), time_zone="Europe/Paris"
    )
    for zone in ["Asia/Tokyo", "Asia/Tokyo", "America/Lima", "UTC"]:
        RegistrationFactory(dialogue=dialogue, member=UserFactory(time_zone=zone).member)
    client.force_login(EditorFactory())
    text = visible_text(client.get(change_url(dialogue)).content)
    assert (
        "At that time elsewhere: UTC 22:00 · Asia/Tokyo 07:00 (11 March) · America/Lima 17:00 · "
        "Africa/Nairobi 01:00 (11 March) · Asia/Dhaka 04:00 (11 March)"
    ) in text


def test_editor_sees_an_error_when_registration_closes_after_the_start(client):
    client.force_login(EditorFactory())

    response = client.post(
        ADD, _add_form(registration_closes_at_0="2099-01-15", registration_closes_at_1="09:00")
    )

    assert response.status_code == 200
    assert "Registration must close before the dialogue starts." in response.content.decode()
    assert Dialogue.objects.count() == 0
    assert Session.objects.count() == 0


def test_editor_changes_a_dialogue(client, dialogue):
    client.force_login(EditorFactory())
    data = _add_form(title_en="Accountability, again", slug="accountability", number="2")

    response = client.post(change_url(dialogue), data)

    assert response.status_code == 302
    dialogue.refresh_from_db()
    assert dialogue.title == "Accountability, again"
    assert dialogue.ends_at - dialogue.starts_at == timedelta(minutes=90)
    assert dialogue.sessions.count() == 2


def test_save_and_create_an_invitation_keeps_the_typed_title(client, dialogue):
    client.force_login(EditorFactory())
    data = _add_form(title_en="Accountability to communities", slug="accountability", number="2")
    data["_invite"] = "1"

    response = client.post(change_url(dialogue), data)

    mailing = Mailing.objects.get()
    assert response["Location"] == f"/admin/members/mailing/{mailing.pk}/change/"
    dialogue.refresh_from_db()
    assert dialogue.title == "Accountability to communities"
    assert mailing.subject == "Invitation: Accountability to communities"


def test_editor_cannot_delete_a_dialogue(client, dialogue):
    client.force_login(EditorFactory())

    assert client.get(delete_url(dialogue)).status_code == 403
    assert client.post(delete_url(dialogue), {"post": "yes"}).status_code == 403
    assert Dialogue.objects.filter(pk=dialogue.pk).exists()
    assert 'class="deletelink"' not in client.get(change_url(dialogue)).content.decode()


def test_publisher_deletes_a_dialogue_with_its_agenda(client, dialogue):
    SessionFactory(dialogue=dialogue)
    client.force_login(PublisherFactory())

    assert 'class="deletelink"' in client.get(change_url(dialogue)).content.decode()
    page = client.get(delete_url(dialogue))
    assert page.status_code == 200
    assert 'Are you sure you want to delete the dialogue "2. Accountability"?' in (
        page.content.decode()
    )

    response = client.post(delete_url(dialogue), {"post": "yes"})

    assert response.status_code == 302
    assert response["Location"] == CHANGELIST
    assert Dialogue.objects.count() == 0
    assert Session.objects.count() == 0
