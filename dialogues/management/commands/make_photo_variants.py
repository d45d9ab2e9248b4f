"""Writes the small WebP and JPEG variants of every speaker photo (dialogues.photos), for
photos stored before variants existed or after the sizes change. Safe to run again."""

from django.core.management.base import BaseCommand

from dialogues import photos
from dialogues.models import Speaker


class Command(BaseCommand):
    help = "Write the resized WebP and JPEG variants of every speaker photo."

    def handle(self, *args, **options):
        speakers = Speaker.objects.exclude(photo="")
        count = 0
        for speaker in speakers.iterator():
            photos.make_variants(speaker.photo)
            count += 1
        self.stdout.write(f"{count} photos, {count * len(photos.SIZES) * 2} variants written.")
