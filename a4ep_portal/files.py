"""Uploaded files: generated names, checks by content, and downloads that never expose a
public bucket URL.

Every stored name is a fresh UUID under private/ (never the uploader's file name), so nothing
of an unpublished item can be guessed, and local disk serves private/ through the portal only.
"""

import io
import logging
import re
import uuid
from pathlib import Path

import mutagen
import webvtt
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.utils.deconstruct import deconstructible
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from pypdf import PdfReader

logger = logging.getLogger(__name__)

# The audio formats mutagen recognises that browsers play, as the Content-Type we serve.
AUDIO_TYPES = {
    "MP3": "audio/mpeg",
    "MP4": "audio/mp4",
    "OggVorbis": "audio/ogg",
    "OggOpus": "audio/ogg",
    "FLAC": "audio/flac",
    "WAVE": "audio/wav",
}
AUDIO_EXTENSIONS = {
    "audio/mpeg": "mp3",
    "audio/mp4": "m4a",
    "audio/ogg": "ogg",
    "audio/flac": "flac",
    "audio/wav": "wav",
}


@deconstructible
class PrivateName:
    """upload_to that ignores the uploader's file name: private/<folder>/<uuid>.<extension>."""

    def __init__(self, folder: str, extension: str = "") -> None:
        self.folder = folder
        self.extension = extension

    def __call__(self, instance, filename: str) -> str:
        extension = self.extension or getattr(instance, "upload_extension", lambda _f: "bin")(
            filename
        )
        return f"private/{self.folder}/{uuid.uuid4().hex}.{extension}"

    def __eq__(self, other) -> bool:
        return isinstance(other, PrivateName) and (self.folder, self.extension) == (
            other.folder,
            other.extension,
        )


def is_new_upload(value) -> bool:
    """A file just uploaded, not one already in storage (that was checked when it came)."""
    return bool(value) and not getattr(value, "_committed", True)


def _read(value, limit_mb: int, what: str) -> bytes:
    _check_size(value, limit_mb, what)
    value.seek(0)
    data = value.read()
    value.seek(0)
    return data


def _check_size(value, limit_mb: int, what: str) -> None:
    limit = limit_mb * 1024 * 1024
    if value.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if value.size > limit:
        raise ValidationError(
            _("The %(what)s is %(size)s MB; the limit is %(limit)s MB.")
            % {"what": what, "size": number_format(value.size / 1024 / 1024, 1), "limit": limit_mb},
            code="too_large",
        )


def validate_pdf(value) -> None:
    """A PDF must start like one and parse with at least one page."""
    if not is_new_upload(value):
        return
    data = _read(value, settings.PAPER_MAX_UPLOAD_MB, _("PDF"))
    if not data.startswith(b"%PDF-"):
        raise ValidationError(
            _("This file is not a PDF (whatever its name says). Export the paper as PDF."),
            code="not_pdf",
        )
    try:
        pages = len(PdfReader(io.BytesIO(data)).pages)
    except Exception as error:  # pypdf raises many kinds on a damaged file
        logger.info("rejected PDF upload: %s", error)
        pages = 0
    if pages < 1:
        raise ValidationError(
            _("This PDF is damaged or has no pages. Export the paper as PDF again."),
            code="broken_pdf",
        )


def sniff_audio(value) -> tuple[str, float] | None:
    """(Content-Type, seconds) of an audio file, or None when it is not audio we know."""
    value.seek(0)
    try:
        audio = mutagen.File(_Nameless(value))
    except Exception as error:  # mutagen raises per format
        logger.info("rejected audio upload: %s", error)
        audio = None
    finally:
        value.seek(0)
    if audio is None or type(audio).__name__ not in AUDIO_TYPES:
        return None
    length = getattr(audio.info, "length", 0) or 0
    if length <= 0:
        return None
    return AUDIO_TYPES[type(audio).__name__], float(length)


class _Nameless:
    """The upload without its name, so mutagen judges the bytes and not the extension."""

    def __init__(self, file) -> None:
        self._file = file

    def read(self, *args):
        return self._file.read(*args)

    def seek(self, *args):
        return self._file.seek(*args)

    def tell(self):
        return self._file.tell()


