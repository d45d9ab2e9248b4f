"""Localisation figures for the "Local Actors Matter" campaign: who gets to speak and who
attends, by kind of organisation and by region (see regions.py for how they are counted).

- Speakers are the speakers of a dialogue (DialogueSpeaker rows), each counted once per
  dialogue whatever number of roles they hold in it.
- Attendees are confirmed registrations marked as attended.
- The organisation decides the kind; its country decides the region, or the person's own
  country when the organisation gives none (networks often have none).

Only counts are computed, with aggregate queries (three for the whole series), and the result
is cached in Django's cache (Redis when configured, so every web node shares it) under one
key, and each dialogue's own tallies under a key of their own, so that a dialogue's page reads
its few counts, not the whole archive's (with 1,000 dialogues, unpickling those cost each page
about 3 ms). Any change to the inputs forgets it (signals.py, and mark_attendance for its bulk
update); a timeout bounds staleness should a change slip past both. No personal data is cached
or shown.
"""

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db.models import CharField, Count, F, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from .models import Dialogue, DialogueSpeaker, Registration
from .regions import (
    CATEGORY_LABELS,
    GLOBAL_SOUTH,
    REGION_LABELS,
    UNKNOWN,
    category_of,
    region_of,
)

CACHE_KEY = "dialogues:localisation-figures:v1"
CACHE_TIMEOUT = 60 * 60


# The computation the per-dialogue keys belong to: forgetting drops it with the figures, and
# keys of an earlier computation are never read again (they expire).
STAMP_KEY = f"{CACHE_KEY}:stamp"


def forget_figures() -> None:
    """Drop the cached figures; the next page that shows them computes them afresh."""
    cache.delete_many([CACHE_KEY, STAMP_KEY])


def _dialogue_key(stamp: str, pk: int) -> str:
    return f"{CACHE_KEY}:{stamp}:{pk}"


def _country(organisation_path: str, person_path: str):
    return Coalesce(
        NullIf(F(f"{organisation_path}__country"), Value("")),
        NullIf(F(f"{person_path}__country"), Value("")),
        Value(""),
        output_field=CharField(),
    )


def _tallies(rows) -> dict[int, dict[str, Counter]]:
    by_dialogue: dict[int, dict[str, Counter]] = {}
    for row in rows:
        tally = by_dialogue.setdefault(
            row["dialogue_id"], {"categories": Counter(), "regions": Counter()}
        )
        tally["categories"][category_of(row["kind"])] += row["n"]
        tally["regions"][region_of(row["country"])] += row["n"]
    return by_dialogue


def _compute() -> dict:
    dialogues = list(
        Dialogue.objects.public()
        .exclude(status=Dialogue.Status.CANCELLED)
        .order_by("starts_at", "pk")
        .values("pk", "number", "title", "slug", "starts_at", "ends_at")
    )
    ids = [d["pk"] for d in dialogues]
    speakers = (
        DialogueSpeaker.objects.filter(dialogue_id__in=ids)
        .annotate(
            kind=F("speaker__organisation__kind"),
            country=_country("speaker__organisation", "speaker"),
        )
        .values("dialogue_id", "kind", "country")
        .annotate(n=Count("speaker_id", distinct=True))
        .order_by()
    )
    attendees = (
        Registration.objects.filter(dialogue_id__in=ids, attended=True)
        .confirmed()
        .annotate(
            kind=F("member__organisation__kind"),
            country=_country("member__organisation", "member"),
        )
        .values("dialogue_id", "kind", "country")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {
        "dialogues": dialogues,
        "speakers": _tallies(speakers),
        "attendees": _tallies(attendees),
    }


def _cached() -> dict:
    data = cache.get(CACHE_KEY)
    if data is None:
        data = _compute()
        stamp = uuid.uuid4().hex
        pairs = {
            _dialogue_key(stamp, d["pk"]): (
                data["speakers"].get(d["pk"]),
                data["attendees"].get(d["pk"]),
            )
            for d in data["dialogues"]
        }
        cache.set_many({**pairs, CACHE_KEY: data, STAMP_KEY: stamp}, CACHE_TIMEOUT)
    return data


def _cached_pair(pk: int) -> tuple[dict | None, dict | None]:
    """One dialogue's (speakers, attendees) tallies: two small reads when cached."""
    stamp = cache.get(STAMP_KEY)
    pair = cache.get(_dialogue_key(stamp, pk)) if stamp else None
    if pair is None:
        data = _cached()
        pair = (data["speakers"].get(pk), data["attendees"].get(pk))
    return pair


@dataclass(frozen=True)
class Share:
    key: str
    label: str
    count: int
    percent: int


@dataclass(frozen=True)
class Table:
    """Counts of one group of people (speakers or attendees) by kind and by region."""

    total: int
    categories: list[Share]
    regions: list[Share]
    global_south: Share

    @classmethod
    def of(cls, categories: Counter, regions: Counter) -> "Table":
        total = sum(categories.values())

        def share(key, label, count) -> Share:
            return Share(key, str(label), count, round(100 * count / total) if total else 0)

        south = sum(regions[r] for r in GLOBAL_SOUTH)
        return cls(
            total=total,
            categories=[share(k, label, categories[k]) for k, label in CATEGORY_LABELS.items()],
            regions=[share(k, label, regions[k]) for k, label in REGION_LABELS.items()],
            global_south=share("global_south", "Global South", south),
        )


@dataclass(frozen=True)
class Report:
    speakers: Table
    attendees: Table

    @property
    def category_rows(self) -> list[tuple[Share, Share]]:
        return list(zip(self.speakers.categories, self.attendees.categories, strict=True))

    @property
    def region_rows(self) -> list[tuple[Share, Share]]:
        return list(zip(self.speakers.regions, self.attendees.regions, strict=True))


def _report(tallies: list[tuple[dict | None, dict | None]]) -> Report:
    parts = {}
    for index, name in enumerate(("speakers", "attendees")):
        categories, regions = Counter(), Counter()
        for pair in tallies:
            tally = pair[index]
            if tally:
                categories.update(tally["categories"])
                regions.update(tally["regions"])
        parts[name] = Table.of(categories, regions)
    return Report(**parts)


def dialogue_report(dialogue: Dialogue, now: datetime | None = None) -> Report | None:
    """The figures of one dialogue once it is over (None before, and for cancelled ones)."""
    if not dialogue.is_over(now) or dialogue.status in (
        Dialogue.Status.CANCELLED,
        Dialogue.Status.DRAFT,
    ):
        return None
    return _report([_cached_pair(dialogue.pk)])


def series_report(now: datetime | None = None) -> tuple[Report, list[tuple[dict, Report]]]:
    """The figures across every dialogue held so far, and each dialogue's own."""
    now = now or timezone.now()
    data = _cached()
    rows = []
    for dialogue in data["dialogues"]:
        if dialogue["ends_at"] > now:
            continue
        pair = (data["speakers"].get(dialogue["pk"]), data["attendees"].get(dialogue["pk"]))
        rows.append((dialogue, pair))
    overall = _report([pair for _dialogue, pair in rows])
    return overall, [(dialogue, _report([pair])) for dialogue, pair in rows]


__all__ = ["UNKNOWN", "Report", "Table", "dialogue_report", "forget_figures", "series_report"]
