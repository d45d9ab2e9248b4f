import pytest

from a4ep_portal.workflow import State
from members.models import Mailing, MailKind
from tests.factories import UserFactory


@pytest.fixture
def make_mailing(db):
    """An approved mailing to all members, ready for send_mailing."""

    def make(**fields) -> Mailing:
        values = {
            "kind": MailKind.NEWS,
            "subject": "News for {{ first_name }}",
            "body": "Dear {{ first_name }},\n\nThe **third** dialogue is announced.",
            "audience": Mailing.Audience.ALL_MEMBERS,
            "state": State.APPROVED,
            **fields,
        }
        return Mailing.objects.create(**values)

    return make


@pytest.fixture
def member(db):
    return UserFactory(first_name="Mariam", email="mariam@example.org").member
