"""Speaker photos: resized on upload into small square WebP and JPEG variants, served with
srcset at a fixed size; initials in a coloured circle where there is no photo. Neither adds
a query per speaker."""

import io
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from dialogues import photos
from tests.factories import (
    DialogueFactory,
    DialogueSpeakerFactory,
    SpeakerFactory,
    portrait_jpeg,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _with_photo(speaker, seed=0):
    name = f"{speaker.slug}.jpg"
    speaker.photo.save(name, ContentFile(portrait_jpeg(seed), name=name), save=True)
    return speaker


def test_saving_a_photo_writes_square_webp_and_jpeg_variants():
    speaker = _with_photo(SpeakerFactory(name="Amina Diallo", slug="amina-diallo"))

    assert (speaker.photo_width, speaker.photo_height) == (900, 1200)
    for size in (64, 128, 256):
        for extension, kind in (("webp", "WEBP"), ("jpg", "JPEG")):
            name = photos.variant_name(speaker.photo.name, size, extension)
            with default_storage.open(name) as stored:
                data = stored.read()
            image = Image.open(io.BytesIO(data))
            assert (image.format, image.size) == (kind, (size, size))
            # Small enough for a phone on a metered connection.
            assert len(data) < size * size // 2, f"{name}: {len(data)} bytes"


def test_replacing_a_photo_writes_new_variants_and_saving_other_fields_writes_none():
    speaker = _with_photo(SpeakerFactory(slug="rafiq"))
    first = photos.variant_name(speaker.photo.name, 64, "webp")
    modified = default_storage.get_modified_time(first)

    speaker.title = "Head of Programmes"
    speaker.save()
    assert default_storage.get_modified_time(first) == modified

    _with_photo(speaker, seed=1)
    assert speaker.photo.name != "speakers/rafiq.jpg"
    assert default_storage.exists(photos.variant_name(speaker.photo.name, 64, "webp"))


def test_dialogue_page_serves_each_photo_at_its_size_lazily(client):
    dialogue = DialogueFactory(slug="accountability")
    speaker = _with_photo(SpeakerFactory(name="Amina Diallo", slug="amina-diallo"))
    DialogueSpeakerFactory(dialogue=dialogue, speaker=speaker)

    html = client.get("/dialogues/accountability/").content.decode()

    stem = speaker.photo.name.removeprefix("speakers/").removesuffix(".jpg")
    variants = f"/media/speakers/variants/{stem}"
    assert (
        f'<picture class="avatar"><source type="image/webp" srcset="{variants}-64.webp 64w, '
        f'{variants}-128.webp 128w, {variants}-256.webp 256w" sizes="64px">'
        f'<img src="{variants}-64.jpg" srcset="{variants}-64.jpg 64w, {variants}-128.jpg 128w, '
        f'{variants}-256.jpg 256w" sizes="64px" alt="" width="64" height="64" loading="lazy" '
        'decoding="async"></picture>'
    ) in html
    # Every file the page names exists.
    for url in re.findall(r"/media/(\S+?\.(?:webp|jpg))", html):
        assert default_storage.exists(url), url


def test_speaker_without_a_photo_gets_initials_in_a_circle_of_a_fixed_colour(client):
    dialogue = DialogueFactory(slug="accountability")
    for name in ["Amina Diallo", "Lucía Quispe", "Sione"]:
        DialogueSpeakerFactory(dialogue=dialogue, speaker=SpeakerFactory(name=name))

    html = client.get("/dialogues/accountability/").content.decode()
    again = client.get("/dialogues/accountability/").content.decode()

    circles = re.findall(r'<span class="avatar avatar-(\d)" data-initials="([^"]*)"', html)
    assert [initials for _, initials in circles] == ["AD", "LQ", "S"]
    assert circles == re.findall(r'<span class="avatar avatar-(\d)" data-initials="([^"]*)"', again)
    assert len({colour for colour, _ in circles}) > 1


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_photos_add_no_query_per_speaker(client):
    one = DialogueFactory(slug="one")
    DialogueSpeakerFactory(dialogue=one, speaker=SpeakerFactory())
    six = DialogueFactory(slug="six")
    for i in range(6):
        DialogueSpeakerFactory(dialogue=six, speaker=_with_photo(SpeakerFactory(), seed=i))

    assert _queries(client, "/dialogues/six/") == _queries(client, "/dialogues/one/")
    assert _queries(client, "/speakers/") == _queries(client, "/speakers/")
    assert client.get("/speakers/").content.decode().count('<picture class="avatar">') == 6


def test_make_photo_variants_writes_those_of_photos_stored_before(capsys):
    speaker = _with_photo(SpeakerFactory())
    name = photos.variant_name(speaker.photo.name, 128, "jpg")
    default_storage.delete(name)

    call_command("make_photo_variants")

    assert default_storage.exists(name)
    assert capsys.readouterr().out == "1 photos, 6 variants written.\n"
