"""Speaker portraits: on upload, square crops in a few small sizes, each as WebP and JPEG.

Pages never ask the storage whether a variant exists: its name follows from the photo's
name, so a list of speakers costs no query and no storage call per speaker. Photos stored
before variants existed get theirs from `manage.py make_photo_variants`.
"""

import io
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps

# Square sides in pixels: 64 and 128 for lists (one and two device pixels per CSS pixel),
# 256 for the speaker's own page at two device pixels.
SIZES = (64, 128, 256)
FORMATS = {"webp": ("WEBP", {"quality": 72, "method": 6}), "jpg": ("JPEG", {"quality": 78})}


def variant_name(photo_name: str, size: int, extension: str) -> str:
    path = PurePosixPath(photo_name)
    return str(path.parent / "variants" / f"{path.stem}-{size}.{extension}")


def variant_url(photo_name: str, size: int, extension: str) -> str:
    return default_storage.url(variant_name(photo_name, size, extension))


def srcset(photo_name: str, extension: str, sizes=SIZES) -> str:
    return ", ".join(f"{variant_url(photo_name, size, extension)} {size}w" for size in sizes)


def make_variants(photo) -> list[str]:
    """Writes every size and format of the stored photo `photo` (a FieldFile) beside it and
    returns their names; an existing variant of the same name is replaced."""
    photo.open("rb")
    try:
        image = Image.open(photo)
        image = ImageOps.exif_transpose(image)
        image.load()
    finally:
        photo.close()
    image = image.convert("RGB")
    side = min(image.size)
    # Portraits keep the face, which sits in the upper part far more often than the lower.
    top = max(0, min((image.height - side) // 4, image.height - side))
    left = (image.width - side) // 2
    square = image.crop((left, top, left + side, top + side))
    written = []
    for size in SIZES:
        resized = square.resize((size, size), Image.Resampling.LANCZOS)
        for extension, (kind, options) in FORMATS.items():
            buffer = io.BytesIO()
            resized.save(buffer, kind, optimize=True, **options)
            name = variant_name(photo.name, size, extension)
            if default_storage.exists(name):
                default_storage.delete(name)
            written.append(default_storage.save(name, ContentFile(buffer.getvalue())))
    return written
