"""The demo data set: the Localisation Dialogue Series of 2020 from the source document, one
upcoming dialogue a few weeks ahead (so that registration can be tried), and three accounts.

Loading is idempotent: everything is looked up by its natural key first and only created when
missing, so a second run changes nothing (not even the upcoming dialogue's date).
"""

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from members.models import Member, Organisation, User

from .models import (
    BreakoutGroup,
    CoHostStaff,
    Dialogue,
    DialogueSpeaker,
    Question,
    Series,
    Session,
    Speaker,
    TopicProposal,
)

SERIES = {
    "slug": "localisation-dialogue-series",
    "title": "Localisation Dialogue Series",
    "campaign": "Local Actors Matter",
    "description": (
        "Creating alternative knowledge: localisation in practice. In these dialogues we hear "
        "from local actors and their partners about their experiences of localisation in "
        "practice, the inequities in the aid system, and the way forward.\n\n"
        "The series is brought to you by members of the Alliance for Empowering Partnership, "
        "supported by Community World Service Asia and KUNO (Platform for Humanitarian "
        "Knowledge Exchange), in collaboration with other international and local platforms."
    ),
}

ORGANISATIONS = [
    # name, country, kind, website, A4EP member
    ("Alliance for Empowering Partnership", "", "network", "https://www.a4ep.net/", True),
    ("Community World Service Asia", "PK", "ingo", "https://communityworldservice.asia/", False),
    ("KUNO", "NL", "network", "https://www.kuno-platform.nl/", False),
    ("Charter4Change", "", "network", "https://charter4change.org/", False),
    ("CHS Alliance", "CH", "network", "https://www.chsalliance.org/", False),
    ("Coast Trust", "BD", "national_ngo", "", True),
    ("Sahara Relief Network", "NE", "local_ngo", "", True),
    ("Andes Community Action", "PE", "local_ngo", "", True),
    ("Pacific Islands Response Forum", "FJ", "network", "", True),
    ("Institute for Humanitarian Studies", "GB", "academia", "", False),
]

SPEAKERS = [
    # slug, name, title, organisation, country, bio
    (
        "amina-diallo",
        "Amina Diallo",
        "Executive Director",
        "Sahara Relief Network",
        "NE",
        "Leads a women-led relief network in the Sahel. (Demo speaker.)",
    ),
    (
        "rafiq-hossain",
        "Rafiq Hossain",
        "Head of Programmes",
        "Coast Trust",
        "BD",
        "Works with coastal communities on disaster preparedness. (Demo speaker.)",
    ),
    (
        "lucia-quispe",
        "Lucía Quispe",
        "Coordinator",
        "Andes Community Action",
        "PE",
        "Coordinates community-led response in the Andes. (Demo speaker.)",
    ),
    (
        "sione-talakai",
        "Sione Talakai",
        "Chair",
        "Pacific Islands Response Forum",
        "FJ",
        "Chairs a regional forum of Pacific civil society. (Demo speaker.)",
    ),
    (
        "maria-jensen",
        "Maria Jensen",
        "Researcher",
        "Institute for Humanitarian Studies",
        "GB",
        "Researches partnership practice in humanitarian aid. (Demo speaker.)",
    ),
    (
        "palwasha-khan",
        "Palwasha Khan",
        "Partnerships Lead",
        "Community World Service Asia",
        "PK",
        "Supports local partners across South Asia. (Demo speaker.)",
    ),
    (
        "joost-de-vries",
        "Joost de Vries",
        "Programme Manager",
        "KUNO",
        "NL",
        "Organises knowledge exchange among Dutch humanitarian organisations. (Demo speaker.)",
    ),
]

AGENDA = [
    # kind, title, minutes, roles: (speaker index in the dialogue's list, role)
    ("opening", "Welcome and purpose of the dialogue", 10, [(0, "moderator")]),
    ("panel", "Perspectives from the country level", 35, [(1, "panellist"), (2, "panellist")]),
    ("presentation", "Response from an international partner", 10, [(3, "respondent")]),
    ("breakout", "Smaller group discussions", 20, [(1, "facilitator"), (2, "facilitator")]),
    ("qa", "Questions from participants", 10, [(0, "moderator")]),
    ("closing", "Recommendations and way forward", 5, [(0, "moderator")]),
]


