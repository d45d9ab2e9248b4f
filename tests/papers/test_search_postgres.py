import re

import pytest

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
