"""Every page runs the same, exact number of queries with 1 or with 200 items behind it."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from a4ep_portal import fragments
from a4ep_portal.fragments import fragment_cache
from dialogues.models import Dialogue, Series
from tests.pages import PAGES, build_site

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cache_outside_the_database(settings):
    """An empty in-process cache, so that the exact counts are the same whether the cache is
    the database (a bare machine) or Redis (CI): cached figures cost no query either way."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "qc"},
        # Cached cards and page parts, emptied before each page: the counts are those of a
        # page whose fragments are not cached yet (test_cached_cards_save_the_co_hosts_query
        # has the other case).
        "fragments": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "qc-fragments",
        },
    }
    # Sessions as with Redis (read from the cache, written through to the database): a
    # member's session costs no query. A cache of their own, which the pages' entries cannot
    # crowd out (a LocMemCache keeps 300).
    settings.CACHES["sessions"] = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "qc-sessions",
    }
    settings.SESSION_CACHE_ALIAS = "sessions"
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    # The JSON API caches on every setup here: the visitor's walk fills it, the member's hits.
    settings.API_CACHE_SECONDS = 300
    from django.core.cache import cache, caches

    cache.clear()
    caches["sessions"].clear()


def _query_counts(member_user) -> dict[tuple[str, str], int | None]:
    clients = {"visitor": Client(), "member": Client()}
    clients["member"].force_login(member_user)
    counts = {}
    for page in PAGES:
        for who in page.viewers:
            fragment_cache().clear()
            with CaptureQueriesContext(connection) as queries:
                response = clients[who].get(page.path)
            assert response.status_code == 200, (page.path, who, response.status_code)
            counts[page.path, who] = len(queries)
    return counts


@pytest.mark.parametrize("n", [1, 200])
def test_every_page_runs_the_same_queries_whatever_the_data(n):
    member_user = build_site(n)

    counts = _query_counts(member_user)

    expected = {(p.path, who): getattr(p, who) for p in PAGES for who in p.viewers}
    assert counts == expected


def test_member_pages_send_a_visitor_to_log_in(client):
    build_site(1)
    for page in PAGES:
        if page.visitor is None:
            response = client.get(page.path)
            assert response.status_code == 302, page.path
            assert response["Location"].startswith("/accounts/login/?next="), page.path


def test_the_large_site_fills_the_pages(client, settings):
    """The data set behind the query counts really fills the pages."""
    member_user = build_site(200)
    public = Dialogue.objects.public()
    size = settings.PORTAL_PAGE_SIZE

    home = client.get("/").content.decode()
    # The latest few of each series, and the next dialogue; then a link to all of them.
    series = Series.objects.count()
    assert home.count('<h3 class="card-title">') == series * settings.HOME_DIALOGUES_PER_SERIES + 1
    assert home.count(">See all ") == series
    listing = client.get("/dialogues/").content.decode()
    assert listing.count('<h3 class="card-title">') == 2 * size
    speaker = client.get("/speakers/speaker-000/").content.decode()
    assert speaker.count("Facilitator") == public.count()
    speakers = client.get("/speakers/").content.decode()
    assert speakers.count('<span class="speaker-text"><a href="/speakers/') == size
    detail = client.get("/dialogues/dialogue-000/").content.decode()
    assert detail.count('<p class="agenda-time">') == 3
    calendar = client.get("/dialogues/calendar.ics").content.decode()
    # Provisional dialogues have no time to put in a calendar yet.
    exact = public.filter(date_precision=Dialogue.DatePrecision.EXACT)
    assert calendar.count("BEGIN:VEVENT") == exact.count() == public.count() - 1
    assert client.get("/papers/").content.decode().count('class="card-title"') == size
    assert client.get("/recordings/").content.decode().count('class="card-title"') == size
    client.force_login(member_user)
    mine = client.get("/me/dialogues/").content.decode()
    assert mine.count('class="card-title"') == 200
    assert mine.count("Attended") == 200


def _forget_kept_pages() -> None:
    """Drop the kept home and dialogue list bodies, not the cards (as a seat taken or the clock
    passing a dialogue's end does: the page's key changes, the cards' do not)."""
    cache = fragment_cache()
    for key in [key for key in cache._cache if ":body:" in key]:
        cache.delete(key.split(":", 2)[2])  # locmem's keys are ":version:key"


@pytest.mark.parametrize("n", [1, 200])
@pytest.mark.parametrize("path", ["/", "/dialogues/"])
def test_kept_pages_run_one_query_whatever_the_data(path, n):
    """A kept home page or dialogue list asks only which cards are full and when the next
    dialogue ends; rebuilt with its cards kept, it does not fetch their co-hosts (nor, for the
    list, the years of its filter)."""
    member_user = build_site(n)
    fragment_cache().clear()
    page = next(page for page in PAGES if page.path == path)
    visitor, member = Client(), Client()
    member.force_login(member_user)

    for who, client, warm_count in (("visitor", visitor, 1), ("member", member, 3)):
        fragment_cache().clear()
        # The process's copy of the generation, cleared with it (else a warm request made
        # as that copy expires would meet a new generation).
        fragments._known_generation = None
        with CaptureQueriesContext(connection) as cold:
            first = client.get(path)
        with CaptureQueriesContext(connection) as warm:
            second = client.get(path)
        _forget_kept_pages()
        with CaptureQueriesContext(connection) as rebuilt:
            third = client.get(path)

        assert len(cold) == getattr(page, who)
        assert len(warm) == warm_count
        assert "dialogues_registration" in warm[-1]["sql"]
        assert len(rebuilt) == getattr(page, who) - {"/": 1, "/dialogues/": 2}[path]
        assert not any("co_hosts" in query["sql"] for query in rebuilt)
        assert second.content == first.content == third.content
