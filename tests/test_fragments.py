"""Cached cards and dialogue page parts (a4ep_portal/fragments.py): what an editor changes
shows at once, each viewer sees their own language, zone and papers, and a Redis that stops
answering costs rendering, never an error page."""

import re
import shutil
import socket
import subprocess
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from a4ep_portal import cache as resilient_cache
from a4ep_portal import fragments
from dialogues.cards import card_states
from dialogues.models import Dialogue, Registration
from dialogues.services import (
    RegistrationDetails,
    cancel_registration,
    move_dialogue,
    register_member,
)
from dialogues.views import catalogue
from papers.models import Audience
from tests.factories import (
    DialogueFactory,
    DialogueSpeakerFactory,
    EditorFactory,
    OrganisationFactory,
    PaperFactory,
    QuestionFactory,
    RegistrationFactory,
    SessionFactory,
    SpeakerFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LOCAL = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fr-d"},
    "fragments": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fr"},
}
PAGES = ("/", "/dialogues/")


def fragments_in_process(settings):
    """The page and fragment caches in this process's memory, empty before and after (a
    generator: the local_cache fixtures here and in tests/papers/ yield from it)."""
    settings.CACHES = LOCAL
    fragments.fragment_cache().clear()
    fragments._known_generation = None
    yield fragments.fragment_cache()
    fragments.fragment_cache().clear()
    fragments._known_generation = None


@pytest.fixture
def local_cache(settings):
    yield from fragments_in_process(settings)


@pytest.fixture
def dialogue():
    host = OrganisationFactory(name="Shared Aid Network")
    return DialogueFactory(title="Who decides?", co_hosts=[host])


@pytest.fixture
def member_client(dialogue):
    registration = RegistrationFactory(dialogue=dialogue)
    assert registration.status == Registration.Status.CONFIRMED
    client = Client()
    client.force_login(registration.member.user)
    return client


def pages_text(client, dialogue, member_client=None) -> list[str]:
    texts = [client.get(path).content.decode() for path in PAGES]
    if member_client is not None:
        texts.append(member_client.get(dialogue.get_absolute_url()).content.decode())
    return texts


def test_cards_come_from_the_cache_once_rendered(client, local_cache, dialogue):
    with CaptureQueriesContext(connection) as first:
        client.get("/")
    with CaptureQueriesContext(connection) as second:
        client.get("/")

    assert any("co_hosts" in query["sql"] for query in first)
    assert not any("co_hosts" in query["sql"] for query in second)


@pytest.mark.usefixtures("local_cache")
def test_a_new_title_shows_at_once_on_cards_and_the_members_dialogue_page(
    client, dialogue, member_client
):
    assert all("Who decides?" in text for text in pages_text(client, dialogue, member_client))

    dialogue.title = "Who really decides?"
    dialogue.save()

    for text in pages_text(client, dialogue, member_client):
        assert "Who really decides?" in text
        assert "Who decides?" not in text


@pytest.mark.usefixtures("local_cache")
def test_a_new_co_host_and_a_renamed_one_show_at_once(client, dialogue, member_client):
    pages_text(client, dialogue, member_client)
    dialogue.co_hosts.add(OrganisationFactory(name="Coastal Women's Forum"))

    assert all("Coastal Women" in text for text in pages_text(client, dialogue, member_client))

    # The organisation's name changes, not the dialogue: the content generation carries it.
    host = dialogue.co_hosts.get(name="Shared Aid Network")
    host.name = "Shared Aid Network East"
    host.save()

    assert all("Shared Aid Network East" in t for t in pages_text(client, dialogue, member_client))


@pytest.mark.usefixtures("local_cache")
def test_a_published_paper_shows_at_once_on_the_dialogue_page(client, dialogue, member_client):
    url = dialogue.get_absolute_url()
    assert "Findings of the dialogue" not in member_client.get(url).content.decode()
    assert "Findings of the dialogue" not in client.get(url).content.decode()

    PaperFactory(dialogue=dialogue, title="Findings of the dialogue", published=True)

    assert "Findings of the dialogue" in member_client.get(url).content.decode()
    assert "Findings of the dialogue" in client.get(url).content.decode()


