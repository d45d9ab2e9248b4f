"""Localisation figures: hand-computed shares on a seeded pair of dialogues, the cache and its
invalidation, and the pages (counts only, never people)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from dialogues.figures import dialogue_report, series_report
from dialogues.models import Registration
from dialogues.regions import COUNTRY_REGIONS, region_of
from dialogues.services import mark_attendance
from members.models import Organisation
from tests.factories import (
    DialogueFactory,
    DialogueSpeakerFactory,
    EditorFactory,
    RegistrationFactory,
    SpeakerFactory,
    UserFactory,
)
from tests.html import main_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("locmem_cache")]


def org(name, kind, country=""):
    return Organisation.objects.create(name=name, kind=kind, country=country)


def attendee(dialogue, organisation=None, country="", attended=True, **extra):
    user = UserFactory(first_name="Secret", last_name="Person")
    user.member.organisation, user.member.country = organisation, country
    user.member.save()
    return RegistrationFactory(dialogue=dialogue, member=user.member, attended=attended, **extra)


@pytest.fixture
def seeded():
    """Dialogue A: five speakers, four attendees (and two who do not count); dialogue B: one
    speaker and one attendee; an upcoming and a cancelled dialogue that never count."""
    now = timezone.now()
    a = DialogueFactory(
        slug="a", title="Dialogue A", status="held", starts_at=now - timedelta(days=9)
    )
    b = DialogueFactory(
        slug="b", title="Dialogue B", status="held", starts_at=now - timedelta(days=2)
    )
    upcoming = DialogueFactory(slug="upcoming")
    cancelled = DialogueFactory(
        slug="cancelled", status="cancelled", starts_at=now - timedelta(days=5)
    )
    sahel = SpeakerFactory(name="Sahel", organisation=org("Sahel NGO", "local_ngo", "NE"))
    speakers = [
        sahel,
        SpeakerFactory(organisation=org("Coast", "national_ngo", "BD")),
        SpeakerFactory(organisation=org("Big INGO", "ingo", "GB")),
        SpeakerFactory(organisation=org("Pacific Network", "network"), country="FJ"),
        SpeakerFactory(organisation=None, country="PE"),
    ]
    for speaker in speakers:
        DialogueSpeakerFactory(dialogue=a, speaker=speaker)
    DialogueSpeakerFactory(dialogue=a, speaker=sahel, role="moderator")  # still one speaker
    andes = org("Andes", "local_ngo", "PE")
    attendee(a, andes)
    attendee(a, andes)
    attendee(a, org("Donor", "donor", "US"))
    attendee(a)
    attendee(a, andes, attended=False)
    attendee(a, andes, status="cancelled")
    DialogueSpeakerFactory(dialogue=b, speaker=sahel)
    attendee(b, andes)
    for other in (upcoming, cancelled):
        DialogueSpeakerFactory(dialogue=other, speaker=speakers[2])
        attendee(other, org(f"INGO {other.slug}", "ingo", "US"))
    return a, b


def shares(table) -> dict:
    return {
        "total": table.total,
        "categories": {s.key: (s.count, s.percent) for s in table.categories},
        "regions": {s.key: (s.count, s.percent) for s in table.regions},
        "global_south": (table.global_south.count, table.global_south.percent),
    }


def test_region_mapping_covers_every_country_but_antarctica():
    from django_countries import countries

    assert sorted(c.code for c in countries if c.code not in COUNTRY_REGIONS) == ["AQ"]
    assert [region_of(c) for c in ("NE", "BD", "PE", "FJ", "AU", "GB", "US", "")] == [
        "africa", "asia", "latin_america", "oceania", "global_north", "global_north",
        "global_north", "unknown",
    ]  # fmt: skip


def test_dialogue_figures_match_hand_computed_values(seeded):
    a, _b = seeded
    report = dialogue_report(a)
    assert shares(report.speakers) == {
        "total": 5,
        "categories": {
            "local": (2, 40), "international": (1, 20), "other": (1, 20), "unknown": (1, 20),
        },
        "regions": {
            "africa": (1, 20), "asia": (1, 20), "latin_america": (1, 20), "oceania": (1, 20),
            "global_north": (1, 20), "unknown": (0, 0),
        },
        "global_south": (4, 80),
    }  # fmt: skip
    assert shares(report.attendees) == {
        "total": 4,
        "categories": {
            "local": (2, 50), "international": (1, 25), "other": (0, 0), "unknown": (1, 25),
        },
        "regions": {
            "africa": (0, 0), "asia": (0, 0), "latin_america": (2, 50), "oceania": (0, 0),
            "global_north": (1, 25), "unknown": (1, 25),
        },
        "global_south": (2, 50),
    }  # fmt: skip


def test_series_figures_sum_the_dialogues_held(seeded):
    overall, dialogues = series_report()
    assert [d["slug"] for d, _report in dialogues] == ["a", "b"]
    assert shares(overall.speakers)["categories"] == {
        "local": (3, 50), "international": (1, 17), "other": (1, 17), "unknown": (1, 17),
    }  # fmt: skip
    assert shares(overall.attendees)["categories"] == {
        "local": (3, 60), "international": (1, 20), "other": (0, 0), "unknown": (1, 20),
    }  # fmt: skip
    assert shares(overall.attendees)["global_south"] == (3, 60)


def test_figures_are_cached_and_forgotten_when_inputs_change(seeded, django_assert_num_queries):
    a, _b = seeded
    assert dialogue_report(a).attendees.total == 4
    with django_assert_num_queries(0):
        assert dialogue_report(a).attendees.total == 4
    absent = Registration.objects.get(dialogue=a, attended=False)
    mark_attendance([absent], attended=True, actor=EditorFactory())
    assert dialogue_report(a).attendees.total == 5
    donor = Organisation.objects.get(name="Donor")
    donor.kind = "local_ngo"
    donor.save()
    assert shares(dialogue_report(a).attendees)["categories"]["local"] == (4, 80)
    DialogueSpeakerFactory(dialogue=a, speaker=SpeakerFactory(organisation=donor))
    assert dialogue_report(a).speakers.total == 6


def test_a_dialogues_figures_are_read_without_the_whole_archives(seeded, monkeypatch):
    from django.core.cache import cache

    from dialogues import figures

    a, b = seeded
    dialogue_report(a)
    read = []

    class Recording:
        def __getattr__(self, name):
            return getattr(cache, name)

        def get(self, key, *args):
            read.append(key)
            return cache.get(key, *args)

    monkeypatch.setattr(figures, "cache", Recording())
    assert dialogue_report(b).attendees.total == 1
    stamp = cache.get(figures.STAMP_KEY)
    assert read == [figures.STAMP_KEY, f"{figures.CACHE_KEY}:{stamp}:{b.pk}"]


def test_upcoming_and_cancelled_dialogues_have_no_figures():
    assert dialogue_report(DialogueFactory()) is None
    cancelled = DialogueFactory(status="cancelled", starts_at=timezone.now() - timedelta(days=1))
    assert dialogue_report(cancelled) is None


@pytest.mark.parametrize("who", ["visitor", "member", "registrant", "staff"])
def test_figures_pages_show_counts_and_never_people(seeded, who):
    a, _b = seeded
    client = Client()
    if who != "visitor":
        user = EditorFactory() if who == "staff" else UserFactory()
        if who == "registrant":
            RegistrationFactory(dialogue=a, member=user.member)
        client.force_login(user)
    page = main_text(client.get("/about/figures/").content)
    assert "Across the series 6 speakers and 5 attendees counted." in page
    assert "Local and national organisations 3 (50%) 3 (60%)" in page
    detail = main_text(client.get("/dialogues/a/").content)
    assert "Who got to speak 5 speakers and 4 attendees counted." in detail
    assert "From the Global South: 80% of speakers, 50% of attendees." in detail
    assert "Secret" not in page + detail
    assert "Who got to speak" not in main_text(client.get("/dialogues/upcoming/").content)


def test_figures_page_query_count_stays_fixed_and_is_zero_once_cached(
    seeded, client, django_assert_num_queries
):
    with django_assert_num_queries(3):  # dialogues, speakers, attendees
        client.get("/about/figures/")
    with django_assert_num_queries(0):
        client.get("/about/figures/")
