"""The papers list, its search, the recordings list and a paper's page from kept fragments
(papers/cards.py, PageParts in papers/views.py): what a publisher or an editor changes shows at
once, each viewer sees their own language, zone and papers, only validated addresses are kept,
and a Redis that stops answering costs rendering, never an error page."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from papers import services
from papers.models import Audience, Paper
from tests.factories import (
    DialogueFactory,
    OrganisationFactory,
    PaperFactory,
    RecordingFactory,
    RegistrationFactory,
    SpeakerFactory,
    UserFactory,
)
from tests.test_fragments import fragments_in_process, own_redis  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

LIST, SEARCH = "/papers/", "/papers/?q=accountable"


@pytest.fixture(autouse=True)
def local_cache(request, settings):
    if "own_redis" in request.fixturenames:
        yield None
        return
    yield from fragments_in_process(settings)


def publish(item, editor, publisher):
    services.move(item, "submit", actor=editor)
    services.move(item, "approve", actor=publisher)
    services.move(item, "publish", actor=publisher)
    return item


def publish_edit(item, editor, publisher):
    """An editor's change to a live item, published as its next version."""
    services.save_item(item, actor=editor, created=False)  # back in review
    services.move(item, "approve", actor=publisher)
    services.move(item, "publish", actor=publisher)


def texts(client, *paths) -> list[str]:
    pages = [client.get(path) for path in paths]
    assert [page.status_code for page in pages] == [200] * len(paths)
    return [page.content.decode() for page in pages]


def test_a_published_paper_shows_at_once_in_the_list_and_the_search(client, editor, publisher):
    PaperFactory(title="Accountable to communities", published=True)
    texts(client, LIST, SEARCH)
    texts(client, LIST, SEARCH)  # kept

    publish(PaperFactory(title="Accountable to donors"), editor, publisher)

    for text in texts(client, LIST, SEARCH):
        assert "Accountable to donors" in text
        assert "Accountable to communities" in text


def test_a_new_version_shows_at_once_in_the_list_the_search_and_its_page(client, editor, publisher):
    paper = publish(PaperFactory(title="Accountable, first draft"), editor, publisher)
    page = paper.get_absolute_url()
    assert all("first draft" in text for text in texts(client, LIST, SEARCH, page))
    texts(client, LIST, SEARCH, page)

    paper.title = "Accountable, second thoughts"
    paper.abstract = "What changed since the first version."
    publish_edit(paper, editor, publisher)

    for text in texts(client, LIST, SEARCH, page):
        assert "second thoughts" in text
        assert "first draft" not in text
    detail = client.get(page).content.decode()
    assert "What changed since the first version." in detail
    assert "Earlier versions" in detail
    assert f'href="/papers/{paper.slug}/versions/1/"' in detail


@pytest.mark.parametrize("audience", ["withdrawn", Audience.REGISTRANTS])
def test_a_paper_taken_off_the_public_site_disappears_at_once(client, editor, publisher, audience):
    dialogue = DialogueFactory()
    paper = publish(
        PaperFactory(title="Accountable, soon gone", dialogue=dialogue), editor, publisher
    )
    page = paper.get_absolute_url()
    assert all("soon gone" in text for text in texts(client, LIST, SEARCH, page))
    texts(client, LIST, SEARCH, page)

    if audience == "withdrawn":
        services.move(paper, "withdraw", actor=publisher)
    else:  # a new version for the dialogue's registrants only
        paper.audience = audience
        publish_edit(paper, editor, publisher)

    for text in texts(client, LIST, SEARCH):
        assert "soon gone" not in text
    assert client.get(page).status_code == 404


def test_a_renamed_speaker_and_organisation_show_at_once(client, editor, publisher):
    speaker = SpeakerFactory(name="Amina Yusuf")
    organisation = OrganisationFactory(name="Coast Trust")
    paper = PaperFactory(title="Accountable partners")
    paper.speakers.add(speaker)
    paper.organisations.add(organisation)
    publish(paper, editor, publisher)
    page = paper.get_absolute_url()
    assert all("Amina Yusuf" in text for text in texts(client, LIST, SEARCH, page))
    texts(client, LIST, SEARCH, page)

    speaker.name = "Amina Yusuf Ali"
    speaker.save()
    organisation.name = "Coast Trust Kenya"
    organisation.save()

    for text in texts(client, LIST, SEARCH, page):
        assert "Amina Yusuf Ali" in text
        assert "Coast Trust Kenya" in text