@pytest.mark.usefixtures("local_cache")
def test_registrant_only_papers_stay_with_registrants_when_the_page_is_cached(
    client, dialogue, member_client
):
    paper = PaperFactory(dialogue=dialogue, title="Notes for registrants", published=True)
    paper.live_version.audience = Audience.REGISTRANTS
    paper.live_version.save()
    url = dialogue.get_absolute_url()
    other = Client()
    other.force_login(UserFactory())

    # Whoever comes first, each sees their own variant.
    assert "Notes for registrants" in member_client.get(url).content.decode()
    assert "Notes for registrants" not in client.get(url).content.decode()
    assert "Notes for registrants" not in other.get(url).content.decode()
    assert "Notes for registrants" in member_client.get(url).content.decode()


@pytest.mark.usefixtures("local_cache")
def test_each_viewer_gets_cards_in_their_language_and_zone(client, dialogue):
    client.get("/")  # cards cached in English, UTC
    member = Client()
    member.force_login(UserFactory(time_zone="Asia/Karachi"))

    assert "(Asia/Karachi)" in member.get("/").content.decode()
    assert "(Asia/Karachi)" in member.get(dialogue.get_absolute_url()).content.decode()
    arabic = client.get("/ar/").content.decode()
    assert "الحوار" in arabic
    assert f">Dialogue {dialogue.number}:" not in arabic


