import re

import pytest
from django.utils.html import escape

from papers.models import Paper, Recording
from tests.factories import PaperFactory, RecordingFactory
from tests.files import VTT, pdf_bytes, upload, wav_bytes
from tests.papers.conftest import stored_files

pytestmark = pytest.mark.django_db

HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
PNG_WITH_HTML = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    b"\x90wS\xde" + HTML
)
MANAGEMENT = re.compile(r'name="([^"]+-(?:TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS)" value="(\d+)"')


def form_data(client, url: str, **fields) -> dict:
    """What admin's form posts: the inlines' management forms plus the given fields."""
    page = client.get(url).content.decode()
    return {**dict(MANAGEMENT.findall(page)), **fields}


def paper_fields(**extra) -> dict:
    return {
        "title_en": "Who is accountable to whom?",
        "slug": "accountability-discussion-paper",
        "kind": "discussion",
        "language": "en",
        "audience": "public",
        "abstract_en": "",
        "body": "",
        **extra,
    }


def add_paper(client, pdf):
    url = "/admin/papers/paper/add/"
    return client.post(url, form_data(client, url, **paper_fields(pdf=pdf)))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "paper.pdf",
            HTML,
            "This file is not a PDF (whatever its name says). Export the paper as PDF.",
        ),
        (
            "paper.pdf",
            PNG_WITH_HTML,
            "This file is not a PDF (whatever its name says). Export the paper as PDF.",
        ),
        ("paper.pdf", b"", "The submitted file is empty."),
        (
            "paper.pdf",
            pdf_bytes()[:200],
            "This PDF is damaged or has no pages. Export the paper as PDF again.",
        ),
    ],
    ids=["html-renamed-pdf", "png-with-html", "empty", "truncated-pdf"],
)
def test_bad_pdf_is_rejected_with_a_message_and_nothing_stored(
    client, editor, settings, name, content, message
):
    client.force_login(editor)
    response = add_paper(client, upload(name, content, "application/pdf"))
    assert response.status_code == 200
    assert escape(message) in response.content.decode()
    assert Paper.objects.count() == 0
    assert stored_files(settings) == []


def test_oversized_pdf_is_rejected_before_it_is_read(client, editor, settings):
    settings.PAPER_MAX_UPLOAD_MB = 1
    client.force_login(editor)
    too_big = pdf_bytes() + b"%" * (1024 * 1024 + 512 * 1024)
    response = add_paper(client, upload("paper.pdf", too_big, "application/pdf"))
    assert "The PDF is 1.5 MB; the limit is 1 MB." in response.content.decode()
    assert Paper.objects.count() == 0
    assert stored_files(settings) == []


def test_good_pdf_is_stored_under_a_generated_name(client, editor, settings):
    client.force_login(editor)
    content = pdf_bytes(pages=2)
    response = add_paper(client, upload("My Paper (final) v3.pdf", content, "application/pdf"))
    assert response.status_code == 302
    paper = Paper.objects.get()
    assert re.fullmatch(r"private/papers/[0-9a-f]{32}\.pdf", paper.pdf.name)
    assert stored_files(settings) == [paper.pdf.name]
    assert paper.pdf_size == len(content)
    assert (paper.state, paper.last_edited_by) == ("draft", editor)


def test_rejected_upload_leaves_the_paper_as_it_was(client, editor, settings):
    paper = PaperFactory(title="Original title")
    client.force_login(editor)
    url = f"/admin/papers/paper/{paper.pk}/change/"
    data = form_data(
        client,
        url,
        **paper_fields(title="New title", slug=paper.slug, body="Text", pdf=upload("x.pdf", HTML)),
    )
    response = client.post(url, data)
    assert escape("This file is not a PDF") in response.content.decode()
    paper.refresh_from_db()
    assert (paper.title, paper.pdf.name, paper.last_edited_by) == ("Original title", "", None)
    assert stored_files(settings) == []


def recording_fields(recording, **extra) -> dict:
    return {
        "title_en": recording.title,
        "slug": recording.slug,
        "dialogue": recording.dialogue_id,
        "language": "en",
        "audience": "public",
        "video_url": recording.video_url,
        "transcript": recording.transcript,
        "duration": "",
        **extra,
    }


def test_html_renamed_mp3_is_rejected_as_audio(client, editor, settings):
    recording = RecordingFactory()
    client.force_login(editor)
    url = f"/admin/papers/recording/{recording.pk}/change/"
    data = form_data(
        client, url, **recording_fields(recording, audio=upload("talk.mp3", HTML, "audio/mpeg"))
    )
    response = client.post(url, data)
    assert (
        "This file is not audio we can play (MP3, M4A, Ogg, Opus, FLAC or WAV)."
        in response.content.decode()
    )
    recording.refresh_from_db()
    assert recording.audio.name == ""
    assert stored_files(settings) == []


def test_good_audio_is_stored_with_its_type_size_and_duration(client, editor, settings):
    recording = RecordingFactory()
    client.force_login(editor)
    url = f"/admin/papers/recording/{recording.pk}/change/"
    content = wav_bytes(seconds=2)
    data = form_data(client, url, **recording_fields(recording, audio=upload("t.mp3", content)))
    assert client.post(url, data).status_code == 302
    recording.refresh_from_db()
    assert re.fullmatch(r"private/audio/[0-9a-f]{32}\.wav", recording.audio.name)
    assert (recording.audio_type, recording.audio_size) == ("audio/wav", len(content))
    assert str(recording.duration) == "0:00:02"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Hello\n\n00:00:01.000 --> 00:00:04.000\nHi\n", "Invalid format"),
        (b"WEBVTT\n\n00:00:0x --> 1\nHi\n", "Invalid cue block"),
        (b"WEBVTT\n\n00:00:01.000 -> 00:00:04.000\nHi\n", "no cue"),
        (b"WEBVTT\n\n00:00:05.000 --> 00:00:04.000\nHi\n", "ends before it starts"),
        (b"\xff\xfeW\x00E\x00", "save them as UTF-8 text."),
    ],
    ids=["no-header", "bad-timing", "no-cue", "backwards", "not-utf8"],
)
def test_broken_webvtt_is_rejected_and_nothing_stored(client, editor, settings, content, message):
    recording = RecordingFactory()
    client.force_login(editor)
    url = f"/admin/papers/recording/{recording.pk}/change/"
    data = form_data(
        client,
        url,
        **recording_fields(recording),
        **{"captions-0-language": "en", "captions-0-file": upload("en.vtt", content)},
    )
    data["captions-TOTAL_FORMS"] = "1"
    response = client.post(url, data)
    page = response.content.decode()
    assert "These captions are not valid WebVTT" in page
    assert escape(message) in page
    assert recording.captions.count() == 0
    assert stored_files(settings) == []


def test_good_captions_are_stored(client, editor, settings):
    recording = RecordingFactory()
    client.force_login(editor)
    url = f"/admin/papers/recording/{recording.pk}/change/"
    data = form_data(
        client,
        url,
        **recording_fields(recording),
        **{"captions-0-language": "fr", "captions-0-file": upload("fr.vtt", VTT)},
    )
    data["captions-TOTAL_FORMS"] = "1"
    assert client.post(url, data).status_code == 302
    caption = recording.captions.get()
    assert re.fullmatch(r"private/captions/[0-9a-f]{32}\.vtt", caption.file.name)
    assert (caption.language, caption.size) == ("fr", len(VTT))
    assert Recording.objects.get().last_edited_by == editor
