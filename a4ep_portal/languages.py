"""Which language a piece of multilingual content is shown in, and which it is written in.

Dialogues, papers and recordings keep their original in the English column of each translated
field (django-modeltranslation; see each app's translation.py) and translations in the others.
The original is in English, except for papers and recordings, whose `language` says what theirs
is in. Reading `item.title` gives the viewer's language when it is written, else the original.
"""

import unicodedata

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

# Every list of languages in the portal comes from here (ISO 639-1 codes): the languages its
# people speak and its papers and recordings come in, as the series' audience speaks them.
SPOKEN_LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("pt", _("Portuguese")),
    ("ar", _("Arabic")),
    ("bn", _("Bengali")),
    ("ur", _("Urdu")),
    ("hi", _("Hindi")),
    ("ne", _("Nepali")),
    ("id", _("Indonesian")),
    ("tl", _("Tagalog")),
    ("my", _("Burmese")),
    ("sw", _("Swahili")),
    ("so", _("Somali")),
    ("ha", _("Hausa")),
    ("am", _("Amharic")),
    ("ru", _("Russian")),
    ("zh", _("Chinese")),
]
# The languages the portal's pages and mail are written in (settings.LANGUAGES), which a
# registrant follows a dialogue in.
PORTAL_LANGUAGES = [
    (code, name) for code, name in SPOKEN_LANGUAGES if code in ("en", "fr", "es", "ar")
]
# Papers and recordings come in any of them; members choose among all but Russian and Chinese.
PAPER_LANGUAGES = SPOKEN_LANGUAGES
MEMBER_LANGUAGES = [(code, name) for code, name in SPOKEN_LANGUAGES if code not in {"ru", "zh"}]


def original_language(item) -> str:
    return getattr(item, "language", None) or settings.LANGUAGE_CODE


def _translated(item, field: str, code: str) -> bool:
    return code != settings.LANGUAGE_CODE and bool(getattr(item, f"{field}_{code}", None))


def shown_language(item, field: str = "title") -> str:
    """The language `item.<field>` is shown in to the current viewer."""
    current = translation.get_language() or settings.LANGUAGE_CODE
    return current if _translated(item, field, current) else original_language(item)


def available_languages(item, field: str = "title") -> list[str]:
    """The portal's languages `item.<field>` is written in, the original first."""
    original = original_language(item)
    return [original] + [
        code
        for code, _name in settings.LANGUAGES
        if code != original and _translated(item, field, code)
    ]


def in_every_language(*fields: str) -> list[str]:
    """The per-language columns of translated fields (title_en, title_fr, ...), for admin
    searches that should find an item by any of its languages."""
    return [f"{field}_{code}" for field in fields for code, _name in settings.LANGUAGES]


def written_in_every_language(field: str, make) -> dict[str, str]:
    """{"<field>_<code>": make() with that language active} for every portal language: text
    the portal writes itself (a drafted mailing) in all its languages at once."""
    values = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            values[f"{field}_{code}"] = str(make())
    # The field itself holds the original too (pass these with the default language active).
    values[field] = values[f"{field}_{settings.LANGUAGE_CODE}"]
    return values


def remember_language(response, language: str) -> None:
    """Set the language cookie on `response`, as Django's language switcher does: the pages
    that follow speak `language`."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


# Arabic letters that sort as another: alef maqsura as ya, ta marbuta as ha (hamza and madda
# carriers fall out with the marks below).
_SAME_LETTER = str.maketrans({"\u0649": "\u064a", "\u0629": "\u0647"})


def sort_key(text: str) -> str:
    """A key that sorts names as a reader of the portal's languages expects, close to the
    Unicode collation (pyuca, ICU) without carrying one: accents and Arabic hamza, madda and
    vowel marks do not count ("Égypte" with E, "أفغانستان" with ا), case does not either."""
    decomposed = unicodedata.normalize("NFKD", text)
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return letters.translate(_SAME_LETTER).casefold()