def _start_redis(port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [shutil.which("redis-server"), "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.05)
    server.kill()
    pytest.fail("redis-server did not start")


@pytest.fixture
def own_redis(settings):
    """The portal's cache configuration on a redis-server of this test's own."""
    if not shutil.which("redis-server"):
        pytest.skip("needs redis-server")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = _start_redis(port)
    config = {
        "BACKEND": "a4ep_portal.cache.ResilientRedisCache",
        "LOCATION": f"redis://127.0.0.1:{port}/0",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
    settings.CACHES = {"default": config, "fragments": dict(config)}
    resilient_cache._breakers.clear()
    resilient_cache._pending_deletes.clear()
    fragments._known_generation = None
    yield server
    server.kill()
    server.wait(timeout=10)
    resilient_cache._breakers.clear()
    resilient_cache._pending_deletes.clear()
    fragments._known_generation = None


@pytest.mark.redis
def test_pages_answer_and_change_with_redis_stopped(
    client, settings, own_redis, dialogue, member_client
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    assert all("Who decides?" in text for text in pages_text(client, dialogue, member_client))
    assert fragments.fragment_cache().get(fragments.CONTENT_GENERATION_KEY) is not None

    own_redis.kill()
    own_redis.wait(timeout=10)
    dialogue.title = "Who decides, with Redis away?"
    dialogue.save()

    for path in (*PAGES, dialogue.get_absolute_url()):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "Who decides, with Redis away?" in response.content.decode()
    response = member_client.get(dialogue.get_absolute_url())
    assert response.status_code == 200
    assert "Who decides, with Redis away?" in response.content.decode()


@pytest.mark.usefixtures("local_cache")
def test_a_cached_dialogue_page_skips_its_shared_parts_queries(client, dialogue):
    PaperFactory(dialogue=dialogue, published=True)
    url = dialogue.get_absolute_url()
    with CaptureQueriesContext(connection) as cold:
        first = client.get(url).content.decode()
    with CaptureQueriesContext(connection) as warm:
        second = client.get(url).content.decode()

    # The co-hosts, sessions with their speakers, speakers, papers and recordings.
    assert len(warm) == len(cold) - 5
    assert second == first


@pytest.mark.usefixtures("local_cache")
def test_a_cached_card_says_full_as_soon_as_the_last_seat_is_taken(client):
    """Taking a seat changes no dialogue row: the card's badge is part of its cache key."""
    dialogue = DialogueFactory(title="Two seats only", capacity=2)
    RegistrationFactory(dialogue=dialogue)
    assert '<span class="badge badge-upcoming">' in client.get("/dialogues/").content.decode()

    RegistrationFactory(dialogue=dialogue)

    listing = client.get("/dialogues/").content.decode()
    assert '<span class="badge badge-full">' in listing
    assert '<span class="badge badge-upcoming">' not in listing


# The home page and the dialogue list are kept whole (their content block, one fragment each):
# every way what they show can change must show at once.


def _badges(client, path: str) -> list[str]:
    return re.findall(r'<span class="badge badge-(\w+)">', client.get(path).content.decode())


def _kept(client, path: str, queries: int = 1) -> str:
    """The page, asked for twice: the second time it is the kept one (one query: the cards'
    states; a member's three more are their session, user and profile)."""
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        text = client.get(path).content.decode()
    assert len(captured) == queries, path
    return text


@pytest.mark.usefixtures("local_cache")
def test_kept_pages_say_full_when_the_last_seat_is_taken_and_upcoming_when_it_is_freed(client):
    dialogue = DialogueFactory(title="Two seats only", capacity=2)
    first = register_member(dialogue, UserFactory().member, RegistrationDetails())
    for path in PAGES:
        _kept(client, path)
        assert _badges(client, path) == ["upcoming"]

    register_member(dialogue, UserFactory().member, RegistrationDetails())
    assert [_badges(client, path) for path in PAGES] == [["full"], ["full"]]
    # Someone on the waiting list takes the seat freed: still full.
    waiting = register_member(dialogue, UserFactory().member, RegistrationDetails())
    assert waiting.status == Registration.Status.WAITLISTED
    cancel_registration(first, actor=first.member.user)
    assert [_badges(client, path) for path in PAGES] == [["full"], ["full"]]
    # A seat freed with nobody waiting.
    cancel_registration(Registration.objects.get(pk=waiting.pk), actor=waiting.member.user)
    assert [_badges(client, path) for path in PAGES] == [["upcoming"], ["upcoming"]]
    # The organisers add a seat after it filled again, then take it away.
    register_member(dialogue, UserFactory().member, RegistrationDetails())
    assert [_badges(client, path) for path in PAGES] == [["full"], ["full"]]
    dialogue.capacity = 3
    dialogue.save()
    assert [_badges(client, path) for path in PAGES] == [["upcoming"], ["upcoming"]]
    Dialogue.objects.filter(pk=dialogue.pk).update(capacity=2)  # no signal: the query sees it
    assert [_badges(client, path) for path in PAGES] == [["full"], ["full"]]


@pytest.mark.usefixtures("local_cache")
def test_a_dialogue_moves_to_the_past_on_kept_pages_when_its_end_passes(client, monkeypatch):
    soon = DialogueFactory(title="Ending soon", starts_at=timezone.now() + timedelta(hours=1))
    DialogueFactory(title="Later on", starts_at=timezone.now() + timedelta(days=30))
    home, listing = (_kept(client, path) for path in PAGES)
    assert "Ending soon" in home.split('id="next-heading"')[1].split("</section>")[0]
    assert "Ending soon" in listing.split('id="past-heading"')[0]

    after = soon.ends_at + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: after)

    home, listing = (client.get(path).content.decode() for path in PAGES)
    assert "Later on" in home.split('id="next-heading"')[1].split("</section>")[0]
    assert "Ending soon" not in home.split('id="next-heading"')[1].split("</section>")[0]
    assert "Ending soon" in listing.split('id="past-heading"')[1]
    assert "Ending soon" not in listing.split('id="past-heading"')[0]
    assert _badges(client, "/dialogues/") == ["upcoming", "held"]


@pytest.mark.usefixtures("local_cache")
def test_a_new_dialogue_and_a_change_of_status_show_at_once_on_kept_pages(client):
    DialogueFactory(title="The first one")
    for path in PAGES:
        _kept(client, path)

    draft = DialogueFactory(title="A second one", status=Dialogue.Status.DRAFT)
    assert not any("A second one" in client.get(path).content.decode() for path in PAGES)
    move_dialogue(draft, "announce", actor=EditorFactory())
    assert all("A second one" in client.get(path).content.decode() for path in PAGES)

    move_dialogue(Dialogue.objects.get(pk=draft.pk), "cancel", actor=EditorFactory())
    for path in PAGES:
        assert "cancelled" in _badges(client, path)


@pytest.mark.usefixtures("local_cache")
def test_kept_pages_never_hold_a_members_header(dialogue):
    first, second = Client(), Client()
    first.force_login(UserFactory(first_name="Amina"))
    second.force_login(UserFactory(first_name="Tariq"))
    visitor = Client()
    for path in PAGES:
        assert ">Amina<" in _kept(first, path, queries=4)
        kept = _kept(second, path, queries=4)
        assert ">Tariq<" in kept
        assert "Amina" not in kept
        text = _kept(visitor, path)
        assert "Amina" not in text
        assert "Tariq" not in text
        assert "Log in" in text


@pytest.mark.usefixtures("local_cache")
def test_each_language_and_zone_gets_its_own_kept_page(client, dialogue):
    for path in PAGES:
        _kept(client, path)  # kept in English, UTC
    member = Client()
    member.force_login(UserFactory(time_zone="Asia/Karachi"))

    for path in PAGES:
        assert "(Asia/Karachi)" in member.get(path).content.decode()
        assert "(UTC)" in client.get(path).content.decode()
        arabic = client.get(f"/ar{path}").content.decode()
        assert f">Dialogue {dialogue.number}:" not in arabic
        assert "الحوار" in arabic


@pytest.mark.usefixtures("local_cache")
def test_the_list_keeps_each_valid_filter_and_page_apart(client, settings):
    settings.PORTAL_PAGE_SIZE = 1
    now = timezone.now()
    DialogueFactory(title="Back in 2021", starts_at=now.replace(year=2021))
    DialogueFactory(title="Back in 2022", starts_at=now.replace(year=2022))
    DialogueFactory(title="Coming up", starts_at=now + timedelta(days=3))

    assert "Back in 2022" in _kept(client, "/dialogues/")
    second = _kept(client, "/dialogues/?page=2")
    assert "Back in 2021" in second
    assert "Back in 2022" not in second
    filtered = _kept(client, "/dialogues/?year=2022&status=")
    assert "Back in 2022" in filtered
    assert "Coming up" not in filtered
    assert '<option value="2022" selected>' in filtered
    assert "Coming up" in _kept(client, "/dialogues/?year=&status=announced")

    # Whatever is not a valid filter or an existing page is shown, never kept.
    for query in ("?year=1999", "?page=9", "?page=02", "?page=x", "?colour=red", "?page=1&page=2"):
        client.get(f"/dialogues/{query}")
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/dialogues/{query}")
        assert response.status_code == 200, query
        assert len(queries) > 1, query
    # The last page, shown for a page past the end, and the first for "x".
    assert "Back in 2021" in client.get("/dialogues/?page=9").content.decode()
    assert "Back in 2022" in client.get("/dialogues/?page=x").content.decode()
    assert "Back in 2022" in client.get("/dialogues/?page=1").content.decode()


@pytest.mark.usefixtures("local_cache")
def test_a_page_built_while_a_seat_was_taken_is_shown_but_not_kept(client, monkeypatch):
    """The cards' states are read before the cards: a seat taken in between gives a page whose
    badges do not match its key, which must not be kept under it."""
    dialogue = DialogueFactory(capacity=1)
    RegistrationFactory(dialogue=dialogue)
    before = card_states(timezone.now())
    assert before.full == (dialogue.pk,)
    monkeypatch.setattr(catalogue, "card_states", lambda now: before._replace(full=()))

    for path in PAGES:
        assert _badges(client, path) == ["full"]
        with CaptureQueriesContext(connection) as queries:
            assert _badges(client, path) == ["full"]
        assert len(queries) > 1, path


@pytest.mark.usefixtures("local_cache")
def test_a_registrants_question_form_is_kept_and_a_new_agenda_item_or_speaker_shows_at_once(
    dialogue, member_client
):
    """The question form (the dialogue's speakers and agenda items to ask) is the same for every
    confirmed registrant: kept as a part of the page, so that a registrant's view fetches
    neither once it is; an agenda item or speaker added shows in it at once."""
    SessionFactory(dialogue=dialogue, title="Opening round")
    url = dialogue.get_absolute_url()
    cold_page = member_client.get(url).content.decode()
    assert ">Opening round</option>" in cold_page
    with CaptureQueriesContext(connection) as warm:
        warm_page = member_client.get(url).content.decode()
    # The same page, but for the CSRF tokens (masked anew in every response).
    unmasked = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert unmasked.sub("", warm_page) == unmasked.sub("", cold_page)
    fetched = " ".join(query["sql"] for query in warm.captured_queries)
    assert "dialogues_session" not in fetched
    assert "dialogues_dialoguespeaker" not in fetched

    SessionFactory(dialogue=dialogue, title="Money on the table")
    DialogueSpeakerFactory(dialogue=dialogue, speaker=SpeakerFactory(name="Amina Diallo"))

    page = member_client.get(url).content.decode()
    assert ">Money on the table</option>" in page
    assert ">Amina Diallo</option>" in page


@pytest.mark.usefixtures("local_cache")
def test_the_approved_questions_show_as_soon_as_the_first_is_approved(dialogue, member_client):
    """A registrant's page fetches the approved questions only when its registration read says
    there are any: the first one approved shows at once."""
    url = dialogue.get_absolute_url()
    assert "No questions have been approved yet." in member_client.get(url).content.decode()
    question = QuestionFactory(dialogue=dialogue, text="Who sets the budget?", status="pending")
    assert "Who sets the budget?" not in member_client.get(url).content.decode()

    question.status = "approved"
    question.save()

    page = member_client.get(url).content.decode()
    assert "Who sets the budget?" in page
    assert "No questions have been approved yet." not in page
