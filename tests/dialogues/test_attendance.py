"""Attendance from the meeting's participant report: the Zoom CSVs in samples/ (older and
newer column spellings, with and without a byte-order mark, rejoins, guests) are read,
matched to registrants, previewed, and applied only on confirmation."""

import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from dialogues.figures import dialogue_report
from dialogues.models import Registration
from dialogues.services import (
    AttendanceReportError,
    preview_attendance,
    read_participant_report,
    record_attendance_from_report,
)
from tests.factories import (
    DialogueFactory,
    EditorFactory,
    RegistrationFactory,
    UserFactory,
    utc,
)

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).parent / "samples"


def sample(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (SAMPLES / name).read_bytes(), content_type="text/csv")


def registrant(dialogue, email, first, last, **kwargs) -> Registration:
    user = UserFactory(email=email, first_name=first, last_name=last)
    return RegistrationFactory(dialogue=dialogue, member=user.member, **kwargs)


@pytest.fixture
def dialogue():
    return DialogueFactory(
        title="Who decides?", starts_at=timezone.now() - timedelta(days=2), status="held"
    )


@pytest.fixture
def registrants(dialogue):
    return {
        "amina": registrant(dialogue, "amina.yusuf@coast-trust.example.org", "Amina", "Yusuf"),
        "bilal": registrant(dialogue, "bilal@sahbhagi.example.org", "Bilal", "Ahmed"),
        "chiara": registrant(dialogue, "chiara.r@cws.example.org", "Chiara", "Rossi"),
        "fatima": registrant(dialogue, "fatima@bdr.example.org", "Fatima", "Zahra"),
        "absent": registrant(dialogue, "kofi@ghana.example.org", "Kofi", "Mensah"),
        "waiting": registrant(
            dialogue,
            "dario@elsewhere.example.org",
            "Dario",
            "Fo",
            status="waitlisted",
            waitlist_number=1,
            confirmed_at=None,
        ),
    }


def test_older_report_with_bom_meeting_summary_and_rejoins_is_read_per_person():
    people = read_participant_report(sample("zoom_participants_2020.csv"))
    assert {p.joined_on for p in people} == {date(2020, 10, 21)}
    assert [(p.name, p.email, p.minutes, p.guest, p.rows) for p in people] == [
        ("A4EP Dialogues", "dialogues@a4ep.example.org", 110, False, 1),
        ("Amina Yusuf", "amina.yusuf@coast-trust.example.org", 89, True, 2),
        ("Bilal Ahmed", "BILAL@Sahbhagi.Example.ORG", 90, True, 1),
        ("Chiara Rossi", "", 88, True, 1),
        ("Dario Fo", "dario@elsewhere.example.org", 4, True, 1),
        ("Samsung SM-A515F", "", 70, True, 1),
        ("Fatima Zahra", "fatima@bdr.example.org", 7, True, 1),
    ]


def test_newer_report_without_bom_adds_up_rejoins_across_address_case():
    people = read_participant_report(sample("zoom_participants_2024.csv"))
    assert [(p.name, p.email, p.minutes, p.rows) for p in people] == [
        ("A4EP Dialogues", "dialogues@a4ep.example.org", 101, 1),
        ("عائشة محمد", "aisha@nahda.example.org", 91, 1),
        ("Amina Yusuf", "AMINA.YUSUF@coast-trust.example.org", 88, 2),
        ("José Pérez", "", 90, 1),
        ("Unknown caller", "", 85, 1),
    ]


def test_preview_matches_by_address_then_suggests_by_name_and_sets_short_stays_apart(
    dialogue, registrants
):
    people = read_participant_report(sample("zoom_participants_2020.csv"))
    preview = preview_attendance(dialogue, people, minimum_minutes=15)
    assert [(m.participant.name, m.registration) for m in preview.matched] == [
        ("Amina Yusuf", registrants["amina"]),
        ("Bilal Ahmed", registrants["bilal"]),
    ]
    assert [(m.participant.name, m.registration) for m in preview.suggested] == [
        ("Chiara Rossi", registrants["chiara"]),
    ]
    # Dario is on the waiting list (no seat, so no attendance); the host and a phone are not
    # registrants.
    assert [p.name for p in preview.unmatched] == ["A4EP Dialogues", "Samsung SM-A515F"]
    assert [getattr(i, "participant", i).name for i in preview.too_short] == [
        "Dario Fo",
        "Fatima Zahra",
    ]
    assert Registration.objects.filter(attended=True).count() == 0  # a preview changes nothing


