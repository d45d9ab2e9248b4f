"""The page's chrome (the head's links, the header with its menus and language switcher, the
footer), rendered once per process for each of its variants and then reused.

base.html's chrome cost about 3 ms of CPU on every page (twenty `reverse()`s, two dozen
translations, the language switcher resolving the address four times), six times the whole
hello-world floor of bench/pages.py, and on a page whose content comes from the fragment cache
it was most of the request. Yet it is a pure function of a few values: the language, the
address (which menu item is current, where the switcher and "Log in" lead), who is logged in
(name, staff or not) and the viewer's time zone. `functools.lru_cache` keeps the HTML per
combination: nothing to invalidate while the process lives (addresses, static file names and
translations change only with a deploy, which starts new processes), bounded in memory, no
cache round trip. Tests that change settings the chrome reads get a fresh memo
(`setting_changed` below).

The markup is templates/includes/chrome_*.html, rendered with only the values of its key, so
nothing of the request can slip into a variant shared with someone else.
"""

import functools

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import QueryDict
from django.template.loader import get_template
from django.urls import translate_url
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

PARTS = ("head", "header", "footer")
# About 5 KB a variant: at most some 10 MB per process for the three parts together.
VARIANTS = 1024


def local_name(code: str) -> str:
    try:
        return translation.get_language_info(code)["name_local"]
    except KeyError:
        return code


def page_languages(full_path: str | None, current: str) -> dict:
    """The page at `full_path` in each of the portal's languages, for the switcher and hreflang.

    `next` is the page's English (unprefixed) address: the switcher posts it to set_language,
    which runs unprefixed, in English, and can only translate addresses it resolves.
    `alternates` is empty on pages that are the same in every language (files, admin, errors).
    Without a request (the 500 and 503 pages) the page has no address of its own: the switcher
    leads to the home page, and no alternates are named.
    """
    path = full_path if full_path is not None else "/"
    urls = {code: translate_url(path, code) for code, _name in settings.LANGUAGES}
    languages = [
        {"code": code, "name": local_name(code), "url": urls[code], "current": code == current}
        for code, _name in settings.LANGUAGES
    ]
    translatable = full_path is not None and len(set(urls.values())) == len(urls)
    return {
        "languages": languages,
        "next": urls[settings.LANGUAGE_CODE],
        "alternates": languages if translatable else [],
        "default_url": urls[settings.LANGUAGE_CODE],
        "site_url": settings.SITE_URL,
    }


@functools.lru_cache(maxsize=VARIANTS)
def render(
    part: str,
    language: str,
    full_path: str | None,
    account: tuple[str, bool] | None,
    zone: str,
) -> SafeString:
    """The HTML of one part of the chrome. `full_path` is the request's path with its query
    (None without a request), `account` (name shown, is staff) of a logged-in viewer, `zone`
    the name of the zone times are shown in ("" for none)."""
    if part not in PARTS:
        raise ValueError(f"no chrome part {part!r}")
    path, _, query = (full_path or "").partition("?")
    with translation.override(language):
        html = get_template(f"includes/chrome_{part}.html").render(
            {
                "LANGUAGE_CODE": language,
                "path": path,
                "full_path": full_path or "",
                # On the account pages themselves, "Log in" passes on where the visitor was going.
                "next_url": QueryDict(query).get("next") or full_path or "",
                "account": (
                    {"name": account[0], "is_staff": account[1]} if account is not None else None
                ),
                "time_zone_name": zone,
                "page_languages": page_languages(full_path, language),
                "site_url": settings.SITE_URL,
            }
        )
    return mark_safe(html.strip())  # noqa: S308 (rendered by the template, escaped there)


@receiver(setting_changed)
def _forget(**kwargs) -> None:
    render.cache_clear()
