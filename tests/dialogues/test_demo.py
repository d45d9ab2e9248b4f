"""`manage.py load_demo`: the seed series from the source document, an upcoming dialogue and
three accounts; running it again changes nothing."""

from datetime import UTC, date, time, timedelta
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.contrib.sites.models import Site
from django.core.management import CommandError, call_command
from django.utils import timezone
from django.utils.formats import date_format

from dialogues import demo as demo_data
from dialogues.demo import upcoming_start
from dialogues.models import (
    BreakoutGroup,
    CoHostStaff,
    Dialogue,
    DialogueSpeaker,
    Feedback,
    Question,
    Registration,
    Series,
    Session,
    Speaker,
    TopicProposal,
    Vote,
)
from members.models import Member, Organisation, User
from tests.html import card_titles, main_text, section

pytestmark = pytest.mark.django_db

SEED = [
    # title, question, date (12:00 UTC)
    ("Solidarity and Diversity", "Is there a crisis of solidarity? Have we lost our way?",
     date(2020, 9, 24)),
    ("Accountability", "Who is accountable to whom?", date(2020, 10, 8)),
    ("Innovative and Empowering Partnership", "Who is empowering whom?", date(2020, 10, 29)),
    ("Co-ordination and representation", "Who is making the decisions?", date(2020, 11, 19)),
    ("Localisation", "Why does it matter?", date(2020, 12, 10)),
]  # fmt: skip

LOGINS = [
    ("editor@a4ep.example.org", "demo-editor-a4ep", "Editors"),
    ("publisher@a4ep.example.org", "demo-publisher-a4ep", "Publishers"),
    ("member@a4ep.example.org", "demo-member-a4ep", "Member"),
    ("cohost@a4ep.example.org", "demo-cohost-a4ep", "Co-hosts"),
]


def run_load_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(settings):
    settings.DEBUG = True  # as on `make run`: the demo loads on a development site only
    before = timezone.now()
    output = run_load_demo()
    return {"output": output, "before": before, "after": timezone.now()}


def test_load_demo_creates_the_series(demo):
    series = Series.objects.get()
    assert series.title == "Localisation Dialogue Series"
    assert series.slug == "localisation-dialogue-series"
    assert series.campaign == "Local Actors Matter"


def test_load_demo_creates_the_five_seed_dialogues(demo):
    seed = Dialogue.objects.filter(starts_at__year=2020).order_by("number")

    assert [(d.number, d.title, d.question, d.starts_at.date()) for d in seed] == [
        (number, title, question, day) for number, (title, question, day) in enumerate(SEED, 1)
    ]
    assert [d.starts_at.month for d in seed] == [9, 10, 10, 11, 12]
    for dialogue in seed:
        assert dialogue.starts_at.astimezone(UTC).time() == time(12, 0)
        assert dialogue.status == Dialogue.Status.HELD
        assert dialogue.format == Dialogue.Format.ONLINE
        assert dialogue.venue == "Zoom"
        assert dialogue.series.title == "Localisation Dialogue Series"
        assert dialogue.duration_minutes == 90


def test_load_demo_gives_each_dialogue_co_hosts(demo):
    co_hosts = {d.slug: sorted(o.name for o in d.co_hosts.all()) for d in Dialogue.objects.all()}

    assert co_hosts == {
        "solidarity-and-diversity": ["Charter4Change", "Community World Service Asia", "KUNO"],
        "accountability": ["CHS Alliance", "Community World Service Asia"],
        "innovative-and-empowering-partnership": ["Community World Service Asia", "KUNO"],
        "coordination-and-representation": ["Community World Service Asia", "KUNO"],
        "localisation-why-does-it-matter": [
            "Charter4Change",
            "Community World Service Asia",
            "KUNO",
        ],
        "local-actors-matter-what-has-changed": ["Community World Service Asia", "KUNO"],
        "funding-local-leadership": ["Charter4Change", "KUNO"],
    }


def test_load_demo_agendas_add_up_to_ninety_minutes(demo):
    for dialogue in Dialogue.objects.filter(date_precision=Dialogue.DatePrecision.EXACT):
        sessions = list(dialogue.sessions.order_by("order"))
        assert [s.duration_minutes for s in sessions] == [10, 35, 10, 20, 10, 5]
        assert sum(s.duration_minutes for s in sessions) == 90 == dialogue.duration_minutes
        agenda = dialogue.agenda()
        assert agenda[0].starts_at == dialogue.starts_at
        assert agenda[-1].ends_at == dialogue.ends_at
        assert dialogue.speaker_roles.count() == 8


