"""Every public page stays under 25 KB on a first visit: HTML, CSS, JavaScript, icons,
images and fonts as a browser downloads them, compressed, with full lists behind the pages;
a dialogue page with six speakers' photos stays under 60 KB. The pages are served as in
production: whitenoise's collected, precompressed and fingerprinted static files, the
portal's own compression of HTML, and uploads from the media directory."""

import pytest
from django.core.files.base import ContentFile
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.db import connections
from django.test.testcases import LiveServerThread, _MediaFilesHandler

from tests.e2e.weight import BUDGET, SPEAKERS_BUDGET, first_visit, table
from tests.factories import (
    DialogueFactory,
    DialogueSpeakerFactory,
    SpeakerFactory,
    portrait_jpeg,
)
from tests.pages import PUBLIC_HTML_PAGES, build_site

pytestmark = pytest.mark.browser


@pytest.fixture
def production_server(transactional_db, settings, tmp_path):
    """A live server whose static files come from collectstatic through whitenoise (not
    from Django's development handler, as pytest-django's live_server serves them)."""
    settings.STATIC_ROOT = tmp_path / "static"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    # As Django's LiveServerTestCase: an in-memory SQLite database is shared with the thread.
    connections_override = {
        conn.alias: conn
        for conn in connections.all()
        if conn.vendor == "sqlite" and conn.is_in_memory_db()
    }
    for conn in connections_override.values():
        conn.inc_thread_sharing()
    server = LiveServerThread(
        "127.0.0.1",
        # Uploads as a web server or bucket would serve them; the rest through whitenoise.
        static_handler=lambda app: _MediaFilesHandler(WSGIHandler()),
        connections_override=connections_override,
    )
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    yield f"http://127.0.0.1:{server.port}"
    server.terminate()
    for conn in connections_override.values():
        conn.dec_thread_sharing()


def test_every_public_page_is_under_the_budget(browser, production_server, settings):
    build_site(settings.PORTAL_PAGE_SIZE)
    rows = [
        (page.path, first_visit(browser, production_server, page.path))
        for page in PUBLIC_HTML_PAGES
    ]
    print(table(rows))

    over = {path: sum(sizes.values()) for path, sizes in rows if sum(sizes.values()) > BUDGET}
    assert over == {}, table(rows)
    # The measure is real: every page brought its stylesheet, compressed.
    assert all(sizes["css"] > 0 and sizes["html"] > 0 for _, sizes in rows)


def test_a_dialogue_with_six_speakers_photos_is_under_its_budget(browser, production_server):
    dialogue = DialogueFactory(slug="six-speakers")
    for i in range(6):
        speaker = SpeakerFactory(name=f"Speaker {i}", slug=f"speaker-{i}")
        name = f"speaker-{i}.jpg"
        speaker.photo.save(name, ContentFile(portrait_jpeg(i), name=name), save=True)
        DialogueSpeakerFactory(dialogue=dialogue, speaker=speaker)
    urls: list[str] = []

    sizes = first_visit(browser, production_server, dialogue.get_absolute_url(), urls)
    print(table([(dialogue.get_absolute_url(), sizes)]))

    assert sum(sizes.values()) <= SPEAKERS_BUDGET, table([(dialogue.get_absolute_url(), sizes)])
    # The photos were counted: each fetched once, as the smallest WebP.
    photos = sorted(url.rsplit("/", 1)[1] for url in urls if "/media/" in url)
    assert photos == sorted(f"speaker-{i}-64.webp" for i in range(6))
    assert sizes["image"] > 6 * 500
