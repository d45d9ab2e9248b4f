"""The translation catalogues in locale/ are complete and current: `make messages` run now would
find no string they lack (or have too many), every entry is translated and none is fuzzy, msgfmt
accepts them, and each committed .mo is the compiled .po.

Runs gettext's tools, as `make messages` does; without them (no msgfmt on the PATH) the test
skips, and CI installs Debian's gettext first."""

import gettext
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
# What `make messages` leaves out, besides what its own -i options name.
NOT_COPIED = {".git", ".venv", "var", "tests", "bench", "deploy", "node_modules", "__pycache__"}

pytestmark = pytest.mark.skipif(
    shutil.which("msgfmt") is None or shutil.which("xgettext") is None,
    reason="needs gettext (msgfmt, xgettext) on the PATH: apt-get install gettext",
)


def _makemessages_command() -> list[str]:
    """The makemessages line of the Makefile's `messages` target, as this Python runs it."""
    makefile = (ROOT / "Makefile").read_text()
    line = next(
        line.strip()
        for line in makefile.splitlines()
        if line.startswith("\t") and "manage.py makemessages" in line
    )
    return [sys.executable if word == "$(BIN)/python" else word for word in shlex.split(line)]


def parse_po(path: Path) -> dict[tuple[str, str, str], dict]:
    """Entries by (msgctxt, msgid, msgid_plural): their msgstr values and flags."""
    entries = {}
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        fields: dict[str, str] = {}
        flags: set[str] = set()
        current = None
        for line in block.splitlines():
            if line.startswith("#,"):
                flags |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif line.startswith('"') and current:
                fields[current] += _unquote(line)
            else:
                match = re.match(
                    r"(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(\".*\")", line
                )
                if match:
                    current = match.group(1)
                    fields[current] = _unquote(match.group(2))
        if "msgid" not in fields:
            continue
        key = (fields.get("msgctxt", ""), fields["msgid"], fields.get("msgid_plural", ""))
        entries[key] = {
            "msgstr": [value for name, value in fields.items() if name.startswith("msgstr")],
            "flags": flags,
        }
    return entries


def _unquote(text: str) -> str:
    return text.strip()[1:-1].encode("raw_unicode_escape").decode("unicode_escape")


def _catalogue(code: str) -> Path:
    return ROOT / "locale" / code / "LC_MESSAGES" / "django.po"


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> Path:
    """A copy of the project in which `make messages`' makemessages ran: its locale/."""
    copy = tmp_path_factory.mktemp("project")
    for item in ROOT.iterdir():
        if item.name in NOT_COPIED or item.name.startswith("."):
            continue
        if item.is_dir():
            shutil.copytree(item, copy / item.name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(item, copy / item.name)
    (copy / "locale").mkdir(exist_ok=True)
    result = subprocess.run(
        _makemessages_command(), cwd=copy, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    return copy / "locale"


@pytest.mark.parametrize("code", LANGUAGES)
def test_catalogue_has_every_string_of_the_code_and_no_other(regenerated, code):
    po = _catalogue(code)
    assert po.exists(), f"locale/{code} has no catalogue: run `make messages` and translate it"
    current = set(parse_po(regenerated / code / "LC_MESSAGES" / "django.po"))
    committed = set(parse_po(po))
    missing = sorted(current - committed)
    extra = sorted(committed - current)
    assert (missing[:20], extra[:20]) == ([], []), (
        f"locale/{code} is stale ({len(missing)} strings missing, {len(extra)} no longer "
        "used): run `make messages`, translate, and commit the .po and .mo"
    )


@pytest.mark.parametrize("code", LANGUAGES)
def test_catalogue_is_translated_and_nothing_is_fuzzy(code):
    po = _catalogue(code)
    assert po.exists(), f"locale/{code} has no catalogue"
    entries = parse_po(po)
    untranslated = [key[1] for key, e in entries.items() if key[1] and not all(e["msgstr"])]
    fuzzy = [key[1] or "(header)" for key, e in entries.items() if "fuzzy" in e["flags"]]
    assert (untranslated[:20], fuzzy[:20]) == ([], []), (
        f"locale/{code}: {len(untranslated)} untranslated, {len(fuzzy)} fuzzy"
    )


@pytest.mark.parametrize("code", LANGUAGES)
def test_catalogue_passes_msgfmt_check_and_its_mo_is_compiled_from_it(code, tmp_path):
    po = _catalogue(code)
    assert po.exists(), f"locale/{code} has no catalogue"
    compiled = tmp_path / "django.mo"
    result = subprocess.run(
        ["msgfmt", "--check", "-o", str(compiled), str(po)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    committed = po.with_suffix(".mo")
    assert committed.exists(), f"locale/{code} has no .mo: run `make messages`"
    with compiled.open("rb") as fresh, committed.open("rb") as stored:
        assert gettext.GNUTranslations(stored)._catalog == (
            gettext.GNUTranslations(fresh)._catalog
        ), f"locale/{code}/LC_MESSAGES/django.mo is not the compiled .po: run `make messages`"


def test_parse_po_reads_entries_plurals_flags_and_continued_lines(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        '#, fuzzy, python-format\nmsgid "Hello %(name)s"\nmsgstr "Bonjour %(name)s"\n\n'
        'msgctxt "menu"\nmsgid ""\n"Long "\n"line"\nmsgstr ""\n\n'
        'msgid "one seat"\nmsgid_plural "%(n)s seats"\nmsgstr[0] "une place"\nmsgstr[1] ""\n',
        encoding="utf-8",
    )
    entries = parse_po(po)
    assert entries[("", "Hello %(name)s", "")] == {
        "msgstr": ["Bonjour %(name)s"],
        "flags": {"fuzzy", "python-format"},
    }
    assert entries[("menu", "Long line", "")]["msgstr"] == [""]
    assert entries[("", "one seat", "%(n)s seats")]["msgstr"] == ["une place", ""]
