"""Cached cards and dialogue page parts (a4ep_portal/fragments.py): what an editor changes
shows at once, each viewer sees their own language, zone and papers, and a Redis that stops
answering costs rendering, never an error page."""

import re
import shutil
import socket
import subprocess
import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from a4ep_portal import cache as resilient_cache
from a4ep_portal import fragments
from dialogues.models import Registration
from papers.models import Audience
from tests.factories import (
    DialogueFactory,
    DialogueSpeakerFactory,
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


@pytest.fixture
def local_cache(settings):
    settings.CACHES = LOCAL
    fragments.fragment_cache().clear()
    fragments._known_generation = None
    yield fragments.fragment_cache()
    fragments.fragment_cache().clear()
    fragments._known_generation = None


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
