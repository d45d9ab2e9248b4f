"""The papers and recordings lists, a search and a paper's page, once their fragments are kept
(papers/cards.py, the PageParts of papers/views.py), run the same exact queries with 1 or with
200 items behind them; tests/test_query_counts.py has the counts before anything is kept."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from a4ep_portal import fragments
from tests.pages import build_site

pytestmark = pytest.mark.django_db

# A list and a filtered list need no query; a search (never kept whole) its count and its page;
# a paper its own row, and a member's also its translations (they differ for those who may see
# registrant-only papers). A member costs three queries more everywhere: the session, the user
# and the member profile.
KEPT_ARCHIVE_PAGES = {
    "/papers/": {"visitor": 0, "member": 3},
    "/papers/?q=&kind=discussion&language=&year=&page=1": {"visitor": 0, "member": 3},
    "/papers/?q=accountable": {"visitor": 2, "member": 5},
    "/recordings/": {"visitor": 0, "member": 3},
    "/papers/paper-000/": {"visitor": 1, "member": 5},
}


@pytest.fixture(autouse=True)
def _caches_in_memory(settings):
    """In-process caches, so that the counts are the same whether the cache is the database
    (a bare machine) or Redis (CI)."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pq"},
        "fragments": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "pq-fragments",
        },
    }
    fragments.fragment_cache().clear()
    # The process's copy of the generation goes with it (else a request made as that copy
    # expires would meet a new generation, and nothing kept).
    fragments._known_generation = None
    yield
    fragments.fragment_cache().clear()
    fragments._known_generation = None


@pytest.mark.parametrize("n", [1, 200])
def test_kept_archive_pages_run_the_same_few_queries_whatever_the_data(n):
    member_user = build_site(n)
    clients = {"visitor": Client(), "member": Client()}
    clients["member"].force_login(member_user)

    counts = {}
    for path in KEPT_ARCHIVE_PAGES:
        for who, client in clients.items():
            first = client.get(path)
            with CaptureQueriesContext(connection) as queries:
                second = client.get(path)
            assert second.status_code == 200
            assert _without_tokens(second.content) == _without_tokens(first.content), (path, who)
            counts[path, who] = len(queries)

    assert counts == {
        (path, who): count
        for path, expected in KEPT_ARCHIVE_PAGES.items()
        for who, count in expected.items()
    }


def _without_tokens(content: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)
