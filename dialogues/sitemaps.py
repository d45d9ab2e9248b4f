from django.urls import reverse

from a4ep_portal.sitemaps import MultilingualSitemap

from .models import Dialogue


class DialogueSitemap(MultilingualSitemap):
    def items(self):
        return Dialogue.objects.public().order_by("starts_at", "pk")

    def lastmod(self, dialogue: Dialogue):
        return dialogue.updated_at


class PageSitemap(MultilingualSitemap):
    def items(self) -> list[str]:
        return ["home", "dialogues:list", "dialogues:speakers", "about"]

    def location(self, name: str) -> str:
        return reverse(name)