def test_load_demo_announces_an_upcoming_dialogue_with_registration_open(demo):
    upcoming = Dialogue.objects.get(number=6)

    assert upcoming.title == "Local Actors Matter"
    assert upcoming.status == Dialogue.Status.ANNOUNCED
    assert upcoming.starts_at in {upcoming_start(demo["before"]), upcoming_start(demo["after"])}
    assert upcoming.starts_at.astimezone(UTC).time() == time(12, 0)
    assert timedelta(days=20) < upcoming.starts_at - demo["before"] < timedelta(days=22)
    assert upcoming.registration_state() == Dialogue.RegistrationState.OPEN
    assert upcoming.registration_closes_at == upcoming.starts_at - timedelta(hours=1)
    assert upcoming.capacity == 100
    assert (upcoming.format, upcoming.venue) == (Dialogue.Format.ONLINE, "Zoom")
    provisional = Dialogue.objects.get(number=7)
    assert list(Dialogue.objects.public().upcoming()) == [upcoming, provisional]


def test_load_demo_announces_a_dialogue_with_its_month_only(client, demo):
    """As the source document announces its dialogues: "Oct 2020 - details to follow"."""
    provisional = Dialogue.objects.get(number=7)
    assert provisional.date_precision == Dialogue.DatePrecision.MONTH
    assert provisional.registration_state() == Dialogue.RegistrationState.PROVISIONAL
    assert not provisional.sessions.exists()
    month = date_format(provisional.provisional_day(), "YEAR_MONTH_FORMAT")
    page = main_text(client.get("/dialogues/funding-local-leadership/").content)
    assert f"{month}, details to follow" in page
    assert "Tell me when the date is set" in page


def test_load_demo_site_shows_the_series_and_the_next_dialogue(client, demo):
    home = client.get("/").content.decode()

    assert card_titles(section(home, "next-heading")) == ["Dialogue 6: Local Actors Matter"]
    assert card_titles(home)[1:] == [
        "Dialogue 1: Solidarity and Diversity",
        "Dialogue 2: Accountability",
        "Dialogue 3: Innovative and Empowering Partnership",
        "Dialogue 4: Co-ordination and representation",
        "Dialogue 5: Localisation",
        "Dialogue 7: Funding local leadership",
    ]  # dialogue 6 is shown once, as the next dialogue
    detail = client.get("/dialogues/local-actors-matter-what-has-changed/").content
    assert "Registration is open." in main_text(detail)
    assert "demo-join-link" not in detail.decode()


def test_load_demo_series_and_dialogues_speak_the_other_languages(client, demo):
    arabic = client.get("/ar/").content.decode()
    assert "سلسلة حوارات التوطين</h2>" in arabic
    french = client.get("/fr/").content.decode()
    assert "Série de dialogues sur la localisation</h2>" in french
    assert "Dialogue 2: Redevabilité" in card_titles(french)


def test_load_demo_prints_the_four_logins(demo):
    assert demo["output"] == (
        "Demo data loaded: the Localisation Dialogue Series.\n"
        "Demo logins (e-mail / password / role):\n"
        "  editor@a4ep.example.org / demo-editor-a4ep / Editors\n"
        "  publisher@a4ep.example.org / demo-publisher-a4ep / Publishers\n"
        "  member@a4ep.example.org / demo-member-a4ep / Member\n"
        "  cohost@a4ep.example.org / demo-cohost-a4ep / Co-hosts\n"
    )


def test_load_demo_accounts_are_verified_with_the_right_roles(demo):
    accounts = {
        user.email: (
            user.is_staff,
            user.is_superuser,
            [group.name for group in user.groups.all()],
            user.member.time_zone,
        )
        for user in User.objects.select_related("member")
    }

    assert accounts == {
        "editor@a4ep.example.org": (True, False, ["Editors"], "UTC"),
        "publisher@a4ep.example.org": (True, False, ["Publishers"], "UTC"),
        "member@a4ep.example.org": (False, False, [], "UTC"),
        "cohost@a4ep.example.org": (True, False, ["Co-hosts"], "UTC"),
    }
    # The co-host works for KUNO, a co-host of the upcoming dialogue.
    assert list(CoHostStaff.objects.values_list("user__email", "organisation__name")) == [
        ("cohost@a4ep.example.org", "KUNO")
    ]
    assert sorted(EmailAddress.objects.values_list("email", "verified", "primary")) == [
        ("cohost@a4ep.example.org", True, True),
        ("editor@a4ep.example.org", True, True),
        ("member@a4ep.example.org", True, True),
        ("publisher@a4ep.example.org", True, True),
    ]


@pytest.mark.parametrize(("email", "password", "role"), LOGINS)
def test_load_demo_accounts_log_in_with_the_printed_passwords(client, demo, email, password, role):
    assert f"  {email} / {password} / {role}\n" in demo["output"]

    response = client.post("/accounts/login/", {"login": email, "password": password})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").context["user"].email == email
    admin = client.get("/admin/")
    assert admin.status_code == (200 if role != "Member" else 302)


