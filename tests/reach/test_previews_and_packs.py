"""Link-preview images and offline packs: owed as rows, built outside requests, served to all,
and never made of anything private."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image

from dialogues.models import Dialogue
from papers import building
from papers.derived import DerivedFile
from tests.factories import DialogueFactory
from tests.html import visible_text

pytestmark = pytest.mark.django_db

PREVIEW, PACK = DerivedFile.Kind.PREVIEW, DerivedFile.Kind.PACK


def _rows(**item) -> list[tuple[str, str, bool, bool]]:
    return [
        (row.kind, row.language, row.stale, bool(row.file))
        for row in DerivedFile.objects.filter(**item).order_by("kind", "language")
    ]


def test_the_sweep_builds_a_preview_per_language_and_the_pack(held, client):
    DialogueFactory(slug="draft-one", status=Dialogue.Status.DRAFT)

    built = building.sweep_derived_files()

    # Four languages of the dialogue and of its public paper, and the dialogue's pack.
    assert built == 9
    assert _rows(dialogue=held) == [
        ("pack", "", False, True),
        ("preview", "ar", False, True),
        ("preview", "en", False, True),
        ("preview", "es", False, True),
        ("preview", "fr", False, True),
    ]
    assert DerivedFile.objects.filter(dialogue__slug="draft-one").count() == 0
    response = client.get("/previews/dialogues/who-decides/ar.png")
    assert (response.status_code, response["Content-Type"]) == (200, "image/png")
    image = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert (image.format, image.size) == ("PNG", (1200, 630))
    assert client.get("/previews/papers/power-in-partnerships/fr.png").status_code == 200
    # Nothing of a draft or of a paper for registrants only; an unknown language neither.
    assert client.get("/previews/dialogues/draft-one/en.png").status_code == 404
    assert client.get("/previews/papers/registrants-notes/en.png").status_code == 404
    assert client.get("/previews/dialogues/who-decides/de.png").status_code == 404


def test_a_preview_not_built_yet_is_the_sites_own_card(held, client):
    response = client.get("/previews/dialogues/who-decides/en.png")

    assert (response.status_code, response["Location"]) == (302, "/static/img/preview.png")


def test_the_arabic_preview_is_laid_out_right_to_left():
    from papers.previews import PreviewText, render_preview

    def ink_columns(rtl: bool, title: str) -> tuple[int, int]:
        text = PreviewText(eyebrow="", title=title, footer="", rtl=rtl, brand="")
        image = Image.open(io.BytesIO(render_preview(text))).convert("L")
        title_band = image.crop((0, 190, 1176 if not rtl else 1200, 480))
        box = title_band.point(lambda value: 255 if value > 200 else 0).getbbox()
        return box[0], box[2]

    # Against the right margin (1200 - 80, less the last letter's side bearing), and the
    # other way round for English.
    assert ink_columns(True, "من يتخذ القرارات؟") == (630, 1116)
    assert ink_columns(False, "Who decides?") == (80, 563)


def test_a_title_change_marks_the_previews_stale_and_queues_their_build(
    held, django_capture_on_commit_callbacks
):
    building.sweep_derived_files()
    before = DerivedFile.objects.get(dialogue=held, kind=PREVIEW, language="en").file.name

    with django_capture_on_commit_callbacks(execute=False) as queued:
        held.title = "Who decides, and who pays?"
        held.save()

    # Marked in the change's own transaction, before any task ran.
    assert [stale for _k, _l, stale, _f in _rows(dialogue=held)] == [True] * 5
    # The build, and the content generation's second bump at the commit
    # (a4ep_portal/pagecache.py): the task runs as Celery runs it (in-process here).
    assert len(queued) == 2
    for callback in queued:
        callback()
    after = DerivedFile.objects.get(dialogue=held, kind=PREVIEW, language="en")
    assert (after.stale, after.file.name != before) == (False, True)
    # The old image is gone from the store; the new one is there.
    assert not after.file.storage.exists(before)
    assert after.file.storage.exists(after.file.name)


def test_a_save_that_changes_nothing_shown_marks_nothing(held):
    building.sweep_derived_files()

    held.capacity = 40
    held.save(update_fields=["capacity", "updated_at"])

    assert [stale for _k, _l, stale, _f in _rows(dialogue=held)] == [False] * 5


def test_a_build_does_not_clear_a_newer_mark(held):
    building.ensure_rows(dialogue_ids=[held.pk], paper_ids=[])
    row = DerivedFile.objects.get(dialogue=held, kind=PREVIEW, language="en")
    # Another change marks it while this build is running.
    DerivedFile.objects.filter(pk=row.pk).update(marked_at=timezone.now() + timedelta(seconds=1))

    assert building.build_derived_file(row) is False
    row.refresh_from_db()
    assert (row.stale, row.file.name) == (True, "")


def test_the_pack_holds_the_public_files_and_an_index_that_reads_offline(held, client):
    building.sweep_derived_files()

    response = client.get("/dialogues/who-decides/offline.zip")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="who-decides-offline.zip"'
    pack = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert pack.testzip() is None
    assert sorted(pack.namelist()) == [
        "audio/recording-3.wav",
        "captions/recording-3.en.vtt",
        "index.html",
        "papers/power-in-partnerships.pdf",
        "transcripts/recording-3.md",
    ]
    assert pack.read("papers/power-in-partnerships.pdf").startswith(b"%PDF-")
    assert pack.read("captions/recording-3.en.vtt").startswith(b"WEBVTT")
    index = pack.read("index.html").decode()
    text = visible_text(index)
    assert "Who is making the decisions?" in text
    assert "Power in partnerships" in text
    assert "Welcome to the dialogue on accountability." in text
    # Nothing private, and nothing fetched from a network: links are relative.
    assert "Registrants' notes" not in index
    assert "Unfinished draft" not in index
    assert "zoom.us" not in index
    assert 'href="papers/power-in-partnerships.pdf"' in index
    assert 'src="audio/recording-3.wav"' in index
    assert "<script" not in index and "<link" not in index


def test_the_dialogue_page_links_the_pack_with_its_size(held, client):
    building.sweep_derived_files()
    size = DerivedFile.objects.get(dialogue=held, kind=PACK).size

    text = visible_text(client.get("/dialogues/who-decides/").content)

    # Three seconds of WAV, a one-page PDF, captions and the index.
    assert round(size / 1024, 1) == 49.0
    assert (
        "Take it offline Offline pack (zip) (49.0 KB): the papers, recordings' audio, captions "
        "and transcripts, with a page that opens without a network."
    ) in text


def test_an_upcoming_dialogue_has_no_pack(client):
    DialogueFactory(slug="soon")
    building.sweep_derived_files()

    assert DerivedFile.objects.filter(dialogue__slug="soon", kind=PACK).count() == 0
    assert client.get("/dialogues/soon/offline.zip").status_code == 404


def test_withdrawing_the_last_public_item_empties_the_pack(held, publisher):
    from papers import services

    building.sweep_derived_files()
    for item in [*held.papers.filter(slug="power-in-partnerships"), *held.recordings.all()]:
        services.move(item, "withdraw", actor=publisher)

    building.sweep_derived_files()

    assert _rows(dialogue=held, kind=PACK) == [("pack", "", False, False)]


def test_a_series_title_change_marks_its_dialogues_and_papers_previews(held):
    building.sweep_derived_files()

    held.series.title = "Local Actors Matter"
    held.series.save()

    rows = DerivedFile.objects.filter(kind=PREVIEW)
    assert sorted({(bool(row.dialogue_id), row.stale) for row in rows}) == [
        (False, True),
        (True, True),
    ]
    assert rows.count() == 8


def test_deleting_a_dialogue_takes_its_files_along(client, django_capture_on_commit_callbacks):
    dialogue = DialogueFactory(slug="gone")
    building.sweep_derived_files()
    names = list(DerivedFile.objects.filter(dialogue=dialogue).values_list("file", flat=True))
    storage = DerivedFile._meta.get_field("file").storage

    with django_capture_on_commit_callbacks(execute=True):
        dialogue.delete()

    assert len(names) == 4
    assert [storage.exists(name) for name in names] == [False] * 4
