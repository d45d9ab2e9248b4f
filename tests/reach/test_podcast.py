"""The podcast feed, read by feedparser as podcast apps read it."""

from datetime import timedelta
from xml.etree import ElementTree

import feedparser
import pytest

from papers.models import Audience
from tests.factories import RecordingFactory
from tests.files import upload, wav_bytes

pytestmark = pytest.mark.django_db

SITE = "http://testserver.example"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


def test_the_podcast_feed_is_rss_with_itunes_tags(held, client):
    from tests.reach.conftest import _publish

    _publish(
        RecordingFactory(
            title="For registrants",
            slug="for-registrants",
            dialogue=held,
            audience=Audience.REGISTRANTS,
            audio=upload("secret.wav", wav_bytes(1), "audio/wav"),
        )
    )
    _publish(RecordingFactory(title="Video only", slug="video-only", dialogue=held))

    response = client.get("/recordings/podcast/en/")

    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0
    assert feed.version == "rss20"
    assert feed.namespaces["itunes"] == "http://www.itunes.com/dtds/podcast-1.0.dtd"
    channel = feed.feed
    assert channel.title == "A4EP Dialogues podcast (English)"
    assert channel.language == "en"
    assert channel.image.href == f"{SITE}/static/img/podcast.png"
    # Apple's spec says true/false (feedparser only knows the older yes/clean).
    itunes = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
    xml = ElementTree.fromstring(response.content)  # noqa: S314  (our own feed)
    assert xml.find(f"channel/{itunes}explicit").text == "false"
    assert xml.find(f"channel/item/{itunes}explicit").text == "false"
    assert xml.find(f"channel/{itunes}owner/{itunes}email").text == "dialogues@a4ep.example.org"
    assert [tag.term for tag in channel.tags] == ["Society & Culture", "Documentary", "Government"]
    assert channel.author_detail.name == "Alliance for Empowering Partnership (A4EP)"
    # Only the public recording with audio is an episode.
    (episode,) = feed.entries
    assert episode.title == "Recording of dialogue 3"
    assert episode.id == f"a4ep-dialogues-recording-{held.recordings.get(slug='recording-3').pk}"
    assert episode.guidislink is False
    assert episode.itunes_duration == "5400"
    (enclosure,) = episode.enclosures
    assert (enclosure.href, enclosure.type, enclosure.length) == (
        f"{SITE}/recordings/recording-3/audio/",
        "audio/wav",
        "48044",
    )


def test_the_guid_stays_when_the_recording_is_renamed(held, client):
    recording = held.recordings.get()
    before = feedparser.parse(client.get("/recordings/podcast/en/").content).entries[0].id

    recording.slug = "renamed"
    recording.save()

    after = feedparser.parse(client.get("/recordings/podcast/en/").content).entries[0].id
    assert after == before


def test_a_language_without_recordings_has_no_podcast(held, client):
    assert client.get("/recordings/podcast/fr/").status_code == 404


def test_the_recordings_page_links_each_podcast(held, client):
    from tests.html import visible_text

    html = client.get("/recordings/").content.decode()

    assert 'href="/recordings/podcast/en/" type="application/rss+xml"' in html
    assert (
        "Follow in a podcast app (copy the link into it): Podcast (English) Recordings (Atom)"
    ) in visible_text(html)


def test_a_duration_over_an_hour_is_given_in_seconds(held, client):
    recording = held.recordings.get()
    recording.live_version.duration = timedelta(hours=1, minutes=2, seconds=3)
    recording.live_version.save()

    episode = feedparser.parse(client.get("/recordings/podcast/en/").content).entries[0]

    assert episode.itunes_duration == "3723"
