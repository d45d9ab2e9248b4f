"""What search engines, podcast directories and citation managers read of a page: schema.org
JSON-LD and Highwire citation_* tags, built from what the page already loaded (no query).
Only public facts: never a join link, never an item for registrants only."""

import json
from datetime import UTC

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

PUBLISHER = "Alliance for Empowering Partnership (A4EP)"
PUBLISHER_URL = "https://a4ep.net/"


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def utc(value) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def organisation() -> dict:
    return {"@type": "Organization", "name": PUBLISHER, "url": PUBLISHER_URL}


def script(data: dict) -> SafeString:
    """A <script type="application/ld+json"> block that no value can break out of."""
    text = json.dumps(data, ensure_ascii=False, indent=None, sort_keys=False)
    for character, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(character, escaped)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308


def preview_url(kind: str, slug: str) -> str:
    language = translation.get_language() or settings.LANGUAGE_CODE
    return absolute(reverse(f"files:{kind}_preview", kwargs={"slug": slug, "language": language}))


ATTENDANCE = {
    "online": "https://schema.org/OnlineEventAttendanceMode",
    "in_person": "https://schema.org/OfflineEventAttendanceMode",
    "hybrid": "https://schema.org/MixedEventAttendanceMode",
}


def dialogue_event(dialogue, speakers) -> dict:
    """schema.org Event of a public dialogue; `speakers` as the page lists them."""
    url = absolute(dialogue.get_absolute_url())
    status = (
        "https://schema.org/EventCancelled"
        if dialogue.status == "cancelled"
        else "https://schema.org/EventScheduled"
    )
    # The page, never the join link: that is for confirmed registrants only.
    location = {"@type": "VirtualLocation", "url": url}
    if dialogue.format != "online" and dialogue.venue:
        location = [location, {"@type": "Place", "name": dialogue.venue}]
    open_now = dialogue.registration_state() == "open"
    return {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": dialogue.title,
        "description": dialogue.question,
        "url": url,
        "image": [preview_url("dialogue", dialogue.slug)],
        # A provisional dialogue's month or day only (ISO 8601 allows 2020-10): no made-up time.
        "startDate": (
            dialogue.provisional_iso() if dialogue.is_provisional() else utc(dialogue.starts_at)
        ),
        **({} if dialogue.is_provisional() else {"endDate": utc(dialogue.ends_at)}),
        "eventAttendanceMode": ATTENDANCE.get(dialogue.format, ATTENDANCE["online"]),
        "eventStatus": status,
        "location": location,
        "inLanguage": translation.get_language() or settings.LANGUAGE_CODE,
        "isAccessibleForFree": True,
        "superEvent": {"@type": "EventSeries", "name": dialogue.series.title},
        "organizer": [
            organisation(),
            *({"@type": "Organization", "name": host.name} for host in dialogue.co_hosts.all()),
        ],
        "performer": [
            {"@type": "Person", "name": speaker.name, "url": absolute(speaker.get_absolute_url())}
            for speaker, _roles in speakers
        ],
        "offers": {
            "@type": "Offer",
            "price": "0",
            "priceCurrency": "USD",
            "url": absolute(reverse("dialogues:register", kwargs={"slug": dialogue.slug}))
            if open_now
            else url,
            "availability": "https://schema.org/InStock"
            if open_now
            else "https://schema.org/SoldOut",
        },
    }


def _author(author) -> dict:
    kind = "Person" if author._meta.model_name == "speaker" else "Organization"
    return {"@type": kind, "name": str(author)}


def paper_article(paper, version, authors) -> dict:
    """A discussion paper is a ScholarlyArticle, a summary of the discussions a Report."""
    data = {
        "@context": "https://schema.org",
        "@type": "Report" if paper.kind == "summary" else "ScholarlyArticle",
        "headline": version.title,
        "name": version.title,
        "url": absolute(paper.get_absolute_url()),
        "image": [preview_url("paper", paper.slug)],
        "inLanguage": version.language,
        "datePublished": utc(paper.first_published_at or version.published_at),
        "dateModified": utc(version.published_at),
        "author": [_author(author) for author in authors] or [organisation()],
        "publisher": organisation(),
        "isAccessibleForFree": True,
        "version": str(version.number),
    }
    if version.abstract:
        data["abstract"] = version.abstract
    if version.pdf:
        data["encoding"] = {
            "@type": "MediaObject",
            "contentUrl": absolute(reverse("files:paper_pdf", kwargs={"slug": paper.slug})),
            "encodingFormat": "application/pdf",
        }
    if version.doi:
        data["identifier"] = {"@type": "PropertyValue", "propertyID": "DOI", "value": version.doi}
        data["sameAs"] = f"https://doi.org/{version.doi}"
    if paper.dialogue_id:
        data["about"] = {"@type": "Event", "name": paper.dialogue.title}
    return data


def recording_episode(recording, version) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "PodcastEpisode",
        "name": version.title,
        "url": absolute(recording.get_absolute_url()),
        "datePublished": utc(recording.first_published_at or version.published_at),
        "inLanguage": version.language,
        "isAccessibleForFree": True,
        "partOfSeries": {
            "@type": "PodcastSeries",
            "name": "A4EP Dialogues",
            "url": absolute(reverse("papers:recordings")),
        },
        "publisher": organisation(),
        "about": {"@type": "Event", "name": recording.dialogue.title},
    }
    if version.duration:
        data["timeRequired"] = version.duration_iso()
    if version.audio:
        data["associatedMedia"] = {
            "@type": "AudioObject",
            "contentUrl": absolute(
                reverse("files:recording_audio", kwargs={"slug": recording.slug})
            ),
            "encodingFormat": version.audio_type,
            "contentSize": str(version.audio_size or 0),
            **({"duration": version.duration_iso()} if version.duration else {}),
        }
    if version.video_url:
        data["video"] = {"@type": "VideoObject", "name": version.title, "url": version.video_url}
    return data


def citation_tags(paper, version, authors) -> SafeString:
    """Highwire Press tags, as Google Scholar and Zotero read them."""
    published = paper.first_published_at or version.published_at
    tags = [("citation_title", version.title)]
    tags += [("citation_author", str(author)) for author in authors]
    tags += [
        ("citation_publication_date", published.astimezone(UTC).strftime("%Y/%m/%d")),
        ("citation_online_date", version.published_at.astimezone(UTC).strftime("%Y/%m/%d")),
        ("citation_language", version.language),
        ("citation_publisher", PUBLISHER),
    ]
    if paper.kind == "summary":
        tags.append(("citation_technical_report_institution", PUBLISHER))
    if version.pdf:
        tags.append(
            ("citation_pdf_url", absolute(reverse("files:paper_pdf", kwargs={"slug": paper.slug})))
        )
    tags.append(("citation_abstract_html_url", absolute(paper.get_absolute_url())))
    if version.doi:
        tags.append(("citation_doi", version.doi))
    return format_html_join("\n  ", '<meta name="{}" content="{}">', tags)
