"""Script in any text people type never runs: it is escaped or sanitised where it is shown.
The browser bypasses the portal's CSP here, so that escaping alone is what is tested."""

import pytest

from tests.factories import (
    DialogueFactory,
    DialogueSpeakerFactory,
    PaperFactory,
    QuestionFactory,
    RegistrationFactory,
    SpeakerFactory,
    UserFactory,
)

pytestmark = pytest.mark.browser

PAYLOADS = [
    "<script>window.__pwned = 1</script>",
    '<img src="x" onerror="window.__pwned = 1">',
    '"><svg onload="window.__pwned = 1">',
    "[click](javascript:window.__pwned=1)",
]
TEXT = " ".join(PAYLOADS)  # 151 characters
NAME = PAYLOADS[1]  # for names of at most 150


@pytest.fixture
def hostile_site(transactional_db):
    dialogue = DialogueFactory(
        slug="hostile", title=TEXT, question=TEXT, description=TEXT, audience=TEXT, venue=TEXT
    )
    speaker = SpeakerFactory(slug="hostile-speaker", name=TEXT, title=TEXT, bio=TEXT)
    DialogueSpeakerFactory(dialogue=dialogue, speaker=speaker)
    PaperFactory(slug="hostile-paper", title=TEXT, abstract=TEXT, body=TEXT, published=True)
    member = UserFactory(first_name=NAME, last_name=PAYLOADS[0])
    RegistrationFactory(dialogue=dialogue, member=member.member, needs=TEXT)
    # An approved question: other registrants see it on the dialogue page.
    QuestionFactory(dialogue=dialogue, member=member.member, text=TEXT, status="approved")
    admin = UserFactory(is_staff=True, is_superuser=True, first_name=NAME)
    return member, admin


def _never_pwned(page, path: str) -> None:
    page.goto(path)
    for link in page.locator("a[href]").all():
        assert not link.get_attribute("href").lower().startswith("javascript:"), path
    assert page.evaluate("window.__pwned") is None, path
    # Inline script of any kind but JSON-LD data blocks (which browsers never run)...
    assert page.locator('script:not([src]):not([type="application/ld+json"])').count() == 0, path
    # ... and hostile text stays inside those blocks: each one is whole JSON.
    for block in page.locator('script[type="application/ld+json"]').all():
        assert page.evaluate("text => typeof JSON.parse(text)", block.text_content()) == "object"


def test_script_in_user_text_never_runs(browser, live_server, log_in, hostile_site):
    member, admin = hostile_site
    registration = member.member.registrations.get()
    pages = {
        None: [
            "/",
            "/dialogues/",
            "/dialogues/hostile/",
            "/speakers/",
            "/speakers/hostile-speaker/",
            "/papers/",
            "/papers/hostile-paper/",
            "/papers/?q=%3Cscript%3Ewindow.__pwned%3D1%3C%2Fscript%3E",
            "/time-zone/?next=javascript:window.__pwned=1",
        ],
        member: ["/me/dialogues/", "/me/dialogues/hostile/cancel/", "/dialogues/hostile/"],
        admin: [
            "/admin/dialogues/registration/",
            f"/admin/dialogues/registration/{registration.pk}/change/",
            "/admin/dialogues/dialogue/",
            "/admin/dialogues/speaker/",
        ],
    }
    for user, paths in pages.items():
        context = browser.new_context(base_url=live_server.url, bypass_csp=True)
        context.set_default_timeout(10_000)
        if user:
            log_in(context, user)
        page = context.new_page()
        for path in paths:
            _never_pwned(page, path)
        context.close()
