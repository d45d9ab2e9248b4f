"""Dialogue cards, rendered once per dialogue, language and time zone and kept in the cache.

A page of cards (the home page, the dialogue list) asks for all its cards with one cache read
and renders only those missing, fetching the co-hosts of those alone. The markup is
templates/includes/dialogue_card.html, rendered with `dialogue` as its only variable (no
request, no viewer): whatever a card shows must be the same for every viewer (its badge, which
changes without an edit, is part of its key), and what it reads
of the dialogue must be in CARD_FIELDS (a field left out costs a query per card, which the
exact query counts in tests/pages.py catch). Keys and invalidation: a4ep_portal/fragments.py.
"""

from django.db.models import prefetch_related_objects
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

from a4ep_portal import fragments

CARD_TEMPLATE = "includes/dialogue_card.html"
# What a card shows (and what the pages order and group them by), for QuerySet.only();
# django-modeltranslation adds every language's column of the translated ones.
CARD_FIELDS = (
    "id",
    "series_id",
    "number",
    "slug",
    "title",
    "question",
    "starts_at",
    "ends_at",
    "format",
    "venue",
    "status",
    "capacity",
    "date_precision",
    "time_zone",
    "updated_at",
)


def _key(generation: int, dialogue) -> str:
    # The badge moves without an edit (the last seat taken, the dialogue over, a recording
    # published): its state, read from the list's own query, is part of the key.
    badge = dialogue.card_badge()[0]
    return fragments.fragment_key(generation, "card", dialogue.pk, dialogue.updated_at, badge)


def render_card(dialogue) -> SafeString:
    return mark_safe(get_template(CARD_TEMPLATE).render({"dialogue": dialogue}))  # noqa: S308


def card_html(dialogues) -> dict[int, SafeString]:
    """{dialogue id: its card's HTML} for these dialogues, from the cache where it has them."""
    dialogues = list({dialogue.pk: dialogue for dialogue in dialogues}.values())
    if not dialogues:
        return {}
    generation = fragments.content_generation()
    keys = {} if generation is None else {d.pk: _key(generation, d) for d in dialogues}
    found = fragments.get_many(keys.values())
    cards, missing = {}, []
    for dialogue in dialogues:
        html = found.get(keys.get(dialogue.pk))
        if html is None:
            missing.append(dialogue)
        else:
            cards[dialogue.pk] = mark_safe(html)  # noqa: S308 (rendered by the template)
    if missing:
        prefetch_related_objects(missing, "co_hosts")
        fresh = {}
        for dialogue in missing:
            cards[dialogue.pk] = render_card(dialogue)
            if dialogue.pk in keys:
                fresh[keys[dialogue.pk]] = str(cards[dialogue.pk])
        fragments.set_many(fresh)
    return cards
