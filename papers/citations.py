"""A paper in the formats citation managers import (BibTeX, RIS, CSL-JSON) and as a formatted
reference (author-date style), from its live version."""

import json
import re
from datetime import UTC

from django.conf import settings
from django.utils import translation

from .linked_data import PUBLISHER, absolute

FORMATS = {
    "bib": ("application/x-bibtex; charset=utf-8", "bib"),
    "ris": ("application/x-research-info-systems; charset=utf-8", "ris"),
    "json": ("application/vnd.citationstyles.csl+json; charset=utf-8", "json"),
}


def _published(paper, version):
    return (paper.first_published_at or version.published_at).astimezone(UTC)


def _page(paper) -> str:
    """The paper's address without a language prefix: one reference whatever page it came from."""
    with translation.override(settings.LANGUAGE_CODE):
        return absolute(paper.get_absolute_url())


def _url(paper, version) -> str:
    return f"https://doi.org/{version.doi}" if version.doi else _page(paper)


def _names(authors) -> list[str]:
    return [str(author) for author in authors] or [PUBLISHER]


def _is_person(author) -> bool:
    return author._meta.model_name == "speaker"


def _person_parts(name: str) -> tuple[str, str]:
    """(family, given) of "Given Family"; one-word names are all family."""
    given, _space, family = name.strip().rpartition(" ")
    return family, given


def reference(paper, version, authors) -> str:
    """Author, A., & Author, B. (2020). Title. Publisher. URL"""
    names = []
    for author in authors:
        if _is_person(author):
            family, given = _person_parts(author.name)
            initials = " ".join(f"{part[0]}." for part in given.split() if part)
            names.append(f"{family}, {initials}" if initials else family)
        else:
            names.append(str(author))
    if not names:
        names = [PUBLISHER]
    who = ", ".join(names[:-1]) + ", & " + names[-1] if len(names) > 1 else names[0]
    title = version.title.rstrip(".")
    end = "" if title.endswith(("?", "!")) else "."
    year = _published(paper, version).year
    return f"{who} ({year}). {title}{end} {PUBLISHER}. {_url(paper, version)}"


def _bib_escape(text: str) -> str:
    return re.sub(r"([{}&%$#_])", r"\\\1", text)


def bibtex(paper, version, authors) -> str:
    published = _published(paper, version)
    entry = "techreport" if paper.kind == "summary" else "misc"
    authors_field = (
        " and ".join(
            _bib_escape(author.name) if _is_person(author) else "{" + _bib_escape(str(author)) + "}"
            for author in authors
        )
        or "{" + PUBLISHER + "}"
    )
    fields = [
        ("title", "{" + _bib_escape(version.title) + "}"),
        ("author", authors_field),
        ("year", str(published.year)),
        ("month", published.strftime("%b").lower()),
        ("institution" if entry == "techreport" else "publisher", _bib_escape(PUBLISHER)),
        ("language", version.language),
        ("url", _page(paper)),
    ]
    if version.doi:
        fields.append(("doi", version.doi))
    key = re.sub(r"[^a-z0-9]+", "", paper.slug.lower()) + str(published.year)
    body = ",\n".join(
        f"  {name} = {value}" if name == "month" else f"  {name} = {{{value}}}"
        for name, value in fields
    )
    return f"@{entry}{{{key},\n{body}\n}}\n"


def ris(paper, version, authors) -> str:
    published = _published(paper, version)
    lines = [("TY", "RPRT" if paper.kind == "summary" else "GEN"), ("TI", version.title)]
    lines += [("AU", str(author)) for author in authors] or [("AU", PUBLISHER)]
    lines += [
        ("PY", str(published.year)),
        ("DA", published.strftime("%Y/%m/%d")),
        ("PB", PUBLISHER),
        ("LA", version.language),
        ("UR", _page(paper)),
    ]
    if version.abstract:
        lines.append(("AB", " ".join(version.abstract.split())))
    if version.doi:
        lines.append(("DO", version.doi))
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {value}\r\n" for tag, value in lines)


def csl_json(paper, version, authors) -> str:
    published = _published(paper, version)
    people = []
    for author in authors:
        if _is_person(author):
            family, given = _person_parts(author.name)
            people.append({"family": family, "given": given} if given else {"literal": family})
        else:
            people.append({"literal": str(author)})
    item = {
        "id": paper.slug,
        "type": "report" if paper.kind == "summary" else "article",
        "title": version.title,
        "author": people or [{"literal": PUBLISHER}],
        "issued": {"date-parts": [[published.year, published.month, published.day]]},
        "publisher": PUBLISHER,
        "language": version.language,
        "URL": _page(paper),
        "version": str(version.number),
    }
    if version.abstract:
        item["abstract"] = version.abstract
    if version.doi:
        item["DOI"] = version.doi
    return json.dumps([item], ensure_ascii=False, indent=2) + "\n"


def render(format_name: str, paper, version, authors) -> str:
    return {"bib": bibtex, "ris": ris, "json": csl_json}[format_name](paper, version, authors)
