"""Markdown from organisers becomes HTML that is safe to put on a page."""

import pytest
from django.utils.safestring import SafeString

from a4ep_portal.richtext import render_markdown

REL = 'rel="noopener noreferrer nofollow"'


def test_render_markdown_returns_safe_html():
    html = render_markdown("**Local actors** matter")

    assert isinstance(html, SafeString)
    assert html == "<p><strong>Local actors</strong> matter</p>"


@pytest.mark.parametrize("text", ["", None])
def test_render_markdown_of_nothing_is_empty(text):
    assert render_markdown(text) == ""


def test_render_markdown_strips_script_and_its_content():
    html = render_markdown("Before\n\n<script>alert('stolen')</script>\n\nAfter")

    assert html == "<p>Before</p>\n\n\n<p>After</p>"


def test_render_markdown_strips_style_iframe_and_images():
    html = render_markdown(
        '<style>body { display: none }</style>\n\n<iframe src="https://evil.example/"></iframe>'
        '\n\n<img src="x" onerror="alert(1)">\n\n![a picture](https://evil.example/x.png)'
    )

    assert "<style" not in html
    assert "display: none" not in html
    assert "iframe" not in html
    assert "<img" not in html
    assert "onerror" not in html
    assert "evil.example" not in html


@pytest.mark.parametrize(
    "text",
    [
        "[click me](javascript:alert(1))",
        "[click me](JaVaScRiPt:alert(1))",
        '<a href="javascript:alert(1)">click me</a>',
        '<a href="&#106;avascript:alert(1)">click me</a>',
        "[click me](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[click me](vbscript:msgbox(1))",
    ],
)
def test_render_markdown_drops_dangerous_link_targets(text):
    assert render_markdown(text) == f"<p><a {REL}>click me</a></p>"


@pytest.mark.parametrize(
    "text",
    [
        '<p onclick="alert(1)">Hello</p>',
        '<p onmouseover="alert(1)" style="color: red" class="x" id="y">Hello</p>',
    ],
)
def test_render_markdown_drops_event_handler_and_style_attributes(text):
    assert render_markdown(text) == "<p>Hello</p>"


def test_render_markdown_link_keeps_href_and_title_and_gets_safe_rel():
    html = render_markdown('[the charter](https://charter4change.org/ "Charter4Change")')

    assert html == (
        f'<p><a href="https://charter4change.org/" title="Charter4Change" {REL}>the charter</a></p>'
    )


def test_render_markdown_link_drops_handlers_and_target():
    html = render_markdown(
        '<a href="https://www.a4ep.net/" onclick="steal()" target="_blank" rel="opener">A4EP</a>'
    )

    assert html == f'<p><a href="https://www.a4ep.net/" {REL}>A4EP</a></p>'


def test_render_markdown_keeps_mailto_links():
    html = render_markdown("[write to us](mailto:dialogues@a4ep.example.org)")

    assert html == f'<p><a href="mailto:dialogues@a4ep.example.org" {REL}>write to us</a></p>'


def test_render_markdown_shifts_headings_below_the_page_title():
    html = render_markdown("# Background\n\nText.\n\n## Earlier dialogues\n\nMore.")

    assert html == "<h2>Background</h2>\n<p>Text.</p>\n<h3>Earlier dialogues</h3>\n<p>More.</p>"


def test_render_markdown_never_adds_a_second_page_title():
    html = render_markdown("# Big title\n\n<h1>Another</h1>")

    assert "<h1" not in html
    assert "<h2>Big title</h2>" in html


def test_render_markdown_keeps_lists():
    html = render_markdown("Topics:\n\n- solidarity\n- accountability\n\n1. listen\n2. act")

    assert html == (
        "<p>Topics:</p>\n"
        "<ul>\n<li>solidarity</li>\n<li>accountability</li>\n</ul>\n"
        "<ol>\n<li>listen</li>\n<li>act</li>\n</ol>"
    )


def test_render_markdown_keeps_emphasis_quotes_code_and_tables():
    html = render_markdown(
        "*Local* actors\n\n> Nothing about us without us\n\n`code`\n\n"
        "| Year | Dialogues |\n|---|---|\n| 2020 | 5 |"
    )

    assert "<p><em>Local</em> actors</p>" in html
    assert "<blockquote>\n<p>Nothing about us without us</p>\n</blockquote>" in html
    assert "<p><code>code</code></p>" in html
    assert "<th>Year</th>" in html
    assert "<td>2020</td>" in html


def test_render_markdown_escapes_text_that_looks_like_markup():
    html = render_markdown("Fish & chips < 5 > 3")

    assert html == "<p>Fish &amp; chips &lt; 5 &gt; 3</p>"
