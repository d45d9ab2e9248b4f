"""Markdown written by organisers and members, rendered to HTML that is safe to show.

markdown turns the text into HTML; nh3 (the Ammonia sanitiser) then keeps only the tags and
attributes below, so a pasted <script> or a javascript: link never reaches a page.
"""

import threading
from functools import lru_cache

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "code", "pre", "blockquote",
    "ul", "ol", "li", "h2", "h3", "h4", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}
URL_SCHEMES = {"http", "https", "mailto"}


# Texts up to this long are kept rendered (a series' description shows on every home page);
# longer ones (paper bodies) are rendered each time, to bound the memory.
MEMO_MAX_CHARS = 4000

_local = threading.local()


def _converter() -> markdown.Markdown:
    """This thread's converter, made once: making one (its extensions) cost three times the
    conversion of a short text."""
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = _local.converter = markdown.Markdown(
            extensions=["extra", "sane_lists", "toc"],
            # A "# Heading" becomes <h2>: the page's own title is its only <h1>.
            extension_configs={"toc": {"baselevel": 2}},
            output_format="html",
        )
    return converter


def render_markdown(text: str) -> SafeString:
    """Return sanitised HTML for Markdown text; headings shift one level down ("#" is h2)."""
    text = text or ""
    if len(text) <= MEMO_MAX_CHARS:
        return _render_short(text)
    return _render(text)


@lru_cache(maxsize=512)
def _render_short(text: str) -> SafeString:
    return _render(text)


def _render(text: str) -> SafeString:
    html = _converter().reset().convert(text)
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(cleaned)  # noqa: S308 (sanitised by nh3 just above)
