import re
from datetime import timedelta

import pytest
from django.contrib.sites.models import Site
from django.db import connection
from django.test.utils import CaptureQueriesContext

from papers import services
from papers.models import Paper, Recording
from tests.factories import (
    DialogueFactory,
    OrganisationFactory,
    PaperFactory,
    RecordingFactory,
    RegistrationFactory,
    SpeakerFactory,
    utc,
)
from tests.files import VTT, pdf_bytes, upload, wav_bytes

pytestmark = pytest.mark.django_db

UNPUBLISHED = ["draft", "in_review", "approved", "withdrawn"]


def paper_with_pdf(**kwargs) -> Paper:
    return PaperFactory(pdf=upload("anything.pdf", pdf_bytes()), **kwargs)


def recording_with_files(**kwargs) -> Recording:
    recording = RecordingFactory(audio=upload("talk.wav", wav_bytes()), **kwargs)
    recording.captions.create(language="en", file=upload("en.vtt", VTT))
    return recording


def publish(item, editor, publisher):
    services.move(item, "submit", actor=editor)
    services.move(item, "approve", actor=publisher)
    services.move(item, "publish", actor=publisher)
    return item


def put_in_state(item, state: str, editor, publisher):
    """Bring an item into the state the real way (withdrawn: after having been published)."""
    moves = {
        "draft": [],
        "in_review": [("submit", editor)],
        "approved": [("submit", editor), ("approve", publisher)],
        "withdrawn": [
            ("submit", editor),
            ("approve", publisher),
            ("publish", publisher),
            ("withdraw", publisher),
        ],
    }[state]
    for move, actor in moves:
        services.move(item, move, actor=actor)
    return item


# --- Nothing unpublished reaches the public -------------------------------------------------


@pytest.mark.parametrize("state", UNPUBLISHED)
def test_unpublished_paper_is_a_404_everywhere_for_the_public(client, editor, publisher, state):
    dialogue = DialogueFactory()
    paper = put_in_state(
        paper_with_pdf(title="Hidden findings", body="secretword", dialogue=dialogue),
        state,
        editor,
        publisher,
    )
    assert client.get(f"/papers/{paper.slug}/").status_code == 404
    assert client.get(f"/papers/{paper.slug}/pdf/").status_code == 404
    assert client.get(f"/papers/{paper.slug}/versions/1/").status_code == 404
    assert client.get(f"/papers/{paper.slug}/versions/1/pdf/").status_code == 404
    assert "Hidden findings" not in client.get("/papers/").content.decode()
    assert "Hidden findings" not in client.get("/papers/?q=secretword").content.decode()
    assert "Hidden findings" not in client.get("/papers/feed/").content.decode()
    assert paper.slug not in client.get("/sitemap.xml").content.decode()
    assert "Hidden findings" not in client.get(dialogue.get_absolute_url()).content.decode()


@pytest.mark.parametrize("state", UNPUBLISHED)
def test_unpublished_recording_is_a_404_everywhere_for_the_public(client, editor, publisher, state):
    recording = put_in_state(
        recording_with_files(title="Hidden recording", transcript="secretword"),
        state,
        editor,
        publisher,
    )
    base = f"/recordings/{recording.slug}/"
    for url in [base, f"{base}audio/", f"{base}captions/en.vtt"]:
        assert client.get(url).status_code == 404, url
    for url in ["/recordings/", "/recordings/?q=secretword", "/recordings/feed/"]:
        assert "Hidden recording" not in client.get(url).content.decode(), url
    assert recording.slug not in client.get("/sitemap.xml").content.decode()
    dialogue_page = client.get(recording.dialogue.get_absolute_url()).content.decode()
    assert "Hidden recording" not in dialogue_page


# --- The paper page and its PDF --------------------------------------------------------------