def validate_audio(value) -> None:
    if not is_new_upload(value):
        return
    _check_size(value, settings.AUDIO_MAX_UPLOAD_MB, _("audio file"))
    if sniff_audio(value) is None:
        raise ValidationError(
            _("This file is not audio we can play (MP3, M4A, Ogg, Opus, FLAC or WAV)."),
            code="not_audio",
        )


def validate_webvtt(value) -> None:
    """Captions must be UTF-8 WebVTT with at least one cue, each ending after it starts."""
    if not is_new_upload(value):
        return
    data = _read(value, settings.CAPTIONS_MAX_UPLOAD_MB, _("captions file"))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(
            _("These captions are not valid WebVTT: save them as UTF-8 text."), code="bad_webvtt"
        ) from error
    try:
        captions = webvtt.from_string(text, strict=True).captions
    except (webvtt.errors.MalformedFileError, webvtt.errors.MalformedCaptionError) as error:
        raise ValidationError(
            _("These captions are not valid WebVTT: %(error)s") % {"error": error},
            code="bad_webvtt",
        ) from error
    if not captions:
        raise ValidationError(
            _("These captions are not valid WebVTT: no cue (a timing line such as "
              "“00:00:01.000 --> 00:00:04.000” followed by text) was found."),
            code="bad_webvtt",
        )  # fmt: skip
    for caption in captions:
        if caption.end_time.in_milliseconds() <= caption.start_time.in_milliseconds():
            raise ValidationError(
                _("These captions are not valid WebVTT: the cue at %(start)s ends before it "
                  "starts.") % {"start": caption.start},
                code="bad_webvtt",
            )  # fmt: skip


def file_response(request, name: str, *, filename: str, content_type: str, public: bool):
    """Hand a stored file to someone already allowed to have it: a short-lived signed URL
    when STORAGE_SIGNED_URLS is on and the storage signs, else the bytes through the portal.
    Either way the browser gets a clean file name and the type we checked, never a guess."""
    disposition = "inline" if content_type.startswith(("audio/", "text/vtt")) else "attachment"
    if settings.STORAGE_SIGNED_URLS and getattr(default_storage, "querystring_auth", False):
        url = default_storage.url(
            name,
            parameters={
                "ResponseContentDisposition": f'{disposition}; filename="{filename}"',
                "ResponseContentType": content_type,
            },
        )
        response = HttpResponseRedirect(url)
        response["Cache-Control"] = "private, no-store"
        return response
    response = FileResponse(
        default_storage.open(name, "rb"),
        as_attachment=disposition == "attachment",
        filename=filename,
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=3600" if public else "private, no-store"
    return response


def is_public_media(path: str) -> bool:
    """A stored name that local disk may serve as it is: a canonical relative path (no empty,
    "." or ".." part, no backslash) outside private/. Anything else, however a server would
    normalise it, is refused before it reaches the disk."""
    if not path or "\\" in path or "\x00" in path:
        return False
    parts = path.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return False
    # casefold: on a case-insensitive disk (macOS, Windows) PRIVATE/ is private/.
    return parts[0].casefold() != "private"


def serve_public_media(request, path: str):
    """Local disk's public uploads (speaker photos) in development; never a private file.
    Private files go out only through the views that check who is asking."""
    from django.views.static import serve

    root = Path(settings.MEDIA_ROOT).resolve()
    if not is_public_media(path):
        raise Http404
    # A link on disk must not lead out of MEDIA_ROOT or into private/ either.
    target = (root / path).resolve()
    if not target.is_relative_to(root) or not is_public_media(target.relative_to(root).as_posix()):
        raise Http404
    return serve(request, path, document_root=root)


def public_media_urlpatterns() -> list:
    """The development route for MEDIA_URL on local disk: every address under it goes to
    serve_public_media, so no spelling of a private name reaches Django's file view."""
    from django.urls import re_path

    prefix = re.escape(settings.MEDIA_URL.lstrip("/"))
    return [re_path(rf"^{prefix}(?P<path>.*)$", serve_public_media)]
