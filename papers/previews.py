"""Link-preview images (Open Graph, 1200x630 PNG): the title, series and date of a dialogue or
paper on the portal's colours, laid out in the direction of the language they are shown in.

Pillow shapes Arabic and orders mixed text through raqm; a font covers one script only, so a
line is cut into runs of Arabic and of other text, each drawn with its own font and placed
in the line's direction (enough for titles: one level of embedding, as a reader expects).
"""

import io
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
MARGIN = 80
BRAND = (11, 93, 75)
BRAND_DARK = (7, 70, 58)
WHITE = (255, 255, 255)
PALE = (214, 233, 227)
FONTS = Path(__file__).resolve().parent.parent / "a4ep_portal" / "fonts"
ARABIC_LETTERS = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")


@dataclass(frozen=True)
class PreviewText:
    eyebrow: str  # the series, and the dialogue's number or the paper's kind
    title: str
    footer: str  # the date
    rtl: bool
    brand: str = "A4EP Dialogues"


@cache
def _font(arabic: bool, bold: bool, size: int) -> ImageFont.FreeTypeFont:
    name = (
        ("NotoNaskhArabic-Bold" if bold else "NotoNaskhArabic-Regular")
        if arabic
        else ("NotoSans-Bold")
    )
    return ImageFont.truetype(str(FONTS / f"{name}.ttf"), size, layout_engine=ImageFont.Layout.RAQM)


def _runs(text: str) -> list[tuple[bool, str]]:
    """(is Arabic, text) runs of a line; spaces and digits stay with the run they are in."""
    runs: list[list] = []
    for word in text.split(" "):
        arabic = bool(ARABIC_LETTERS.search(word))
        if runs and (runs[-1][0] == arabic or not word.strip()):
            runs[-1][1] += " " + word
        else:
            runs.append([arabic, word])
    return [(arabic, run.strip()) for arabic, run in runs if run.strip()]


def _width(text: str, size: int, bold: bool) -> float:
    gap = _font(False, bold, size).getlength(" ")
    runs = _runs(text)
    return sum(
        _font(arabic, bold, size).getlength(run, direction="rtl" if arabic else "ltr")
        for arabic, run in runs
    ) + gap * max(len(runs) - 1, 0)


def _wrap(text: str, size: int, bold: bool, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and _width(f"{lines[-1]} {word}", size, bold) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _draw_line(draw, text: str, y: int, size: int, bold: bool, fill, rtl: bool) -> None:
    runs = _runs(text)
    gap = _font(False, bold, size).getlength(" ")
    x = WIDTH - MARGIN if rtl else MARGIN
    for arabic, run in runs:
        font = _font(arabic, bold, size)
        width = font.getlength(run, direction="rtl" if arabic else "ltr")
        left = x - width if rtl else x
        draw.text(
            (left, y),
            run,
            font=font,
            fill=fill,
            direction="rtl" if arabic else "ltr",
            language="ar" if arabic else None,
            anchor="ls",
        )
        x = left - gap if rtl else x + width + gap


TITLE_TOP = MARGIN + 110
TITLE_BOTTOM = HEIGHT - MARGIN - 70  # the last baseline, clear of the date


def _title_lines(title: str) -> tuple[int, list[str]]:
    """The largest size at which the whole title fits (cut short at the smallest)."""
    for size in (72, 64, 56, 48):
        fits = 1 + (TITLE_BOTTOM - TITLE_TOP - size) // int(size * 1.3)
        lines = _wrap(title, size, True, WIDTH - 2 * MARGIN)
        if len(lines) <= fits:
            return size, lines
    return size, [*lines[: fits - 1], lines[fits - 1] + " …"]


def render_preview(text: PreviewText) -> bytes:
    """The PNG bytes of one preview card."""
    image = Image.new("RGB", (WIDTH, HEIGHT), BRAND)
    draw = ImageDraw.Draw(image)
    band = (WIDTH - 24, 0, WIDTH, HEIGHT) if not text.rtl else (0, 0, 24, HEIGHT)
    draw.rectangle(band, fill=BRAND_DARK)
    _draw_line(draw, text.brand, MARGIN + 20, 34, True, WHITE, text.rtl)
    _draw_line(draw, text.eyebrow, MARGIN + 90, 32, False, PALE, text.rtl)
    size, lines = _title_lines(text.title)
    y = TITLE_TOP + size
    for line in lines:
        _draw_line(draw, line, y, size, True, WHITE, text.rtl)
        y += int(size * 1.3)
    _draw_line(draw, text.footer, HEIGHT - MARGIN + 10, 34, True, PALE, text.rtl)
    buffer = io.BytesIO()
    # A few flat colours and their anti-aliased edges: 64 palette entries keep the card sharp
    # at under half the bytes (a phone on a metered connection loads it with every share).
    image.convert("P", palette=Image.Palette.ADAPTIVE, colors=64).save(buffer, "PNG")
    return buffer.getvalue()
