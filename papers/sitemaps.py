from django.urls import reverse

from a4ep_portal.sitemaps import MultilingualSitemap

from .models import Paper, Recording


class PaperSitemap(MultilingualSitemap):
    def items(self):
        return Paper.objects.public().select_related("live_version").order_by("pk")

    def lastmod(self, paper: Paper):
        return paper.live_version.published_at


class RecordingSitemap(MultilingualSitemap):
    def items(self):
        return Recording.objects.public().select_related("live_version").order_by("pk")

    def lastmod(self, recording: Recording):
        return recording.live_version.published_at


class ArchiveSitemap(MultilingualSitemap):
    def items(self) -> list[str]:
        return ["papers:list", "papers:recordings"]

    def location(self, name: str) -> str:
        return reverse(name)
