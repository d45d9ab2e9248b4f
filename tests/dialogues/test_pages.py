"""The public dialogue pages: who sees what, times in the viewer's zone, the detail page,
the list filters, rich text and the security headers."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from dialogues.models import Dialogue, DialogueSpeaker, Session
from members.timezones import TZ_COOKIE
from tests.factories import (
    DialogueFactory,
    DialogueSpeakerFactory,
    OrganisationFactory,
    SessionFactory,
    SpeakerFactory,
    UserFactory,
    utc,
)
from tests.html import card_titles, main_text, section, time_attributes, visible_text

pytestmark = pytest.mark.django_db

DRAFT = Dialogue.Status.DRAFT
JOIN_URL = "https://zoom.us/j/123456789?pwd=secret-join-link"


@pytest.fixture
def public_and_draft():
    """One announced dialogue and one draft; a speaker in both and one only in the draft."""
    public = DialogueFactory(title="Accountability", slug="accountability")
    draft = DialogueFactory(title="Secret plans", slug="secret-plans", status=DRAFT)
    both = SpeakerFactory(name="Amina Diallo", slug="amina-diallo")
    draft_only = SpeakerFactory(name="Hidden Speaker", slug="hidden-speaker")
    DialogueSpeakerFactory(dialogue=public, speaker=both)
    DialogueSpeakerFactory(dialogue=draft, speaker=both, role=DialogueSpeaker.Role.MODERATOR)
    DialogueSpeakerFactory(dialogue=draft, speaker=draft_only)
    return public, draft


# --- Drafts --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["visitor", "member"])
def test_draft_dialogue_is_not_found_for_visitor_and_member(as_viewer, public_and_draft, who):
    client = as_viewer(who)

    assert client.get("/dialogues/secret-plans/").status_code == 404
    assert client.get("/dialogues/secret-plans/calendar.ics").status_code == 404
    assert client.get("/dialogues/accountability/").status_code == 200


def test_draft_dialogue_page_is_shown_to_staff(as_viewer, public_and_draft):
    response = as_viewer("staff").get("/dialogues/secret-plans/")

    assert response.status_code == 200
    text = main_text(response.content)
    assert "Secret plans" in text
    assert "Draft: only organisers can see this page." in text


def test_public_dialogue_page_has_no_draft_notice(client, public_and_draft):
    text = main_text(client.get("/dialogues/accountability/").content)

    assert "Draft" not in text


@pytest.mark.parametrize("who", ["visitor", "member"])
@pytest.mark.parametrize(
    "url", ["/", "/dialogues/", "/dialogues/calendar.ics", "/speakers/amina-diallo/"]
)
def test_draft_dialogue_is_never_listed(as_viewer, public_and_draft, who, url):
    response = as_viewer(who).get(url)

    assert response.status_code == 200
    body = response.content.decode()
    assert "Accountability" in body
    assert "Secret plans" not in body
    assert "secret-plans" not in body


def test_speaker_page_lists_only_public_roles(client, public_and_draft):
    text = main_text(client.get("/speakers/amina-diallo/").content)

    assert "Accountability" in text
    assert "Panellist" in text
    assert "Moderator" not in text


@pytest.mark.parametrize("who", ["visitor", "member"])
def test_speaker_only_in_drafts_is_hidden(as_viewer, public_and_draft, who):
    client = as_viewer(who)

    assert client.get("/speakers/hidden-speaker/").status_code == 404
    speakers = main_text(client.get("/speakers/").content)
    assert "Amina Diallo" in speakers
    assert "Hidden Speaker" not in speakers


def test_speaker_only_in_drafts_is_shown_to_staff(as_viewer, public_and_draft):
    client = as_viewer("staff")

    page = client.get("/speakers/hidden-speaker/")
    assert page.status_code == 200
    assert "Not yet announced in a public dialogue." in main_text(page.content)
    assert "Hidden Speaker" in main_text(client.get("/speakers/").content)


# --- Times in the viewer's zone ------------------------------------------------------------


@pytest.fixture
def december_dialogue():
    return DialogueFactory(
        title="Localisation", slug="localisation", starts_at=utc(2026, 12, 10, 12, 0)
    )


PAGES_WITH_TIMES = ["/dialogues/localisation/", "/dialogues/", "/"]


@pytest.mark.parametrize("url", PAGES_WITH_TIMES)
def test_times_are_shown_in_members_profile_zone(client, december_dialogue, url):
    client.force_login(UserFactory(time_zone="Asia/Karachi"))
    # The profile wins over a cookie left from before logging in.
    client.cookies[TZ_COOKIE] = "America/Lima"

    html = client.get(url).content.decode()

    assert "Thu 10 Dec 2026, 17:00 (Asia/Karachi)" in visible_text(html)
    assert "Times are shown in Asia/Karachi." in visible_text(html)
    assert time_attributes(html)[0] == "2026-12-10T12:00:00Z"
    assert '<body data-tz-chosen="true">' in html


@pytest.mark.parametrize("url", PAGES_WITH_TIMES)
def test_times_are_shown_in_visitors_cookie_zone(client, december_dialogue, url):
    client.cookies[TZ_COOKIE] = "America/Lima"

    html = client.get(url).content.decode()

    assert "Thu 10 Dec 2026, 07:00 (America/Lima)" in visible_text(html)
    assert "Times are shown in America/Lima." in visible_text(html)
    assert time_attributes(html)[0] == "2026-12-10T12:00:00Z"
    assert '<body data-tz-chosen="true">' in html


@pytest.mark.parametrize("cookie", [None, "Not/AZone", "../../etc/passwd", ""])
@pytest.mark.parametrize("url", PAGES_WITH_TIMES)
def test_times_are_shown_in_utc_without_a_valid_choice(client, december_dialogue, url, cookie):
    if cookie is not None:
        client.cookies[TZ_COOKIE] = cookie

    response = client.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Thu 10 Dec 2026, 12:00 (UTC)" in visible_text(html)
    assert "Times are shown in UTC." in visible_text(html)
    assert time_attributes(html)[0] == "2026-12-10T12:00:00Z"
    # Nothing chosen: the browser's zone may be shown instead (static/js/portal.js).
    assert '<body data-tz-chosen="false">' in html


def test_detail_page_shows_start_and_end_in_viewers_zone(client, december_dialogue):
    client.cookies[TZ_COOKIE] = "Asia/Karachi"

    html = client.get("/dialogues/localisation/").content.decode()

    assert "When Thu 10 Dec 2026, 17:00 (Asia/Karachi) – 18:30 (90 minutes)" in main_text(html)
    assert time_attributes(html)[:2] == ["2026-12-10T12:00:00Z", "2026-12-10T13:30:00Z"]


# --- The detail page -----------------------------------------------------------------------


@pytest.fixture
def full_dialogue():
    """A dialogue with co-hosts, a three-item agenda and speakers in several roles."""
    dialogue = DialogueFactory(
        number=2,
        title="Accountability",
        slug="accountability",
        question="Who is accountable to whom?",
        starts_at=utc(2026, 12, 10, 12, 0),
        audience="Local leaders from CSOs from different regions",
        venue="Zoom",
        co_hosts=[
            OrganisationFactory(name="KUNO", website="https://www.kuno-platform.nl/"),
            OrganisationFactory(name="CHS Alliance"),
        ],
    )
    # Saved out of order: the agenda follows `order`, not creation.
    closing = SessionFactory(
        dialogue=dialogue,
        order=3,
        kind=Session.Kind.CLOSING,
        title="Way forward",
        duration_minutes=45,
    )
    opening = SessionFactory(
        dialogue=dialogue, order=1, kind=Session.Kind.OPENING, title="Welcome", duration_minutes=10
    )
    panel = SessionFactory(
        dialogue=dialogue,
        order=2,
        kind=Session.Kind.PANEL,
        title="Voices from the country level",
        duration_minutes=35,
    )
    amina = SpeakerFactory(
        name="Amina Diallo",
        slug="amina-diallo",
        title="Executive Director",
        organisation=OrganisationFactory(name="Sahara Relief Network"),
    )
    rafiq = SpeakerFactory(
        name="Rafiq Hossain",
        slug="rafiq-hossain",
        title="Head of Programmes",
        organisation=OrganisationFactory(name="Coast Trust"),
    )
    moderator, panellist = DialogueSpeaker.Role.MODERATOR, DialogueSpeaker.Role.PANELLIST
    DialogueSpeakerFactory(dialogue=dialogue, speaker=amina, role=moderator, session=opening)
    DialogueSpeakerFactory(dialogue=dialogue, speaker=rafiq, role=panellist, session=panel)
    DialogueSpeakerFactory(dialogue=dialogue, speaker=amina, role=moderator, session=closing)
    DialogueSpeakerFactory(dialogue=dialogue, speaker=amina, role=panellist, session=panel)
    return dialogue


def test_detail_page_shows_title_question_and_facts(client, full_dialogue):
    response = client.get("/dialogues/accountability/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Accountability · A4EP Dialogues</title>" in html
    assert '<meta name="description" content="Who is accountable to whom?">' in html
    assert "<h1>Accountability</h1>" in html
    # When and where lead, beside the registration; who it is for and the co-hosts follow.
    facts, rest = main_text(html).split(" Registration ", 1)
    assert facts == (
        "Localisation Dialogue Series · Dialogue 2 Accountability Who is accountable to whom? "
        "When Thu 10 Dec 2026, 12:00 (UTC) – 13:30 (90 minutes) "
        "Where Online (Zoom)"
    )
    assert (
        " Add to calendar (.ics) "
        "Who it is for Local leaders from CSOs from different regions "
        "Co-hosts CHS Alliance KUNO "
    ) in rest
    assert '<a href="https://www.kuno-platform.nl/" rel="noopener"><bdi>KUNO</bdi></a>' in html


def test_detail_page_agenda_has_clock_times_from_order_and_durations(client, full_dialogue):
    html = client.get("/dialogues/accountability/").content.decode()

    agenda = section(html, "agenda-heading")
    assert visible_text(agenda) == (
        "Agenda "
        "12:00–12:10 Welcome Opening Amina Diallo (Moderator) "
        "12:10–12:45 Voices from the country level Panel "
        "Rafiq Hossain (Panellist) Amina Diallo (Panellist) "
        "12:45–13:30 Way forward Closing Amina Diallo (Moderator)"
    )
    assert time_attributes(agenda) == [
        "2026-12-10T12:00:00Z",
        "2026-12-10T12:10:00Z",
        "2026-12-10T12:10:00Z",
        "2026-12-10T12:45:00Z",
        "2026-12-10T12:45:00Z",
        "2026-12-10T13:30:00Z",
    ]


def test_detail_page_agenda_in_viewers_zone(client, full_dialogue):
    client.cookies[TZ_COOKIE] = "Asia/Karachi"

    agenda = section(client.get("/dialogues/accountability/").content, "agenda-heading")

    assert "17:00–17:10 Welcome" in visible_text(agenda)
    assert "17:45–18:30 Way forward" in visible_text(agenda)


def test_detail_page_lists_each_speaker_once_with_their_roles(client, full_dialogue):
    html = client.get("/dialogues/accountability/").content.decode()

    speakers = section(html, "speakers-heading")
    assert visible_text(speakers) == (
        "Speakers "
        "Amina Diallo, Executive Director, Sahara Relief Network (Moderator, Panellist) "
        "Rafiq Hossain, Head of Programmes, Coast Trust (Panellist)"
    )
    assert '<a href="/speakers/amina-diallo/"><bdi>Amina Diallo</bdi></a>' in speakers


def _registration_text(client, dialogue) -> str:
    html = client.get(dialogue.get_absolute_url()).content.decode()
    text = visible_text(section(html, "registration-heading"))
    return text.removesuffix(" Add to calendar (.ics)")


def test_detail_page_registration_open(client):
    dialogue = DialogueFactory(
        starts_at=utc(2099, 3, 4, 12, 0),
        registration_opens_at=utc(2020, 1, 1, 0, 0),
        registration_closes_at=utc(2099, 3, 3, 12, 0),
        capacity=100,
    )

    assert _registration_text(client, dialogue) == (
        "Registration Registration is open. It closes on Tue 3 Mar 2099, 12:00 (UTC). "
        "100 seats left of 100; when all are taken you can join the waiting list. "
        "Register You will be asked to log in or sign up first."
    )


def test_detail_page_registration_open_without_limits(client):
    dialogue = DialogueFactory(starts_at=timezone.now() + timedelta(days=3), capacity=None)

    assert _registration_text(client, dialogue) == (
        "Registration Registration is open. Register You will be asked to log in or sign up first."
    )


def test_detail_page_registration_not_yet_open(client):
    dialogue = DialogueFactory(
        starts_at=utc(2099, 3, 4, 12, 0), registration_opens_at=utc(2099, 2, 1, 9, 30)
    )

    assert _registration_text(client, dialogue) == (
        "Registration Registration opens on Sun 1 Feb 2099, 09:30 (UTC)."
    )


def test_detail_page_registration_closed(client):
    now = timezone.now()
    dialogue = DialogueFactory(
        starts_at=now + timedelta(days=2), registration_closes_at=now - timedelta(hours=1)
    )

    assert _registration_text(client, dialogue) == "Registration Registration has closed."


def test_detail_page_registration_cancelled(client):
    dialogue = DialogueFactory(
        starts_at=timezone.now() + timedelta(days=2), status=Dialogue.Status.CANCELLED
    )

    assert _registration_text(client, dialogue) == (
        "Registration There is no registration for a cancelled dialogue."
    )
    assert "This dialogue has been cancelled." in main_text(
        client.get(dialogue.get_absolute_url()).content
    )


def test_detail_page_registration_after_the_dialogue(client):
    dialogue = DialogueFactory(starts_at=utc(2020, 9, 24, 12, 0), status=Dialogue.Status.HELD)

    assert _registration_text(client, dialogue) == (
        "Registration This dialogue has taken place. Its papers and recordings"
    )
    # The panel's one action leads to the section that the page always has after a dialogue.
    html = client.get(dialogue.get_absolute_url()).content.decode()
    assert '<a class="button" href="#publications-heading">' in html
    assert '<h2 id="publications-heading">' in html


def test_detail_page_links_its_calendar_file(client):
    DialogueFactory(slug="accountability")

    html = client.get("/dialogues/accountability/").content.decode()

    assert '<a href="/dialogues/accountability/calendar.ics">Add to calendar (.ics)</a>' in html


def test_unknown_dialogue_is_not_found(client):
    assert client.get("/dialogues/no-such-dialogue/").status_code == 404
    assert client.get("/dialogues/no-such-dialogue/calendar.ics").status_code == 404
    assert client.get("/speakers/no-such-speaker/").status_code == 404


# --- The join link -------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["visitor", "member"])
def test_join_link_is_never_shown_to_visitor_or_member(as_viewer, who):
    dialogue = DialogueFactory(slug="accountability", join_url=JOIN_URL)
    client = as_viewer(who)

    for url in (
        "/",
        "/dialogues/",
        dialogue.get_absolute_url(),
        "/dialogues/accountability/calendar.ics",
        "/dialogues/calendar.ics",
    ):
        body = client.get(url).content.decode()
        assert "secret-join-link" not in body
        assert "zoom.us/j" not in body


def test_join_link_is_shown_to_staff(as_viewer):
    dialogue = DialogueFactory(slug="accountability", join_url=JOIN_URL)

    html = as_viewer("staff").get(dialogue.get_absolute_url()).content.decode()

    assert f"Join link (organisers only): {JOIN_URL}" in main_text(html)
    assert f'<a href="{JOIN_URL}" rel="noopener">' in html.replace("&amp;", "&")


# --- The list of dialogues -----------------------------------------------------------------


@pytest.fixture
def catalogue():
    """Dialogues across years and statuses, relative to the real clock."""
    now = timezone.now()
    DialogueFactory(number=1, title="Solidarity", starts_at=utc(2020, 9, 24, 12, 0), status="held")
    DialogueFactory(
        number=2, title="Accountability", starts_at=utc(2020, 10, 8, 12, 0), status="held"
    )
    DialogueFactory(
        number=3, title="Called off", starts_at=utc(2021, 3, 4, 12, 0), status="cancelled"
    )
    DialogueFactory(number=4, title="Soon", starts_at=now + timedelta(days=10))
    DialogueFactory(number=5, title="Later", starts_at=now + timedelta(days=40))
    DialogueFactory(number=6, title="Unpublished", starts_at=now + timedelta(days=20), status=DRAFT)
    return now


def _listed(client, query=None) -> tuple[list[str], list[str]]:
    response = client.get("/dialogues/", query or {})
    assert response.status_code == 200
    html = response.content.decode()
    return card_titles(section(html, "upcoming-heading")), card_titles(
        section(html, "past-heading")
    )


def test_dialogue_list_puts_upcoming_first_soonest_first_and_past_latest_first(client, catalogue):
    upcoming, past = _listed(client)

    assert upcoming == ["Dialogue 4: Soon", "Dialogue 5: Later"]
    assert past == [
        "Dialogue 3: Called off",
        "Dialogue 2: Accountability",
        "Dialogue 1: Solidarity",
    ]


def test_dialogue_list_counts_a_dialogue_in_progress_as_upcoming(client):
    DialogueFactory(
        number=1, title="Happening now", starts_at=timezone.now() - timedelta(minutes=30)
    )

    assert _listed(client) == (["Dialogue 1: Happening now"], [])


def test_dialogue_list_filters_by_year(client, catalogue):
    assert _listed(client, {"year": "2020"}) == (
        [],
        ["Dialogue 2: Accountability", "Dialogue 1: Solidarity"],
    )


def test_dialogue_list_filters_by_status(client, catalogue):
    assert _listed(client, {"status": "cancelled"}) == ([], ["Dialogue 3: Called off"])
    assert _listed(client, {"status": "announced"}) == (
        ["Dialogue 4: Soon", "Dialogue 5: Later"],
        [],
    )


def test_dialogue_list_filters_by_year_and_status(client, catalogue):
    assert _listed(client, {"year": "2021", "status": "held"}) == ([], [])
    html = client.get("/dialogues/", {"year": "2021", "status": "held"}).content.decode()
    assert "No upcoming dialogues match." in main_text(html)
    assert "No past dialogues match." in main_text(html)


def test_dialogue_list_offers_only_years_and_statuses_of_public_dialogues(client, catalogue):
    html = client.get("/dialogues/").content.decode()

    expected_years = sorted({catalogue.year, (catalogue + timedelta(days=40)).year, 2021, 2020})
    assert [int(y) for y in _option_values(html, "year") if y] == expected_years[::-1]
    assert _option_values(html, "status") == ["", "announced", "held", "cancelled"]


def _option_values(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r'<option value="([^"]*)"', select)


@pytest.mark.parametrize(
    "query",
    [
        {"year": "abc"},
        {"year": "1999"},
        {"status": "<script>alert(1)</script>"},
        {"status": "draft"},
        {"page": "x"},
        {"page": "999"},
    ],
)
def test_dialogue_list_ignores_bad_filters(client, catalogue, query):
    response = client.get("/dialogues/", query)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert" not in html
    upcoming, past = _listed(client, query)
    assert upcoming == ["Dialogue 4: Soon", "Dialogue 5: Later"]
    assert "Unpublished" not in html
    if "page" not in query:
        assert len(past) == 3


def test_dialogue_list_paginates_past_dialogues_keeping_the_filter(client, settings):
    settings.PORTAL_PAGE_SIZE = 2
    for number in range(1, 6):
        DialogueFactory(number=number, title=f"Past {number}", starts_at=utc(2020, number, 1, 12))

    first = client.get("/dialogues/", {"year": "2020"}).content.decode()
    second = client.get("/dialogues/", {"year": "2020", "page": "2"}).content.decode()
    last = client.get("/dialogues/", {"year": "2020", "page": "3"}).content.decode()

    assert card_titles(section(first, "past-heading")) == [
        "Dialogue 5: Past 5",
        "Dialogue 4: Past 4",
    ]
    assert card_titles(section(second, "past-heading")) == [
        "Dialogue 3: Past 3",
        "Dialogue 2: Past 2",
    ]
    assert card_titles(section(last, "past-heading")) == ["Dialogue 1: Past 1"]
    assert '<a rel="next" href="?year=2020&amp;page=2">Next page</a>' in first
    assert "Page 2 of 3" in visible_text(second)
    assert '<a rel="prev" href="?year=2020&amp;page=1">Previous page</a>' in second


def test_dialogue_card_shows_question_format_status_and_co_hosts(client):
    DialogueFactory(
        number=3,
        title="Partnership",
        question="Who is empowering whom?",
        starts_at=utc(2020, 10, 29, 12, 0),
        status=Dialogue.Status.HELD,
        co_hosts=[OrganisationFactory(name="KUNO"), OrganisationFactory(name="CHS Alliance")],
    )

    past = section(client.get("/dialogues/").content, "past-heading")

    assert visible_text(past) == (
        "Past Held Dialogue 3: Partnership Who is empowering whom? "
        "Thu 29 Oct 2020, 12:00 (UTC) · Online (Zoom) "
        "Co-hosted with CHS Alliance, KUNO What was discussed"
    )


def test_home_shows_the_next_announced_dialogue(client, catalogue):
    html = client.get("/").content.decode()

    assert card_titles(section(html, "next-heading")) == ["Dialogue 4: Soon"]


def test_home_without_an_announced_dialogue_says_so(client):
    DialogueFactory(title="Old", starts_at=utc(2020, 9, 24, 12), status=Dialogue.Status.HELD)

    html = client.get("/").content.decode()

    assert card_titles(section(html, "next-heading")) == []
    assert "No dialogue is announced yet." in visible_text(section(html, "next-heading"))
    assert '<a href="/calendar/">Subscribe to the calendar</a>' in section(html, "next-heading")


# --- Rich text -----------------------------------------------------------------------------


def test_description_markdown_is_rendered_and_sanitised(client):
    DialogueFactory(
        slug="accountability",
        description=(
            "We talk about **power** and [the charter](https://charter4change.org/).\n\n"
            "<script>alert('stolen')</script>\n\n"
            '<img src=x onerror="alert(1)">\n\n'
            "[click](javascript:alert(2))"
        ),
    )

    html = client.get("/dialogues/accountability/").content.decode()

    about = section(html, "about-heading")
    assert "<strong>power</strong>" in about
    assert (
        '<a href="https://charter4change.org/" rel="noopener noreferrer nofollow">the charter</a>'
        in about
    )
    assert "alert" not in html
    assert "onerror" not in html
    assert "javascript:" not in html
    assert "<img" not in about


def test_series_description_markdown_is_sanitised_on_home_and_about(client):
    dialogue = DialogueFactory()
    dialogue.series.description = "**Local Actors Matter** <script>alert(1)</script>"
    dialogue.series.save()

    for url in ("/", "/about/"):
        html = client.get(url).content.decode()
        assert "<strong>Local Actors Matter</strong>" in html
        assert "alert(1)" not in html


# --- Security headers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/", "/dialogues/", "/dialogues/accountability/", "/speakers/", "/about/"]
)
def test_public_page_sends_security_headers(client, url):
    DialogueFactory(slug="accountability")

    response = client.get(url)

    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_public_pages_refuse_post(client):
    DialogueFactory(slug="accountability")

    for url in ("/", "/dialogues/", "/dialogues/accountability/", "/speakers/", "/about/"):
        assert client.post(url).status_code == 405


def test_dialogue_list_keeps_a_valid_filter_beside_a_bad_one(client, catalogue):
    assert _listed(client, {"year": "2020", "status": "junk"}) == (
        [],
        ["Dialogue 2: Accountability", "Dialogue 1: Solidarity"],
    )
