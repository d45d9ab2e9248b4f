"""Every public page stays under 25 KB on a first visit: HTML, CSS, JavaScript, icons and
fonts as a browser downloads them, compressed, with full lists behind the pages. The pages
are served as in production: whitenoise's collected, precompressed and fingerprinted static
files, and the portal's own compression of HTML."""

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.db import connections
from django.test.testcases import LiveServerThread

from tests.e2e.weight import BUDGET, first_visit, table
from tests.pages import PUBLIC_HTML_PAGES, build_site

pytestmark = pytest.mark.browser


@pytest.fixture
def production_server(transactional_db, settings, tmp_path):
    """A live server whose static files come from collectstatic through whitenoise (not
    from Django's development handler, as pytest-django's live_server serves them)."""
    settings.STATIC_ROOT = tmp_path / "static"
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
        static_handler=lambda app: WSGIHandler(),
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