def test_a_name_in_another_word_order_or_without_accents_is_suggested(dialogue):
    jose = registrant(dialogue, "jp@example.org", "Jose", "Perez")
    aisha = registrant(dialogue, "a.m@example.org", "محمد", "عائشة")
    people = read_participant_report(sample("zoom_participants_2024.csv"))
    preview = preview_attendance(dialogue, people, minimum_minutes=10)
    assert {m.registration for m in preview.suggested} == {jose, aisha}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"Meeting ID,Topic,Start Time\n851,Dialogue,10/21/2020\n",
            "No participant columns found: the report needs the columns “Name (original name)” "
            "and “Duration (minutes)”, and “User Email” or “Email” to match by address.",
        ),
        (
            b"%PDF-1.7\n\x00\x01\xff\xfe binary",
            "This is not a CSV file in UTF-8. Export the participant report from Zoom as CSV.",
        ),
        (
            b"Name (original name),Email,Duration (minutes)\nAmina,a@x.org,about an hour\n",
            "Line 2: “about an hour” is not a number of minutes.",
        ),
        (
            b"Name (original name),Email,Duration (minutes)\n",
            "The report lists no participants.",
        ),
        (
            b"x" * (2 * 1024 * 1024 + 1),
            "The file is larger than 2 MB: is it the participant report?",
        ),
    ],
)
def test_bad_files_get_a_clear_message(content, message):
    with pytest.raises(AttendanceReportError) as error:
        read_participant_report(io.BytesIO(content))
    assert str(error.value) == message


def test_a_meeting_summary_without_participants_is_refused():
    with pytest.raises(AttendanceReportError, match="No participant columns found"):
        read_participant_report(sample("zoom_meeting_summary_only.csv"))


def test_recording_only_touches_this_dialogues_confirmed_registrants_and_is_idempotent(
    dialogue, registrants
):
    other = RegistrationFactory(dialogue=DialogueFactory())
    editor = EditorFactory()
    ids = [registrants["amina"].pk, registrants["waiting"].pk, other.pk]
    assert record_attendance_from_report(dialogue, ids, actor=editor) == 1
    assert record_attendance_from_report(dialogue, ids, actor=editor) == 0
    assert list(Registration.objects.filter(attended=True)) == [registrants["amina"]]


def test_attendance_cannot_be_recorded_before_the_dialogue_starts():
    upcoming = DialogueFactory()
    registration = RegistrationFactory(dialogue=upcoming)
    from dialogues.services import RegistrationError

    with pytest.raises(RegistrationError) as error:
        record_attendance_from_report(upcoming, [registration.pk], actor=EditorFactory())
    assert str(error.value) == "This dialogue has not started: nobody has attended yet."


def test_admin_upload_previews_then_confirmation_records_and_figures_follow(
    dialogue, registrants, locmem_cache
):
    client = Client()
    client.force_login(EditorFactory())
    url = f"/admin/dialogues/dialogue/{dialogue.pk}/attendance/"
    assert dialogue_report(dialogue).attendees.total == 0
    page = client.post(url, {"report": sample("zoom_participants_2020.csv"), "minimum_minutes": 15})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Matched by e-mail address: 2" in html
    assert "Likely matches by name, to check: 1" in html
    assert "Not registered, or not found: 2" in html
    assert "Below 15 minutes, not counted: 2" in html
    assert "is it the report of the right meeting?" in html  # the sample is of 21 Oct 2020
    assert Registration.objects.filter(attended=True).count() == 0
    checked = [registrants["amina"].pk, registrants["bilal"].pk]
    for pk in checked:
        assert f'name="registration" value="{pk}" id="matched-' in html
    assert f'value="{registrants["chiara"].pk}" id="suggested-1">' in html  # not ticked
    response = client.post(
        url, {"confirm": "1", "registration": [*checked, registrants["chiara"].pk]}
    )
    assert response.status_code == 302
    attended = set(Registration.objects.filter(attended=True).values_list("pk", flat=True))
    assert attended == {*checked, registrants["chiara"].pk}
    assert dialogue_report(dialogue).attendees.total == 3


def test_admin_upload_of_a_wrong_file_says_why_and_changes_nothing(dialogue, registrants):
    client = Client()
    client.force_login(EditorFactory())
    url = f"/admin/dialogues/dialogue/{dialogue.pk}/attendance/"
    bad = SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n\x00\x00", content_type="image/png")
    page = client.post(url, {"report": bad, "minimum_minutes": 15})
    assert page.status_code == 200
    assert (
        "This is not a CSV file in UTF-8. Export the participant report from Zoom as CSV."
        in page.content.decode()
    )
    assert "Matched by e-mail address" not in page.content.decode()
    assert Registration.objects.filter(attended=True).count() == 0


def test_members_without_the_permission_cannot_open_the_import(dialogue):
    client = Client()
    client.force_login(UserFactory(is_staff=True))
    assert client.get(f"/admin/dialogues/dialogue/{dialogue.pk}/attendance/").status_code == 403


def test_a_report_of_the_dialogues_own_day_raises_no_doubt(registrants):
    dialogue = registrants["amina"].dialogue
    people = read_participant_report(sample("zoom_participants_2020.csv"))
    assert preview_attendance(dialogue, people, minimum_minutes=15).other_day == date(2020, 10, 21)
    type(dialogue).objects.filter(pk=dialogue.pk).update(starts_at=utc(2020, 10, 21, 11))
    dialogue.refresh_from_db()
    assert preview_attendance(dialogue, people, minimum_minutes=15).other_day is None
