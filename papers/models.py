"""Papers and recordings. Each is a working copy that editors change and that goes through the
publishing workflow; publishing copies its content into a numbered version, and the public
sees only the live version, so a published item can be revised without the public noticing
until the revision is published in turn."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from a4ep_portal.files import (
    AUDIO_EXTENSIONS,
    PrivateName,
    is_new_upload,
    sniff_audio,
    validate_audio,
    validate_pdf,
    validate_webvtt,
)
from a4ep_portal.languages import PAPER_LANGUAGES
from a4ep_portal.models import PublishableModel
from a4ep_portal.workflow import State

# A DOI as Crossref and DataCite hand them out: "10.", a registrant code, "/", a suffix.
DOI = re.compile(r"10\.\d{4,9}/\S+")


class Audience(models.TextChoices):
    PUBLIC = "public", _("Public")
    REGISTRANTS = "registrants", _("Registrants of its dialogue only")


def video_embed_url(url: str) -> str | None:
    """The privacy-friendly player address of a YouTube or Vimeo link, or None."""
    parts = urlsplit(url or "")
    host = parts.netloc.lower().removeprefix("www.").removeprefix("m.")
    video_id = ""
    if host in ("youtube.com", "youtube-nocookie.com"):
        if parts.path == "/watch":
            video_id = parse_qs(parts.query).get("v", [""])[0]
        elif parts.path.startswith(("/embed/", "/live/", "/shorts/")):
            video_id = parts.path.split("/")[2]
    elif host == "youtu.be":
        video_id = parts.path.strip("/")
    if video_id:
        if video_id.replace("-", "").replace("_", "").isalnum() and len(video_id) <= 20:
            return f"https://www.youtube-nocookie.com/embed/{video_id}?autoplay=1"
        return None
    if host in ("vimeo.com", "player.vimeo.com"):
        number = parts.path.rstrip("/").rsplit("/", 1)[-1]
        if number.isdigit():
            return f"https://player.vimeo.com/video/{number}?autoplay=1&dnt=1"
    return None


def validate_video_url(value: str) -> None:
    if value and video_embed_url(value) is None:
        raise ValidationError(_("Give a YouTube or Vimeo link to the video."), code="video")


def validate_doi(value: str) -> None:
    if value and not DOI.fullmatch(value):
        raise ValidationError(
            _("Give the DOI itself, for example 10.5281/zenodo.1234567."), code="doi"
        )


def _file_size(field_file, current: int | None) -> int | None:
    """Size of a new upload; the stored size of an unchanged file (no storage round trip)."""
    if not field_file:
        return None
    return field_file.size if is_new_upload(field_file) else current


class PaperContent(models.Model):
    """What a publisher approves of a paper: copied into each published version."""

    title = models.CharField(_("title"), max_length=250)
    abstract = models.TextField(_("abstract"), max_length=3000, blank=True)
    speakers = models.ManyToManyField(
        "dialogues.Speaker",
        blank=True,
        related_name="%(class)s_authored",
        verbose_name=_("authors (speakers)"),
    )
    organisations = models.ManyToManyField(
        "members.Organisation",
        blank=True,
        related_name="%(class)s_authored",
        verbose_name=_("authors (organisations)"),
    )
    language = models.CharField(_("language"), max_length=8, choices=PAPER_LANGUAGES, default="en")
    body = models.TextField(
        _("text"),
        blank=True,
        help_text=_("Markdown. Shown as a web page, so nobody must download."),
    )
    pdf = models.FileField(
        _("PDF"),
        upload_to=PrivateName("papers", "pdf"),
        validators=[validate_pdf],
        blank=True,
        max_length=200,
    )
    pdf_size = models.PositiveBigIntegerField(_("PDF size (bytes)"), null=True, editable=False)
    audience = models.CharField(
        _("audience"), max_length=20, choices=Audience.choices, default=Audience.PUBLIC
    )
    # The date the organisers give the paper (a 2020 paper put online years later is still
    # from 2020); readers see it instead of the day the version went online.
    publication_date = models.DateField(
        _("publication date"),
        null=True,
        blank=True,
        help_text=_("The date printed on the paper. Empty: the day it goes online."),
    )
    doi = models.CharField(
        _("DOI"),
        max_length=200,
        blank=True,
        validators=[validate_doi],
        help_text=_("Optional, for example 10.5281/zenodo.1234567: shown and cited when set."),
    )

    class Meta:
        abstract = True

    def authors(self) -> list:
        """Speakers then organisations (from prefetched relations when there are any)."""
        return [*self.speakers.all(), *self.organisations.all()]


class ItemQuerySet(models.QuerySet):
    def live(self) -> "ItemQuerySet":
        """Items with a published version (their audience still decides who sees them)."""
        return self.filter(live_version__isnull=False)

    def public(self) -> "ItemQuerySet":
        return self.live().filter(live_version__audience=Audience.PUBLIC)


def live_version_field(version_model: str) -> models.ForeignKey:
    """An item's published version, which the public sees (empty: not on the site)."""
    return models.ForeignKey(
        version_model,
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
        verbose_name=_("published version"),
    )


