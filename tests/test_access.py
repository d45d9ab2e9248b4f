"""Every gate beyond the public, asked over HTTP by each kind of person: a visitor, a
confirmed registrant, one on the waiting list, a member not registered, the editor, the
publisher, and a staff account in no group (the staff flag alone grants nothing)."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.test import Client

from a4ep_portal.workflow import State
from dialogues.services import mail_registration_message
from members.models import Mailing
from papers import services
from tests.factories import (
    DialogueFactory,
    DialogueSpeakerFactory,
    EditorFactory,
    PaperFactory,
    PublisherFactory,
    QuestionFactory,
    RecordingFactory,
    RegistrationFactory,
    SpeakerFactory,
    UserFactory,
)
from tests.files import VTT, pdf_bytes, upload, wav_bytes
from tests.html import main_text

pytestmark = pytest.mark.django_db

JOIN_URL = "https://zoom.us/j/987654321?pwd=only-for-the-seated"
ROLES = ["visitor", "confirmed", "waiting", "member", "editor", "publisher", "staff"]
ORGANISERS = {"editor", "publisher"}
LABELS = r"(Your join link \(do not share it\)|Join link \(organisers only\))"


def _publish(item, editor, publisher):
    for move, actor in [("submit", editor), ("approve", publisher), ("publish", publisher)]:
        services.move(item, move, actor=actor)
    return item


@pytest.fixture
def world():
    """An announced dialogue (one seat, taken; one person waiting) with a join link, an
    approved question, a registrants-only paper and recording; a draft dialogue with a speaker
    of its own; a draft paper and a recording in review, each with its files."""
    editor, publisher = EditorFactory(), PublisherFactory()
    dialogue = DialogueFactory(slug="upcoming", capacity=1, join_url=JOIN_URL)
    confirmed = RegistrationFactory(dialogue=dialogue).member.user
    waiting = RegistrationFactory(
        dialogue=dialogue, status="waitlisted", waitlist_number=1, confirmed_at=None
    ).member.user
    QuestionFactory(dialogue=dialogue, text="Who decides what local means?")
    draft = DialogueFactory(slug="draft-plans", title="Plans not yet announced", status="draft")
    DialogueSpeakerFactory(
        dialogue=draft, speaker=SpeakerFactory(name="Nadia Draftonly", slug="nadia-draftonly")
    )
    paper = PaperFactory(
        slug="for-the-seated",
        title="Paper for the seated",
        dialogue=dialogue,
        audience="registrants",
        pdf=upload("x.pdf", pdf_bytes()),
    )
    recording = RecordingFactory(
        slug="seated-recording",
        title="Recording for the seated",
        dialogue=dialogue,
        audience="registrants",
        audio=upload("talk.wav", wav_bytes()),
    )
    recording.captions.create(language="en", file=upload("en.vtt", VTT))
    _publish(paper, editor, publisher)
    _publish(recording, editor, publisher)
    draft_paper = PaperFactory(
        slug="draft-paper", title="Draft findings", pdf=upload("d.pdf", pdf_bytes(2))
    )
    in_review = RecordingFactory(
        slug="review-recording",
        title="Recording in review",
        dialogue=dialogue,
        audio=upload("r.wav", wav_bytes(3)),
    )
    in_review.captions.create(language="fr", file=upload("fr.vtt", VTT))
    services.move(in_review, "submit", actor=editor)
    users = {
        "visitor": None,
        "confirmed": confirmed,
        "waiting": waiting,
        "member": UserFactory(),
        "editor": editor,
        "publisher": publisher,
        "staff": UserFactory(is_staff=True),
    }
    return {
        "users": users,
        "dialogue": dialogue,
        "paper": paper,
        "recording": recording,
        "draft_paper": draft_paper,
        "in_review": in_review,
    }


def client_of(world, role: str) -> Client:
    client = Client()
    if world["users"][role] is not None:
        client.force_login(world["users"][role])
    return client


def answers(world, urls: list[str]) -> dict[str, dict[str, int]]:
    """{role: {url: status}}."""
    result = {}
    for role in ROLES:
        client = client_of(world, role)
        result[role] = {url: client.get(url).status_code for url in urls}
    return result


def expect(urls: list[str], allowed: set[str], denied: int = 404) -> dict[str, dict[str, int]]:
    return {role: dict.fromkeys(urls, 200 if role in allowed else denied) for role in ROLES}


def test_join_link_is_for_confirmed_registrants_and_organisers(world):
    shown = {}
    for role in ROLES:
        client = client_of(world, role)
        page = client.get("/dialogues/upcoming/")
        text = main_text(page.content)
        shown[role] = re.findall(LABELS, text)
        if shown[role]:
            assert f"{shown[role][0]}: {JOIN_URL}" in text, role
        else:
            assert JOIN_URL not in page.content.decode(), role
        # Public calendars never carry it, whoever downloads them.
        for url in ["/dialogues/upcoming/calendar.ics", "/dialogues/calendar.ics"]:
            response = client.get(url)
            assert response.status_code == 200
            assert "zoom.us" not in response.content.decode(), (role, url)
    assert shown == {
        "visitor": [],
        "confirmed": ["Your join link (do not share it)"],
        "waiting": [],
        "member": [],
        "editor": ["Join link (organisers only)"],
        "publisher": ["Join link (organisers only)"],
        "staff": [],
    }


def test_own_calendar_with_the_join_link_is_the_confirmed_registrants_only(world):
    url = "/me/dialogues/upcoming/calendar.ics"
    statuses = answers(world, [url])
    assert statuses == {
        "visitor": {url: 302},
        "confirmed": {url: 200},
        "waiting": {url: 404},
        "member": {url: 404},
        "editor": {url: 404},
        "publisher": {url: 404},
        "staff": {url: 404},
    }
    body = client_of(world, "confirmed").get(url).content.decode().replace("\r\n ", "")
    assert f"LOCATION:{JOIN_URL}" in body


def test_draft_dialogue_is_for_organisers_only_and_never_indexed_or_cached(world):
    url = "/dialogues/draft-plans/"
    assert answers(world, [url]) == expect([url], ORGANISERS)
    response = client_of(world, "publisher").get(url)
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()
    # An announced dialogue's page is left to the page cache and search engines.
    announced = client_of(world, "publisher").get("/dialogues/upcoming/")
    assert "X-Robots-Tag" not in announced
    assert 'name="robots"' not in announced.content.decode()


def test_speaker_only_in_drafts_is_for_organisers_only(world):
    url = "/speakers/nadia-draftonly/"
    assert answers(world, [url]) == expect([url], ORGANISERS)
    listed = {
        role: "Nadia Draftonly" in client_of(world, role).get("/speakers/").content.decode()
        for role in ROLES
    }
    assert listed == {role: role in ORGANISERS for role in ROLES}


def test_approved_questions_are_for_registrants_and_organisers(world):
    shown = {
        role: "Who decides what local means?"
        in client_of(world, role).get("/dialogues/upcoming/").content.decode()
        for role in ROLES
    }
    # The waiting list prepares for the dialogue too: it sees the questions, not the link.
    assert shown == {role: role in {"confirmed", "waiting", *ORGANISERS} for role in ROLES}


def test_registrants_only_items_are_for_confirmed_registrants_and_organisers(world):
    urls = [
        "/papers/for-the-seated/",
        "/papers/for-the-seated/pdf/",
        "/papers/for-the-seated/versions/1/pdf/",
        "/recordings/seated-recording/",
        "/recordings/seated-recording/audio/",
        "/recordings/seated-recording/captions/en.vtt",
    ]
    allowed = {"confirmed", *ORGANISERS}
    assert answers(world, urls) == expect(urls, allowed)
    listed = {}
    for role in ROLES:
        page = client_of(world, role).get("/dialogues/upcoming/").content.decode()
        listed[role] = ("Paper for the seated" in page, "Recording for the seated" in page)
    assert listed == {role: (role in allowed, role in allowed) for role in ROLES}


def test_only_organisers_with_the_permission_preview_unpublished_items(world):
    paper, recording = world["draft_paper"], world["in_review"]
    urls = [
        "/papers/draft-paper/preview/",
        "/ar/papers/draft-paper/preview/",
        f"/papers/preview/{paper.pk}/pdf/",
        "/recordings/review-recording/preview/",
        f"/recordings/preview/{recording.pk}/audio/",
        f"/recordings/preview/{recording.pk}/captions/fr.vtt",
    ]
    assert answers(world, urls) == expect(urls, ORGANISERS)
    # The public addresses stay unknown to everyone until they are published.
    public = ["/papers/draft-paper/", "/recordings/review-recording/", "/papers/draft-paper/pdf/"]
    assert answers(world, public) == expect(public, set())
    # A member given the permission but not the staff flag cannot get past admin either.
    member = world["users"]["member"]
    member.user_permissions.add(Permission.objects.get(codename="view_paper"))
    client = client_of(world, "member")
    assert client.get("/papers/draft-paper/preview/").status_code == 404


def test_staff_flag_alone_opens_no_admin_page(world):
    dialogue = world["dialogue"]
    urls = [
        f"/admin/dialogues/dialogue/{dialogue.pk}/change/",
        f"/admin/papers/paper/{world['draft_paper'].pk}/change/",
        "/admin/dialogues/registration/",
    ]
    client = client_of(world, "staff")
    assert {url: client.get(url).status_code for url in urls} == dict.fromkeys(urls, 403)


def test_admin_shows_the_join_link_only_with_its_permission(world):
    dialogue = world["dialogue"]
    url = f"/admin/dialogues/dialogue/{dialogue.pk}/change/"
    page = client_of(world, "editor").get(url).content.decode()
    assert f'name="join_url" value="{JOIN_URL}"' in page
    # Allowed to keep the catalogue, not to see the link: the form has no such field.
    helper = UserFactory(is_staff=True)
    helper.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_dialogue", "change_dialogue"])
    )
    client = Client()
    client.force_login(helper)
    page = client.get(url).content.decode()
    assert page.count('name="capacity"') == 1
    assert "join_url" not in page
    assert JOIN_URL not in page
    assert JOIN_URL not in client.get(f"/dialogues/{dialogue.slug}/").content.decode()


def test_admin_pages_with_a_join_link_are_not_compressed_the_rest_are(world):
    client = client_of(world, "publisher")
    gzip = {"HTTP_ACCEPT_ENCODING": "gzip"}
    dialogue = world["dialogue"]
    change = client.get(f"/admin/dialogues/dialogue/{dialogue.pk}/change/", **gzip)
    assert change.status_code == 200
    assert "Content-Encoding" not in change
    assert JOIN_URL in change.content.decode()
    # A registrant's confirmation mail holds the link too: its admin page and preview.
    registration = dialogue.registrations.get(status="confirmed")
    mail_registration_message(registration, "confirmed")
    confirmation = Mailing.objects.get(recipient=registration.member, subject__startswith="You")
    for url in [
        f"/admin/members/oneoffmessage/{confirmation.pk}/change/",
        f"/admin/members/mailing/{confirmation.pk}/preview/",
    ]:
        response = client.get(url, **gzip)
        assert response.status_code == 200, url
        assert JOIN_URL in response.content.decode(), url
        assert "Content-Encoding" not in response, url
    # Everything else in admin still goes out compressed.
    for url in [
        "/admin/",
        "/admin/dialogues/dialogue/",
        f"/admin/papers/paper/{world['paper'].pk}/change/",
        "/admin/members/mailing/",
    ]:
        response = client.get(url, **gzip)
        assert response.status_code == 200, url
        assert response["Content-Encoding"] == "gzip", url


def test_preview_shows_the_working_copy_marked_and_uncached(world):
    paper = world["paper"]
    paper.title = "Paper for the seated, revised"
    services.save_item(paper, actor=world["users"]["editor"], created=False)
    assert paper.state == State.IN_REVIEW
    client = client_of(world, "publisher")
    response = client.get("/papers/for-the-seated/preview/")
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert "<title>Preview: Paper for the seated, revised · A4EP Dialogues</title>" in html
    text = main_text(html)
    assert text.startswith(
        "Preview: this is how the page will look once published. Only organisers can open "
        "this preview. State: In review. The public sees version 1 until then. Back to admin"
    )
    assert "Paper for the seated, revised" in text
    assert "(version 2)" in text
    assert f'href="/admin/papers/paper/{paper.pk}/change/">Back to admin</a>' in html
    assert f'href="/papers/preview/{paper.pk}/pdf/"' in html
    # The public, and the registrant, still read version 1.
    public = client_of(world, "confirmed").get("/papers/for-the-seated/").content.decode()
    assert "Paper for the seated, revised" not in public
    assert "(version 1)" in main_text(public)
    draft = client.get("/papers/draft-paper/preview/").content.decode()
    assert "State: Draft. The public cannot see it yet." in main_text(draft)


def test_page_cache_never_stores_a_preview(world, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "tests-previews",
        }
    }
    cache.clear()
    organiser = client_of(world, "publisher")
    visitor = Client()
    for url in ["/papers/draft-paper/preview/", "/recordings/review-recording/preview/"]:
        assert organiser.get(url).status_code == 200
        assert visitor.get(url).status_code == 404
    for url in ["/papers/draft-paper/", "/recordings/review-recording/", "/papers/"]:
        assert visitor.get(url).status_code in (200, 404)
    stored = b"".join(value for value in cache._cache.values() if isinstance(value, bytes))
    assert b"Draft findings" not in stored
    assert b"Recording in review" not in stored
    assert b"Preview" not in stored
    cache.clear()


def test_admin_currently_links_open_the_working_copys_files(world):
    paper, recording = world["draft_paper"], world["in_review"]
    client = client_of(world, "editor")
    page = client.get(f"/admin/papers/paper/{paper.pk}/change/").content.decode()
    links = re.findall(r'Currently: <a href="([^"]+)">private/papers/[0-9a-f]{32}\.pdf</a>', page)
    assert links == [f"/papers/preview/{paper.pk}/pdf/"]
    response = client.get(links[0])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == paper.pdf.open("rb").read()
    page = client.get(f"/admin/papers/recording/{recording.pk}/change/").content.decode()
    links = re.findall(r'Currently: <a href="([^"]+)">private/[a-z]+/[0-9a-f]{32}\.\w+</a>', page)
    assert links == [
        f"/recordings/preview/{recording.pk}/audio/",
        f"/recordings/preview/{recording.pk}/captions/fr.vtt",
    ]
    assert [client.get(link).status_code for link in links] == [200, 200]
    assert [Client().get(link).status_code for link in links] == [404, 404]
    # A paper's own page in admin offers the preview; "View on site" waits until it is live.
    page = client.get(f"/admin/papers/paper/{paper.pk}/change/").content.decode()
    assert '<a href="/papers/draft-paper/preview/" class="previewlink">Preview</a>' in page
    assert "View on site" not in page
    live = client.get(f"/admin/papers/paper/{world['paper'].pk}/change/").content.decode()
    assert "View on site" in live
