"""Dialogue cards, rendered once per dialogue, language and time zone and kept in the cache.

A page of cards (the home page, the dialogue list) asks for all its cards with one cache read
and renders only those missing, fetching the co-hosts of those alone. The markup is
templates/includes/dialogue_card.html, rendered with `dialogue` and its co-hosts' names
`hosts` as its only variables (no request, no viewer): whatever a card shows must be the same
for every viewer (its badge, which changes without an edit, is part of its key), and what it
reads of the dialogue must be in CARD_FIELDS (a field left out costs a query per card, which
the exact query counts in tests/pages.py catch). Keys and invalidation: a4ep_portal/fragments.py.
"""

from collections import defaultdict
from datetime import datetime
from typing import NamedTuple

from django.db import connection
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


class CardStates(NamedTuple):
    """What a page of cards shows that changes without a content edit (which bumps the content
    generation): which cards say "Full", and when the clock next moves a dialogue from upcoming
    to past (its badge to "Held", the home page's next dialogue). A page kept whole
    (a4ep_portal.fragments.PageParts) has these in its key; they are read with one small query
    on every request rather than bumped by each path that takes or frees a seat (registering,
    the waiting list, cancelling, admin), so none of them can be missed."""

    # The earliest end still to come of a public dialogue, as the database gives it (a
    # datetime, or SQLite's text): it is only compared, as part of the key.
    next_end: object
    full: tuple[int, ...]  # the public dialogues not over whose confirmed seats fill them

    def key(self) -> tuple:
        return (str(self.next_end), self.full)

    def agree_with(self, dialogues, now: datetime) -> bool:
        """Whether these cards' badges read "Full" exactly for the dialogues this says are
        full: a seat taken or freed between this query and the cards' own makes a page that
        must not be kept under this key."""
        full = set(self.full)
        for dialogue in dialogues:
            if dialogue.ends_at > now and dialogue.status != dialogue.Status.CANCELLED:
                badge = dialogue.card_badge()[0]
                if badge in ("full", "upcoming") and (badge == "full") != (dialogue.pk in full):
                    return False
        return True


def card_states(now: datetime) -> CardStates:
    """The CardStates at `now`, in one query: a row with the next end, and one for each full
    dialogue still to come. Full as a card says (Dialogue.card_badge): at least one confirmed
    seat, and no fewer than its capacity.

    Written in SQL (PostgreSQL's and SQLite's alike): the ORM spent more CPU building this
    query (about 5 ms, the translated model's manager included) than the database running
    it, and it runs on every request of the pages it keys."""
    from .models import Dialogue, Registration

    dialogues, registrations = Dialogue._meta.db_table, Registration._meta.db_table
    public = Dialogue.Status.DRAFT
    when = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT NULL, min(ends_at) FROM {dialogues} WHERE status <> %s AND ends_at > %s"  # noqa: S608 (table names)
            f" UNION ALL SELECT d.id, NULL FROM {dialogues} d"
            " WHERE d.status <> %s AND d.ends_at > %s AND d.capacity IS NOT NULL"
            f" AND (SELECT count(*) FROM {registrations} r"
            "  WHERE r.dialogue_id = d.id AND r.status = %s)"
            " >= CASE WHEN d.capacity > 0 THEN d.capacity ELSE 1 END",
            [public, when, public, when, Registration.Status.CONFIRMED],
        )
        rows = cursor.fetchall()
    next_end = next(end for pk, end in rows if pk is None)
    return CardStates(next_end, tuple(sorted(pk for pk, _end in rows if pk is not None)))


def _key(generation: int, dialogue) -> str:
    # The badge moves without an edit (the last seat taken, the dialogue over, a recording
    # published): its state, read from the list's own query, is part of the key.
    badge = dialogue.card_badge()[0]
    return fragments.fragment_key(generation, "card", dialogue.pk, dialogue.updated_at, badge)


def render_card(dialogue, hosts: list[str] | None = None) -> SafeString:
    """The card, with the names of its co-hosts (fetched here when not given)."""
    if hosts is None:
        hosts = [host.name for host in dialogue.co_hosts.all()]
    context = {"dialogue": dialogue, "hosts": hosts}
    return mark_safe(get_template(CARD_TEMPLATE).render(context))  # noqa: S308


def _host_names(dialogues) -> dict[int, list[str]]:
    """{dialogue id: its co-hosts' names, in their order} in one query of the names alone:
    prefetching the co-hosts cost a related manager and a model per dialogue and host, more
    than the rest of building the cards' page."""
    from .models import Dialogue

    names = defaultdict(list)
    links = (
        Dialogue.co_hosts.through.objects.filter(dialogue__in=[d.pk for d in dialogues])
        .order_by("organisation__name", "organisation_id")
        .values_list("dialogue_id", "organisation__name")
    )
    for dialogue_id, name in links:
        names[dialogue_id].append(name)
    return names


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
        hosts = _host_names(missing)
        fresh = {}
        for dialogue in missing:
            cards[dialogue.pk] = render_card(dialogue, hosts[dialogue.pk])
            if dialogue.pk in keys:
                fresh[keys[dialogue.pk]] = str(cards[dialogue.pk])
        fragments.set_many(fresh)
    return cards