def test_registrant_only_papers_stay_with_those_allowed_whoever_comes_first(client):
    dialogue = DialogueFactory()
    original = PaperFactory(title="Accountable original", dialogue=dialogue, published=True)
    hidden = PaperFactory(
        title="Accountable notes",
        dialogue=dialogue,
        translation_of=original,
        language="fr",
        audience=Audience.REGISTRANTS,
        published=True,
    )
    registrant = Client()
    registrant.force_login(RegistrationFactory(dialogue=dialogue).member.user)
    organiser = Client()
    organiser.force_login(UserFactory(is_staff=True, is_superuser=True))
    member = Client()
    member.force_login(UserFactory())
    page = original.get_absolute_url()

    for _ in range(2):
        for viewer, allowed in ((registrant, True), (client, False), (organiser, True)):
            detail = viewer.get(page).content.decode()
            assert (hidden.get_absolute_url() in detail) is allowed
            assert viewer.get(hidden.get_absolute_url()).status_code == (200 if allowed else 404)
            # The lists show public papers alone, to everyone.
            for text in texts(viewer, LIST, SEARCH):
                assert "Accountable original" in text
                assert "Accountable notes" not in text
        assert hidden.get_absolute_url() not in member.get(page).content.decode()


def test_each_language_and_zone_gets_its_own(client):
    paper = PaperFactory(title="Accountable at midnight", published=True)
    paper.live_version.published_at = datetime(2026, 1, 1, 22, 0, tzinfo=UTC)
    paper.live_version.save()
    RecordingFactory(published=True)
    paths = (LIST, SEARCH, "/recordings/", paper.get_absolute_url())
    english = texts(client, *paths)
    karachi = Client()
    karachi.force_login(UserFactory(time_zone="Asia/Karachi"))

    assert all("1 Jan 2026" in text for text in english[:2])
    for text in texts(karachi, *paths):
        assert "1 Jan 2026" not in text
    assert all("2 Jan 2026" in text for text in texts(karachi, LIST, SEARCH))
    arabic = texts(client, *(f"/ar{path}" for path in paths))
    for text, text_in_english in zip(arabic, english, strict=True):
        assert text != text_in_english
        assert 'lang="ar"' in text
        assert "Discussion paper" not in text
    assert texts(client, *paths) == english


def test_only_validated_addresses_keep_a_list_whole(client, local_cache):
    PaperFactory(title="Accountable to communities", published=True)
    kept = [
        "/papers/",
        "/papers/?page=1",
        "/papers/?q=&kind=discussion&language=&year=",
        "/papers/?kind=discussion",
        "/recordings/",
    ]
    not_kept = [
        "/papers/?q=accountable",
        "/papers/?page=2",  # past the last page: page 1 under another number
        "/papers/?page=02",
        "/papers/?page=x",
        "/papers/?kind=unknown",
        "/papers/?kind=discussion&kind=other",
        "/papers/?utm_source=mail",
        "/papers/?dialogue=abc",
        "/papers/?year=1999",
    ]
    for path in kept + not_kept:
        assert client.get(path).status_code == 200
    blocks = [key for key in local_cache._cache if "-list:archive:" in key]
    assert len(blocks) == len(kept)


@pytest.mark.redis
def test_the_lists_and_a_paper_answer_with_redis_stopped(client, settings, own_redis):  # noqa: F811
    paper = PaperFactory(title="Accountable to communities", published=True)
    RecordingFactory(published=True)
    paths = (LIST, SEARCH, "/recordings/", paper.get_absolute_url())
    first = texts(client, *paths)
    assert texts(client, *paths) == first

    own_redis.kill()
    own_redis.wait(timeout=10)
    Paper.objects.filter(pk=paper.pk).update(slug="accountable-renamed")

    for text in texts(client, LIST, SEARCH):
        assert 'href="/papers/accountable-renamed/"' in text
    assert texts(client, "/recordings/") == first[2:3]
    assert "Accountable to communities" in texts(client, "/papers/accountable-renamed/")[0]


def test_a_list_kept_before_a_publication_is_committed_is_not_served_after(
    client, editor, publisher, django_capture_on_commit_callbacks
):
    """The generation is bumped as the paper is saved, inside the publication's transaction:
    a list rendered meanwhile (by another connection, which still sees the old rows) would be
    kept under the new number. The commit bumps it again."""
    PaperFactory(title="Accountable to communities", published=True)
    with django_capture_on_commit_callbacks(execute=True):
        publish(PaperFactory(title="Accountable to donors"), editor, publisher)
        texts(client, LIST)  # kept before the commit
        with CaptureQueriesContext(connection) as before_commit:
            texts(client, LIST)

    with CaptureQueriesContext(connection) as after_commit:
        texts(client, LIST)

    assert len(before_commit) == 0
    assert len(after_commit) > 0
