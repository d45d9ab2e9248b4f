"""Certificates of participation: the PDF an attendee downloads from /me/dialogues/ (read back
with pypdf, as a reader would see it), and the public page its address opens."""

import io
import unicodedata

import pytest
from django.test import Client
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from dialogues.certificates import certificate_token
from dialogues.models import Dialogue
from members.models import Member, Organisation
from tests.factories import DialogueFactory, RegistrationFactory, UserFactory, utc
from tests.html import main_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def held():
    dialogue = DialogueFactory(
        title="Who decides?",
        title_ar="من يقرر؟",
        slug="who-decides",
        number=3,
        starts_at=utc(2020, 10, 21, 13),
        status=Dialogue.Status.HELD,
    )
    dialogue.series.title = "Localisation Dialogue Series"
    dialogue.series.title_ar = "سلسلة حوارات التوطين"
    dialogue.series.save()
    dialogue.co_hosts.add(
        Organisation.objects.create(name="KUNO", kind=Organisation.Kind.NETWORK),
        Organisation.objects.create(name="Charter4Change", kind=Organisation.Kind.NETWORK),
    )
    return dialogue


def attendee(dialogue, **member):
    user = UserFactory(first_name="Amina", last_name="Yusuf", time_zone="Africa/Nairobi")
    Member.objects.filter(pk=user.member.pk).update(**member)
    user.refresh_from_db()
    registration = RegistrationFactory(
        dialogue=dialogue, member=user.member, attended=True, organisation_name="Coast Trust"
    )
    return user, registration


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == 1
    return unicodedata.normalize("NFKC", reader.pages[0].extract_text())


def download(user, slug="who-decides", prefix=""):
    client = Client()
    client.force_login(user)
    return client.get(f"{prefix}/me/dialogues/{slug}/certificate.pdf")


def embedded_glyph_names(content: bytes) -> set[str]:
    """The glyphs of the fonts embedded in the PDF: shaped Arabic uses the joined forms."""
    names = set()
    page = PdfReader(io.BytesIO(content)).pages[0]
    for font in page["/Resources"]["/Font"].values():
        descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        data = descriptor["/FontFile2"].get_object().get_data()
        names |= set(TTFont(io.BytesIO(data)).getGlyphOrder())
    return names


def test_an_attendee_downloads_a_certificate_in_english(held, settings):
    settings.SITE_URL = "https://dialogues.a4ep.example.org"
    user, registration = attendee(held)
    response = download(user)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="certificate-who-decides.pdf"'
    assert pdf_text(response.content).splitlines() == [
        "Alliance for Empowering Partnership (A4EP)",
        "Certificate of participation",
        "This certifies that",
        "Amina Yusuf",
        "Coast Trust",
        "took part in the online dialogue",
        "Who decides?",
        "Localisation Dialogue Series, dialogue 3",
        "Wed 21 Oct 2020 · 90 minutes",
        "Co-hosted by Charter4Change, KUNO",
        "Anyone can check that this certificate is genuine at:",
        "https://dialogues.a4ep.example.org/certificates/" + certificate_token(registration) + "/",
    ]


def test_the_certificate_date_is_the_members_day(held):
    user, _registration = attendee(held, time_zone="Pacific/Auckland")
    # 13:00 UTC on 21 October is 02:00 on 22 October in Auckland.
    assert "Thu 22 Oct 2020 · 90 minutes" in pdf_text(download(user).content).splitlines()


@pytest.mark.parametrize(
    ("registration", "dialogue"),
    [
        ({"attended": False}, {}),
        ({"status": "cancelled"}, {}),
        ({}, {"status": Dialogue.Status.ANNOUNCED}),
        ({}, {"status": Dialogue.Status.CANCELLED}),
    ],
)
def test_only_attendees_of_held_dialogues_have_a_certificate(held, registration, dialogue):
    user, own = attendee(held)
    type(own).objects.filter(pk=own.pk).update(**registration)
    type(held).objects.filter(pk=held.pk).update(**dialogue)
    assert download(user).status_code == 404


def test_nobody_downloads_another_members_certificate(held):
    attendee(held)
    assert download(UserFactory()).status_code == 404


def verify(token: str, prefix: str = ""):
    return Client().get(f"{prefix}/certificates/{token}/")


@pytest.mark.parametrize(
    ("shown_as", "awarded_to"),
    [
        (Member.ShownAs.FULL_NAME, "Amina Yusuf"),
        (Member.ShownAs.FIRST_NAME, "A participant (who chose not to be named here)"),
        (Member.ShownAs.ORGANISATION, "A participant (who chose not to be named here)"),
    ],
)
def test_the_verification_page_names_the_member_only_if_they_chose_it(held, shown_as, awarded_to):
    _user, registration = attendee(held, shown_as=shown_as)
    response = verify(certificate_token(registration))
    assert response.status_code == 200
    assert main_text(response.content) == (
        "Certificate of participation "
        "This certificate is genuine. The Alliance for Empowering Partnership (A4EP) issued it. "
        f"Awarded to {awarded_to} "
        "For taking part in Who decides? Localisation Dialogue Series, dialogue 3 "
        "Date Wed 21 Oct 2020"
    )
    html = response.content.decode()
    assert "Coast Trust" not in html
    assert registration.member.user.email not in html


def test_a_forged_or_withdrawn_certificate_is_not_genuine(held):
    _user, registration = attendee(held)
    token = certificate_token(registration)
    forged = str(registration.pk + 1) + token[token.index(":") :]
    expected = (
        "We did not issue a certificate with this address. Check that it was copied in full, "
        "or ask the person who showed it to you for the PDF."
    )
    for response in (verify(forged), verify("nonsense")):
        assert response.status_code == 404
        assert main_text(response.content) == "Certificate of participation " + expected
    type(registration).objects.filter(pk=registration.pk).update(attended=False)
    assert verify(token).status_code == 404


def test_a_deleted_members_certificate_stays_genuine_without_a_name(held):
    user, registration = attendee(held, shown_as=Member.ShownAs.FULL_NAME)
    token = certificate_token(registration)
    type(registration).objects.filter(pk=registration.pk).update(member=None)
    assert "Awarded to A participant (who chose not to be named here)" in main_text(
        verify(token).content
    )


def test_an_arabic_certificate_is_shaped_and_right_to_left(held, settings):
    settings.SITE_URL = "https://dialogues.a4ep.example.org"
    user, registration = attendee(held)
    content = download(user, prefix="/ar").content
    # pypdf reads each line's runs from left to right as drawn: in a right-to-left line the
    # number and the Latin names come first, and the brackets around A4EP read mirrored.
    assert pdf_text(content).splitlines() == [
        ")A4EP( التحالف من أجل تمكين الشراكة",
        "شهادة مشاركة",
        "نشهد بأنّ ",
        "Amina Yusuf",
        "Coast Trust",
        "شارك في الحوار عبر الإنترنت",
        "من يقرر؟",
        "3 سلسلة حوارات التوطين، الحوار",
        " دقيقة90 · 2020  أكتوبر،21",
        "Charter4Change, KUNO بالاشتراك في التنظيم مع",
        "يمكن لأي شخص التحقق من صحة هذه الشهادة على العنوان:",
        "https://dialogues.a4ep.example.org/ar/certificates/"
        + certificate_token(registration)
        + "/",
    ]
    # Letters joined as Arabic is written: initial and medial forms of seen and lam.
    assert {"uniFEB3", "uniFEDF", "uniFEE0"} <= embedded_glyph_names(content)
