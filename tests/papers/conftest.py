import pytest

from tests.factories import EditorFactory, PublisherFactory, UserFactory


@pytest.fixture
def editor(db):
    return EditorFactory(first_name="Edith")


@pytest.fixture
def publisher(db):
    return PublisherFactory(first_name="Pablo")


@pytest.fixture
def other_publisher(db):
    return PublisherFactory(first_name="Priya")


@pytest.fixture
def member(db):
    return UserFactory(first_name="Mariam")


def stored_files(settings) -> list[str]:
    root = settings.MEDIA_ROOT
    if not root.exists():
        return []
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
