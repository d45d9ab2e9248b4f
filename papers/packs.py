"""The offline pack of a held dialogue: one zip with its public papers (PDF and text), its
public recordings' audio, captions and transcripts, and an index.html that reads well with no
network at all (its styles inline, every link relative, nothing fetched).

Only what the public may see goes in: live versions for the public audience, never drafts,
items for registrants only, or the join link.
"""

import tempfile
import zipfile

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone, translation

from dialogues.models import Dialogue

from .models import Paper, Recording

# PDFs and audio are compressed already: stored as they are, they cost no CPU to pack.
STORED = zipfile.ZIP_STORED
DEFLATED = zipfile.ZIP_DEFLATED


def pack_items(dialogue: Dialogue) -> tuple[list[Paper], list[Recording]]:
    papers = (
        Paper.objects.public()
        .filter(dialogue=dialogue)
        .select_related("live_version")
        .prefetch_related("live_version__speakers", "live_version__organisations")
        .order_by("kind", "live_version__language", "pk")
    )
    recordings = (
        Recording.objects.public()
        .filter(dialogue=dialogue)
        .select_related("live_version")
        .order_by("live_version__language", "pk")
    )
    return list(papers), list(recordings)


def build_pack(dialogue: Dialogue) -> File | None:
    """The zip as a temporary file (deleted when closed), or None when nothing is public."""
    papers, recordings = pack_items(dialogue)
    if not papers and not recordings:
        return None
    entries = []  # (name in the zip, stored name, compression)
    paper_rows, recording_rows = [], []
    for paper in papers:
        version = paper.live_version
        pdf = f"papers/{paper.slug}.pdf" if version.pdf else ""
        if pdf:
            entries.append((pdf, version.pdf.name, STORED))
        paper_rows.append({"paper": paper, "version": version, "pdf": pdf})
    for recording in recordings:
        version = recording.live_version
        audio = ""
        if version.audio:
            audio = f"audio/{recording.slug}.{version.audio.name.rsplit('.', 1)[-1]}"
            entries.append((audio, version.audio.name, STORED))
        captions = []
        for track in version.caption_tracks():
            name = f"captions/{recording.slug}.{track['language']}.vtt"
            entries.append((name, track["name"], DEFLATED))
            captions.append({**track, "path": name})
        recording_rows.append(
            {"recording": recording, "version": version, "audio": audio, "captions": captions}
        )
    with translation.override("en"):
        index = render_to_string(
            "papers/pack_index.html",
            {
                "dialogue": dialogue,
                "papers": paper_rows,
                "recordings": recording_rows,
                "built_at": timezone.now(),
                "site_url": settings.SITE_URL,
            },
        )
    # Closed (and so deleted) by the caller, once stored.
    spool = tempfile.TemporaryFile()  # noqa: SIM115
    with zipfile.ZipFile(spool, "w") as pack:
        pack.writestr("index.html", index, compress_type=DEFLATED)
        for recording in recordings:
            if recording.live_version.transcript:
                pack.writestr(
                    f"transcripts/{recording.slug}.md",
                    recording.live_version.transcript,
                    compress_type=DEFLATED,
                )
        for arcname, stored_name, compression in entries:
            info = zipfile.ZipInfo(arcname, date_time=timezone.now().timetuple()[:6])
            info.compress_type = compression
            with default_storage.open(stored_name, "rb") as source, pack.open(info, "w") as target:
                while chunk := source.read(1024 * 1024):
                    target.write(chunk)
    spool.seek(0)
    return File(spool, name="pack.zip")
