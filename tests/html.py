"""Small readers for rendered pages, so tests can assert what a person sees."""

import re
from html.parser import HTMLParser


class _TextParser(HTMLParser):
    SKIP = {"script", "style", "head"}
    # Elements a browser lays out as their own box: their text never runs into a neighbour's.
    BLOCKS = {
        "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "footer",
        "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol",
        "p", "pre", "section", "table", "td", "th", "tr", "ul",
    }  # fmt: skip

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        if tag in self.BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag) -> None:
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1
        if tag in self.BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data) -> None:
        if not self.skipping:
            self.parts.append(data)


def visible_text(html: str | bytes) -> str:
    """The page's text as a reader sees it, whitespace collapsed to single spaces."""
    if isinstance(html, bytes):
        html = html.decode()
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    return re.sub(r"\s+", " ", "".join(parser.parts)).strip()


def main_text(html: str | bytes) -> str:
    """The visible text inside <main>, without header and footer."""
    if isinstance(html, bytes):
        html = html.decode()
    start = html.index('<main id="main"')
    return visible_text(html[start : html.index("</main>", start)])


def section(html: str | bytes, heading_id: str) -> str:
    """The HTML of the <section> labelled by the heading with this id."""
    if isinstance(html, bytes):
        html = html.decode()
    label = html.index(f'aria-labelledby="{heading_id}"')
    start = html.rindex("<section", 0, label)
    return html[start : html.index("</section>", label) + len("</section>")]


def card_titles(html: str | bytes) -> list[str]:
    """The titles of the dialogue cards, in page order."""
    if isinstance(html, bytes):
        html = html.decode()
    return re.findall(r'<h3 class="card-title"><a href="[^"]*">([^<]*)</a></h3>', html)


def time_attributes(html: str | bytes) -> list[str]:
    """The datetime attributes of every <time> element, in page order."""
    if isinstance(html, bytes):
        html = html.decode()
    return re.findall(r'<time datetime="([^"]*)"', html)