@dataclass(frozen=True)
class DemoDialogue:
    number: int
    slug: str
    title: str
    question: str
    starts_at: datetime
    audience: str
    co_hosts: tuple[str, ...]
    speakers: tuple[str, ...]
    status: str = Dialogue.Status.HELD


def _utc(year: int, month: int, day: int, hour: int = 12) -> datetime:
    return datetime(year, month, day, hour, 0, tzinfo=UTC)


DIALOGUES = [
    DemoDialogue(
        1,
        "solidarity-and-diversity",
        "Solidarity and Diversity",
        "Is there a crisis of solidarity? Have we lost our way?",
        _utc(2020, 9, 24),
        "Actors from Global South, Regional and Country networks, INGOs, Charter4Change, "
        "Academia and others",
        ("Community World Service Asia", "KUNO", "Charter4Change"),
        ("sione-talakai", "amina-diallo", "rafiq-hossain", "maria-jensen"),
    ),
    DemoDialogue(
        2,
        "accountability",
        "Accountability",
        "Who is accountable to whom?",
        _utc(2020, 10, 8),
        "Local leaders from CSOs from different regions, IASC Results Group 2, CWS, CHS",
        ("Community World Service Asia", "CHS Alliance"),
        ("palwasha-khan", "lucia-quispe", "amina-diallo", "maria-jensen"),
    ),
    DemoDialogue(
        3,
        "innovative-and-empowering-partnership",
        "Innovative and Empowering Partnership",
        "Who is empowering whom?",
        _utc(2020, 10, 29),
        "Actors from Global South, Regional and Country networks, INGOs, Kuno, UN and others",
        ("KUNO", "Community World Service Asia"),
        ("joost-de-vries", "rafiq-hossain", "sione-talakai", "palwasha-khan"),
    ),
    DemoDialogue(
        4,
        "coordination-and-representation",
        "Co-ordination and representation",
        "Who is making the decisions?",
        _utc(2020, 11, 19),
        "Local, national, regional and global networks and initiatives",
        ("Community World Service Asia", "KUNO"),
        ("amina-diallo", "sione-talakai", "lucia-quispe", "joost-de-vries"),
    ),
    DemoDialogue(
        5,
        "localisation-why-does-it-matter",
        "Localisation",
        "Why does it matter?",
        _utc(2020, 12, 10),
        "Actors from Global South, Regional and Country networks, INGOs, Charter4Change, "
        "Academia and others",
        ("Charter4Change", "KUNO", "Community World Service Asia"),
        ("rafiq-hossain", "lucia-quispe", "palwasha-khan", "maria-jensen"),
    ),
]

UPCOMING = {
    "number": 6,
    "slug": "local-actors-matter-what-has-changed",
    "title": "Local Actors Matter",
    "question": "What has changed for local actors since the series began?",
    "audience": "A4EP members, local and national actors, networks, INGOs, donors and academia",
    "co_hosts": ("Community World Service Asia", "KUNO"),
    "speakers": ("amina-diallo", "rafiq-hossain", "lucia-quispe", "palwasha-khan"),
    "capacity": 100,
    "join_url": "https://zoom.us/j/0000000000?pwd=demo-join-link",
    # Interpretation channels, as the series' audience needs them.
    "interpretation": ["fr", "es", "ar"],
}

# Announced as the source document announces dialogues ("Oct 2020 - details to follow"): a
# month only, about two months after the upcoming one, with no agenda or registration yet.
PROVISIONAL = {
    "number": 7,
    "slug": "funding-local-leadership",
    "title": "Funding local leadership",
    "question": "Can local organisations be funded directly?",
    "audience": "Local and national actors, donors, INGOs and pooled funds",
    "co_hosts": ("Charter4Change", "KUNO"),
}