class PublishedItem(PublishableModel):
    """What a paper and a recording share beside their content: an address, the publishing
    workflow, and when they were created and changed. Each declares its own `live_version`
    (live_version_field), a key to its own version model."""

    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ItemQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def is_revised(self) -> bool:
        """A newer version than the live one is being worked on."""
        return self.live_version_id is not None and self.state != State.PUBLISHED


class Paper(PaperContent, PublishedItem):
    class Kind(models.TextChoices):
        DISCUSSION = "discussion", _("Discussion paper")
        SUMMARY = "summary", _("Summary of the discussions")
        OTHER = "other", _("Other")

    dialogue = models.ForeignKey(
        "dialogues.Dialogue",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="papers",
        verbose_name=_("dialogue"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    translation_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="translations",
        verbose_name=_("translation of"),
        help_text=_("The paper this one translates; the two pages then link to each other."),
    )
    live_version = live_version_field("PaperVersion")

    class Meta(PublishedItem.Meta):
        verbose_name = _("paper")
        verbose_name_plural = _("papers")
        permissions = [("publish_paper", "Can approve, publish and withdraw papers")]

    def save(self, *args, **kwargs) -> None:
        self.pdf_size = _file_size(self.pdf, self.pdf_size)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("papers:detail", kwargs={"slug": self.slug})

    def get_preview_url(self) -> str:
        """The page as it will be published, for organisers (papers.views.paper_preview)."""
        return reverse("papers:preview", kwargs={"slug": self.slug})

    def file_preview_url(self) -> str:
        """The working copy's PDF, for organisers."""
        return reverse("files:paper_preview_pdf", kwargs={"pk": self.pk})

    def clean(self) -> None:
        if not self.body.strip() and not self.pdf:
            raise ValidationError(_("Give the paper a text, a PDF or both."))
        if self.audience == Audience.REGISTRANTS and not self.dialogue_id:
            raise ValidationError(
                {"audience": _("A paper for registrants only must belong to a dialogue.")}
            )
        if self.translation_of_id and self.translation_of_id == self.pk:
            raise ValidationError({"translation_of": _("A paper cannot translate itself.")})


class PaperVersion(PaperContent):
    """A published state of a paper; the newest of a live paper is what the public reads."""

    paper = models.ForeignKey(
        Paper, on_delete=models.CASCADE, related_name="versions", verbose_name=_("paper")
    )
    number = models.PositiveIntegerField(_("version"))
    published_at = models.DateTimeField(_("published"))
    # PostgreSQL: the weighted text-search vector of the searched fields (papers/search.py),
    # kept by a trigger on every insert and update and GIN-indexed. Empty elsewhere.
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("paper version")
        verbose_name_plural = _("paper versions")
        constraints = [
            models.UniqueConstraint(fields=["paper", "number"], name="one_paper_version_number"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.number})"

    def get_absolute_url(self) -> str:
        return reverse("papers:version", kwargs={"slug": self.paper.slug, "number": self.number})

    def pdf_url(self) -> str:
        return reverse(
            "files:paper_version_pdf", kwargs={"slug": self.paper.slug, "number": self.number}
        )


class RecordingContent(models.Model):
    """What a publisher approves of a recording: copied into each published version."""

    title = models.CharField(_("title"), max_length=250)
    video_url = models.URLField(
        _("video link"),
        max_length=300,
        blank=True,
        validators=[validate_video_url],
        help_text=_("A YouTube or Vimeo address. The page loads the player only on a click."),
    )
    audio = models.FileField(
        _("audio"),
        upload_to=PrivateName("audio"),
        validators=[validate_audio],
        blank=True,
        max_length=200,
        help_text=_("For low bandwidth and podcast apps: MP3, M4A, Ogg, Opus, FLAC or WAV."),
    )
    audio_size = models.PositiveBigIntegerField(_("audio size (bytes)"), null=True, editable=False)
    audio_type = models.CharField(_("audio type"), max_length=40, blank=True, editable=False)
    transcript = models.TextField(_("transcript"), blank=True, help_text=_("Markdown."))
    duration = models.DurationField(
        _("duration"),
        null=True,
        blank=True,
        help_text=_("hh:mm:ss. Taken from the audio when left empty."),
    )
    language = models.CharField(_("language"), max_length=8, choices=PAPER_LANGUAGES, default="en")
    audience = models.CharField(
        _("audience"), max_length=20, choices=Audience.choices, default=Audience.PUBLIC
    )

    class Meta:
        abstract = True

    def video_embed_url(self) -> str | None:
        return video_embed_url(self.video_url)

    def video_provider(self) -> str:
        return "Vimeo" if "vimeo" in (self.video_embed_url() or "") else "YouTube"

    def duration_iso(self) -> str:
        seconds = int(self.duration.total_seconds()) if self.duration else 0
        return f"PT{seconds // 3600}H{seconds % 3600 // 60}M{seconds % 60}S"


class Recording(RecordingContent, PublishedItem):
    dialogue = models.ForeignKey(
        "dialogues.Dialogue",
        on_delete=models.PROTECT,
        related_name="recordings",
        verbose_name=_("dialogue"),
    )
    live_version = live_version_field("RecordingVersion")

    class Meta(PublishedItem.Meta):
        verbose_name = _("recording")
        verbose_name_plural = _("recordings")
        permissions = [("publish_recording", "Can approve, publish and withdraw recordings")]

    def save(self, *args, **kwargs) -> None:
        if is_new_upload(self.audio):
            # Before the file is stored: its name's extension follows the type we found.
            content_type, seconds = sniff_audio(self.audio) or ("", 0.0)
            self.audio_type = content_type
            if self.duration is None and seconds:
                self.duration = timedelta(seconds=round(seconds))
        elif not self.audio:
            self.audio_type = ""
        self.audio_size = _file_size(self.audio, self.audio_size)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("papers:recording", kwargs={"slug": self.slug})

    def get_preview_url(self) -> str:
        return reverse("papers:recording_preview", kwargs={"slug": self.slug})

    def file_preview_url(self) -> str:
        return reverse("files:recording_preview_audio", kwargs={"pk": self.pk})

    def clean(self) -> None:
        if not self.video_url and not self.audio:
            raise ValidationError(_("Give the recording a video link, an audio file or both."))

    def upload_extension(self, filename: str) -> str:
        return AUDIO_EXTENSIONS.get(self.audio_type, "bin")


class RecordingVersion(RecordingContent):
    recording = models.ForeignKey(
        Recording, on_delete=models.CASCADE, related_name="versions", verbose_name=_("recording")
    )
    number = models.PositiveIntegerField(_("version"))
    published_at = models.DateTimeField(_("published"))
    # The captions as published: [{"language": "en", "name": <stored name>, "size": bytes}].
    captions = models.JSONField(_("captions"), default=list, editable=False)
    # As for PaperVersion.search_vector.
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("recording version")
        verbose_name_plural = _("recording versions")
        constraints = [
            models.UniqueConstraint(
                fields=["recording", "number"], name="one_recording_version_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.number})"

    def caption_tracks(self) -> list[dict]:
        labels = dict(PAPER_LANGUAGES)
        return [
            {**caption, "label": labels.get(caption["language"], caption["language"])}
            for caption in self.captions
        ]


class Caption(models.Model):
    """Captions of a recording in one language (WebVTT), part of the recording's content."""

    recording = models.ForeignKey(
        Recording, on_delete=models.CASCADE, related_name="captions", verbose_name=_("recording")
    )
    language = models.CharField(_("language"), max_length=8, choices=PAPER_LANGUAGES)
    file = models.FileField(
        _("WebVTT file"),
        upload_to=PrivateName("captions", "vtt"),
        validators=[validate_webvtt],
        max_length=200,
    )
    size = models.PositiveBigIntegerField(_("size (bytes)"), null=True, editable=False)

    class Meta:
        ordering = ["language"]
        verbose_name = _("captions")
        verbose_name_plural = _("captions")
        constraints = [
            models.UniqueConstraint(
                fields=["recording", "language"], name="one_caption_per_language"
            ),
        ]

    def __str__(self) -> str:
        return self.get_language_display()

    def save(self, *args, **kwargs) -> None:
        self.size = _file_size(self.file, self.size)
        super().save(*args, **kwargs)

    def file_preview_url(self) -> str:
        return reverse(
            "files:recording_preview_captions",
            kwargs={"pk": self.recording_id, "language": self.language},
        )


# Preview images and offline packs: a model of this app, kept in its own module.
from .derived import DerivedFile  # noqa: E402, F401