def _snapshot() -> dict:
    """Every row the demo touches, with every column (updated_at and password hashes too)."""
    tables = {
        "series": Series.objects.all(),
        "organisations": Organisation.objects.all(),
        "speakers": Speaker.objects.all(),
        "dialogues": Dialogue.objects.all(),
        "co_hosts": Dialogue.co_hosts.through.objects.all(),
        "co_host_staff": CoHostStaff.objects.all(),
        "sessions": Session.objects.all(),
        "speaker_roles": DialogueSpeaker.objects.all(),
        "users": User.objects.all(),
        "user_groups": User.groups.through.objects.all(),
        "user_permissions": User.user_permissions.through.objects.all(),
        "members": Member.objects.all(),
        "email_addresses": EmailAddress.objects.all(),
        "groups": Group.objects.all(),
        "group_permissions": Group.permissions.through.objects.all(),
        "sites": Site.objects.all(),
        "registrations": Registration.objects.all(),
        "breakout_groups": BreakoutGroup.objects.all(),
        "questions": Question.objects.all(),
        "topic_proposals": TopicProposal.objects.all(),
        "votes": Vote.objects.all(),
        "feedback": Feedback.objects.all(),
    }
    return {name: list(queryset.order_by("pk").values()) for name, queryset in tables.items()}


def test_load_demo_twice_changes_nothing(demo):
    first = _snapshot()
    assert len(first["dialogues"]) == 7
    assert len(first["sessions"]) == 36
    assert len(first["users"]) == 4
    assert len(first["co_host_staff"]) == 1
    assert (len(first["breakout_groups"]), len(first["questions"])) == (3, 3)
    assert len(first["topic_proposals"]) == 3

    output = run_load_demo()

    assert _snapshot() == first
    assert output == demo["output"]


def test_load_demo_keeps_the_upcoming_date_on_a_later_run(demo):
    upcoming = Dialogue.objects.get(number=6)

    demo_data.load_demo(now=demo["before"] + timedelta(days=5))

    assert Dialogue.objects.get(number=6).starts_at == upcoming.starts_at
    assert Dialogue.objects.count() == 7


def test_load_demo_shows_participation(client, demo):
    topics = main_text(client.get("/topics/").content)
    assert "What has changed for local actors?" in topics
    assert "Who funds local leadership?" not in topics  # open proposals: members only
    client.force_login(User.objects.get(email="member@a4ep.example.org"))
    assert "Who funds local leadership?" in main_text(client.get("/topics/").content)
    upcoming = Dialogue.objects.get(number=6)
    Registration.objects.create(
        dialogue=upcoming,
        member=User.objects.get(email="member@a4ep.example.org").member,
        status="confirmed",
    )
    page = main_text(client.get(upcoming.get_absolute_url()).content)
    assert "Breakout groups" in page
    assert "What has changed in how funding reaches local organisations since 2020?" in page


def test_load_demo_dialogues_speak_french_spanish_and_arabic(client, demo):
    pages = {
        "/fr/dialogues/accountability/": ("Redevabilité", "Qui rend des comptes à qui ?"),
        "/es/dialogues/accountability/": ("Rendición de cuentas", "¿Quién rinde cuentas a quién?"),
        "/ar/dialogues/accountability/": ("المساءلة", "من يُساءَل أمام من؟"),
        "/dialogues/accountability/": ("Accountability", "Who is accountable to whom?"),
    }
    for path, (title, question) in pages.items():
        page = client.get(path).content.decode()
        assert f"<h1>{title}</h1>" in page, path
        assert f'<p class="lead question">{question}</p>' in page, path


def test_load_demo_refuses_a_production_site_and_creates_no_account(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError) as refused:
        run_load_demo()
    assert str(refused.value) == (
        "load_demo creates staff accounts with published passwords and runs only with "
        "DJANGO_DEBUG=true (a development site). Nothing was loaded."
    )
    assert User.objects.count() == 0
    assert Series.objects.count() == 0


def test_the_upcoming_demo_dialogue_offers_interpretation_once(demo, client):
    upcoming = Dialogue.objects.get(number=6)
    assert upcoming.interpretation_languages == ["fr", "es", "ar"]
    # A demo loaded before dialogues offered interpretation gets the channels; a second run
    # adds none.
    Dialogue.objects.filter(pk=upcoming.pk).update(interpretation_languages=[])
    run_load_demo()
    run_load_demo()
    upcoming.refresh_from_db()
    assert upcoming.interpretation_languages == ["fr", "es", "ar"]
    page = client.get(upcoming.get_absolute_url()).content.decode()
    assert "Interpretation into" in page
