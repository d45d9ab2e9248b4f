from datetime import UTC, datetime

from django import template
from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from a4ep_portal import chrome, languages
from a4ep_portal.richtext import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str):
    return render_markdown(text)


# The format each style of local_time shows, by name in the active language's formats.
TIME_FORMATS = {"date": "DATE_FORMAT", "time": "TIME_FORMAT", "month": "YEAR_MONTH_FORMAT"}


@register.simple_tag
def local_time(value: datetime, style: str = "datetime"):
    """A <time> in the viewer's zone with the zone named; its datetime attribute is UTC.

    Written out here rather than as an included template: lists show one per item, and an
    inclusion tag cost each a context and a template render (measured in docs/benchmarks.md).
    """
    local = timezone.localtime(value)
    utc = value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if style in TIME_FORMATS:
        return format_html(
            '<time datetime="{}" data-local="{}">{}</time>',
            utc,
            style,
            date_format(local, TIME_FORMATS[style]),
        )
    return format_html(
        '<time datetime="{}" data-local="{}">{} <span class="zone">({})</span></time>',
        utc,
        style,
        date_format(local, "DATETIME_FORMAT"),
        timezone.get_current_timezone_name(),
    )


@register.simple_tag
def dialogue_when(dialogue, style: str = "datetime"):
    """local_time() of the dialogue's start; for a provisional one (month or day only), its
    month or day in a <time> with "details to follow" or "time to follow"."""
    if dialogue.is_provisional():
        return format_html(
            '<time datetime="{}" class="provisional">{}</time>',
            dialogue.provisional_iso(),
            dialogue.provisional_text(),
        )
    return local_time(dialogue.starts_at, style)


@register.simple_tag
def date_block(dialogue):
    """A calendar leaf (month, day, weekday) of the dialogue's start in the viewer's zone, for
    a dialogue card; for a dialogue announced with its month only, the month and the year.

    Hidden from screen readers, and drawn by the stylesheet from data-text, so that neither
    a screen reader nor copied text repeats what the card's <time> says with the zone named.
    portal.js redraws it in the browser's zone, as it does every <time>; a provisional date
    is the dialogue's own day or month (there is no time to convert), so it is not redrawn.
    """
    if dialogue.is_provisional():
        day = dialogue.provisional_day()
        last = (
            date_format(day, "Y") if dialogue.date_precision == "month" else date_format(day, "j")
        )
        return format_html(
            '<span class="date-block date-provisional" aria-hidden="true">'
            '<span class="date-month" data-text="{}"></span><span class="date-day" data-text="{}">'
            '</span><span class="date-weekday" data-text="{}"></span></span>',
            date_format(day, "M"),
            last,
            "…",
        )
    value = dialogue.starts_at
    local = timezone.localtime(value)
    return format_html(
        '<span class="date-block" aria-hidden="true" data-datetime="{}">'
        '<span class="date-month" data-text="{}"></span><span class="date-day" data-text="{}">'
        '</span><span class="date-weekday" data-text="{}"></span></span>',
        value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        date_format(local, "M"),
        date_format(local, "j"),
        date_format(local, "D"),
    )


@register.simple_tag(takes_context=True)
def page_languages(context) -> dict:
    """The current page in each of the portal's languages (a4ep_portal.chrome.page_languages)."""
    request = context.get("request")
    return chrome.page_languages(
        request.get_full_path() if request is not None else None, translation.get_language()
    )


@register.simple_tag(takes_context=True)
def chrome_part(context, part: str):
    """`{% chrome_part "header" %}`: a part of base.html's chrome, rendered once per process for
    each language, address, account and zone (a4ep_portal/chrome.py)."""
    request = context.get("request")
    user = context.get("user")
    account = None
    if part == "header" and user is not None and user.is_authenticated:
        account = (user.get_short_name() or user.email, bool(user.is_staff))
    return chrome.render(
        part,
        translation.get_language() or settings.LANGUAGE_CODE,
        request.get_full_path() if request is not None else None,
        account,
        (context.get("time_zone_name") or "") if part == "footer" else "",
    )


@register.filter
def startswith(text: str, prefix: str) -> bool:
    return str(text).startswith(str(prefix))


@register.filter
def shown_language(item, field: str = "title") -> str:
    """The language code `item.<field>` is shown in (for a lang attribute)."""
    return languages.shown_language(item, field)


