"""Questions: asked by confirmed registrants, moderated, voted on once, seen by registrants
only; the run sheet for the moderator."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from dialogues.models import Question, Vote
from dialogues.services import (
    ParticipationError,
    RegistrationDetails,
    approve_questions,
    ask_question,
    hide_questions,
    merge_questions,
    register_member,
    vote_for_question,
    withdraw_question_vote,
)
from members.models import Member, Organisation
from tests.clients import logged_in
from tests.factories import (
    DialogueFactory,
    DialogueSpeakerFactory,
    EditorFactory,
    QuestionFactory,
    RegistrationFactory,
    SessionFactory,
    UserFactory,
)
from tests.html import main_text

pytestmark = pytest.mark.django_db

URL = "/dialogues/accountability/"


@pytest.fixture
def dialogue():
    return DialogueFactory(slug="accountability", title="Accountability")


def registrant(dialogue, **user) -> Member:
    return RegistrationFactory(dialogue=dialogue, member=UserFactory(**user).member).member


def test_ask_question_stores_sanitised_text_waiting_for_moderation(dialogue):
    member = registrant(dialogue)
    question = ask_question(dialogue, member, "  <script>alert(1)</script>Who\x00 decides?  ")
    assert (question.text, question.status) == ("alert(1)Who decides?", "pending")


def test_ask_question_refuses_non_registrants_overlong_and_empty_text(dialogue):
    outsider = UserFactory().member
    with pytest.raises(ParticipationError, match="Only confirmed registrants"):
        ask_question(dialogue, outsider, "Who decides?")
    member = registrant(dialogue)
    with pytest.raises(ParticipationError, match="at most 1000 characters"):
        ask_question(dialogue, member, "x" * 1001)
    with pytest.raises(ParticipationError, match="Please write your question."):
        ask_question(dialogue, member, "<b></b>")
    assert Question.objects.count() == 0


def test_ask_question_for_a_speaker_or_agenda_item_of_another_dialogue_is_refused(dialogue):
    member = registrant(dialogue)
    other_session = SessionFactory()
    with pytest.raises(ParticipationError, match="agenda item of this dialogue"):
        ask_question(dialogue, member, "Why?", session=other_session)
    other_speaker = DialogueSpeakerFactory().speaker
    with pytest.raises(ParticipationError, match="speaker of this dialogue"):
        ask_question(dialogue, member, "Why?", speaker=other_speaker)


def test_registration_form_question_becomes_a_pending_question(dialogue):
    member = UserFactory().member
    register_member(dialogue, member, RegistrationDetails(question="How do we fund <i>it</i>?"))
    assert list(Question.objects.values_list("member", "text", "status")) == [
        (member.pk, "How do we fund it?", "pending")
    ]


def test_vote_twice_counts_once_and_own_question_cannot_be_voted(dialogue):
    question = QuestionFactory(dialogue=dialogue, member=registrant(dialogue))
    voter = registrant(dialogue)
    first = vote_for_question(question, voter)
    again = vote_for_question(question, voter)
    assert first.pk == again.pk
    assert Vote.objects.count() == 1
    with pytest.raises(ParticipationError, match="your own question"):
        vote_for_question(question, question.member)
    assert withdraw_question_vote(question, voter) is True
    assert withdraw_question_vote(question, voter) is False
    assert Vote.objects.count() == 0


def test_votes_only_for_approved_questions_by_confirmed_registrants(dialogue):
    pending = QuestionFactory(dialogue=dialogue, status="pending")
    with pytest.raises(ParticipationError, match="only for approved"):
        vote_for_question(pending, registrant(dialogue))
    approved = QuestionFactory(dialogue=dialogue)
    with pytest.raises(ParticipationError, match="Only confirmed registrants"):
        vote_for_question(approved, UserFactory().member)


def test_moderation_moves_follow_the_table(dialogue):
    editor = EditorFactory()
    question = QuestionFactory(dialogue=dialogue, status="pending")
    assert approve_questions([question], actor=editor) == 1
    assert hide_questions([question], actor=editor) == 1
    question.refresh_from_db()
    assert (question.status, question.moderated_by) == ("hidden", editor)
    merged = QuestionFactory(dialogue=dialogue, status="merged")
    with pytest.raises(ParticipationError) as error:
        approve_questions([merged], actor=editor)
    assert str(error.value) == (
        "This question cannot be approved: it is “Merged into another question” "
        "and cannot become “Approved”."
    )


def test_merge_moves_votes_and_askers_without_doubling(dialogue):
    keep = QuestionFactory(dialogue=dialogue)
    duplicate = QuestionFactory(dialogue=dialogue)
    both, only_duplicate = registrant(dialogue), registrant(dialogue)
    for member in (both,):
        vote_for_question(keep, member)
    for member in (both, only_duplicate):
        vote_for_question(duplicate, member)
    assert merge_questions([duplicate], keep, actor=EditorFactory()) == 1
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into) == ("merged", keep)
    assert sorted(keep.votes.values_list("member", flat=True)) == sorted(
        [both.pk, only_duplicate.pk, duplicate.member_id]
    )
    assert duplicate.votes.count() == 0


def test_only_registrants_and_staff_see_approved_questions_never_hidden_ones(dialogue):
    QuestionFactory(dialogue=dialogue, text="Approved: who decides?")
    QuestionFactory(dialogue=dialogue, text="Hidden: insult", status="hidden")
    QuestionFactory(dialogue=dialogue, text="Pending: not yet", status="pending")
    viewers = {
        "visitor": Client(),
        "member": logged_in(UserFactory()),
        "registrant": logged_in(registrant(dialogue).user),
        "staff": logged_in(EditorFactory()),
    }
    seen = {}
    for who, client in viewers.items():
        text = main_text(client.get(URL).content)
        seen[who] = [t for t in ("Approved", "Hidden", "Pending") if f"{t}:" in text]
    assert seen == {"visitor": [], "member": [], "registrant": ["Approved"], "staff": ["Approved"]}


def test_questions_show_the_askers_chosen_name_most_votes_first_never_e_mail(dialogue):
    organisation = Organisation.objects.create(name="Coast Trust", kind="national_ngo")
    shy = registrant(dialogue, first_name="Rafiq", last_name="Hossain")
    shy.organisation = organisation
    shy.shown_as = Member.ShownAs.ORGANISATION
    shy.save()
    first = QuestionFactory(dialogue=dialogue, member=shy, text="First asked")
    popular = QuestionFactory(dialogue=dialogue, text="Most wanted")
    viewer = registrant(dialogue)
    vote_for_question(popular, viewer)
    page = logged_in(viewer.user).get(URL).content.decode()
    text = main_text(page)
    assert text.index("Most wanted") < text.index("First asked")
    assert "First asked Coast Trust · 0 votes" in text
    assert "Rafiq" not in text and shy.user.email not in page
    assert f'action="/dialogues/accountability/questions/{popular.pk}/unvote/"' in page
    assert f'action="/dialogues/accountability/questions/{first.pk}/vote/"' in page


def test_registrant_asks_and_votes_through_the_page(dialogue):
    member = registrant(dialogue)
    client = logged_in(member.user)
    page = client.get(URL).content.decode()
    assert 'action="/dialogues/accountability/questions/"' in page
    response = client.post(f"{URL}questions/", {"text": "Who holds the money?"}, follow=True)
    assert "Your question is shown once the organisers have read it." in response.content.decode()
    question = Question.objects.get()
    approve_questions([question], actor=EditorFactory())
    other = logged_in(registrant(dialogue).user)
    other.post(f"{URL}questions/{question.pk}/vote/")
    other.post(f"{URL}questions/{question.pk}/vote/")
    assert question.votes.count() == 1
    own = client.post(f"{URL}questions/{question.pk}/vote/", follow=True)
    assert "You cannot vote for your own question." in own.content.decode()


def test_outsiders_cannot_ask_or_vote_through_the_page(dialogue):
    question = QuestionFactory(dialogue=dialogue)
    client = logged_in(UserFactory())
    client.post(f"{URL}questions/", {"text": "Let me in"})
    client.post(f"{URL}questions/{question.pk}/vote/")
    assert (Question.objects.count(), Vote.objects.count()) == (1, 0)
    visitor = Client().post(f"{URL}questions/", {"text": "Let me in"})
    assert visitor.status_code == 302 and visitor["Location"].startswith("/accounts/login/")


def test_questions_close_when_the_dialogue_starts():
    dialogue = DialogueFactory(starts_at=timezone.now() - timedelta(minutes=5))
    member = registrant(dialogue)
    with pytest.raises(ParticipationError, match="until the dialogue starts"):
        ask_question(dialogue, member, "Too late?")


def test_run_sheet_lists_approved_questions_by_agenda_item_most_votes_first(dialogue):
    panel = SessionFactory(dialogue=dialogue, title="Country perspectives", order=1)
    organisation = Organisation.objects.create(name="Sahara Relief", kind="local_ngo")
    asker = registrant(dialogue, first_name="Amina")
    asker.organisation, asker.country = organisation, "NE"
    asker.save()
    low = QuestionFactory(dialogue=dialogue, session=panel, text="Low", member=asker)
    high = QuestionFactory(dialogue=dialogue, session=panel, text="High")
    QuestionFactory(dialogue=dialogue, text="General one")
    QuestionFactory(dialogue=dialogue, session=panel, text="Hidden one", status="hidden")
    vote_for_question(high, registrant(dialogue))
    url = f"/admin/dialogues/question/run-sheet/{dialogue.pk}/"
    page = logged_in(EditorFactory()).get(url).content.decode()
    assert page.index("Country perspectives") < page.index("High") < page.index("Low")
    assert page.index("Low") < page.index("For the whole panel") < page.index("General one")
    assert "Hidden one" not in page
    assert "<td>Amina</td><td>Sahara Relief</td><td>Niger</td>" in page
    assert low.member.user.email not in page
    assert logged_in(UserFactory()).get(url).status_code == 302  # not staff: admin login


def test_admin_actions_approve_hide_and_merge(dialogue):
    questions = [QuestionFactory(dialogue=dialogue, status="pending") for _ in range(3)]
    client = logged_in(EditorFactory())
    changelist = "/admin/dialogues/question/"
    client.post(changelist, {"action": "approve", "_selected_action": [questions[0].pk]})
    client.post(changelist, {"action": "hide", "_selected_action": [questions[1].pk]})
    client.post(
        changelist, {"action": "merge", "_selected_action": [questions[0].pk, questions[2].pk]}
    )
    assert [q.status for q in Question.objects.order_by("pk")] == ["approved", "hidden", "merged"]


def test_admin_actions_need_the_change_permission(dialogue):
    question = QuestionFactory(dialogue=dialogue, status="pending")
    viewer = UserFactory(is_staff=True)
    from django.contrib.auth.models import Permission

    viewer.user_permissions.add(Permission.objects.get(codename="view_question"))
    logged_in(viewer).post(
        "/admin/dialogues/question/", {"action": "approve", "_selected_action": [question.pk]}
    )
    question.refresh_from_db()
    assert question.status == "pending"
