import pytest

from dialogues.demo import load_demo
from papers.models import Paper

pytestmark = pytest.mark.django_db


def test_demo_publishes_dialogue_ones_papers_once(client):
    load_demo()
    load_demo()
    papers = Paper.objects.order_by("kind")
    assert [(p.kind, p.state, p.live_version.number) for p in papers] == [
        ("discussion", "published", 1),
        ("summary", "published", 1),
    ]
    page = client.get("/dialogues/solidarity-and-diversity/").content.decode()
    assert "Solidarity and diversity: summary of the discussions</a>" in page
    assert "Solidarity and diversity: is there a crisis of solidarity?</a>" in page