# The series' title in the portal's other languages (its description stays in English).
SERIES_TITLES = {
    "title_fr": "Série de dialogues sur la localisation",
    "title_es": "Serie de Diálogos sobre Localización",
    "title_ar": "سلسلة حوارات التوطين",
}

# The dialogues' titles and questions in the portal's other languages (their descriptions and
# agendas stay in English, the original, which the pages then say).
TRANSLATIONS = {
    "funding-local-leadership": {
        "title_fr": "Financer le leadership local",
        "question_fr": "Les organisations locales peuvent-elles être financées directement ?",
        "title_es": "Financiar el liderazgo local",
        "question_es": "¿Pueden las organizaciones locales recibir financiación directa?",
        "title_ar": "تمويل القيادة المحلية",
        "question_ar": "هل يمكن تمويل المنظمات المحلية مباشرةً؟",
    },
    "solidarity-and-diversity": {
        "title_fr": "Solidarité et diversité",
        "question_fr": "La solidarité est-elle en crise ? Avons-nous perdu notre chemin ?",
        "title_es": "Solidaridad y diversidad",
        "question_es": "¿Hay una crisis de solidaridad? ¿Hemos perdido el rumbo?",
        "title_ar": "التضامن والتنوع",
        "question_ar": "هل هناك أزمة تضامن؟ هل ضللنا طريقنا؟",
    },
    "accountability": {
        "title_fr": "Redevabilité",
        "question_fr": "Qui rend des comptes à qui ?",
        "title_es": "Rendición de cuentas",
        "question_es": "¿Quién rinde cuentas a quién?",
        "title_ar": "المساءلة",
        "question_ar": "من يُساءَل أمام من؟",
    },
    "innovative-and-empowering-partnership": {
        "title_fr": "Un partenariat innovant et émancipateur",
        "question_fr": "Qui renforce le pouvoir de qui ?",
        "title_es": "Alianzas innovadoras y empoderadoras",
        "question_es": "¿Quién empodera a quién?",
        "title_ar": "شراكة مبتكرة ومُمكِّنة",
        "question_ar": "من يُمكِّن من؟",
    },
    "coordination-and-representation": {
        "title_fr": "Coordination et représentation",
        "question_fr": "Qui prend les décisions ?",
        "title_es": "Coordinación y representación",
        "question_es": "¿Quién toma las decisiones?",
        "title_ar": "التنسيق والتمثيل",
        "question_ar": "من يتخذ القرارات؟",
    },
    "localisation-why-does-it-matter": {
        "title_fr": "Localisation",
        "question_fr": "Pourquoi est-ce important ?",
        "title_es": "Localización",
        "question_es": "¿Por qué es importante?",
        "title_ar": "التوطين",
        "question_ar": "لماذا هو مهم؟",
    },
    "local-actors-matter-what-has-changed": {
        "title_fr": "Les acteurs locaux comptent",
        "question_fr": (
            "Qu’est-ce qui a changé pour les acteurs locaux depuis le début de la série ?"
        ),
        "title_es": "Los actores locales importan",
        "question_es": "¿Qué ha cambiado para los actores locales desde que comenzó la serie?",
        "title_ar": "الفاعلون المحليون مهمّون",
        "question_ar": "ما الذي تغيّر بالنسبة للفاعلين المحليين منذ بداية السلسلة؟",
    },
}

BREAKOUT_GROUPS = [
    # topic, language, facilitator, capacity
    ("Funding that reaches local organisations", "en", "rafiq-hossain", 30),
    ("Décider ensemble : la représentation locale", "fr", "amina-diallo", 30),
    ("Rendición de cuentas a las comunidades", "es", "lucia-quispe", 30),
]

QUESTIONS = [
    # text, for speaker (slug or None)
    ("What has changed in how funding reaches local organisations since 2020?", None),
    ("How do women-led organisations in the Sahel get a seat where decisions are made?",
     "amina-diallo"),
    ("Which commitments of the Grand Bargain have made a difference at country level?", None),
]  # fmt: skip