@register.inclusion_tag("includes/content_languages.html")
def content_languages(item, field: str = "title") -> dict:
    """Which languages this item is written in, and whether the viewer's is one of them."""
    codes = languages.available_languages(item, field)
    current = translation.get_language() or settings.LANGUAGE_CODE
    return {
        "available": [{"code": code, "name": chrome.local_name(code)} for code in codes],
        "missing": None if current in codes else chrome.local_name(current),
        "original": chrome.local_name(codes[0]),
    }


def _direction(code: str | None) -> str:
    try:
        return "rtl" if translation.get_language_info(code)["bidi"] else "ltr"
    except KeyError:
        return "ltr"


def _dir_if_other(code: str) -> str:
    """The dir a block in language `code` needs on the current page, or "" when the same."""
    direction = _direction(code)
    return "" if direction == _direction(translation.get_language()) else direction


@register.filter
def dir_attr(item, field: str = "title"):
    """` dir="ltr"` when `item.<field>` is written the other way than the page (English text
    on an Arabic page), so its punctuation stays where it belongs."""
    direction = _dir_if_other(languages.shown_language(item, field))
    return format_html(' dir="{}"', direction) if direction else ""


@register.filter
def lang_attr(item, field: str = "title"):
    """` lang="xx"` (and its dir if it differs) when `item.<field>` is shown in another
    language than the page's."""
    code = languages.shown_language(item, field)
    if code == translation.get_language():
        return ""
    return format_html(' lang="{}"{}', code, dir_attr(item, field))


@register.filter
def in_its_language(item, field: str = "title"):
    """`item.<field>`, marked with its language when that is not the page's."""
    code = languages.shown_language(item, field)
    value = getattr(item, field)
    if code == translation.get_language():
        return value
    return format_html('<span lang="{}"{}>{}</span>', code, dir_attr(item, field), value)


def list_comma() -> str:
    """What stands between the items of a list in the active language (Arabic: "، ")."""
    return translation.pgettext("between the items of a list", ", ")


@register.simple_tag(name="list_comma")
def list_comma_tag() -> str:
    return list_comma()


@register.filter
def as_list(values) -> str:
    """The items, each escaped, joined by the language's own comma: Django's `join` takes
    one separator for every language, and a Latin comma between English names on an Arabic
    page lands before the next name."""
    return mark_safe(list_comma().join(conditional_escape(value) for value in values))  # noqa: S308


@register.filter
def bdi(value):
    """`value` in a <bdi>: text of unknown direction (a name, an English title on an Arabic
    page) keeps its own order and leaves the sentence around it alone ("(Welcome)" stays in
    its parentheses, "2020?" is not turned into "?2020")."""
    if value in (None, ""):
        return ""
    return format_html("<bdi>{}</bdi>", value)


@register.simple_tag(takes_context=True)
def dialogue_card(context, dialogue):
    """The dialogue's card (templates/includes/dialogue_card.html): from `dialogue_cards`, which
    the view filled from the cache with one read for the whole page (dialogues/cards.py), else
    rendered here."""
    cards = context.get("dialogue_cards") or {}
    html = cards.get(dialogue.pk)
    if html is None:
        from dialogues.cards import render_card

        html = render_card(dialogue)
    return html


class SharedPartNode(template.Node):
    def __init__(self, name: str, nodelist) -> None:
        self.name, self.nodelist = name, nodelist

    def render(self, context) -> str:
        parts = context.get("shared_parts")
        if parts is None:
            return self.nodelist.render(context)
        html = parts.found.get(self.name)
        if html is not None:
            return mark_safe(html)  # noqa: S308 (rendered by this node before)
        html = self.nodelist.render(context)
        parts.keep(self.name, html)
        return html


@register.tag
def shared_part(parser, token):
    """`{% shared_part "name" %}...{% endshared_part %}`: a part of the page that is the same
    for every viewer of its variant, kept in the cache by the view's `shared_parts`
    (a4ep_portal.fragments.PageParts); rendered as usual without one."""
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError("shared_part takes one quoted name")
    nodelist = parser.parse(("endshared_part",))
    parser.delete_first_token()
    return SharedPartNode(bits[1][1:-1], nodelist)
