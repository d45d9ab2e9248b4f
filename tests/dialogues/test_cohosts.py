"""Co-host accounts from the outside: every admin page, custom view, action and lookup a
co-host can reach, asked over HTTP as the co-host of dialogue A, the co-host of dialogue B,
the editor, the publisher and a member. A co-host works on their own dialogues and sees the
registrants who agreed to share their details with them; nothing else."""

import csv
import io
import json

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from dialogues.models import CoHostStaff, Dialogue, Question, Registration, Session
from dialogues.services import draft_invitation
from members.models import User
from tests.factories import (
    CoHostFactory,
    DialogueFactory,
    DialogueSpeakerFactory,
    EditorFactory,
    OrganisationFactory,
    PaperFactory,
    PublisherFactory,
    QuestionFactory,
    RegistrationFactory,
    SessionFactory,
    SpeakerFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ["cohost_a", "cohost_b", "editor", "publisher", "member"]
JOIN_URL = "https://zoom.us/j/555?pwd=for-the-seated-only"


@pytest.fixture
def world():
    """Dialogue A co-hosted by Alpha (with an agenda item, a speaker, a question, a registrant
    who shares their details with Alpha and one who does not), a draft also co-hosted by
    Alpha, and dialogue B co-hosted by Beta (its own speaker, question and sharing registrant).
    """
    editor, publisher = EditorFactory(), PublisherFactory()
    alpha = OrganisationFactory(name="Alpha Platform")
    beta = OrganisationFactory(name="Beta Network")
    a = DialogueFactory(
        slug="dialogue-a", title="Dialogue A", co_hosts=[alpha], capacity=50, join_url=JOIN_URL
    )
    draft = DialogueFactory(
        slug="alpha-draft", title="Alpha draft", co_hosts=[alpha], status="draft"
    )
    b = DialogueFactory(slug="dialogue-b", title="Dialogue B", co_hosts=[beta], join_url=JOIN_URL)
    session_a = SessionFactory(dialogue=a, title="Opening of A")
    speaker_a = SpeakerFactory(name="Speaker Of A", slug="speaker-of-a")
    speaker_b = SpeakerFactory(name="Speaker Of B", slug="speaker-of-b")
    DialogueSpeakerFactory(dialogue=a, speaker=speaker_a)
    DialogueSpeakerFactory(dialogue=b, speaker=speaker_b)
    question_a = QuestionFactory(dialogue=a, text="Question for A", status="pending")
    question_b = QuestionFactory(dialogue=b, text="Question for B", status="pending")
    shared_a = RegistrationFactory(dialogue=a, needs="Sign language", role="Shares with Alpha")
    shared_a.shares_details_with.add(alpha)
    private_a = RegistrationFactory(dialogue=a, role="Keeps to themself")
    shared_b = RegistrationFactory(dialogue=b, role="Shares with Beta")
    shared_b.shares_details_with.add(beta)
    # Sharing with Beta says nothing to Alpha, even for a dialogue both co-host.
    shared_a_with_beta = RegistrationFactory(dialogue=a, role="Shares with Beta only")
    shared_a_with_beta.shares_details_with.add(beta)
    users = {
        "cohost_a": CoHostFactory(organisation=alpha, email="staff@alpha.example.org"),
        "cohost_b": CoHostFactory(organisation=beta, email="staff@beta.example.org"),
        "editor": editor,
        "publisher": publisher,
        "member": UserFactory(),
    }
    return {
        "users": users,
        "alpha": alpha,
        "a": a,
        "b": b,
        "draft": draft,
        "session_a": session_a,
        "speaker_a": speaker_a,
        "speaker_b": speaker_b,
        "question_a": question_a,
        "question_b": question_b,
        "shared_a": shared_a,
        "private_a": private_a,
        "shared_b": shared_b,
        "shared_a_with_beta": shared_a_with_beta,
        "mailing": draft_invitation(b, actor=editor),
        "paper": PaperFactory(dialogue=a, slug="paper-of-a"),
        "link": CoHostStaff.objects.get(user=users["cohost_a"]),
    }


def client_of(world, role: str) -> Client:
    client = Client()
    client.force_login(world["users"][role])
    return client


def statuses(world, urls: list[str]) -> dict[str, dict[str, int]]:
    return {
        role: {url: client_of(world, role).get(url).status_code for url in urls} for role in ROLES
    }


def row(cohost_a, cohost_b, editor, publisher, member=302) -> dict[str, int]:
    return dict(zip(ROLES, [cohost_a, cohost_b, editor, publisher, member], strict=True))


def test_every_admin_page_answers_each_role_as_it_may(world):
    w = world
    a, b, draft = w["a"].pk, w["b"].pk, w["draft"].pk
    dialogue_type = ContentType.objects.get_for_model(Dialogue).pk
    paper_type = ContentType.objects.get_for_model(PaperFactory._meta.model).pk
    pages = {
        "/admin/": row(200, 200, 200, 200),
        "/admin/dialogues/": row(200, 200, 200, 200),
        "/admin/dialogues/dialogue/": row(200, 200, 200, 200),
        f"/admin/dialogues/dialogue/{a}/change/": row(200, 404, 200, 200),
        f"/admin/dialogues/dialogue/{draft}/change/": row(200, 404, 200, 200),
        f"/admin/dialogues/dialogue/{b}/change/": row(404, 200, 200, 200),
        f"/admin/dialogues/dialogue/{a}/history/": row(200, 404, 200, 200),
        f"/admin/dialogues/dialogue/{a}/delete/": row(403, 403, 403, 200),
        "/admin/dialogues/dialogue/add/": row(403, 403, 200, 200),
        f"/admin/dialogues/dialogue/{a}/attendance/": row(403, 404, 200, 200),
        f"/admin/dialogues/question/run-sheet/{a}/": row(200, 404, 200, 200),
        f"/admin/dialogues/question/run-sheet/{b}/": row(404, 200, 200, 200),
        "/admin/dialogues/question/": row(200, 200, 200, 200),
        f"/admin/dialogues/question/{w['question_a'].pk}/change/": row(200, 404, 200, 200),
        f"/admin/dialogues/question/{w['question_a'].pk}/history/": row(200, 404, 200, 200),
        f"/admin/dialogues/question/{w['question_b'].pk}/change/": row(404, 200, 200, 200),
        "/admin/dialogues/speaker/": row(200, 200, 200, 200),
        "/admin/dialogues/speaker/add/": row(200, 200, 200, 200),
        f"/admin/dialogues/speaker/{w['speaker_a'].pk}/change/": row(200, 404, 200, 200),
        f"/admin/dialogues/speaker/{w['speaker_a'].pk}/history/": row(200, 404, 200, 200),
        f"/admin/dialogues/speaker/{w['speaker_b'].pk}/change/": row(404, 200, 200, 200),
        "/admin/dialogues/registration/": row(200, 200, 200, 200),
        f"/admin/dialogues/registration/{w['shared_a'].pk}/change/": row(200, 404, 200, 200),
        f"/admin/dialogues/registration/{w['shared_a'].pk}/history/": row(200, 404, 200, 200),
        f"/admin/dialogues/registration/{w['private_a'].pk}/change/": row(404, 404, 200, 200),
        f"/admin/dialogues/registration/{w['shared_b'].pk}/change/": row(404, 200, 200, 200),
        "/admin/dialogues/series/": row(403, 403, 200, 200),
        "/admin/dialogues/breakoutgroup/": row(403, 403, 200, 200),
        "/admin/dialogues/topicproposal/": row(403, 403, 200, 200),
        "/admin/dialogues/feedback/": row(403, 403, 200, 200),
        "/admin/dialogues/cohoststaff/": row(403, 403, 403, 200),
        "/admin/dialogues/cohoststaff/add/": row(403, 403, 403, 200),
        f"/admin/dialogues/cohoststaff/{w['link'].pk}/change/": row(403, 403, 403, 200),
        "/admin/members/member/": row(403, 403, 403, 403),
        "/admin/members/user/": row(403, 403, 403, 403),
        "/admin/members/organisation/": row(403, 403, 200, 200),
        "/admin/members/mailing/": row(403, 403, 200, 200),
        f"/admin/members/mailing/{w['mailing'].pk}/change/": row(403, 403, 200, 200),
        "/admin/members/delivery/": row(403, 403, 200, 200),
        "/admin/members/oneoffmessage/": row(403, 403, 200, 200),
        "/admin/papers/paper/": row(403, 403, 200, 200),
        f"/admin/papers/paper/{w['paper'].pk}/change/": row(403, 403, 200, 200),
        "/admin/papers/recording/": row(403, 403, 200, 200),
        "/admin/a4ep_portal/auditentry/": row(403, 403, 200, 200),
        # "View on site": the address of a dialogue (a draft's too) only for its co-hosts.
        f"/admin/r/{dialogue_type}/{draft}/": row(302, 404, 302, 302),
        f"/admin/r/{dialogue_type}/{b}/": row(404, 302, 302, 302),
        f"/admin/r/{dialogue_type}/nonsense/": row(404, 404, 404, 404),
        f"/admin/r/{paper_type}/{w['paper'].pk}/": row(404, 404, 302, 302),
    }
    answered = statuses(world, list(pages))
    wrong = {
        (role, url): status
        for role, got in answered.items()
        for url, status in got.items()
        if status != pages[url][role]
    }
    assert wrong == {}


def _listed(client, url: str, names: list[str]) -> list[str]:
    page = client.get(url).content.decode()
    return [name for name in names if name in page]


def test_lists_show_a_co_host_their_own_dialogues_and_sharing_registrants_only(world):
    client = client_of(world, "cohost_a")
    titles = ["Dialogue A", "Alpha draft", "Dialogue B"]
    assert _listed(client, "/admin/dialogues/dialogue/", titles) == ["Dialogue A", "Alpha draft"]
    assert _listed(client, "/admin/dialogues/question/", ["Question for A", "Question for B"]) == [
        "Question for A"
    ]
    # Nor does the dialogue filter beside the list name the others.
    assert "Dialogue B" not in client.get("/admin/dialogues/question/").content.decode()
    speakers = ["Speaker Of A", "Speaker Of B"]
    assert _listed(client, "/admin/dialogues/speaker/", speakers) == ["Speaker Of A"]
    registrants = client.get("/admin/dialogues/registration/").content.decode()
    assert world["shared_a"].member.user.email in registrants
    assert world["private_a"].member.user.email not in registrants
    assert world["shared_b"].member.user.email not in registrants
    assert world["shared_a_with_beta"].member.user.email not in registrants
    assert "column-attended" not in registrants
    assert "Dialogue B" not in registrants
    # The change page shows what they agreed to share, not their needs.
    page = client.get(f"/admin/dialogues/registration/{world['shared_a'].pk}/change/")
    text = page.content.decode()
    assert "Shares with Alpha" in text
    assert "Sign language" not in text
    # A question shows its asker as other participants see them, never their e-mail address.
    question = world["question_a"]
    page = client.get(f"/admin/dialogues/question/{question.pk}/change/").content.decode()
    assert question.member.shown_name() in page
    assert question.member.user.email not in page
    editor = client_of(world, "editor")
    page = editor.get(f"/admin/dialogues/question/{question.pk}/change/").content.decode()
    assert str(question.member) in page  # the account, as organisers know it
    # The editor still sees every registrant.
    everyone = client_of(world, "editor").get("/admin/dialogues/registration/").content.decode()
    for registration in ("shared_a", "private_a", "shared_b"):
        assert world[registration].member.user.email in everyone


def test_dialogue_list_counts_every_registrant_for_a_co_host(world):
    page = client_of(world, "cohost_a").get("/admin/dialogues/dialogue/").content.decode()
    # Counts are theirs to see: three confirmed at A, whoever shares.
    assert "3 confirmed · 0 waiting" in page


def test_a_co_host_never_sees_or_sets_the_join_link_status_or_capacity(world):
    client = client_of(world, "cohost_a")
    a = world["a"]
    url = f"/admin/dialogues/dialogue/{a.pk}/change/"
    page = client.get(url).content.decode()
    assert JOIN_URL not in page
    assert 'name="status"' not in page
    assert 'name="capacity"' not in page
    assert 'name="description_en"' in page
    # The status panel tells them who moves it, and offers no move of its own.
    assert "A4EP's organisers announce, cancel or close a dialogue." in page
    assert "Its status cannot change any more." not in page
    assert "/status/" not in page
    form = {
        "title_en": "Dialogue A, retitled",
        "question_en": a.question,
        "description_en": "Now with the co-host's words.",
        "audience": a.audience,
        "status": "cancelled",
        "capacity": "1",
        "join_url": "https://evil.example.org/",
        "sessions-TOTAL_FORMS": "1",
        "sessions-INITIAL_FORMS": "1",
        "sessions-0-id": str(world["session_a"].pk),
        "sessions-0-dialogue": str(a.pk),
        "sessions-0-order": "0",
        "sessions-0-kind": "opening",
        "sessions-0-duration_minutes": "20",
        "sessions-0-title_en": "Welcome, by Alpha",
        "speaker_roles-TOTAL_FORMS": "1",
        "speaker_roles-INITIAL_FORMS": "0",
        "speaker_roles-0-speaker": str(world["speaker_b"].pk),
        "speaker_roles-0-role": "panellist",
        "speaker_roles-0-order": "1",
    }
    # Another dialogue's speaker is not a valid choice: nothing is saved.
    response = client.post(url, form)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    a.refresh_from_db()
    assert a.title == "Dialogue A"
    form["speaker_roles-TOTAL_FORMS"] = "0"
    response = client.post(url, form)
    assert response.status_code == 302
    a.refresh_from_db()
    assert (a.title, a.description) == ("Dialogue A, retitled", "Now with the co-host's words.")
    assert (a.status, a.capacity, a.join_url) == ("announced", 50, JOIN_URL)
    assert Session.objects.get(pk=world["session_a"].pk).title == "Welcome, by Alpha"
    # Dialogue B, by guessing its id: not found, nothing changed.
    b = world["b"]
    response = client.post(f"/admin/dialogues/dialogue/{b.pk}/change/", form)
    assert response.status_code == 404
    b.refresh_from_db()
    assert b.title == "Dialogue B"


def test_actions_and_custom_views_refuse_what_is_not_a_co_hosts(world):
    client = client_of(world, "cohost_a")
    a, b = world["a"], world["b"]
    # No dialogue action is offered, and one posted anyway does nothing.
    page = client.get("/admin/dialogues/dialogue/").content.decode()
    assert 'name="action"' not in page
    response = client.post(
        "/admin/dialogues/dialogue/",
        {"action": "cancel_dialogues", "_selected_action": [a.pk, b.pk]},
    )
    assert response.status_code in (200, 302)
    assert list(Dialogue.objects.order_by("pk").values_list("status", flat=True)) == [
        "announced",
        "draft",
        "announced",
    ]
    # Invitations are mailings: refused, for their own dialogue too.
    for dialogue in (a, b):
        assert client.post(f"/admin/dialogues/dialogue/{dialogue.pk}/invite/").status_code == 403
    # Moderation reaches their own questions only.
    client.post(
        "/admin/dialogues/question/",
        {
            "action": "approve",
            "_selected_action": [world["question_a"].pk, world["question_b"].pk],
        },
    )
    assert dict(Question.objects.values_list("text", "status")) == {
        "Question for A": "approved",
        "Question for B": "pending",
    }
    # Registrations: only the export is offered, with what was agreed to be shared.
    page = client.get("/admin/dialogues/registration/").content.decode()
    assert 'value="export_csv"' in page
    assert 'value="cancel_registrations"' not in page
    everyone = list(Registration.objects.values_list("pk", flat=True))
    response = client.post(
        "/admin/dialogues/registration/",
        {"action": "cancel_registrations", "_selected_action": everyone},
    )
    assert not Registration.objects.filter(status="cancelled").exists()
    response = client.post(
        "/admin/dialogues/registration/", {"action": "export_csv", "_selected_action": everyone}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    shared = world["shared_a"].member.user
    assert rows == [
        ["dialogue", "name", "email", "organisation", "role", "country", "status"],
        [
            "Dialogue A",
            shared.get_full_name(),
            shared.email,
            "Coast Trust",
            "Shares with Alpha",
            "",
            "Confirmed",
        ],
    ]


def test_autocomplete_offers_a_co_host_their_own_dialogues_and_speakers(world):
    client = client_of(world, "cohost_a")

    def names(query: str) -> list[str]:
        response = client.get(f"/admin/autocomplete/?{query}")
        if response.status_code != 200:
            return [response.status_code]
        return sorted(item["text"] for item in json.loads(response.content)["results"])

    speaker = "app_label=dialogues&model_name=dialoguespeaker&field_name=speaker"
    assert names(speaker) == ["Speaker Of A"]
    dialogue = "app_label=papers&model_name=paper&field_name=dialogue"
    assert names(dialogue) == sorted([str(world["a"]), str(world["draft"])])
    # Organisations, users and members are not theirs to search.
    assert names("app_label=dialogues&model_name=speaker&field_name=organisation") == [403]
    assert names("app_label=members&model_name=member&field_name=organisation") == [403]
    assert names("app_label=dialogues&model_name=dialogue&field_name=co_hosts") == [403]


def test_a_speaker_a_co_host_adds_stays_theirs_until_given_a_part(world):
    client = client_of(world, "cohost_a")
    response = client.post(
        "/admin/dialogues/speaker/add/",
        {"name": "New Voice", "slug": "new-voice", "title": "", "country": "", "bio": ""},
    )
    assert response.status_code == 302
    assert _listed(client, "/admin/dialogues/speaker/", ["New Voice", "Speaker Of B"]) == [
        "New Voice"
    ]
    other = client_of(world, "cohost_b")
    assert _listed(other, "/admin/dialogues/speaker/", ["New Voice", "Speaker Of B"]) == [
        "Speaker Of B"
    ]


def test_the_site_treats_a_co_host_as_a_member(world):
    """Decided: the organiser-only gates of the site (drafts, join links, registrants-only
    items, approved questions) never open for a co-host, not even for their own dialogue:
    they work in admin, and a co-host's whole organisation must not learn the join link."""
    client = client_of(world, "cohost_a")
    assert client.get("/dialogues/alpha-draft/").status_code == 404
    page = client.get("/dialogues/dialogue-a/").content.decode()
    assert JOIN_URL not in page
    QuestionFactory(dialogue=world["a"], text="An approved one for A")
    assert "An approved one for A" not in client.get("/dialogues/dialogue-a/").content.decode()
    organiser = client_of(world, "editor").get("/dialogues/dialogue-a/").content.decode()
    assert "An approved one for A" in organiser
    assert JOIN_URL in organiser


def test_publisher_gives_a_co_host_account_by_e_mail_and_takes_it_back(world):
    client = client_of(world, "publisher")
    response = client.post(
        "/admin/dialogues/cohoststaff/add/",
        {
            "organisation": world["alpha"].pk,
            "email": "new.staff@alpha.example.org",
            "first_name": "Noor",
            "last_name": "",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="new.staff@alpha.example.org")
    assert (user.is_staff, user.has_usable_password(), user.first_name) == (True, False, "Noor")
    assert list(user.groups.values_list("name", flat=True)) == ["Co-hosts"]
    # An organiser cannot be made a co-host: the group would limit them.
    response = client.post(
        "/admin/dialogues/cohoststaff/add/",
        {"organisation": world["alpha"].pk, "email": world["users"]["editor"].email},
    )
    assert response.status_code == 200
    assert "is an organiser" in response.content.decode()
    assert not CoHostStaff.objects.filter(user=world["users"]["editor"]).exists()
    # The editor may not give accounts at all.
    response = client_of(world, "editor").post(
        "/admin/dialogues/cohoststaff/add/",
        {"organisation": world["alpha"].pk, "email": "someone@example.org"},
    )
    assert response.status_code == 403
    assert not User.objects.filter(email="someone@example.org").exists()
    # Removing the last link takes the staff flag and the group away.
    link = CoHostStaff.objects.get(user=user)
    response = client.post(
        "/admin/dialogues/cohoststaff/", {"action": "remove_links", "_selected_action": [link.pk]}
    )
    user.refresh_from_db()
    assert (user.is_staff, list(user.groups.all())) == (False, [])
    assert Group.objects.get(name="Co-hosts").user_set.count() == 2


def test_object_permissions_say_no_outside_a_co_hosts_dialogues(world, rf):
    """Behind the pages: whatever view asks, each admin refuses another dialogue's objects."""
    from django.contrib import admin

    request = rf.get("/admin/")
    request.user = world["users"]["cohost_a"]
    answers = {}
    for name in ("a", "b", "speaker_a", "speaker_b", "question_a", "question_b", "shared_a"):
        obj = world[name]
        model_admin = admin.site._registry[type(obj)]
        answers[name] = (
            model_admin.has_view_permission(request, obj),
            model_admin.has_change_permission(request, obj),
        )
    assert answers == {
        "a": (True, True),
        "b": (False, False),
        "speaker_a": (True, True),
        "speaker_b": (False, False),
        "question_a": (True, True),
        "question_b": (False, False),
        "shared_a": (True, False),
    }
