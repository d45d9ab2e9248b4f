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
