"""Breakout groups: members pick one with room, organisers auto-assign the rest, balanced."""

import pytest
from django.test import Client

from dialogues.models import Registration
from dialogues.services import (
    ParticipationError,
    auto_assign_breakout_groups,
    cancel_registration,
    choose_breakout_group,
)
from members.models import Member
from tests.clients import logged_in
from tests.factories import (
    BreakoutGroupFactory,
    DialogueFactory,
    EditorFactory,
    RegistrationFactory,
    SpeakerFactory,
    UserFactory,
)
from tests.html import main_text

pytestmark = pytest.mark.django_db

URL = "/dialogues/accountability/"


@pytest.fixture
def dialogue():
    return DialogueFactory(slug="accountability", title="Accountability")


def sizes(dialogue) -> list[int]:
    return [g.registrations.confirmed().count() for g in dialogue.breakout_groups.order_by("pk")]


@pytest.mark.parametrize("people", [1, 7, 10, 23])
def test_auto_assign_balances_group_sizes_within_one(dialogue, people):
    for _ in range(3):
        BreakoutGroupFactory(dialogue=dialogue)
    for _ in range(people):
        RegistrationFactory(dialogue=dialogue)
    RegistrationFactory(dialogue=dialogue, status="waitlisted", confirmed_at=None)
    assigned, left = auto_assign_breakout_groups(dialogue, actor=EditorFactory())
    assert (assigned, left) == (people, 0)
    assert max(sizes(dialogue)) - min(sizes(dialogue)) <= 1
    assert sum(sizes(dialogue)) == people
    assert Registration.objects.filter(status="waitlisted", breakout_group=None).count() == 1


def test_auto_assign_keeps_choices_respects_language_and_capacity(dialogue):
    english = BreakoutGroupFactory(dialogue=dialogue, language="en")
    french = BreakoutGroupFactory(dialogue=dialogue, language="fr", capacity=2)
    chose = RegistrationFactory(dialogue=dialogue, breakout_group=english, language="fr")
    francophones = [RegistrationFactory(dialogue=dialogue, language="fr") for _ in range(3)]
    assert auto_assign_breakout_groups(dialogue, actor=EditorFactory()) == (3, 0)
    groups = [Registration.objects.get(pk=r.pk).breakout_group for r in francophones]
    # Two fit in the French group; the third goes where there is room.
    assert groups == [french, french, english]
    chose.refresh_from_db()
    assert chose.breakout_group == english


def test_auto_assign_leaves_people_out_when_every_group_is_full(dialogue):
    BreakoutGroupFactory(dialogue=dialogue, capacity=1)
    RegistrationFactory(dialogue=dialogue)
    RegistrationFactory(dialogue=dialogue)
    assert auto_assign_breakout_groups(dialogue, actor=EditorFactory()) == (1, 1)


def test_choose_group_checks_capacity_threshold_and_confirmation(dialogue):
    full = BreakoutGroupFactory(dialogue=dialogue, capacity=1)
    RegistrationFactory(dialogue=dialogue, breakout_group=full)
    registration = RegistrationFactory(dialogue=dialogue)
    with pytest.raises(ParticipationError, match="This group is full"):
        choose_breakout_group(registration, full)
    other = BreakoutGroupFactory(dialogue=dialogue)
    assert choose_breakout_group(registration, other).breakout_group == other
    dialogue.breakout_threshold = 2
    dialogue.save()
    with pytest.raises(ParticipationError, match="not open"):
        choose_breakout_group(registration, BreakoutGroupFactory(dialogue=dialogue))
    waiting = RegistrationFactory(dialogue=dialogue, status="waitlisted", confirmed_at=None)
    with pytest.raises(ParticipationError, match="Only confirmed"):
        choose_breakout_group(waiting, other)
    with pytest.raises(ParticipationError, match="group of this dialogue"):
        choose_breakout_group(registration, BreakoutGroupFactory())


def test_cancelling_leaves_the_group(dialogue):
    group = BreakoutGroupFactory(dialogue=dialogue)
    registration = RegistrationFactory(dialogue=dialogue, breakout_group=group)
    cancel_registration(registration, actor=registration.member.user)
    registration.refresh_from_db()
    assert registration.breakout_group is None


def test_page_shows_groups_to_confirmed_registrants_only_with_roster_by_shown_name(dialogue):
    facilitator = SpeakerFactory(name="Lucía Quispe")
    group = BreakoutGroupFactory(dialogue=dialogue, topic="Funding", facilitator=facilitator)
    BreakoutGroupFactory(dialogue=dialogue, topic="Decisions", language="fr")
    shy = UserFactory(first_name="Amina", last_name="Diallo")
    shy.member.shown_as = Member.ShownAs.FIRST_NAME
    shy.member.save()
    RegistrationFactory(dialogue=dialogue, member=shy.member, breakout_group=group)
    me = RegistrationFactory(dialogue=dialogue, member=UserFactory(first_name="Mariam").member)
    viewers = {
        "visitor": Client(),
        "member": logged_in(UserFactory()),
        "staff": logged_in(EditorFactory()),
        "registrant": logged_in(me.member.user),
    }
    shown = {who: "Breakout groups" in main_text(c.get(URL).content) for who, c in viewers.items()}
    assert shown == {"visitor": False, "member": False, "staff": False, "registrant": True}
    client = viewers["registrant"]
    response = client.post(f"{URL}breakout/", {"group": group.pk}, follow=True)
    text = main_text(response.content)
    assert "You are in the group “Funding”." in text
    assert "Your group: Funding (English). Facilitator: Lucía Quispe." in text
    assert "Who is in your group Amina Mariam" in text
    assert "Diallo" not in text and shy.email not in response.content.decode()
    my_page = main_text(client.get("/me/dialogues/").content)
    assert "Breakout group: Funding (English), facilitated by Lucía Quispe." in my_page


def test_page_says_groups_wait_for_the_threshold(dialogue):
    dialogue.breakout_threshold = 5
    dialogue.save()
    BreakoutGroupFactory(dialogue=dialogue)
    me = RegistrationFactory(dialogue=dialogue)
    text = main_text(logged_in(me.member.user).get(URL).content)
    assert "Breakout groups open when more than 5 participants are registered" in text


def test_admin_auto_assign_action(dialogue):
    for _ in range(2):
        BreakoutGroupFactory(dialogue=dialogue)
    for _ in range(5):
        RegistrationFactory(dialogue=dialogue)
    response = logged_in(EditorFactory()).post(
        "/admin/dialogues/dialogue/",
        {"action": "assign_breakout_groups", "_selected_action": [dialogue.pk]},
        follow=True,
    )
    assert "Accountability: 5 assigned to a group." in response.content.decode()
    assert sorted(sizes(dialogue)) == [2, 3]
