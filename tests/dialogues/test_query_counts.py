"""Every public page runs a fixed number of queries, however many dialogues there are."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dialogues.models import Dialogue, DialogueSpeaker, Series, Session, Speaker
from members.models import Organisation
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("locmem_cache")]

SMALL, LARGE = 5, 200

# page -> (queries for a visitor, queries for a logged-in member). A member costs three more:
# the session, the user and the member profile (for the time zone).
EXPECTED_QUERIES = {
    # The cards' co-hosts in one query for the page (none once the cards are cached).
    "/": (4, 7),
    "/dialogues/": (5, 8),
    # Two more for the dialogue's published papers and recordings; a member's page also
    # looks up their own registration (which says whether they may see registrant-only
    # papers).
    # Dialogue 000 is over, so its page shows the localisation figures: three aggregate
    # queries on the empty cache of each test (dialogues, speakers, attendees), none once
    # cached. One more for its offline pack.
    "/dialogues/dialogue-000/": (11, 15),
    "/dialogues/dialogue-000/calendar.ics": (1, 4),
    "/dialogues/calendar.ics": (1, 4),
    "/speakers/": (2, 5),
    "/speakers/speaker-000/": (2, 5),
    "/about/": (1, 4),
    # The same three aggregate queries, whatever the number of dialogues; none once cached.
    "/about/figures/": (3, 6),
    # The filters' dialogues are read only once a year is chosen.
    "/papers/": (3, 6),
    # One more for the languages that have a podcast.
    "/recordings/": (4, 7),
}


def build_catalogue(size: int) -> None:
    """`size` dialogues in two series, half over and half to come, a tenth of them drafts and
    a tenth cancelled; each has two co-hosts, a three-item agenda and four speakers. Speaker
    000 speaks in every dialogue, so their page grows with the catalogue."""
    now = timezone.now().replace(microsecond=0)
    series = Series.objects.bulk_create(
        [
            Series(title="Localisation Dialogue Series", slug="localisation-dialogue-series"),
            Series(title="Local Actors Matter", slug="local-actors-matter", description="**Yes**"),
        ]
    )
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"Organisation {i:03}",
            kind=Organisation.Kind.LOCAL_NGO,
            country="BD",
            website=f"https://org{i}.example/" if i % 2 else "",
        )
        for i in range(size)
    )
    speakers = Speaker.objects.bulk_create(
        Speaker(
            name=f"Speaker {i:03}",
            slug=f"speaker-{i:03}",
            title="Director",
            organisation=organisations[i],
            country="NE",
        )
        for i in range(size)
    )
    dialogues = []
    for i in range(size):
        starts_at = now + timedelta(days=7 * (i - size // 2) - 3)
        if i % 10 == 9:
            status = Dialogue.Status.DRAFT
        elif i % 10 == 8:
            status = Dialogue.Status.CANCELLED
        elif starts_at < now:
            status = Dialogue.Status.HELD
        else:
            status = Dialogue.Status.ANNOUNCED
        dialogues.append(
            Dialogue(
                series=series[i % 2],
                number=i + 1,
                title=f"Dialogue title {i:03}",
                slug=f"dialogue-{i:03}",
                question="Who is making the decisions?",
                description="A **90-minute** dialogue.",
                starts_at=starts_at,
                duration_minutes=90,
                ends_at=starts_at + timedelta(minutes=90),
                venue="Zoom",
                join_url="https://zoom.us/j/1?pwd=secret",
                audience="Local and national actors",
                status=status,
            )
        )
    dialogues = Dialogue.objects.bulk_create(dialogues)
    CoHost = Dialogue.co_hosts.through
    CoHost.objects.bulk_create(
        CoHost(dialogue=dialogue, organisation=organisations[(i + k) % size])
        for i, dialogue in enumerate(dialogues)
        for k in (1, 2)
    )
    agenda = [(Session.Kind.OPENING, 10), (Session.Kind.PANEL, 35), (Session.Kind.QA, 45)]
    sessions = Session.objects.bulk_create(
        Session(
            dialogue=dialogue, kind=kind, title=f"Item {order}", order=order, duration_minutes=m
        )
        for dialogue in dialogues
        for order, (kind, m) in enumerate(agenda, start=1)
    )
    roles = [
        DialogueSpeaker.Role.MODERATOR,
        DialogueSpeaker.Role.PANELLIST,
        DialogueSpeaker.Role.RESPONDENT,
    ]
    DialogueSpeaker.objects.bulk_create(
        [
            DialogueSpeaker(
                dialogue=dialogue,
                speaker=speakers[(i + k + 1) % size],
                role=roles[k],
                session=sessions[3 * i + k],
                order=k,
            )
            for i, dialogue in enumerate(dialogues)
            for k in range(3)
        ]
        + [
            DialogueSpeaker(
                dialogue=dialogue,
                speaker=speakers[0],
                role=DialogueSpeaker.Role.FACILITATOR,
                order=9,
            )
            for dialogue in dialogues
        ]
    )


@pytest.mark.parametrize("size", [SMALL, LARGE])
@pytest.mark.parametrize("who", ["visitor", "member"])
@pytest.mark.parametrize("url", list(EXPECTED_QUERIES))
def test_public_page_query_count_does_not_grow(client, django_assert_num_queries, url, who, size):
    build_catalogue(size)
    if who == "member":
        client.force_login(UserFactory(time_zone="Asia/Karachi"))
    visitor_queries, member_queries = EXPECTED_QUERIES[url]

    with django_assert_num_queries(visitor_queries if who == "visitor" else member_queries):
        response = client.get(url)

    assert response.status_code == 200


def test_catalogue_pages_show_the_whole_catalogue(client, settings):
    """The data set above really fills the pages whose query counts are checked."""
    build_catalogue(LARGE)
    public = Dialogue.objects.public()

    home = client.get("/").content.decode()
    # The latest few of each of the two series, and the next dialogue; then a link to all.
    assert home.count('<h3 class="card-title">') == 2 * settings.HOME_DIALOGUES_PER_SERIES + 1
    assert home.count(">See all ") == 2
    listing = client.get("/dialogues/").content.decode()
    upcoming = public.upcoming().count()
    assert listing.count('<h3 class="card-title">') == (
        min(upcoming, settings.PORTAL_PAGE_SIZE) + settings.PORTAL_PAGE_SIZE
    )
    speaker = client.get("/speakers/speaker-000/").content.decode()
    assert speaker.count("Facilitator") == public.count()
    speakers = client.get("/speakers/").content.decode()
    assert speakers.count('<li><a href="/speakers/') == settings.PORTAL_PAGE_SIZE
    detail = client.get("/dialogues/dialogue-000/").content.decode()
    assert detail.count('<p class="agenda-time">') == 3
    calendar = client.get("/dialogues/calendar.ics").content.decode()
    assert calendar.count("BEGIN:VEVENT") == public.count()
