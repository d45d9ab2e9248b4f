"""The items of the papers and recordings lists, each rendered once per item, language and time
zone and kept in the cache, as dialogues/cards.py does for dialogue cards.

A page of the list (or of a search) reads its items with the columns they show (not the
bodies, transcripts or working copies each row also carries), asks the cache for all their
HTML at once and renders only the missing ones, fetching the authors of those alone. An item's
markup is papers/includes/paper_item.html or recording_item.html, rendered with the item as
its only variable (no request, no viewer): the lists show public items only, the same for
everyone. What an item's template reads must be in its FIELDS (a field left out costs a query
per item, which the exact query counts in tests/pages.py catch).

Keys: the content generation (bumped by every change of a paper, recording, dialogue, speaker
or organisation: a4ep_portal/fragments.py), the item's id, its change time and its live
version (a new version is published without touching the change time), the language and the
time zone.
"""

from django.db.models import prefetch_related_objects
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

from a4ep_portal import fragments

# What an item shows, for QuerySet.only() (django-modeltranslation adds every language's
# column of the translated ones), and what the lists order by.
ITEM_FIELDS = ("id", "slug", "dialogue_id", "live_version_id", "updated_at", "first_published_at")
DIALOGUE_FIELDS = ("dialogue__id", "dialogue__number", "dialogue__title", "dialogue__starts_at")
PAPER_FIELDS = (
    *ITEM_FIELDS,
    *DIALOGUE_FIELDS,
    "kind",
    "live_version__id",
    "live_version__title",
    "live_version__abstract",
    "live_version__language",
    "live_version__publication_date",
    "live_version__published_at",
)
RECORDING_FIELDS = (
    *ITEM_FIELDS,
    *DIALOGUE_FIELDS,
    "live_version__id",
    "live_version__title",
    "live_version__language",
    "live_version__duration",
    "live_version__video_url",
    "live_version__audio",
    "live_version__transcript",
)


class ItemKind:
    def __init__(self, name: str, template: str, variable: str, fields, prefetch=()) -> None:
        self.name, self.template, self.variable = name, template, variable
        self.fields, self.prefetch = fields, prefetch

    def listed(self, items):
        """The list's query with the columns its items show (and no others)."""
        return items.select_related("live_version", "dialogue").only(*self.fields)

    def render(self, item) -> SafeString:
        html = get_template(self.template).render({self.variable: item})
        return mark_safe(html)  # noqa: S308 (rendered by the template)

    def key(self, generation: int, item) -> str:
        return fragments.fragment_key(
            generation, self.name, item.pk, item.updated_at, item.live_version_id
        )

    def html(self, items) -> list[SafeString]:
        """Each item's HTML, in order: from the cache where it has them, else rendered (and
        kept) with the missing items' authors fetched for those alone."""
        items = list(items)
        if not items:
            return []
        generation = fragments.content_generation()
        keys = {} if generation is None else {item.pk: self.key(generation, item) for item in items}
        found = fragments.get_many(keys.values())
        missing = [item for item in items if keys.get(item.pk) not in found]
        if missing and self.prefetch:
            prefetch_related_objects([item.live_version for item in missing], *self.prefetch)
        fresh, rendered = {}, {}
        for item in missing:
            rendered[item.pk] = self.render(item)
            if item.pk in keys:
                fresh[keys[item.pk]] = str(rendered[item.pk])
        fragments.set_many(fresh)
        return [
            rendered[item.pk] if item.pk in rendered else mark_safe(found[keys[item.pk]])  # noqa: S308
            for item in items
        ]


PAPER_ITEMS = ItemKind(
    "paper-item",
    "papers/includes/paper_item.html",
    "paper",
    PAPER_FIELDS,
    prefetch=("speakers", "organisations"),
)
RECORDING_ITEMS = ItemKind(
    "recording-item", "papers/includes/recording_item.html", "recording", RECORDING_FIELDS
)