TOPICS = [
    # title, why, region, status
    ("Who funds local leadership?",
     "Most funding still passes through several intermediaries before it reaches local "
     "organisations; what would direct funding take?", "global", TopicProposal.Status.OPEN),
    ("Local actors in protracted crises",
     "In long crises, local organisations carry the response for years; how can partnerships "
     "last as long?", "africa", TopicProposal.Status.OPEN),
    ("What has changed for local actors?",
     "Five dialogues on, members asked to look back at what has changed since the series "
     "began.", "global", TopicProposal.Status.CHOSEN),
]  # fmt: skip

ACCOUNTS = [
    # e-mail, password, first name, group, staff
    ("editor@a4ep.example.org", "demo-editor-a4ep", "Edith", "Editors", True),
    ("publisher@a4ep.example.org", "demo-publisher-a4ep", "Pablo", "Publishers", True),
    ("member@a4ep.example.org", "demo-member-a4ep", "Mariam", None, False),
    # Staff of KUNO, a co-host of the upcoming dialogue: admin shows them KUNO's dialogues only.
    ("cohost@a4ep.example.org", "demo-cohost-a4ep", "Koen", "Co-hosts", True),
]
CO_HOST_ACCOUNT = ("cohost@a4ep.example.org", "KUNO")


# Sent at the end of load_demo, inside its transaction, so that apps above this one (papers)
# add their part of the demo without this app importing them.
demo_loaded = Signal()


def upcoming_start(today: datetime) -> datetime:
    """Three weeks after the day the demo is loaded, at 12:00 UTC."""
    return datetime.combine((today + timedelta(days=21)).date(), time(12, 0), tzinfo=UTC)


@transaction.atomic
def load_demo(*, now: datetime | None = None) -> list[tuple[str, str, str]]:
    """Create whatever of the demo data set is missing; return the demo logins."""
    now = now or timezone.now()
    series, _ = Series.objects.get_or_create(slug=SERIES["slug"], defaults=SERIES)
    missing = {field: value for field, value in SERIES_TITLES.items() if not getattr(series, field)}
    if missing:
        for field, value in missing.items():
            setattr(series, field, value)
        series.save(update_fields=list(missing))
    organisations = {}
    for name, country, kind, website, member in ORGANISATIONS:
        organisations[name], _ = Organisation.objects.get_or_create(
            name=name,
            defaults={
                "country": country, "kind": kind, "website": website, "is_a4ep_member": member,
            },
        )  # fmt: skip
    speakers = {}
    for slug, name, title, organisation, country, bio in SPEAKERS:
        speakers[slug], _ = Speaker.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name, "title": title, "organisation": organisations[organisation],
                "country": country, "bio": bio,
            },
        )  # fmt: skip
    for demo in DIALOGUES:
        _load_dialogue(series, demo, organisations, speakers)
    starts_at = upcoming_start(now)
    _load_dialogue(
        series,
        DemoDialogue(
            UPCOMING["number"],
            UPCOMING["slug"],
            UPCOMING["title"],
            UPCOMING["question"],
            starts_at,
            UPCOMING["audience"],
            UPCOMING["co_hosts"],
            UPCOMING["speakers"],
            status=Dialogue.Status.ANNOUNCED,
        ),  # fmt: skip
        organisations,
        speakers,
        extra={
            "capacity": UPCOMING["capacity"],
            "join_url": UPCOMING["join_url"],
            "registration_opens_at": now.replace(microsecond=0),
            "registration_closes_at": starts_at - timedelta(hours=1),
        },
    )
    _load_dialogue(
        series,
        DemoDialogue(
            PROVISIONAL["number"],
            PROVISIONAL["slug"],
            PROVISIONAL["title"],
            PROVISIONAL["question"],
            starts_at + timedelta(days=60),
            PROVISIONAL["audience"],
            PROVISIONAL["co_hosts"],
            (),
            status=Dialogue.Status.ANNOUNCED,
        ),  # fmt: skip
        organisations,
        speakers,
        extra={"date_precision": Dialogue.DatePrecision.MONTH},
    )
    # Channels also for a demo loaded before dialogues offered interpretation.
    Dialogue.objects.filter(slug=UPCOMING["slug"], interpretation_languages=[]).update(
        interpretation_languages=UPCOMING["interpretation"]
    )
    logins = [_load_account(*account) for account in ACCOUNTS]
    email, organisation = CO_HOST_ACCOUNT
    CoHostStaff.objects.get_or_create(
        user=User.objects.get(email=email), organisation=organisations[organisation]
    )
    _load_participation(Dialogue.objects.get(slug=UPCOMING["slug"]), speakers)
    demo_loaded.send(sender=Dialogue, now=now)
    return logins


