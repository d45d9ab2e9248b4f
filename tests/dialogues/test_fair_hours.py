"""Fair hours, as organisers see them in admin: beside a dialogue's start time, on the page that
checks another time, and on the series page; and who may see them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dialogues.models import Dialogue, Registration
from members.models import Member
from tests.dialogues.test_admin import ADD, _add_form
from tests.factories import (
    DialogueFactory,
    EditorFactory,
    PublisherFactory,
    RegistrationFactory,
    SeriesFactory,
    UserFactory,
    utc,
)
from tests.html import visible_text

pytestmark = pytest.mark.django_db

# Where the series' registrants are: three in Dhaka (UTC+6), two in Bogotá (UTC-5), one in
# Nairobi (UTC+3), and one who never chose a zone.
PEOPLE = [
    ("Asia/Dhaka", "BD"),
    ("Asia/Dhaka", "BD"),
    ("Asia/Dhaka", "BD"),
    ("America/Bogota", "CO"),
    ("America/Bogota", "CO"),
    ("Africa/Nairobi", "KE"),
    ("UTC", "BD"),
]


def member(zone: str, country: str) -> Member:
    person = UserFactory(time_zone=zone).member
    person.country = country
    person.save(update_fields=["country"])
    return person


def change_url(dialogue) -> str:
    return f"/admin/dialogues/dialogue/{dialogue.pk}/change/"


def hours_url(dialogue) -> str:
    return f"/admin/dialogues/dialogue/{dialogue.pk}/hours/"


def series_url(series) -> str:
    return f"/admin/dialogues/series/{series.pk}/hours/"


@pytest.fixture
def planned():
    """Dialogue 2 of a series at 06:00 UTC on 3 December; everyone registered for dialogue 1,
    of whom one cancelled, and someone registered for a dialogue of another series."""
    series = SeriesFactory()
    first = DialogueFactory(series=series, number=1, starts_at=utc(2099, 11, 5, 13))
    second = DialogueFactory(
        series=series, number=2, title="Funding", starts_at=utc(2099, 12, 3, 6), time_zone="UTC"
    )
    for zone, country in PEOPLE:
        RegistrationFactory(dialogue=first, member=member(zone, country))
    RegistrationFactory(
        dialogue=first, member=member("Asia/Dhaka", "BD"), status=Registration.Status.CANCELLED
    )
    elsewhere = DialogueFactory(series=SeriesFactory(slug="other", title="Other"))
    RegistrationFactory(dialogue=elsewhere, member=member("Asia/Dhaka", "BD"))
    return second


def test_change_page_counts_the_series_registrants_in_daytime_by_region(client, planned):
    client.force_login(EditorFactory())

    text = visible_text(client.get(change_url(planned)).content)

    assert (
        "At this start, 4 of 6 members are in daytime (08:00–20:00 their time): 67%. "
        "Members registered for the dialogues of this series, each counted once. "
        "1 member has not chosen a time zone: not counted above."
    ) in text
    assert (
        "In daytime at this start, by region Region In daytime Members % "
        "Africa 1 1 100% Asia 3 3 100% Latin America and the Caribbean 0 2 0%"
    ) in text
    # 13:00 UTC is daytime in Dhaka, Nairobi and Bogotá; then the earliest of the hours that
    # suit Asia and Africa.
    assert (
        "Fairest start hours that day: "
        "13:00 UTC: 100% in daytime; worst off: Africa, 100% "
        "05:00 UTC: 67% in daytime; worst off: Latin America and the Caribbean, 0% "
        "06:00 UTC: 67% in daytime; worst off: Latin America and the Caribbean, 0%"
    ) in text


def test_fairest_hours_break_ties_by_the_worst_off_region(client):
    """At 07:00-12:00 and 14:00-17:00 UTC the same four of six are in daytime; the afternoon
    leaves a third of Asia in daytime, the morning nobody in Latin America."""
    series = SeriesFactory()
    dialogue = DialogueFactory(series=series, starts_at=utc(2099, 12, 3, 6), time_zone="UTC")
    people = [("Asia/Dhaka", "BD")] * 2 + [("Asia/Beirut", "LB")]
    people += [("America/Bogota", "CO")] * 2 + [("Africa/Lagos", "NG")]
    for zone, country in people:
        RegistrationFactory(dialogue=dialogue, member=member(zone, country))
    client.force_login(EditorFactory())

    text = visible_text(client.get(hours_url(dialogue)).content)

    assert (
        "Fairest start hours that day: "
        "13:00 UTC: 100% in daytime; worst off: Africa, 100% "
        "14:00 UTC: 67% in daytime; worst off: Asia, 33% "
        "15:00 UTC: 67% in daytime; worst off: Asia, 33%"
    ) in text


def test_no_member_with_a_zone_is_said_plainly(client):
    """Members who never chose a zone are not counted: no "0 of 0 members: 0%"."""
    member("UTC", "BD")
    dialogue = DialogueFactory(starts_at=utc(2099, 12, 3, 13), time_zone="Asia/Dhaka")
    client.force_login(EditorFactory())

    text = visible_text(client.get(change_url(dialogue)).content)

    assert "No member with a time zone to count yet." in text
    assert "0 of 0" not in text


def test_a_new_series_is_planned_for_every_member(client):
    for zone, country in PEOPLE:
        member(zone, country)
    dialogue = DialogueFactory(starts_at=utc(2099, 12, 3, 13), time_zone="Asia/Dhaka")
    editor = EditorFactory(time_zone="Africa/Nairobi")  # a member too: counted
    client.force_login(editor)

    text = visible_text(client.get(change_url(dialogue)).content)

    assert (
        "At this start, 7 of 7 members are in daytime (08:00–20:00 their time): 100%. "
        "Nobody has registered for this series yet: all members are counted. "
        "1 member has not chosen a time zone: not counted above."
    ) in text
    # The suggested hours are shown in the dialogue's own zone too.
    assert "13:00 UTC (19:00 Asia/Dhaka): 100% in daytime" in text


def test_check_page_reads_the_time_in_the_dialogues_zone_and_saves_nothing(client, planned):
    Dialogue.objects.filter(pk=planned.pk).update(time_zone="America/Bogota")
    client.force_login(EditorFactory())

    response = client.get(hours_url(planned), {"at": "2099-12-03T08:00"})

    text = visible_text(response.content)
    assert "Starting Thu 3 Dec 2099, 08:00 (America/Bogota)" in text
    # 13:00 UTC: everyone with a zone is in daytime.
    assert "At this start, 6 of 6 members are in daytime" in text
    planned.refresh_from_db()
    assert planned.starts_at == utc(2099, 12, 3, 6)
    # Every hour of the day, linked to check it.
    assert text.count("% in daytime") >= 3
    assert response.content.decode().count('href="?at=2099-12-') == 24


@pytest.mark.parametrize("typed", ["tomorrow morning", "9999-12-31T23:00"])
def test_check_page_explains_a_time_it_cannot_read(client, planned, typed):
    client.force_login(EditorFactory())

    response = client.get(hours_url(planned), {"at": typed})

    text = visible_text(response.content)
    assert f"“{typed}” is not a date and time (for example 2026-12-03T14:00)." in text
    # The saved start is shown instead, and the field keeps it for another try.
    assert "At this start, 4 of 6 members are in daytime" in text
    assert 'value="2099-12-03T06:00"' in response.content.decode()


def test_change_page_shows_the_entered_time_when_the_form_comes_back(client):
    """An error elsewhere in the form: the panel is worked out for the start just typed."""
    member("Asia/Dhaka", "BD")
    client.force_login(EditorFactory())

    response = client.post(
        ADD,
        _add_form(
            starts_at_0="2099-01-14",
            starts_at_1="03:00:00",
            registration_closes_at_0="2099-01-15",
        ),
    )

    assert response.status_code == 200
    text = visible_text(response.content)
    assert "Registration must close before the dialogue starts." in text
    # 03:00 UTC is 09:00 in Dhaka; the editor, in UTC, has no zone of their own.
    assert "At this start, 1 of 1 member is in daytime (08:00–20:00 their time): 100%." in text


def test_series_page_shows_which_regions_each_dialogue_suited(client, planned):
    client.force_login(EditorFactory())

    response = client.get(series_url(planned.series))

    assert response.status_code == 200
    text = visible_text(response.content)
    assert (
        "Dialogue Starts (UTC) Africa Asia Latin America and the Caribbean 1. Dialogue on theme"
    ) in text
    assert (
        "5 Nov 2099 13:00 Daytime, 100% Daytime, 100% Daytime, 100% "
        "2. Funding 3 Dec 2099 06:00 Daytime, 100% Daytime, 100% Night, 0% in daytime"
    ) in text
    assert "No daytime slot yet for" not in text


def test_series_page_names_the_regions_never_given_a_daytime_slot(client, planned):
    Dialogue.objects.filter(number=1).update(starts_at=utc(2099, 11, 5, 6))
    client.force_login(EditorFactory())

    text = visible_text(client.get(series_url(planned.series)).content)

    assert "No daytime slot yet for: Latin America and the Caribbean." in text


def test_series_list_links_to_its_fair_hours(client, planned):
    client.force_login(EditorFactory())

    page = client.get("/admin/dialogues/series/").content.decode()

    assert f'<a href="{series_url(planned.series)}">Daytime by region</a>' in page


@pytest.mark.parametrize("url", [hours_url, lambda d: series_url(d.series)])
def test_visitors_are_sent_to_log_in(client, planned, url):
    response = client.get(url(planned))

    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.parametrize("url", [hours_url, lambda d: series_url(d.series), change_url])
def test_members_and_staff_without_a_group_see_no_fair_hours(client, planned, url):
    client.force_login(UserFactory())
    response = client.get(url(planned))
    assert response.status_code == 302  # admin's own login: they are not staff
    assert "At this start" not in response.content.decode()

    client.force_login(UserFactory(is_staff=True))
    assert client.get(url(planned)).status_code == 403


@pytest.mark.parametrize("organiser", [EditorFactory, PublisherFactory])
@pytest.mark.parametrize(
    ("url", "seen"),
    [
        (hours_url, "4 of 6 members are in daytime"),
        (change_url, "4 of 6 members are in daytime"),
        (lambda d: series_url(d.series), "2. Funding 3 Dec 2099 06:00 Daytime, 100%"),
    ],
)
def test_editors_and_publishers_see_fair_hours(client, planned, organiser, url, seen):
    client.force_login(organiser())

    response = client.get(url(planned))

    assert response.status_code == 200
    assert seen in visible_text(response.content)


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("people", [1, 200])
def test_fair_hours_cost_the_same_queries_whatever_the_number_of_members(client, people):
    series = SeriesFactory()
    dialogues = [DialogueFactory(series=series, number=n) for n in range(1, 4)]
    zones = ["Asia/Dhaka", "America/Bogota", "Africa/Nairobi", "Asia/Manila", "UTC"]
    for i in range(people):
        RegistrationFactory(dialogue=dialogues[i % 3], member=member(zones[i % 5], "BD"))
    client.force_login(EditorFactory())
    for url in [hours_url(dialogues[0]), series_url(series), change_url(dialogues[0])]:
        client.get(url)  # the session, and the content types admin keeps in memory

    # Session, user, member (the zone), the user's and their groups' permissions; the
    # dialogue; the audience in one aggregate.
    assert _queries(client, hours_url(dialogues[0])) == 7
    # The same five; the series, the audience, the dialogues.
    assert _queries(client, series_url(series)) == 8
    # The change page asks for the audience once, beside everything else it shows (among it
    # the people waiting to be told the date and what the status panel offers).
    assert _queries(client, change_url(dialogues[0])) == 19


def test_suggested_times_read_left_to_right_in_arabic_admin(client, planned):
    """In a right-to-left page "13:00 UTC" came out as "UTC :13:00" (seen in Chromium)."""
    client.force_login(EditorFactory())

    page = client.get(f"/ar{change_url(planned)}").content.decode()

    assert page.count('<time dir="ltr" datetime="2099-12-03T') == 3
