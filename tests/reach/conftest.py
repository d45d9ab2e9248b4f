"""A held dialogue with everything the outside world may see of it, and what it must not: a
paper for registrants only, a draft paper, a join link."""

import json
from datetime import timedelta
from html.parser import HTMLParser

import pytest

from a4ep_portal.workflow import State
from dialogues.models import Dialogue
from papers.models import Audience, Caption, Paper
from tests.factories import (
    DialogueFactory,
    DialogueSpeakerFactory,
    OrganisationFactory,
    PaperFactory,
    RecordingFactory,
    SpeakerFactory,
    utc,
)
from tests.files import VTT, pdf_bytes, upload, wav_bytes


class HeadReader(HTMLParser):
    """<meta> tags (name or property -> list of contents) and JSON-LD blocks of a page."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, list[str]] = {}
        self.json_ld: list[dict] = []
        self.scripts: list[dict] = []
        self._in_ld = False
        self.feed(html)

    def handle_starttag(self, tag, attrs) -> None:
        attrs = dict(attrs)
        if tag == "meta" and ("name" in attrs or "property" in attrs):
            key = attrs.get("name") or attrs.get("property")
            self.meta.setdefault(key, []).append(attrs.get("content", ""))
        if tag == "script":
            self.scripts.append(attrs)
            self._in_ld = attrs.get("type") == "application/ld+json"

    def handle_endtag(self, tag) -> None:
        if tag == "script":
            self._in_ld = False

    def handle_data(self, data) -> None:
        if self._in_ld:
            self.json_ld.append(json.loads(data))


@pytest.fixture
def held(db):
    """Dialogue 3 of the series, held on 17 November 2020, with a public discussion paper
    (PDF, two authors, a DOI), a summary for registrants only, a draft paper, and a public
    recording with audio and English captions."""
    dialogue = DialogueFactory(
        number=3,
        slug="who-decides",
        title="Who is making the decisions?",
        title_ar="من يتخذ القرارات؟",
        question="Where does power sit in partnerships?",
        starts_at=utc(2020, 11, 17, 12),
        status=Dialogue.Status.HELD,
        co_hosts=[OrganisationFactory(name="KUNO")],
    )
    amina = SpeakerFactory(name="Amina Diallo", slug="amina-diallo")
    DialogueSpeakerFactory(dialogue=dialogue, speaker=amina)
    paper = PaperFactory(
        title="Power in partnerships",
        slug="power-in-partnerships",
        dialogue=dialogue,
        pdf=upload("paper.pdf", pdf_bytes(), "application/pdf"),
        doi="10.5281/zenodo.1234567",
    )
    paper.speakers.set([amina])
    paper.organisations.set([OrganisationFactory(name="Charter4Change")])
    paper = _publish(paper)
    secret = PaperFactory(
        title="Registrants' notes",
        slug="registrants-notes",
        kind=Paper.Kind.SUMMARY,
        dialogue=dialogue,
        audience=Audience.REGISTRANTS,
        pdf=upload("notes.pdf", pdf_bytes(2), "application/pdf"),
    )
    _publish(secret)
    PaperFactory(title="Unfinished draft", slug="unfinished-draft", dialogue=dialogue)
    recording = RecordingFactory(
        title="Recording of dialogue 3",
        slug="recording-3",
        dialogue=dialogue,
        audio=upload("talk.wav", wav_bytes(3), "audio/wav"),
        duration=timedelta(minutes=90),
    )
    Caption.objects.create(
        recording=recording, language="en", file=upload("en.vtt", VTT, "text/vtt")
    )
    _publish(recording)
    return dialogue


def _publish(item):
    """Published as the factories do (version 1, live, authors too), on a fixed date."""
    from tests.factories import _make_live

    version_model = type(item).live_version.field.related_model
    _make_live(item)
    published = utc(2020, 12, 1, 9)
    version_model.objects.filter(pk=item.live_version_id).update(published_at=published)
    type(item).objects.filter(pk=item.pk).update(first_published_at=published)
    item.refresh_from_db()
    assert item.state == State.PUBLISHED
    return item


@pytest.fixture
def publisher(db):
    from tests.factories import PublisherFactory

    return PublisherFactory(first_name="Pablo")
