"""Atom feeds of the public archive (the recordings' one carries the audio as enclosures), and
the podcast: RSS 2.0 with the iTunes namespace per language, which podcast apps accept."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.templatetags.static import static
from django.urls import reverse, reverse_lazy
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from a4ep_portal.languages import PAPER_LANGUAGES

from .linked_data import PUBLISHER
from .models import Paper, Recording

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"

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


class ItunesFeed(Rss201rev2Feed):
    """RSS 2.0 with the iTunes namespace, as podcast apps and directories require."""

    content_type = "application/rss+xml; charset=utf-8"

    def __init__(self, *args, content_language: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The recordings' language, not the interface's (Feed passes only the latter).
        if content_language:
            self.feed["language"] = content_language

    def rss_attributes(self) -> dict:
        return {**super().rss_attributes(), "xmlns:itunes": ITUNES}

    def add_root_elements(self, handler) -> None:
        super().add_root_elements(handler)
        feed = self.feed
        handler.startElement("image", {})
        handler.addQuickElement("url", feed["artwork"])
        handler.addQuickElement("title", feed["title"])
        handler.addQuickElement("link", feed["link"])
        handler.endElement("image")
        handler.addQuickElement("itunes:image", "", {"href": feed["artwork"]})
        handler.addQuickElement("itunes:author", PUBLISHER)
        handler.addQuickElement("itunes:summary", feed["description"])
        handler.addQuickElement("itunes:type", "episodic")
        handler.addQuickElement("itunes:explicit", "false")
        handler.startElement("itunes:owner", {})
        handler.addQuickElement("itunes:name", PUBLISHER)
        handler.addQuickElement("itunes:email", feed["owner_email"])
        handler.endElement("itunes:owner")
        handler.startElement("itunes:category", {"text": "Society & Culture"})
        handler.addQuickElement("itunes:category", "", {"text": "Documentary"})
        handler.endElement("itunes:category")
        handler.addQuickElement("itunes:category", "", {"text": "Government"})

    def add_item_elements(self, handler, item) -> None:
        super().add_item_elements(handler, item)
        handler.addQuickElement("itunes:episodeType", "full")
        handler.addQuickElement("itunes:explicit", "false")
        if item.get("duration"):
            handler.addQuickElement("itunes:duration", str(item["duration"]))
        handler.addQuickElement("itunes:summary", item["description"])


class PodcastFeed(Feed):
    """The recordings in one language with their audio, for podcast apps (one feed per
    language that has any). Each episode's GUID is made from the recording's id, which never
    changes, so an app never lists an episode twice."""

    feed_type = ItunesFeed

    def get_object(self, request, language: str) -> str:
        if not podcast_recordings(language).exists():
            raise Http404
        return language

    def title(self, language: str) -> str:
        return gettext("A4EP Dialogues podcast (%(language)s)") % {
            "language": dict(PAPER_LANGUAGES).get(language, language)
        }

    def description(self, language: str) -> str:
        return gettext(
            "Recordings of the Localisation Dialogue Series of the Alliance for Empowering "
            "Partnership: local and national humanitarian actors on who makes the decisions."
        )

    def link(self, language: str) -> str:
        return reverse("papers:recordings")

    def feed_url(self, language: str) -> str:
        return reverse("papers:podcast", kwargs={"language": language})

    def feed_extra_kwargs(self, language: str) -> dict:
        return {
            "artwork": _absolute(static("img/podcast.png")),
            "owner_email": settings.PODCAST_OWNER_EMAIL,
            "content_language": language,
        }

    def author_name(self, language: str) -> str:
        return PUBLISHER

    def items(self, language: str):
        return podcast_recordings(language).order_by("-first_published_at", "-pk")[:FEED_SIZE]

    def item_title(self, recording: Recording) -> str:
        return recording.live_version.title

    def item_description(self, recording: Recording) -> str:
        return f"{recording.dialogue.title}: {recording.dialogue.question}"

    def item_guid(self, recording: Recording) -> str:
        return f"a4ep-dialogues-recording-{recording.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, recording: Recording):
        return recording.first_published_at

    def item_enclosures(self, recording: Recording) -> list[Enclosure]:
        version = recording.live_version
        url = _absolute(reverse("files:recording_audio", kwargs={"slug": recording.slug}))
        return [Enclosure(url, str(version.audio_size or 0), version.audio_type)]

    def item_extra_kwargs(self, recording: Recording) -> dict:
        duration = recording.live_version.duration
        return {"duration": int(duration.total_seconds()) if duration else None}


def podcast_recordings(language: str):
    """Public recordings with audio in one content language."""
    return (
        Recording.objects.public()
        .filter(live_version__language=language)
        .exclude(live_version__audio="")
        .select_related("live_version", "dialogue")
    )


def podcast_languages() -> list[tuple[str, str]]:
    """(code, name) of the content languages that have a podcast feed (one query)."""
    codes = set(
        Recording.objects.public()
        .exclude(live_version__audio="")
        .values_list("live_version__language", flat=True)
        .distinct()
    )
    return [(code, name) for code, name in PAPER_LANGUAGES if code in codes]
