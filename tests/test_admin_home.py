"""The admin home answers "what needs me today": each section is shown to those holding its
permission, each line links to a page where that person can act, and the page runs the same
number of queries with one item or 200 behind every section."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from a4ep_portal.admin_home import LINES_PER_SECTION
from a4ep_portal.workflow import State
from dialogues.models import Dialogue, Question, Registration
from members.models import Delivery, Mailing, MailKind
from papers.models import Paper, Recording
from tests.factories import EditorFactory, PublisherFactory, UserFactory
from tests.html import visible_text
from tests.pages import build_site

pytestmark = pytest.mark.django_db

SECTIONS = {
    "upcoming": "Coming dialogues",
    "papers": "Papers in review or approved",
    "recordings": "Recordings in review or approved",
    "mailings": "Mailings in review or approved",
    "sending": "Mailings scheduled or going out",
    "failed": "Deliveries that failed",
    "registrations": "Registrations waiting for approval",
    "questions": "Questions waiting for moderation",
}

# The session, the user, their member profile (for the time zone), the user's own and group
# permissions (asked once for the sections and Django's list of models), one query for each
# of the eight sections, and the "recent actions" box.
HOME_QUERIES = 14


def fill_the_home(n: int, editor) -> None:
    """build_site(n), then n of everything the home lists: papers, recordings and mailings in
    review, mailings scheduled, mailings sent with a failed delivery each, and for each of the
    n upcoming dialogues a registration to approve and a question to moderate."""
    build_site(n)
    now = timezone.now()
    upcoming = list(Dialogue.objects.filter(slug__startswith="dialogue-"))
    recorded = list(Dialogue.objects.filter(slug__startswith="past-"))
    review = {"state": State.IN_REVIEW, "submitted_by": editor, "state_changed_at": now}
    Paper.objects.bulk_create(
        Paper(title=f"Draft paper {i:03}", slug=f"draft-paper-{i:03}", body="Text.", **review)
        for i in range(n)
    )
    Recording.objects.bulk_create(
        Recording(dialogue=d, title=f"Draft recording {i:03}", slug=f"draft-rec-{i:03}", **review)
        for i, d in enumerate(recorded)
    )
    mail = {"kind": MailKind.NEWS, "body": "Hello.", "audience": Mailing.Audience.ALL_MEMBERS}
    Mailing.objects.bulk_create(
        [Mailing(subject=f"News in review {i:03}", **mail, **review) for i in range(n)]
        + [
            Mailing(
                subject=f"Scheduled news {i:03}",
                state=State.APPROVED,
                publish_at=now + timedelta(days=1 + i),
                **mail,
            )
            for i in range(n)
        ]
    )
    sent = Mailing.objects.bulk_create(
        Mailing(subject=f"Sent news {i:03}", state=State.PUBLISHED, sent_at=now, **mail)
        for i in range(n)
    )
    reader = UserFactory(email="reader@example.org").member
    Delivery.objects.bulk_create(
        [
            Delivery(mailing=m, member=reader, address="reader@example.org", status="sent")
            for m in sent
        ]
        + [Delivery(mailing=m, address="guest@example.org", status="failed") for m in sent]
    )
    Dialogue.objects.filter(pk__in=[d.pk for d in upcoming]).update(requires_approval=True)
    Registration.objects.bulk_create(
        Registration(dialogue=d, member=reader, status=Registration.Status.PENDING)
        for d in upcoming
    )
    Question.objects.bulk_create(
        Question(dialogue=d, member=reader, text="Who decides?", status=Question.Status.PENDING)
        for d in upcoming
    )


def _home(client) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/admin/")
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def _section(html: str, key: str) -> str:
    match = re.search(rf'<section [^>]*id="home-{key}".*?</section>', html, re.S)
    return match.group(0) if match else ""


def _links(html: str) -> list[str]:
    return [
        href.replace("&amp;", "&")
        for href in re.findall(r'<a class="line-link" href="([^"]+)"', html)
    ]


@pytest.mark.parametrize("n", [1, 200])
def test_the_home_runs_the_same_queries_whatever_the_data(client, n):
    editor, publisher = EditorFactory(), PublisherFactory()
    fill_the_home(n, editor)
    client.force_login(publisher)

    html, queries = _home(client)

    assert queries == HOME_QUERIES
    lines = {key: _section(html, key).count('class="line-link"') for key in SECTIONS}
    # Coming dialogues: the n of build_site, "open-dialogue", the draft one and the one whose
    # date is not set yet. Going out: the n approved for later (listed there, not among those
    # waiting for review) and the n sent.
    behind = {"upcoming": n + 3, "sending": 2 * n}
    assert lines == {key: min(behind.get(key, n), LINES_PER_SECTION) for key in SECTIONS}
    more = {key for key in SECTIONS if '<p class="more">' in _section(html, key)}
    assert more == (set(SECTIONS) if n == 200 else set())


def test_each_line_says_what_waits_and_links_where_the_publisher_acts(client):
    editor = EditorFactory(first_name="Amina", last_name="Diallo")
    publisher = PublisherFactory()
    fill_the_home(1, editor)
    client.force_login(publisher)

    html, _ = _home(client)

    papers = visible_text(_section(html, "papers"))
    assert "Draft paper 000" in papers and "submitted by Amina Diallo" in papers
    sending = visible_text(_section(html, "sending"))
    assert "Sent news 000" in sending and "1 of 2 delivered" in sending and "1 failed" in sending
    assert "Scheduled news 000" in sending
    mailings = visible_text(_section(html, "mailings"))
    assert "News in review 000" in mailings and "Scheduled news 000" not in mailings
    failed = visible_text(_section(html, "failed"))
    assert "1 failed delivery of “Sent news 000”" in failed
    upcoming = visible_text(_section(html, "upcoming"))
    assert "0 of 50 seats taken" in upcoming  # open-dialogue
    # The dialogue announced with its month only: no placeholder midnight.
    assert "details to follow" in upcoming and "00:00" not in upcoming
    assert "1 waiting" not in upcoming and "1 to approve" in upcoming
    # Every line and every "more" link opens a page the publisher may use.
    links = _links(html) + re.findall(r'<p class="more"><a href="([^"]+)"', html)
    assert len(links) == len(SECTIONS) + 4  # four coming dialogues, two mailings going out
    for url in links:
        assert client.get(url).status_code == 200, url
    registrations = _links(_section(html, "registrations"))
    pending = Registration.objects.get(status=Registration.Status.PENDING)
    assert registrations == [
        f"/admin/dialogues/registration/?dialogue__id__exact={pending.dialogue_id}"
        "&status__exact=pending"
    ]
    listed = client.get(registrations[0]).content.decode()
    assert listed.count("reader@example.org") == 1


def test_an_item_the_publisher_submitted_says_another_publisher_approves_it(client):
    publisher = PublisherFactory()
    fill_the_home(1, publisher)
    client.force_login(publisher)

    papers = visible_text(_section(_home(client)[0], "papers"))

    assert "yours: another publisher approves it" in papers


def test_the_editor_sees_every_section_and_links_that_open(client):
    editor = EditorFactory()
    fill_the_home(1, EditorFactory())
    client.force_login(editor)

    html, _ = _home(client)

    assert [key for key in SECTIONS if _section(html, key)] == list(SECTIONS)
    for url in _links(html):
        assert client.get(url).status_code == 200, url


def test_a_section_is_shown_only_with_its_permission(client):
    organiser = UserFactory(is_staff=True)
    organiser.user_permissions.add(Permission.objects.get(codename="view_dialogue"))
    fill_the_home(1, EditorFactory())
    client.force_login(organiser)

    html, _ = _home(client)

    assert [key for key in SECTIONS if _section(html, key)] == ["upcoming"]
    # No registrations link for one who may not see registrations.
    assert "/admin/dialogues/registration/" not in html
    assert "Draft paper" not in html and "Sent news" not in html


def test_staff_in_no_group_sees_nothing_privileged(client):
    fill_the_home(1, EditorFactory())
    client.force_login(UserFactory(is_staff=True))

    html, _ = _home(client)

    assert [key for key in SECTIONS if _section(html, key)] == []
    assert "You don’t have permission to view or edit anything." in visible_text(html)
    assert "Dialogue title" not in html and "reader@example.org" not in html


def test_a_member_is_sent_to_log_in(client):
    member = build_site(1)
    client.force_login(member)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=/admin/")


@pytest.mark.parametrize("prefix", ["", "/ar"])
def test_the_home_is_branded_in_both_directions(client, prefix):
    client.force_login(PublisherFactory())

    html = client.get(f"{prefix}/admin/").content.decode()

    assert 'class="brand-mark"' in html and "/static/css/admin.css" in html
    if prefix:
        assert '<html lang="ar" dir="rtl">' in html and "admin/css/rtl.css" in html
