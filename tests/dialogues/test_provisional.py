"""Provisional dialogues, from the outside: announced with a month or day only, shown as such,
sorted among the others, with no calendar, registration or reminder until the time is set;
"tell me when the date is set" for members (one click, undo) and visitors (double opt-in);
the exact time set in admin mails everyone who asked, once."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from a4ep_portal.models import AuditEntry
from dialogues.models import DateAlert, Dialogue
from dialogues.services import send_due_reminders
from members.models import Delivery
from tests.dialogues.test_admin import _add_form, change_url
from tests.factories import DialogueFactory, EditorFactory, RegistrationFactory, UserFactory, utc
from tests.html import visible_text

pytestmark = pytest.mark.django_db

YEAR = timezone.now().year + 1


@pytest.fixture
def provisional():
    return DialogueFactory(
        title="Funding",
        slug="funding",
        question="Who holds the money?",
        starts_at=utc(YEAR, 10, 17, 9),
        time_zone="Asia/Karachi",
        date_precision=Dialogue.DatePrecision.MONTH,
    )


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return visible_text(response.content.decode())


def test_a_month_only_dialogue_covers_its_month_in_its_own_zone(provisional):
    # Midnight on the 1st in Karachi (UTC+5) to midnight on 1 November.
    assert provisional.starts_at == utc(YEAR, 9, 30, 19)
    assert provisional.ends_at == utc(YEAR, 10, 31, 19)
    assert Dialogue.objects.upcoming(utc(YEAR, 10, 20, 12)).filter(pk=provisional.pk).exists()


def test_provisional_dialogues_sort_by_their_month_among_the_others(provisional):
    september = DialogueFactory(starts_at=utc(YEAR, 9, 20, 12))
    november = DialogueFactory(starts_at=utc(YEAR, 11, 3, 12))
    day_only = DialogueFactory(
        starts_at=utc(YEAR, 10, 12, 15), date_precision=Dialogue.DatePrecision.DAY
    )
    assert list(Dialogue.objects.order_by("starts_at", "pk")) == [
        september,
        provisional,
        day_only,
        november,
    ]


WEEKDAY = utc(YEAR, 10, 12, 12).strftime("%a")


@pytest.mark.parametrize(
    ("prefix", "month", "day"),
    [
        ("", f"October {YEAR}, details to follow", f"{WEEKDAY} 12 Oct {YEAR}, time to follow"),
        ("/fr", f"Octobre {YEAR}, précisions à venir", f"12 octobre {YEAR}, heure à venir"),
        (
            "/es",
            f"Octubre de {YEAR}, detalles por confirmar",
            f"12 de octubre de {YEAR}, hora por confirmar",
        ),
        ("/ar", f"أكتوبر {YEAR}، التفاصيل لاحقًا", f"12 أكتوبر، {YEAR}، الوقت لاحقًا"),
    ],
)
def test_the_page_says_the_details_follow_in_every_language(
    client, provisional, prefix, month, day
):
    text = page(client, f"{prefix}/dialogues/funding/")
    assert month in text
    listed = page(client, f"{prefix}/dialogues/")
    assert month in listed
    provisional.date_precision = Dialogue.DatePrecision.DAY
    provisional.starts_at = utc(YEAR, 10, 12, 4)
    provisional.save()
    assert day in page(client, f"{prefix}/dialogues/funding/")


def test_a_provisional_dialogue_has_no_calendar_and_no_registration(client, provisional):
    exact = DialogueFactory(slug="exact", starts_at=utc(YEAR, 3, 1, 12))
    html = client.get("/dialogues/funding/").content.decode()
    assert "/dialogues/funding/calendar.ics" not in html
    assert "/dialogues/funding/register/" not in html
    assert "Registration opens once they are." not in html  # month only: day and time
    assert "The day and time are not set yet: registration opens once they are." in (
        visible_text(html)
    )
    assert client.get("/dialogues/funding/calendar.ics").status_code == 404
    feed = client.get("/dialogues/calendar.ics").content.decode()
    assert "Funding" not in feed
    assert exact.title in feed

    client.force_login(UserFactory())
    response = client.post("/dialogues/funding/register/", {"language": "en"}, follow=True)
    assert "Registration opens once the dialogue's date and time are set." in visible_text(
        response.content.decode()
    )
    assert not provisional.registrations.exists()


def test_registrants_of_a_dialogue_made_provisional_again_get_no_reminder(settings):
    settings.MAIL_REMINDER_HOURS = [24]
    now = timezone.now()
    dialogue = DialogueFactory(starts_at=now + timedelta(days=10))
    RegistrationFactory(dialogue=dialogue, confirmed_at=now - timedelta(days=1))
    dialogue.date_precision = Dialogue.DatePrecision.MONTH
    dialogue.starts_at = now + timedelta(hours=12)  # its month starts within the day
    dialogue.save()
    assert send_due_reminders(now=dialogue.starts_at - timedelta(hours=12)) == 0


# --- Members: one click, and undo --------------------------------------------------------


def test_a_member_asks_in_one_click_and_takes_it_back(client, provisional):
    user = UserFactory()
    client.force_login(user)
    text = page(client, "/dialogues/funding/")
    assert "Tell me when the date is set" in text

    response = client.post("/dialogues/funding/tell-me/", follow=True)
    text = visible_text(response.content.decode())
    assert "We will mail you as soon as the date and time are set." in text
    assert "Do not mail me about it" in text
    assert DateAlert.objects.get().member == user.member
    assert mail.outbox == []  # nothing to confirm: the account's address is verified

    response = client.post("/dialogues/funding/tell-me/", {"undo": "1"}, follow=True)
    assert "we will not mail you about this dialogue's date" in visible_text(
        response.content.decode()
    )
    assert not DateAlert.objects.exists()


def test_a_visitor_cannot_ask_as_a_member(client, provisional):
    response = client.post("/dialogues/funding/tell-me/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not DateAlert.objects.exists()


def test_nobody_asks_about_a_dialogue_whose_time_is_set(client):
    DialogueFactory(slug="set", starts_at=utc(YEAR, 3, 1, 12))
    client.force_login(UserFactory())
    response = client.post("/dialogues/set/tell-me/", follow=True)
    assert "The date of this dialogue is set already" in visible_text(response.content.decode())
    assert not DateAlert.objects.exists()
    assert client.get("/dialogues/set/tell-me/by-mail/").status_code == 302


def test_a_draft_is_a_404_for_asking(client):
    DialogueFactory(slug="draft", status=Dialogue.Status.DRAFT, date_precision="month")
    client.force_login(UserFactory())
    assert client.post("/dialogues/draft/tell-me/").status_code == 404
    client.logout()
    assert client.get("/dialogues/draft/tell-me/by-mail/").status_code == 404


# --- Visitors: double opt-in -------------------------------------------------------------


def links(message) -> list[str]:
    return re.findall(r"https?://\S+?(?=[>\s)]|$)", message.body)


def ask_by_mail(client, address: str, prefix: str = "") -> None:
    response = client.post(f"{prefix}/dialogues/funding/tell-me/by-mail/", {"email": address})
    assert response.status_code == 200
    assert "Check your inbox" in visible_text(response.content.decode())


def test_a_visitor_confirms_from_the_mail_and_a_get_changes_nothing(
    client, provisional, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ask_by_mail(client, "Guest@Example.net")
    (message,) = mail.outbox
    assert message.to == ["guest@example.net"]
    confirm = next(link for link in links(message) if "/confirm/" in link)
    path = confirm.split("testserver", 1)[-1].split("://", 1)[-1]
    path = path[path.index("/") :]

    assert "Yes, tell me" in page(client, path)
    assert DateAlert.objects.get().confirmed_at is None  # a mail scanner's GET
    response = client.post(path)
    assert "Your address is confirmed" in visible_text(response.content.decode())
    assert DateAlert.objects.get().confirmed_at is not None


def test_a_broken_or_forged_confirmation_link_is_refused(client, provisional):
    ask_by_mail(client, "guest@example.net")
    response = client.post("/date-alerts/WzEsImd1ZXN0QGV4YW1wbGUubmV0Il0:forged/confirm/")
    assert response.status_code == 400
    assert DateAlert.objects.get().confirmed_at is None


def test_asking_by_mail_is_rate_limited(client, provisional, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            ask_by_mail(client, "guest@example.net")
    response = client.post("/dialogues/funding/tell-me/by-mail/", {"email": "guest@example.net"})
    assert response.status_code == 429
    assert "Too many requests from here" in visible_text(response.content.decode())
    assert len(mail.outbox) == 3


def test_a_bad_address_gets_a_clear_message(client, provisional):
    response = client.post("/dialogues/funding/tell-me/by-mail/", {"email": "not an address"})
    assert response.status_code == 200
    assert "Enter a valid email address." in visible_text(response.content.decode())
    assert not DateAlert.objects.exists()


# --- The exact time set in admin: everyone told, once -------------------------------------


def set_exact_time(client, dialogue, **overrides):
    fields = {
        "title_en": dialogue.title,
        "slug": dialogue.slug,
        "number": str(dialogue.number),
        "series": dialogue.series_id,
        "question_en": dialogue.question,
        "starts_at_0": f"{YEAR}-10-14",
        "starts_at_1": "17:00:00",
        "time_zone": "Asia/Karachi",
        "registration_closes_at_0": "",
        "registration_closes_at_1": "",
        "date_precision": "exact",
        "sessions-TOTAL_FORMS": "0",
    }
    data = _add_form(**{**fields, **overrides})
    response = client.post(change_url(dialogue), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return response


def test_setting_the_time_tells_everyone_who_asked_once(
    client, provisional, django_capture_on_commit_callbacks
):
    member = UserFactory(email="amina@example.org", first_name="Amina").member
    member.preferred_language, member.time_zone = "fr", "Africa/Nairobi"
    member.save()
    DateAlert.objects.create(
        dialogue=provisional, member=member, confirmed_at=timezone.now(), language="fr"
    )
    DateAlert.objects.create(
        dialogue=provisional, email="guest@example.net", confirmed_at=timezone.now(), language="ar"
    )
    DateAlert.objects.create(dialogue=provisional, email="unconfirmed@example.net", language="en")
    editor = EditorFactory()
    editor_email = editor.email
    client.force_login(editor)

    with django_capture_on_commit_callbacks(execute=True):
        response = set_exact_time(client, provisional)
    assert "2 people who asked are being told the date." in visible_text(
        client.get(response["Location"]).content.decode()
    )
    provisional.refresh_from_db()
    assert provisional.starts_at == utc(YEAR, 10, 14, 12)
    assert sorted(m.to[0] for m in mail.outbox) == ["amina@example.org", "guest@example.net"]
    by_address = {m.to[0]: m for m in mail.outbox}
    assert "14 octobre" in by_address["amina@example.org"].body
    assert "15:00 (Africa/Nairobi, UTC+03:00)" in by_address["amina@example.org"].body
    assert "17:00 (Asia/Karachi, UTC+05:00)" in by_address["guest@example.net"].body

    # Saving again, or with another time, tells nobody anything more.
    with django_capture_on_commit_callbacks(execute=True):
        set_exact_time(client, provisional)
        set_exact_time(client, provisional, starts_at_1="18:00:00")
    assert len(mail.outbox) == 2
    assert Delivery.objects.count() == 2
    assert DateAlert.objects.filter(made_at__isnull=False).count() == 2
    # The audit log says who set the time and how many were told, once.
    told = AuditEntry.objects.about(provisional).filter(action="tell_date_set")
    assert [(entry.actor.email, entry.after) for entry in told] == [
        (editor_email, {"people_told": 2})
    ]


def test_the_sweep_makes_what_the_broker_never_took(provisional, settings):
    from dialogues.services.alerts import make_owed_date_alerts, tell_date_set

    DateAlert.objects.create(
        dialogue=provisional, email="guest@example.net", confirmed_at=timezone.now()
    )
    provisional.date_precision = Dialogue.DatePrecision.EXACT
    provisional.starts_at = utc(YEAR, 10, 14, 12)
    provisional.save()
    # The task waits for a commit that never comes here, as when the broker was down.
    assert tell_date_set(provisional) == 1
    assert make_owed_date_alerts() == 0  # not yet: its task may still come
    later = timezone.now() + timedelta(seconds=settings.OUTBOX_SWEEP_SECONDS + 1)
    assert make_owed_date_alerts(now=later) == 1
    assert make_owed_date_alerts(now=later) == 0
    assert DateAlert.objects.get().mailing.deliveries.get().address == "guest@example.net"


def test_the_admin_lists_provisional_dialogues_with_who_waits(client, provisional):
    DialogueFactory(title="Exact one", starts_at=utc(YEAR, 3, 1, 12))
    DateAlert.objects.create(
        dialogue=provisional, email="guest@example.net", confirmed_at=timezone.now()
    )
    DateAlert.objects.create(dialogue=provisional, email="unconfirmed@example.net")
    client.force_login(EditorFactory())
    text = page(client, "/admin/dialogues/dialogue/?date=provisional")
    assert "Funding" in text
    assert "Exact one" not in text
    assert f"October {YEAR}, details to follow · 1 waiting to be told" in text
    form = page(client, change_url(provisional))
    assert "1 person asked to be told. Saving with the exact time mails them, once." in form
    # No "at that time elsewhere" for the first minute of the month, which is no time at all.
    assert "Shown once the exact time is saved." in form


def test_a_visitor_stops_with_the_link_in_the_mail(
    client, provisional, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ask_by_mail(client, "guest@example.net")
    (message,) = mail.outbox
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    stop = message.extra_headers["List-Unsubscribe"].strip("<>")
    path = stop[stop.index("/", len("https://")) :]
    assert "Yes, stop" in page(client, path)
    assert DateAlert.objects.exists()
    # One click from the mail program: a POST without cookies or a CSRF token.
    client.logout()
    response = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert "We have forgotten your address." in visible_text(response.content.decode())
    assert not DateAlert.objects.exists()


def test_another_members_undo_leaves_ones_ask_alone(client, provisional):
    first, other = UserFactory(), UserFactory()
    client.force_login(first)
    client.post("/dialogues/funding/tell-me/")
    client.force_login(other)
    response = client.post("/dialogues/funding/tell-me/", {"undo": "1"}, follow=True)
    assert "we will not mail you" not in visible_text(response.content.decode())
    assert list(DateAlert.objects.values_list("member__user", flat=True)) == [first.pk]


def test_a_stop_link_of_one_visitor_cannot_be_turned_on_another(
    client, provisional, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ask_by_mail(client, "one@example.net")
        ask_by_mail(client, "two@example.net")
    stop = mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>")
    value, _timestamp, signature = stop.rsplit("/", 3)[-3].split(":")
    # The same signature on the other ask's id and address is refused.
    other = DateAlert.objects.get(email="two@example.net")
    import base64
    import json

    forged = base64.urlsafe_b64encode(json.dumps([other.pk, other.email]).encode()).decode()
    response = client.post(f"/date-alerts/{forged.rstrip('=')}:{_timestamp}:{signature}/stop/")
    assert "We have forgotten your address." in visible_text(response.content.decode())
    assert DateAlert.objects.count() == 2  # nothing forgotten: the link named nobody


def test_a_publisher_sets_the_time_and_the_ask_is_told(
    client, provisional, django_capture_on_commit_callbacks
):
    from tests.factories import PublisherFactory

    DateAlert.objects.create(
        dialogue=provisional, email="guest@example.net", confirmed_at=timezone.now()
    )
    client.force_login(PublisherFactory())
    with django_capture_on_commit_callbacks(execute=True):
        set_exact_time(client, provisional)
    assert [m.to for m in mail.outbox] == [["guest@example.net"]]


def test_a_member_without_admin_cannot_set_the_time(client, provisional):
    DateAlert.objects.create(
        dialogue=provisional, email="guest@example.net", confirmed_at=timezone.now()
    )
    client.force_login(UserFactory())
    response = client.post(change_url(provisional), {"date_precision": "exact"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    provisional.refresh_from_db()
    assert provisional.is_provisional()
    assert DateAlert.objects.get().owed_at is None


def test_an_address_never_confirmed_is_forgotten_once_its_link_expired(client, provisional):
    from dialogues.tasks import make_owed_date_alerts_task

    ask_by_mail(client, "never@example.net")
    DateAlert.objects.create(
        dialogue=provisional, email="kept@example.net", confirmed_at=timezone.now()
    )
    make_owed_date_alerts_task()
    assert DateAlert.objects.count() == 2  # its link still works
    DateAlert.objects.update(asked_at=timezone.now() - timedelta(days=8))
    make_owed_date_alerts_task()
    assert list(DateAlert.objects.values_list("email", flat=True)) == ["kept@example.net"]
