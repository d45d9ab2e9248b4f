"""Every page of the portal, in one table, and the data that fills them.

The quality checks walk this table: query counts (tests/test_query_counts.py), security
headers and hostile input (tests/test_security.py), and in a real browser accessibility,
keyboard use and page weight (tests/e2e/). A new page is one line in PAGES; if it needs data
that build_site does not make yet, add it there too, with `n` items behind every list.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from a4ep_portal.workflow import State
from dialogues.models import Dialogue, DialogueSpeaker, Registration, Series, Session, Speaker
from members.models import Organisation
from papers.models import Paper, PaperVersion, Recording, RecordingVersion
from tests.factories import UserFactory

MEMBER_EMAIL = "member@example.org"


@dataclass(frozen=True)
class Page:
    """A page and the exact number of queries it costs a visitor and a member (None: that
    viewer cannot see it; a visitor is sent to log in). `html` is False for calendars, feeds,
    citation files, the JSON API and the sitemap, which the browser checks leave out. `framed`
    marks the page made for partners' iframes: other sites may frame it, and it has no site
    header, skip link or footer."""

    path: str
    visitor: int | None
    member: int | None
    html: bool = True
    framed: bool = False

    @property
    def viewers(self) -> list[str]:
        return [who for who in ("visitor", "member") if getattr(self, who) is not None]


# A member costs two queries more than a visitor: the user and the member profile (for the
# time zone); the session comes from the cache (cached_db, as with Redis: see
# tests/test_query_counts.py). Pages that look up the member's own data cost more.
PAGES = [
    # The home page and the dialogue list are kept whole: each request first reads which cards
    # are full and when the next dialogue ends (dialogues.cards.card_states), and once the
    # page is kept that is all it runs (tests/test_fragments.py). Building it costs the
    # dialogues and series, and one query for the cards' co-hosts (none once they are kept).
    Page("/", visitor=5, member=7),
    Page("/about/", visitor=1, member=3),
    Page("/privacy/", visitor=0, member=2),
    Page("/contact/", visitor=0, member=2),
    Page("/calendar/", visitor=0, member=2),
    # The years of the filter (kept under the content generation), the upcoming dialogues,
    # the count and the page of past ones.
    Page("/dialogues/", visitor=6, member=8),
    # Two more for the dialogue's published papers and recordings; a member's page also
    # looks up their own registration (which also says whether they may see registrant-only
    # papers, and whether any questions are approved: the approved questions are fetched only
    # then) and their breakout group. These are the counts when
    # the page's shared parts are not cached yet; once they are, the co-hosts, agenda,
    # speakers, papers and recordings are not fetched (tests/test_fragments.py).
    Page("/dialogues/dialogue-000/", visitor=7, member=11),
    # A provisional dialogue: a member's page looks up whether they asked to be told the date
    # instead of the questions and breakout group of a registrant; a visitor asks on a page of
    # its own.
    Page("/dialogues/provisional-dialogue/", visitor=7, member=11),
    Page("/dialogues/provisional-dialogue/tell-me/by-mail/", visitor=1, member=None),
    Page("/dialogues/calendar.ics", visitor=1, member=3, html=False),
    Page("/dialogues/dialogue-000/calendar.ics", visitor=1, member=3, html=False),
    Page("/speakers/", visitor=2, member=4),
    Page("/speakers/speaker-000/", visitor=2, member=4),
    Page("/papers/", visitor=6, member=8),
    Page("/papers/paper-000/", visitor=5, member=7),
    Page("/papers/paper-000/versions/1/", visitor=4, member=6),
    Page("/papers/feed/", visitor=4, member=5, html=False),
    # One more for the languages that have a podcast.
    Page("/recordings/", visitor=5, member=7),
    Page("/recordings/recording-000/", visitor=1, member=3),
    Page("/recordings/feed/", visitor=1, member=3, html=False),
    # The languages that have a podcast, then the episodes.
    Page("/recordings/podcast/en/", visitor=2, member=4, html=False),
    Page("/papers/paper-000/cite.bib", visitor=3, member=5, html=False),
    # The JSON API: a count and a page of each list, and the prefetched parts (a dialogue's
    # co-hosts, speakers, papers, recordings; papers' authors on /api/v1/papers/ only). The
    # visitor's walk fills the API cache (tests/test_query_counts.py turns it on); the
    # member's is served from it.
    Page("/api/v1/", visitor=0, member=2, html=False),
    Page("/api/v1/series/", visitor=2, member=2, html=False),
    Page("/api/v1/dialogues/", visitor=6, member=2, html=False),
    Page("/api/v1/dialogues/dialogue-000/", visitor=5, member=2, html=False),
    Page("/api/v1/speakers/", visitor=2, member=2, html=False),
    Page("/api/v1/papers/", visitor=4, member=2, html=False),
    Page("/api/v1/recordings/", visitor=2, member=2, html=False),
    Page("/embed/dialogues/", visitor=1, member=3, framed=True),
    # One query per list of items: each is read once and listed in every language.
    Page("/sitemap.xml", visitor=3, member=5, html=False),
    Page("/time-zone/", visitor=0, member=2),
    Page("/accounts/login/", visitor=0, member=None),
    # The organisations a newcomer may pick from.
    Page("/accounts/signup/", visitor=1, member=None),
    Page("/accounts/password/reset/", visitor=0, member=None),
    # A past dialogue also shows its localisation figures: three aggregate queries the first
    # time (the visitor, walked first), then from the cache (the member, and /about/figures/).
    # The query-count walk keeps the cache in memory, so these are the same on every setup.
    # One more for its offline pack. The member's registration comes with the dialogue it is
    # of (whether they may give feedback), and no approved questions to fetch.
    Page("/dialogues/past-000/", visitor=11, member=11),
    Page("/about/figures/", visitor=0, member=2),
    Page("/topics/", visitor=1, member=3),
    # Member pages.
    Page("/me/", visitor=None, member=3),
    Page("/me/preferences/", visitor=None, member=2),
    Page("/me/delete/", visitor=None, member=2),
    # Profile, deliveries, registrations, questions, votes, topics, feedback.
    # The download includes the member's entries of the audit log and whom each registration
    # shares details with: one query each.
    Page("/me/data/", visitor=None, member=12, html=False),
    # One more since co-hosts: whom each registration shares details with.
    Page("/me/dialogues/", visitor=None, member=4),
    # One more for the seats left and people waiting (the button says "join the waiting list").
    Page("/dialogues/open-dialogue/register/", visitor=None, member=7),
    Page("/me/dialogues/dialogue-000/cancel/", visitor=None, member=3),
    Page("/me/dialogues/dialogue-000/calendar.ics", visitor=None, member=3, html=False),
    # The registration with its dialogue and series, then the co-hosts.
    Page("/me/dialogues/past-000/certificate.pdf", visitor=None, member=4, html=False),
    Page("/accounts/email/", visitor=None, member=4),
    Page("/accounts/password/change/", visitor=None, member=2),
]

HTML_PAGES = [page for page in PAGES if page.html]
PUBLIC_HTML_PAGES = [page for page in HTML_PAGES if page.visitor is not None]


def build_site(n: int):
    """`n` items behind every list: n upcoming and n past dialogues (each with two co-hosts,
    a three-item agenda and four speakers; speaker 000 speaks in all of them), n speakers,
    n published papers and recordings, and a member registered for the n upcoming dialogues
    and attended the n past ones. Besides: a draft and a cancelled dialogue, and
    "open-dialogue", open for registration. Returns the member's user."""
    now = timezone.now().replace(microsecond=0)
    series = Series.objects.bulk_create(
        [
            Series(title="Localisation Dialogue Series", slug="localisation-dialogue-series"),
            Series(title="Local Actors Matter", slug="local-actors-matter", description="**Yes**"),
        ]
    )
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"Organisation {i:03}",
            kind=Organisation.Kind.LOCAL_NGO,
            country="BD",
            website=f"https://org{i}.example/" if i % 2 else "",
        )
        for i in range(n + 2)
    )
    speakers = Speaker.objects.bulk_create(
        Speaker(
            name=f"Speaker {i:03}",
            slug=f"speaker-{i:03}",
            title="Director",
            organisation=organisations[i],
            country="NE",
            bio="Works with local organisations.",
        )
        for i in range(n)
    )

    def dialogue(number, slug, days, status, **extra):
        starts_at = now + timedelta(days=days)
        return Dialogue(
            series=series[number % 2],
            number=number,
            title=f"Dialogue title {slug}",
            slug=slug,
            question="Who is making the decisions?",
            description="A **90-minute** dialogue.",
            starts_at=starts_at,
            duration_minutes=90,
            ends_at=starts_at + timedelta(minutes=90),
            venue="Zoom",
            join_url="https://zoom.us/j/1?pwd=secret",
            audience="Local and national actors",
            status=status,
            **extra,
        )

    announced, held = Dialogue.Status.ANNOUNCED, Dialogue.Status.HELD
    upcoming = [dialogue(i + 1, f"dialogue-{i:03}", 7 + i, announced) for i in range(n)]
    past = [dialogue(n + i + 1, f"past-{i:03}", -7 - i, held) for i in range(n)]
    extra = [
        dialogue(
            2 * n + 1,
            "open-dialogue",
            30,
            announced,
            capacity=50,
            interpretation_languages=["fr", "es", "ar"],
        ),
        dialogue(2 * n + 2, "draft-dialogue", 40, Dialogue.Status.DRAFT),
        dialogue(2 * n + 3, "cancelled-dialogue", 50, Dialogue.Status.CANCELLED),
        # Announced with its month only: "details to follow", no calendar or registration.
        dialogue(2 * n + 4, "provisional-dialogue", 60, announced, date_precision="month"),
    ]
    dialogues = Dialogue.objects.bulk_create(upcoming + past + extra)
    CoHost = Dialogue.co_hosts.through
    CoHost.objects.bulk_create(
        CoHost(dialogue=d, organisation=organisations[(i + k) % len(organisations)])
        for i, d in enumerate(dialogues)
        for k in (1, 2)
    )
    agenda = [(Session.Kind.OPENING, 10), (Session.Kind.PANEL, 35), (Session.Kind.QA, 45)]
    sessions = Session.objects.bulk_create(
        Session(dialogue=d, kind=kind, title=f"Item {order}", order=order, duration_minutes=m)
        for d in dialogues
        for order, (kind, m) in enumerate(agenda, start=1)
    )
    roles = [
        DialogueSpeaker.Role.MODERATOR,
        DialogueSpeaker.Role.PANELLIST,
        DialogueSpeaker.Role.RESPONDENT,
    ]
    DialogueSpeaker.objects.bulk_create(
        [
            DialogueSpeaker(
                dialogue=d,
                speaker=speakers[(i + k + 1) % n],
                role=roles[k],
                session=sessions[3 * i + k],
                order=k,
            )
            for i, d in enumerate(dialogues)
            for k in range(3)
        ]
        + [
            DialogueSpeaker(
                dialogue=d, speaker=speakers[0], role=DialogueSpeaker.Role.FACILITATOR, order=9
            )
            for d in dialogues
        ]
    )
    _publish_papers(n, dialogues[0], now)
    _publish_recordings(past, now)

    user = UserFactory(email=MEMBER_EMAIL, first_name="Mariam", time_zone="Asia/Karachi")
    Registration.objects.bulk_create(
        [
            Registration(
                dialogue=d,
                member=user.member,
                status=Registration.Status.CONFIRMED,
                organisation_name="Coast Trust",
                confirmed_at=now,
            )
            for d in upcoming
        ]
        + [
            Registration(
                dialogue=d,
                member=user.member,
                status=Registration.Status.CONFIRMED,
                organisation_name="Coast Trust",
                confirmed_at=now - timedelta(days=30),
                attended=True,
            )
            for d in past
        ]
    )
    return user


