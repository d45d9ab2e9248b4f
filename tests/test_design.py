"""The palette keeps WCAG AA contrast (4.5:1 for text) in the light and the dark scheme, and
so do the badges and the initials circles, whatever colour a name draws."""

import re
from pathlib import Path

import pytest

CSS = (Path(__file__).resolve().parent.parent / "static/css/portal.css").read_text()

# Text colour on background colour, as the stylesheet pairs them.
TEXT_PAIRS = [
    ("ink", "paper"),
    ("ink", "tint"),
    ("muted", "paper"),
    ("muted", "tint"),
    ("link", "paper"),
    ("link", "tint"),
    ("error", "paper"),
    ("error", "tint"),
    ("on-primary", "primary"),
    ("on-primary", "primary-dark"),
]


def _luminance(colour: str) -> float:
    colour = colour.lstrip("#")
    if len(colour) == 3:
        colour = "".join(c * 2 for c in colour)
    channels = [int(colour[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    light, dark = sorted([_luminance(a), _luminance(b)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _palette(block: str) -> dict[str, str]:
    return dict(re.findall(r"--brand-([a-z-]+):\s*(#[0-9a-fA-F]{3,6})", block))


def _schemes() -> dict[str, dict[str, str]]:
    start = CSS.index("=== Brand palette")
    end = CSS.index("=== end of brand palette")
    block = CSS[start:end]
    light = _palette(block[: block.index("@media (prefers-color-scheme: dark)")])
    dark = {**light, **_palette(block[block.index("@media (prefers-color-scheme: dark)") :])}
    return {"light": light, "dark": dark}


def test_contrast_helper_measures_as_wcag_does():
    assert round(contrast("#000", "#fff"), 1) == 21.0
    assert round(contrast("#767676", "#fff"), 2) == 4.54


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_palette_text_pairs_meet_aa(scheme):
    colours = _schemes()[scheme]
    low = {
        f"{text} on {background}": round(contrast(colours[text], colours[background]), 2)
        for text, background in TEXT_PAIRS
        if contrast(colours[text], colours[background]) < 4.5
    }
    assert low == {}


def test_dark_scheme_changes_the_page_colours():
    light, dark = _schemes()["light"], _schemes()["dark"]
    assert _luminance(dark["paper"]) < 0.05 < _luminance(light["paper"])
    assert _luminance(dark["ink"]) > 0.5 > _luminance(light["ink"])


def test_badges_and_initials_circles_meet_aa_with_white_text():
    fills = dict(
        re.findall(r"\.((?:avatar|badge)-[a-z0-9]+) \{ background: (#[0-9a-f]{6}); \}", CSS)
    )
    assert sorted(name for name in fills if name.startswith("avatar")) == [
        f"avatar-{i}" for i in range(8)
    ]
    assert {"badge-full", "badge-recording"} <= set(fills)
    low = {name: round(contrast("#fff", fill), 2) for name, fill in fills.items()}
    assert {name: ratio for name, ratio in low.items() if ratio < 4.5} == {}
