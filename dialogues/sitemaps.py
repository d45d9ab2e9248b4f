from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Dialogue


class DialogueSitemap(Sitemap):
    def items(self):
        return Dialogue.objects.public().order_by("starts_at", "pk")

    def lastmod(self, dialogue: Dialogue):
        return dialogue.updated_at


class PageSitemap(Sitemap):
    def items(self) -> list[str]:
        return ["home", "dialogues:list", "dialogues:speakers", "about"]

    def location(self, name: str) -> str:
        return reverse(name)
