import pytest

from tests.factories import DialogueFactory, EditorFactory, PublisherFactory, utc


@pytest.fixture
def dialogue(db):
    """An announced dialogue, far enough ahead that no reminder is due yet."""
    from django.utils import timezone

    return DialogueFactory(
        title="Accountability",
        slug="accountability",
        question="Who is accountable to whom?",
        starts_at=utc(timezone.now().year + 1, 3, 10, 12),
    )


@pytest.fixture
def editor(db):
    return EditorFactory(first_name="Edith", email="edith@example.org")


@pytest.fixture
def publisher(db):
    return PublisherFactory(first_name="Paul", email="paul@example.org")


@pytest.fixture
def other_publisher(db):
    return PublisherFactory(first_name="Priya", email="priya@example.org")