def _publish_papers(n: int, first_dialogue: Dialogue, now) -> None:
    """n live papers; paper 000 belongs to the first dialogue and is at version 2."""
    papers = Paper.objects.bulk_create(
        Paper(
            title=f"Who is accountable to whom? Paper {i:03}",
            slug=f"paper-{i:03}",
            kind=Paper.Kind.DISCUSSION,
            abstract="What local actors told us about accountability.",
            body="# Findings\n\nLocal actors are accountable to their communities first.",
            language="en",
            dialogue=first_dialogue if i == 0 else None,
            state=State.PUBLISHED,
            first_published_at=now - timedelta(days=i),
        )
        for i in range(n)
    )
    fields = ["title", "abstract", "body", "language", "audience"]
    versions = PaperVersion.objects.bulk_create(
        [PaperVersion(paper=p, number=1, published_at=now, **_copy(p, fields)) for p in papers]
        + [PaperVersion(paper=papers[0], number=2, published_at=now, title=papers[0].title)]
    )
    live = {v.paper_id: v for v in versions}  # the last version of each paper
    for paper in papers:
        paper.live_version = live[paper.pk]
    Paper.objects.bulk_update(papers, ["live_version"])


def _publish_recordings(dialogues: list[Dialogue], now) -> None:
    recordings = Recording.objects.bulk_create(
        Recording(
            dialogue=d,
            title=f"Recording {i:03}",
            slug=f"recording-{i:03}",
            video_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            audio=f"private/audio/recording-{i:03}.mp3",
            audio_size=43_200_000,
            audio_type="audio/mpeg",
            transcript="**Moderator:** Welcome to the dialogue on accountability.",
            duration=timedelta(minutes=90),
            language="en",
            state=State.PUBLISHED,
            first_published_at=now,
        )
        for i, d in enumerate(dialogues)
    )
    fields = ["title", "video_url", "audio", "audio_size", "audio_type", "transcript"]
    fields += ["duration", "language", "audience"]
    versions = RecordingVersion.objects.bulk_create(
        RecordingVersion(recording=r, number=1, published_at=now, **_copy(r, fields))
        for r in recordings
    )
    for recording, version in zip(recordings, versions, strict=True):
        recording.live_version = version
    Recording.objects.bulk_update(recordings, ["live_version"])


def _copy(item, fields: list[str]) -> dict:
    return {field: getattr(item, field) for field in fields}
