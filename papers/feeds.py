"""Atom feeds of the public archive; the recordings' feed carries the audio as enclosures, so a
podcast app can follow the series."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse, reverse_lazy
from django.utils.feedgenerator import Atom1Feed, Enclosure
from django.utils.translation import gettext_lazy as _

from .models import Paper, Recording

FEED_SIZE = 50


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


class PaperFeed(Feed):
    feed_type = Atom1Feed
    title = _("A4EP Dialogues: papers")
    subtitle = _("Discussion papers and summaries of the Localisation Dialogue Series.")
    link = reverse_lazy("papers:list")

    def items(self):
        return (
            Paper.objects.public()
            .select_related("live_version")
            .prefetch_related("live_version__speakers", "live_version__organisations")
            .order_by("-live_version__published_at", "-pk")[:FEED_SIZE]
        )

    def item_title(self, paper: Paper) -> str:
        return paper.live_version.title

    def item_description(self, paper: Paper) -> str:
        return paper.live_version.abstract

    def item_author_name(self, paper: Paper) -> str:
        return ", ".join(str(author) for author in paper.live_version.authors())

    def item_pubdate(self, paper: Paper):
        return paper.first_published_at

    def item_updateddate(self, paper: Paper):
        return paper.live_version.published_at

    def item_enclosures(self, paper: Paper) -> list[Enclosure]:
        version = paper.live_version
        if not version.pdf:
            return []
        url = _absolute(reverse("files:paper_pdf", kwargs={"slug": paper.slug}))
        return [Enclosure(url, str(version.pdf_size or 0), "application/pdf")]


class RecordingFeed(Feed):
    feed_type = Atom1Feed
    title = _("A4EP Dialogues: recordings")
    subtitle = _("Recordings of the Localisation Dialogue Series, with audio for podcast apps.")
    link = reverse_lazy("papers:recordings")

    def items(self):
        return (
            Recording.objects.public()
            .select_related("live_version")
            .order_by("-live_version__published_at", "-pk")[:FEED_SIZE]
        )

    def item_title(self, recording: Recording) -> str:
        return recording.live_version.title

    def item_description(self, recording: Recording) -> str:
        return recording.live_version.transcript[:500]

    def item_pubdate(self, recording: Recording):
        return recording.first_published_at

    def item_updateddate(self, recording: Recording):
        return recording.live_version.published_at

    def item_enclosures(self, recording: Recording) -> list[Enclosure]:
        version = recording.live_version
        if not version.audio:
            return []
        url = _absolute(reverse("files:recording_audio", kwargs={"slug": recording.slug}))
        return [Enclosure(url, str(version.audio_size or 0), version.audio_type)]
