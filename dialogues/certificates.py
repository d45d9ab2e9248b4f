"""Certificates of participation: a PDF for an attendee of a held dialogue, in their language
(Arabic shaped and right to left through HarfBuzz), with a verification address whose signed
token anyone can check on the portal.

The fonts are Noto Sans and Noto Sans Arabic, shipped in a4ep_portal/fonts/ under the SIL
Open Font License (OFL.txt beside them); each is the other's fallback, so a Latin name on an
Arabic certificate (or an Arabic name on an English one) is drawn too.
"""

import logging
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from fpdf import FPDF

from .models import Dialogue, Registration

# fontTools reports every glyph it keeps when fpdf2 subsets a font: not news for our logs.
logging.getLogger("fontTools").setLevel(logging.WARNING)

FONTS = Path(settings.BASE_DIR) / "a4ep_portal" / "fonts"
SALT = "dialogues.certificate"
INK = (31, 41, 55)
ACCENT = (0, 94, 122)


def may_have_certificate(registration: Registration) -> bool:
    """Attendees of held dialogues only."""
    return (
        registration.attended
        and registration.status == Registration.Status.CONFIRMED
        and registration.dialogue.status == Dialogue.Status.HELD
    )


def certificate_token(registration: Registration) -> str:
    return signing.Signer(salt=SALT).sign(str(registration.pk))


def registration_for_token(token: str) -> Registration | None:
    """The registration a genuine token was issued for, if it still earns a certificate."""
    try:
        pk = int(signing.Signer(salt=SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        return None
    registration = (
        Registration.objects.select_related(
            "dialogue__series", "member__user", "member__organisation"
        )
        .filter(pk=pk)
        .first()
    )
    if registration is None or not may_have_certificate(registration):
        return None
    return registration


def verification_url(registration: Registration) -> str:
    return settings.SITE_URL + reverse(
        "dialogues:certificate", kwargs={"token": certificate_token(registration)}
    )


def attendee_name(registration: Registration) -> str:
    """The name on the member's own certificate."""
    member = registration.member
    if member is None:
        return _("A participant")
    return member.user.get_full_name() or member.user.first_name or _("A participant")


class _Certificate(FPDF):
    def __init__(self, rtl: bool):
        super().__init__(orientation="landscape", format="A4")
        self.rtl = rtl
        self.set_auto_page_break(False)
        self.set_margins(25, 20, 25)
        for family, stem in (("sans", "NotoSans"), ("arabic", "NotoSansArabic")):
            self.add_font(family, "", FONTS / f"{stem}-Regular.ttf")
            self.add_font(family, "B", FONTS / f"{stem}-Bold.ttf")
        main, fallback = ("arabic", "sans") if rtl else ("sans", "arabic")
        self.main_font = main
        self.set_fallback_fonts([fallback], exact_match=False)
        self.set_text_shaping(use_shaping_engine=True, direction="rtl" if rtl else "ltr")
        self.set_title(_("Certificate of participation"))
        self.set_author("A4EP")
        self.set_creator("A4EP Dialogues")

    def centred(self, text: str, size: float, *, bold: bool = False, colour=INK, gap: float = 3):
        self.set_font(self.main_font, "B" if bold else "", size)
        self.set_text_color(*colour)
        self.multi_cell(0, size * 0.5, text, align="C", new_x="LMARGIN", new_y="NEXT")
        self.ln(gap)


def render_certificate(registration: Registration, language: str | None = None) -> bytes:
    """The PDF, in the given language (else the member's preferred one), the date in the
    member's time zone."""
    member = registration.member
    language = language or (member.preferred_language if member else settings.LANGUAGE_CODE)
    zone = member.time_zone if member and member.time_zone else settings.TIME_ZONE
    dialogue = registration.dialogue
    with translation.override(language), timezone.override(zone):
        pdf = _Certificate(rtl=translation.get_language_bidi())
        pdf.add_page()
        pdf.set_draw_color(*ACCENT)
        pdf.set_line_width(1.2)
        pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
        pdf.set_line_width(0.3)
        pdf.rect(13, 13, pdf.w - 26, pdf.h - 26)
        pdf.set_y(24)
        pdf.centred(_("Alliance for Empowering Partnership (A4EP)"), 12, colour=ACCENT, gap=6)
        pdf.centred(_("Certificate of participation"), 28, bold=True, gap=8)
        pdf.centred(_("This certifies that"), 13)
        pdf.centred(attendee_name(registration), 24, bold=True, gap=2)
        organisation = registration.organisation_name or (
            member.organisation.name if member and member.organisation_id else ""
        )
        if organisation:
            pdf.centred(organisation, 13, gap=4)
        pdf.centred(_("took part in the online dialogue"), 13)
        pdf.centred(dialogue.title, 18, bold=True, gap=1)
        pdf.centred(
            _("%(series)s, dialogue %(number)s")
            % {"series": dialogue.series.title, "number": dialogue.number},
            12,
        )
        date = formats.date_format(timezone.localtime(dialogue.starts_at), "DATE_FORMAT")
        minutes = ngettext("%(minutes)d minute", "%(minutes)d minutes", dialogue.duration_minutes)
        pdf.centred(f"{date} · {minutes % {'minutes': dialogue.duration_minutes}}", 12)
        co_hosts = [co_host.name for co_host in dialogue.co_hosts.all()]
        if co_hosts:
            pdf.centred(_("Co-hosted by %(co_hosts)s") % {"co_hosts": ", ".join(co_hosts)}, 12)
        pdf.set_y(pdf.h - 38)
        pdf.centred(_("Anyone can check that this certificate is genuine at:"), 9, gap=0)
        # A web address reads left to right in every language.
        pdf.set_text_shaping(use_shaping_engine=True, direction="ltr")
        pdf.centred(verification_url(registration), 9, colour=ACCENT, gap=0)
    return bytes(pdf.output())
