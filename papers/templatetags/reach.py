"""Tags for what other sites and tools read of a page: link previews (Open Graph), schema.org
JSON-LD, citation tags, and the offline pack's link."""

from django import template
from django.conf import settings

from papers import citations, feeds, linked_data
from papers.derived import DerivedFile

register = template.Library()


@register.filter
def absolute(path: str) -> str:
    """The full address of a path on this site (SITE_URL), as previews and feeds need."""
    return linked_data.absolute(str(path))


@register.simple_tag
def preview_image(kind: str, slug: str) -> str:
    """The full address of a dialogue's or paper's preview image in the page's language."""
    return linked_data.preview_url(kind, slug)


@register.simple_tag
def dialogue_json_ld(dialogue, speakers):
    if not dialogue.is_public():
        return ""
    return linked_data.script(linked_data.dialogue_event(dialogue, speakers))


@register.simple_tag
def paper_json_ld(paper, version, authors):
    if version.audience != "public":
        return ""
    return linked_data.script(linked_data.paper_article(paper, version, authors))


@register.simple_tag
def recording_json_ld(recording, version):
    if version.audience != "public":
        return ""
    return linked_data.script(linked_data.recording_episode(recording, version))


@register.simple_tag
def citation_meta(paper, version, authors):
    if version.audience != "public":
        return ""
    return linked_data.citation_tags(paper, version, authors)


@register.inclusion_tag("papers/includes/offline_pack.html")
def offline_pack(dialogue) -> dict:
    """The held dialogue's offline pack, when it is built (one query, only for held ones)."""
    if dialogue.status != "held":
        return {"pack": None}
    pack = (
        DerivedFile.objects.filter(dialogue=dialogue, kind=DerivedFile.Kind.PACK)
        .exclude(file="")
        .only("size", "built_at")
        .first()
    )
    return {"pack": pack, "dialogue": dialogue, "site_url": settings.SITE_URL}


@register.simple_tag
def paper_reference(paper, version, authors) -> str:
    """The paper's formatted reference (author-date), to copy into a report."""
    return citations.reference(paper, version, authors)


@register.simple_tag
def podcast_languages() -> list[tuple[str, str]]:
    """The content languages with a podcast feed (one query)."""
    return feeds.podcast_languages()
