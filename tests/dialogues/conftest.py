import pytest

from tests.factories import EditorFactory, UserFactory


@pytest.fixture
def member(db):
    return UserFactory(first_name="Mariam")


@pytest.fixture
def editor(db):
    return EditorFactory(first_name="Edith")


@pytest.fixture
def as_viewer(client, member, editor):
    """Log the test client in as "visitor", "member" or "staff"; returns the client."""

    def log_in(who: str):
        if who == "member":
            client.force_login(member)
        elif who == "staff":
            client.force_login(editor)
        else:
            assert who == "visitor"
        return client

    return log_in


@pytest.fixture
def locmem_cache(settings):
    """An empty in-process cache, so that exact query counts do not depend on whether the
    cache is the database (bare machine) or Redis (CI)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "tests-dialogues",
        }
    }
    from django.core.cache import cache

    cache.clear()
    yield cache
    cache.clear()