def _load_dialogue(series, demo: DemoDialogue, organisations, speakers, extra=None) -> Dialogue:
    dialogue, created = Dialogue.objects.get_or_create(
        slug=demo.slug,
        defaults={
            "series": series,
            "number": demo.number,
            "title": demo.title,
            "question": demo.question,
            "description": _description(demo),
            "starts_at": demo.starts_at,
            "format": Dialogue.Format.ONLINE,
            "venue": "Zoom",
            "audience": demo.audience,
            "status": demo.status,
            **(extra or {}),
        },
    )
    # Translations are filled where missing, also in a demo loaded before they existed.
    missing = {
        field: value
        for field, value in TRANSLATIONS.get(demo.slug, {}).items()
        if not getattr(dialogue, field)
    }
    if missing:
        for field, value in missing.items():
            setattr(dialogue, field, value)
        dialogue.save(update_fields=list(missing))
    if not created:
        return dialogue
    dialogue.co_hosts.set([organisations[name] for name in demo.co_hosts])
    if not demo.speakers:
        return dialogue  # provisional: its agenda and speakers are still being planned
    cast = [speakers[slug] for slug in demo.speakers]
    for order, (kind, title, minutes, roles) in enumerate(AGENDA, start=1):
        session = Session.objects.create(
            dialogue=dialogue, kind=kind, title=title, order=order, duration_minutes=minutes
        )
        for position, role in roles:
            DialogueSpeaker.objects.get_or_create(
                dialogue=dialogue, speaker=cast[position], role=role, session=session,
                defaults={"order": position},
            )  # fmt: skip
    return dialogue


def _load_participation(upcoming: Dialogue, speakers) -> None:
    """Breakout groups and approved questions for the upcoming dialogue, and topic proposals,
    one of them chosen for the upcoming dialogue. Looked up by their text, so made once."""
    for order, (topic, language, facilitator, capacity) in enumerate(BREAKOUT_GROUPS, start=1):
        BreakoutGroup.objects.get_or_create(
            dialogue=upcoming, topic=topic,
            defaults={
                "language": language, "facilitator": speakers[facilitator],
                "capacity": capacity, "order": order,
            },
        )  # fmt: skip
    asker = Member.objects.get(user__email="member@a4ep.example.org")
    for text, speaker in QUESTIONS:
        Question.objects.get_or_create(
            dialogue=upcoming, text=text,
            defaults={
                "member": asker, "speaker": speakers[speaker] if speaker else None,
                "status": Question.Status.APPROVED,
            },
        )  # fmt: skip
    for title, why, region, status in TOPICS:
        TopicProposal.objects.get_or_create(
            title=title,
            defaults={
                "why": why, "region": region, "status": status,
                "dialogue": upcoming if status == TopicProposal.Status.CHOSEN else None,
            },
        )  # fmt: skip


def _description(demo: DemoDialogue) -> str:
    return (
        f"**{demo.title}: {demo.question}**\n\n"
        "A 90-minute online dialogue in which local and national actors share their "
        "experiences and perspectives from the country level, and international partners "
        "respond. A short discussion paper is shared with participants beforehand; "
        "participants can pose questions or take part in smaller group discussions.\n\n"
        "A recording of the dialogue and a short paper of the discussions are made available "
        "afterwards."
    )


def _load_account(email: str, password: str, first_name: str, group: str | None, staff: bool):
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, password=password, first_name=first_name, is_staff=staff
        )
        if group:
            user.groups.add(Group.objects.get(name=group))
        Member.objects.filter(user=user).update(time_zone="UTC")
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return email, password, group or "Member"