def test_published_paper_page_shows_the_paper(client, editor, publisher):
    dialogue = DialogueFactory(number=2, title="Accountability")
    speaker = SpeakerFactory(name="Amina Diallo")
    paper = paper_with_pdf(
        dialogue=dialogue,
        title="Who is accountable to whom?",
        body="# Findings\n\nCommunities come first.",
    )
    paper.speakers.set([speaker])
    paper.organisations.set([OrganisationFactory(name="Coast Trust")])
    publish(paper, editor, publisher)

    page = client.get(paper.get_absolute_url()).content.decode()
    assert '<h1 lang="en">Who is accountable to whom?</h1>' in page
    assert "<h2>Findings</h2>\n<p>Communities come first.</p>" in page
    assert f'<a href="{speaker.get_absolute_url()}">Amina Diallo</a>' in page
    assert "<li>Coast Trust</li>" in page
    assert (
        f'<a href="/papers/{paper.slug}/pdf/" type="application/pdf" download>PDF</a> '
        f"({len(pdf_bytes())}\xa0bytes)" in page
    )
    assert "Dialogue 2</a>" not in page  # the dialogue is named with its title
    assert "Dialogue 2: Accountability</a>" in page


def test_pdf_download_has_a_clean_name_and_no_sniffing(client, editor, publisher):
    content = pdf_bytes()
    paper = PaperFactory(slug="solidarity-paper", pdf=upload("Draft FINAL (2).pdf", content))
    publish(paper, editor, publisher)
    response = client.get("/papers/solidarity-paper/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="solidarity-paper.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == content


def test_paper_without_pdf_has_no_download(client):
    paper = PaperFactory(published=True)
    assert client.get(f"/papers/{paper.slug}/pdf/").status_code == 404
    assert "Download" not in client.get(paper.get_absolute_url()).content.decode()


def test_translations_link_to_each_other(client):
    original = PaperFactory(title="Localisation matters", published=True)
    french = PaperFactory(
        title="La localisation compte", language="fr", translation_of=original, published=True
    )
    PaperFactory(title="Draft Spanish", language="es", translation_of=original)
    page = client.get(original.get_absolute_url()).content.decode()
    assert (
        f'<a href="/papers/{french.slug}/" hreflang="fr" lang="fr">La localisation compte</a>'
        in page
    )
    assert "Draft Spanish" not in page
    page = client.get(french.get_absolute_url()).content.decode()
    assert (
        f'<a href="/papers/{original.slug}/" hreflang="en" lang="en">Localisation matters</a>'
        in page
    )


# --- Registrant-only papers ------------------------------------------------------------------


def test_registrant_only_paper_is_for_registrants_and_staff(client, member, editor):
    dialogue = DialogueFactory(starts_at=utc(2030, 1, 10, 12))
    paper = paper_with_pdf(
        dialogue=dialogue, title="Before the dialogue", audience="registrants", published=True
    )
    assert client.get(paper.get_absolute_url()).status_code == 404
    assert client.get(f"/papers/{paper.slug}/pdf/").status_code == 404
    assert "Before the dialogue" not in client.get(dialogue.get_absolute_url()).content.decode()

    client.force_login(member)
    assert client.get(paper.get_absolute_url()).status_code == 404
    assert client.get(f"/papers/{paper.slug}/pdf/").status_code == 404
    assert "Before the dialogue" not in client.get(dialogue.get_absolute_url()).content.decode()

    registrant = RegistrationFactory(dialogue=dialogue).member.user
    client.force_login(registrant)
    assert client.get(paper.get_absolute_url()).status_code == 200
    assert client.get(f"/papers/{paper.slug}/pdf/").status_code == 200
    assert "Before the dialogue" in client.get(dialogue.get_absolute_url()).content.decode()

    client.force_login(editor)
    assert client.get(paper.get_absolute_url()).status_code == 200
    response = client.get(f"/papers/{paper.slug}/pdf/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    page = client.get(dialogue.get_absolute_url()).content.decode()
    assert (
        f'<a href="/papers/{paper.slug}/">Before the dialogue</a> <span class="kind">'
        "Discussion paper · English · for registrants only</span>" in page
    )
    # Never in the public archive, feed or sitemap, whoever asks.
    assert "Before the dialogue" not in client.get("/papers/").content.decode()
    assert "Before the dialogue" not in client.get("/papers/feed/").content.decode()
    assert paper.slug not in client.get("/sitemap.xml").content.decode()


# --- The dialogue page -----------------------------------------------------------------------


def test_dialogue_page_lists_its_published_papers_and_recordings(client):
    dialogue = DialogueFactory()
    summary = PaperFactory(dialogue=dialogue, kind="summary", title="What we heard", published=True)
    PaperFactory(dialogue=dialogue, title="Unfinished draft")
    recording = RecordingFactory(dialogue=dialogue, title="The full recording", published=True)
    page = client.get(dialogue.get_absolute_url()).content.decode()
    assert '<h2 id="publications-heading">Papers and recordings</h2>' in page
    assert (
        f'<a href="/papers/{summary.slug}/">What we heard</a> <span class="kind">'
        "Summary of the discussions · English</span>" in page
    )
    assert (
        f'<a href="/recordings/{recording.slug}/">The full recording</a> <span class="kind">'
        "Recording · English</span>" in page
    )
    assert "Unfinished draft" not in page


def test_dialogue_page_adds_a_fixed_number_of_queries(client):
    dialogue = DialogueFactory()

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(dialogue.get_absolute_url()).status_code == 200
        return len(queries)

    before = count()
    for _ in range(3):
        PaperFactory(dialogue=dialogue, published=True)
        RecordingFactory(dialogue=dialogue, published=True)
    assert count() == before


# --- The archive -----------------------------------------------------------------------------


def test_paper_archive_filters_by_dialogue_kind_language_and_year(client):
    old = DialogueFactory(number=1, title="Solidarity", starts_at=utc(2020, 9, 24, 12))
    new = DialogueFactory(number=6, title="Local actors", starts_at=utc(2026, 3, 5, 12))
    PaperFactory(title="Solidarity summary", dialogue=old, kind="summary", published=True)
    PaperFactory(title="Solidarity paper", dialogue=old, kind="discussion", published=True)
    PaperFactory(
        title="Acteurs locaux", dialogue=new, kind="discussion", language="fr", published=True
    )

    def titles(query: str) -> list[str]:
        page = client.get(f"/papers/?{query}").content.decode()
        return re.findall(r'<h2 class="card-title"><a href="[^"]+"[^>]*>([^<]+)</a></h2>', page)

    assert titles("") == ["Acteurs locaux", "Solidarity paper", "Solidarity summary"]
    assert titles(f"dialogue={old.pk}") == ["Solidarity paper", "Solidarity summary"]
    assert titles("kind=summary") == ["Solidarity summary"]
    assert titles("language=fr") == ["Acteurs locaux"]
    assert titles("year=2020") == ["Solidarity paper", "Solidarity summary"]
    assert titles("year=2026&kind=discussion") == ["Acteurs locaux"]
    page = client.get("/papers/").content.decode()
    assert '<option value="2026">2026</option>' in page
    assert '<option value="fr">French</option>' in page
    assert '<option value="es">' not in page  # only languages something is published in


def test_archive_choices_are_kept_until_something_is_published(client, settings):
    """The language and year choices scan the whole archive: they are read once, and a paper
    published in a new language offers that language at once."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ac"}
    }
    from a4ep_portal import fragments

    fragments.fragment_cache().clear()
    fragments._known_generation = None
    dialogue = DialogueFactory(starts_at=utc(2020, 9, 24, 12))
    PaperFactory(title="Solidarity paper", dialogue=dialogue, published=True)

    def distinct_scans() -> int:
        with CaptureQueriesContext(connection) as queries:
            page = client.get("/papers/")
        assert page.status_code == 200
        return sum("DISTINCT" in query["sql"] for query in queries)

    assert distinct_scans() == 2
    assert distinct_scans() == 0
    PaperFactory(title="Acteurs locaux", dialogue=dialogue, language="fr", published=True)
    page = client.get("/papers/").content.decode()
    assert '<option value="fr">French</option>' in page


def test_paper_archive_offers_the_dialogues_of_the_chosen_year_only(client):
    old = DialogueFactory(number=1, title="Solidarity", starts_at=utc(2020, 9, 24, 12))
    new = DialogueFactory(number=6, title="Local actors", starts_at=utc(2026, 3, 5, 12))
    DialogueFactory(number=7, title="Nothing published", starts_at=utc(2026, 4, 5, 12))
    PaperFactory(title="Solidarity paper", dialogue=old, published=True)
    PaperFactory(title="Acteurs locaux", dialogue=new, published=True)

    def fields(query: str) -> list[str]:
        page = client.get(f"/papers/?{query}").content.decode()
        return re.findall(r'<label for="id_([a-z]+)">', page)

    def dialogue_options(query: str) -> list[str]:
        page = client.get(f"/papers/?{query}").content.decode()
        select = re.search(r'<select name="dialogue"[^>]*>(.*?)</select>', page, re.S).group(1)
        return re.findall(r"<option [^>]*>([^<]+)</option>", select)

    # Year first, then the dialogues of that year: never a choice per dialogue of the archive.
    assert fields("") == ["q", "kind", "language", "year"]
    assert fields("year=2026") == ["q", "kind", "language", "year", "dialogue"]
    assert dialogue_options("year=2026") == ["Any dialogue", "6. Local actors"]
    assert dialogue_options("year=2020") == ["Any dialogue", "1. Solidarity"]
    # A link to one dialogue's papers (?dialogue=) shows that dialogue as chosen.
    assert dialogue_options(f"dialogue={old.pk}") == ["Any dialogue", "1. Solidarity"]
    assert (
        f'<option value="{old.pk}" selected>'
        in client.get(f"/papers/?dialogue={old.pk}").content.decode()
    )


def test_paper_search_looks_in_titles_abstracts_and_bodies(client):
    PaperFactory(title="Accountability", abstract="", body="Nothing here.", published=True)
    PaperFactory(title="Second", abstract="About accountability too.", body="x", published=True)
    PaperFactory(
        title="Third", abstract="", body="Mutual ACCOUNTABILITY in practice.", published=True
    )
    PaperFactory(title="Unrelated", abstract="", body="Funding.", published=True)
    page = client.get("/papers/?q=accountability").content.decode()
    found = re.findall(r'<h2 class="card-title"><a href="[^"]+">([^<]+)</a></h2>', page)
    assert sorted(found) == ["Accountability", "Second", "Third"]
    assert "3 papers" in page
    empty = client.get("/papers/?q=zebra").content.decode()
    assert "No published paper matches. Try other words or fewer filters." in empty


def test_search_sees_the_published_text_not_the_draft_revision(client, editor):
    paper = PaperFactory(title="Published words", body="original", published=True)
    paper.body = "revisedword"
    services.save_item(paper, actor=editor, created=False)
    assert "Published words" not in client.get("/papers/?q=revisedword").content.decode()
    assert "Published words" in client.get("/papers/?q=original").content.decode()


def test_recording_search_looks_in_transcripts(client):
    RecordingFactory(title="Dialogue one", transcript="We spoke of solidarity.", published=True)
    RecordingFactory(title="Dialogue two", transcript="We spoke of funding.", published=True)
    page = client.get("/recordings/?q=solidarity").content.decode()
    assert "Dialogue one" in page
    assert "Dialogue two" not in page


@pytest.mark.parametrize(
    ("url", "factory"), [("/papers/", PaperFactory), ("/recordings/", RecordingFactory)]
)
def test_archive_query_count_is_the_same_for_5_and_200_items(client, url, factory):
    dialogue = DialogueFactory()
    speaker, organisation = SpeakerFactory(), OrganisationFactory()

    def make(n: int) -> None:
        for _ in range(n):
            item = factory(dialogue=dialogue, published=True)
            if isinstance(item, Paper):
                item.live_version.speakers.set([speaker])
                item.live_version.organisations.set([organisation])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, {"q": "", "language": "en"})
            assert response.status_code == 200
        return len(queries)

    make(5)
    few = count()
    make(195)
    many = count()
    # count, page, (papers: speakers, organisations), and the filters' languages and years (the
    # dialogues only once a year is chosen); recordings: and the languages that have a podcast
    assert (few, many) == ((6, 6) if url == "/papers/" else (5, 5))


# --- The recording page ----------------------------------------------------------------------


def test_recording_page_loads_the_player_only_on_click(client):
    recording = RecordingFactory(
        video_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ", published=True
    )
    response = client.get(recording.get_absolute_url())
    page = response.content.decode()
    assert "<iframe" not in page
    assert 'data-embed="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"' in page
    assert (
        '<a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ" rel="noopener">Watch on YouTube</a>'
        in page
    )
    assert '<button type="button" class="video-play" hidden>Play the video here</button>' in page
    assert '<script src="/static/js/video.js" defer></script>' in page
    csp = response["Content-Security-Policy"]
    assert "frame-src https://www.youtube-nocookie.com https://player.vimeo.com" in csp
    assert "script-src 'self'" in csp


def test_recording_page_offers_audio_captions_and_transcript_with_sizes(client, editor, publisher):
    recording = recording_with_files(
        transcript="**Moderator:** Welcome.", duration=timedelta(minutes=90)
    )
    publish(recording, editor, publisher)
    page = client.get(recording.get_absolute_url()).content.decode()
    audio_url = f"/recordings/{recording.slug}/audio/"
    assert f'<audio controls preload="none" src="{audio_url}"></audio>' in page
    assert f'<a href="{audio_url}" download>Download the audio</a> (31.3\xa0KB)' in page
    assert (
        f'<a href="/recordings/{recording.slug}/captions/en.vtt" download>English (WebVTT)</a>'
        f" ({len(VTT)}\xa0bytes)" in page
    )
    assert '<time datetime="PT1H30M0S">1:30:00</time>' in page
    assert "<p><strong>Moderator:</strong> Welcome.</p>" in page

    audio = client.get(audio_url)
    assert audio["Content-Type"] == "audio/wav"
    assert audio["Content-Disposition"] == f'inline; filename="{recording.slug}.wav"'
    assert audio["X-Content-Type-Options"] == "nosniff"
    captions = client.get(f"/recordings/{recording.slug}/captions/en.vtt")
    assert captions["Content-Type"] == "text/vtt; charset=utf-8"
    assert b"".join(captions.streaming_content) == VTT


# --- Feeds and sitemap -----------------------------------------------------------------------


def test_recording_feed_carries_the_audio_as_enclosures(client, editor, publisher, settings):
    settings.SITE_URL = "https://dialogues.example.org"
    recording = recording_with_files(title="Solidarity and diversity")
    publish(recording, editor, publisher)
    RecordingFactory(title="Not yet")
    response = client.get("/recordings/feed/")
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = response.content.decode()
    assert feed.count("<entry>") == 1
    assert "<title>Solidarity and diversity</title>" in feed
    assert (
        f'<link href="https://dialogues.example.org/recordings/{recording.slug}/audio/" '
        f'length="{recording.live_version.audio_size}" rel="enclosure" type="audio/wav"/>' in feed
    )


def test_paper_feed_lists_published_public_papers(client):
    PaperFactory(title="Published one", published=True)
    PaperFactory(title="Draft one")
    feed = client.get("/papers/feed/").content.decode()
    assert feed.count("<entry>") == 1
    assert "<title>Published one</title>" in feed


def test_pages_link_to_the_feeds(client):
    page = client.get("/papers/").content.decode()
    assert (
        '<link rel="alternate" type="application/atom+xml" title="Papers (Atom)" '
        'href="/papers/feed/">' in page
    )
    assert 'type="application/atom+xml" title="Recordings (Atom)" href="/recordings/feed/">' in page


def test_sitemap_lists_published_papers_and_recordings(client):
    paper = PaperFactory(published=True)
    recording = RecordingFactory(published=True)
    site = f"http://{Site.objects.get_current().domain}"
    sitemap = client.get("/sitemap.xml").content.decode()
    assert f"<loc>{site}/papers/{paper.slug}/</loc>" in sitemap
    assert f"<loc>{site}/recordings/{recording.slug}/</loc>" in sitemap
    assert f"<loc>{site}{recording.dialogue.get_absolute_url()}</loc>" in sitemap
    assert f"<loc>{site}/papers/</loc>" in sitemap


def test_paper_archive_pages_with_real_links_that_keep_the_filters(client, settings):
    settings.PORTAL_PAGE_SIZE = 2
    for n in range(5):
        PaperFactory(title=f"Paper {n}", kind="summary", published=True)

    def titles(page: str) -> list[str]:
        return re.findall(r'<h2 class="card-title"><a href="[^"]+"[^>]*>([^<]+)</a></h2>', page)

    first = client.get("/papers/?kind=summary").content.decode()
    assert titles(first) == ["Paper 4", "Paper 3"]
    assert '<a rel="next" href="?kind=summary&amp;page=2">Next page</a>' in first
    assert 'rel="prev"' not in first
    assert "<span>Page 1 of 3</span>" in first
    last = client.get("/papers/?kind=summary&page=3").content.decode()
    assert titles(last) == ["Paper 0"]
    assert '<a rel="prev" href="?kind=summary&amp;page=2">Previous page</a>' in last
    assert 'rel="next"' not in last
