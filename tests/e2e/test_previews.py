"""A publisher sees what they are asked to approve, in a real browser: the uploaded PDF from
admin's "Currently:" link and the page as it will be published, in English and Arabic, while
a visitor still finds nothing there."""

import pytest
from playwright.sync_api import expect

from papers import services
from tests.factories import DialogueFactory, EditorFactory, PaperFactory, PublisherFactory
from tests.files import pdf_bytes, upload

pytestmark = pytest.mark.browser

PDF = pdf_bytes(2)


@pytest.fixture
def paper_in_review(transactional_db):
    editor = EditorFactory()
    paper = PaperFactory(
        title="Who funds local leadership?",
        title_ar="من يموّل القيادة المحلية؟",
        slug="who-funds",
        dialogue=DialogueFactory(title="Solidarity and Diversity", number=1),
        pdf=upload("draft.pdf", PDF),
    )
    services.move(paper, "submit", actor=editor)
    return paper


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_publisher_opens_the_pdf_and_previews_the_page_a_visitor_cannot(
    browser, live_server, log_in, paper_in_review, javascript, tmp_path
):
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=javascript, accept_downloads=True
    )
    context.set_default_timeout(10_000)
    log_in(context, PublisherFactory())
    page = context.new_page()
    page.goto(f"/admin/papers/paper/{paper_in_review.pk}/change/")
    with page.expect_download() as download:
        page.locator(".file-upload a").click()
    assert download.value.suggested_filename == "who-funds.pdf"
    saved = tmp_path / "download.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes() == PDF

    page.get_by_role("link", name="Preview", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/papers/who-funds/preview/")
    expect(page).to_have_title("Preview: Who funds local leadership? · A4EP Dialogues")
    expect(page.locator(".preview-notice")).to_have_text(
        "Preview: this is how the page will look once published. Only organisers can open "
        "this preview. State: In review. The public cannot see it yet. Back to admin"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Who funds local leadership?")
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF", exact=True).click()
    assert download.value.suggested_filename == "who-funds.pdf"

    page.goto("/ar/papers/who-funds/preview/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", level=1)).to_have_text("من يموّل القيادة المحلية؟")
    expect(page.locator(".preview-notice")).to_contain_text("قيد المراجعة")
    page.locator(".preview-notice a").click()
    expect(page).to_have_url(
        f"{live_server.url}/ar/admin/papers/paper/{paper_in_review.pk}/change/"
    )
    context.close()

    visitor = browser.new_context(base_url=live_server.url, java_script_enabled=javascript)
    page = visitor.new_page()
    for url in [
        "/papers/who-funds/preview/",
        "/papers/who-funds/",
        f"/papers/preview/{paper_in_review.pk}/pdf/",
    ]:
        assert page.goto(url).status == 404, url
    visitor.close()
