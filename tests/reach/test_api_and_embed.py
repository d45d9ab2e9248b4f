"""The JSON API and the embeddable list, read as a partner's site reads them: json, the
headers a browser checks, and never anything private."""

import json
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dialogues.models import Dialogue
from tests.factories import DialogueFactory, utc
from tests.html import visible_text

pytestmark = pytest.mark.django_db

SITE = "http://testserver.example"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "api"}
    }
    settings.API_CACHE_SECONDS = 300
    from django.core.cache import cache

    cache.clear()


def test_the_dialogues_in_utc_with_their_public_papers_and_recordings(held, client):
    DialogueFactory(slug="secret-draft", title="Secret draft", status=Dialogue.Status.DRAFT)

    response = client.get("/api/v1/dialogues/")

    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    data = json.loads(response.content)
    assert (data["count"], data["next"], data["previous"]) == (1, None, None)
    (dialogue,) = data["results"]
    assert dialogue["slug"] == "who-decides"
    assert (dialogue["starts_at"], dialogue["ends_at"]) == (
        "2020-11-17T12:00:00Z",
        "2020-11-17T13:30:00Z",
    )
    assert dialogue["co_hosts"] == ["KUNO"]
    assert dialogue["speakers"] == [
        {"slug": "amina-diallo", "name": "Amina Diallo", "role": "panellist"}
    ]
    assert [paper["slug"] for paper in dialogue["papers"]] == ["power-in-partnerships"]
    paper = dialogue["papers"][0]
    assert paper["pdf_url"] == f"{SITE}/papers/power-in-partnerships/pdf/"
    assert paper["doi"] == "10.5281/zenodo.1234567"
    assert paper["citation"]["bib"] == f"{SITE}/papers/power-in-partnerships/cite.bib"
    (recording,) = dialogue["recordings"]
    assert recording["audio_url"] == f"{SITE}/recordings/recording-3/audio/"
    assert recording["duration_seconds"] == 5400
    assert recording["captions"] == [
        {"language": "en", "url": f"{SITE}/recordings/recording-3/captions/en.vtt"}
    ]
    # Nothing private, anywhere in the answer.
    text = response.content.decode()
    for secret in ("zoom.us", "secret-join-link", "Secret draft", "Registrants' notes",
                   "registrants-notes", "Unfinished draft", "join_url"):  # fmt: skip
        assert secret not in text, secret


def test_every_list_leaves_out_private_items(held, client):
    DialogueFactory(slug="secret-draft", title="Secret draft", status=Dialogue.Status.DRAFT)
    for path in ["/api/v1/papers/", "/api/v1/recordings/", "/api/v1/speakers/", "/api/v1/series/"]:
        text = client.get(path).content.decode()
        for secret in ("zoom.us", "Secret draft", "registrants-notes", "unfinished-draft"):
            assert secret not in text, (path, secret)
    papers = json.loads(client.get("/api/v1/papers/").content)
    assert [paper["slug"] for paper in papers["results"]] == ["power-in-partnerships"]
    assert client.get("/api/v1/dialogues/secret-draft/").status_code == 404


def test_lists_are_paginated_with_links(client):
    for number in range(1, 6):
        DialogueFactory(slug=f"d{number}", number=number, starts_at=utc(2030, 1, number))

    first = json.loads(client.get("/api/v1/dialogues/?page_size=2&when=upcoming").content)
    second = json.loads(client.get(first["next"].removeprefix(SITE)).content)

    assert first["count"] == 5
    assert [d["slug"] for d in first["results"]] == ["d1", "d2"]
    assert first["next"] == f"{SITE}/api/v1/dialogues/?page=2&page_size=2&when=upcoming"
    assert first["previous"] is None
    assert [d["slug"] for d in second["results"]] == ["d3", "d4"]
    assert second["previous"] == f"{SITE}/api/v1/dialogues/?page=1&page_size=2&when=upcoming"
    assert client.get("/api/v1/dialogues/?page=9").status_code == 404
    assert json.loads(client.get("/api/v1/dialogues/?when=soon").content) == {
        "detail": "when must be upcoming or past."
    }


def test_titles_in_the_asked_language(held, client):
    dialogue = json.loads(client.get("/api/v1/dialogues/who-decides/?language=ar").content)

    assert dialogue["title"] == "من يتخذ القرارات؟"
    assert dialogue["preview_image"] == f"{SITE}/previews/dialogues/who-decides/ar.png"


# With the page cache off too: a change dropped cached answers only while it was on.
@pytest.mark.parametrize("page_cache_seconds", [300, 0])
def test_answers_come_from_the_cache_until_the_catalogue_changes(
    held, client, settings, page_cache_seconds
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = page_cache_seconds
    client.get("/api/v1/dialogues/")

    with CaptureQueriesContext(connection) as queries:
        cached = client.get("/api/v1/dialogues/")
    assert (cached.status_code, len(queries)) == (200, 0)

    held.title = "Who decides now?"
    held.save()
    fresh = json.loads(client.get("/api/v1/dialogues/").content)
    assert fresh["results"][0]["title"] == "Who decides now?"


def test_a_failing_cache_is_a_miss(held, client):
    with (
        mock.patch("django.core.cache.cache.get", side_effect=ConnectionError("down")),
        mock.patch("django.core.cache.cache.set", side_effect=ConnectionError("down")),
    ):
        response = client.get("/api/v1/dialogues/")

    assert response.status_code == 200
    assert json.loads(response.content)["count"] == 1


def test_only_get_is_open(client):
    response = client.post("/api/v1/dialogues/")

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert "Access-Control-Allow-Origin" not in response


def test_the_embed_lists_upcoming_dialogues_and_may_be_framed(held, client):
    DialogueFactory(
        slug="next-one", number=4, title="Funding local leadership", starts_at=utc(2031, 3, 4, 9)
    )
    DialogueFactory(slug="secret-draft", title="Secret draft", status=Dialogue.Status.DRAFT)

    response = client.get("/embed/dialogues/")

    assert "X-Frame-Options" not in response
    assert "frame-ancestors *" in response["Content-Security-Policy"]
    html = response.content.decode()
    assert "<script" not in html
    assert '<base target="_top">' in html
    assert f'href="{SITE}/dialogues/next-one/"' in html
    assert visible_text(html) == (
        "Upcoming A4EP dialogues Localisation Dialogue Series · Dialogue 4 Funding local "
        "leadership Tue 4 Mar 2031, 09:00 (UTC)"
    )


def test_the_embed_speaks_the_chosen_language(held, client):
    DialogueFactory(
        slug="next-one", title="Funding", title_fr="Financer", starts_at=utc(2031, 3, 4)
    )

    html = client.get("/fr/embed/dialogues/").content.decode()

    assert '<html lang="fr" dir="ltr">' in html
    assert ">Financer</a>" in html
    assert '<html lang="ar" dir="rtl">' in client.get("/ar/embed/dialogues/").content.decode()


def test_other_pages_still_refuse_frames(held, client):
    response = client.get("/dialogues/who-decides/")

    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
