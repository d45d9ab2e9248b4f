import re

import pytest
from django.db import connection

from papers.forms import search
from papers.models import Paper, PaperVersion
from papers.views import PAPER_SEARCH_FIELDS
from tests.factories import PaperFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def found(client, query: str) -> list[str]:
    page = client.get("/papers/", {"q": query}).content.decode()
    return re.findall(r'<h2 class="card-title"><a href="[^"]+">([^<]+)</a></h2>', page)


def test_full_text_search_stems_words_and_ranks_titles_first(client):
    PaperFactory(
        title="Funding", abstract="", body="Empowering partnerships at work.", published=True
    )
    PaperFactory(title="Empowering partnership", abstract="", body="Text.", published=True)
    PaperFactory(title="Unrelated", abstract="", body="Coordination.", published=True)
    assert found(client, "partnership") == ["Empowering partnership", "Funding"]


def test_full_text_search_takes_web_search_syntax(client):
    PaperFactory(title="Local actors", abstract="", body="Local actors and donors.", published=True)
    PaperFactory(title="Donors only", abstract="", body="Donors decide.", published=True)
    assert found(client, "donors -local") == ["Donors only"]
    assert found(client, '"local actors"') == ["Local actors"]


def test_search_reads_the_stored_vectors_through_their_index():
    """The match is the GIN index on the stored vectors, and no vector is built per row."""
    PaperFactory(title="Accountable funding", published=True)
    queryset = search(Paper.objects.public(), "accountable funding", PAPER_SEARCH_FIELDS)
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # A handful of rows would be read whole; the question is whether the index serves.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "papers_paperversion_search" in plan
    assert "to_tsvector" not in plan


def test_the_stored_vector_follows_every_change_of_a_version(client):
    paper = PaperFactory(title="Coordination", abstract="", body="Meetings.", published=True)
    assert found(client, "zebra") == []

    # Even a bulk update, which runs no Python signal: the trigger keeps the vector.
    PaperVersion.objects.filter(pk=paper.live_version_id).update(body="Zebra crossings.")

    assert found(client, "zebra") == ["Coordination"]
    assert found(client, "meetings") == []
