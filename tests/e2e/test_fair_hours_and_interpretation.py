"""Planning a series in a real browser: an organiser checks another start time on the fair
hours page, with or without JavaScript, on a desktop and a phone, in English and Arabic; a
member asks for interpretation on the registration form."""

import pytest
from playwright.sync_api import expect

from dialogues.models import Registration
from tests.factories import (
    DialogueFactory,
    EditorFactory,
    RegistrationFactory,
    UserFactory,
    utc,
)

pytestmark = pytest.mark.browser

JAVASCRIPT = pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])


def _member(zone: str, country: str):
    person = UserFactory(time_zone=zone).member
    person.country = country
    person.save(update_fields=["country"])
    return person


@JAVASCRIPT
@pytest.mark.parametrize(
    ("width", "prefix"), [(1280, ""), (360, "/ar")], ids=["desk-en", "phone-ar"]
)
def test_organiser_checks_another_start_time_of_the_day(
    page_for, transactional_db, javascript, width, prefix
):
    dialogue = DialogueFactory(starts_at=utc(2099, 12, 3, 6), time_zone="Asia/Dhaka")
    for zone, country in [("Asia/Dhaka", "BD"), ("America/Bogota", "CO")]:
        RegistrationFactory(dialogue=dialogue, member=_member(zone, country))
    page = page_for(EditorFactory(), width=width, javascript=javascript)

    page.goto(f"{prefix}/admin/dialogues/dialogue/{dialogue.pk}/change/")
    panel = page.locator(".field-fair_hours")
    expect(panel).to_contain_text("50%" if prefix else "1 of 2 members are in daytime")
    panel.get_by_role("link", name="13:00 UTC").click()  # the fairest hour: both in daytime

    expect(page.locator("#id_at")).to_have_value("2099-12-03T19:00")
    expect(page.locator(".fair-hours").first).to_contain_text("100%")
    page.fill("#id_at", "2099-12-03T23:00")  # 17:00 UTC: night in Dhaka, daytime in Bogotá
    page.locator(".fair-hours-check button").click()

    expect(page.locator("#id_at")).to_have_value("2099-12-03T23:00")
    if not prefix:
        expect(page.locator(".fair-hours").first).to_contain_text(
            "At this start, 1 of 2 members are in daytime"
        )
    # Nothing was saved; the page fits the screen, the wide table scrolling in its own box.
    dialogue.refresh_from_db()
    assert dialogue.starts_at == utc(2099, 12, 3, 6)
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@JAVASCRIPT
def test_member_asks_for_interpretation_when_registering(page_for, transactional_db, javascript):
    DialogueFactory(slug="funding", interpretation_languages=["fr", "ar"])
    user = UserFactory()
    page = page_for(user, width=360, javascript=javascript)

    page.goto("/dialogues/funding/")
    expect(page.locator(".key-when dl.facts")).to_contain_text("Interpretation into")
    page.get_by_role("link", name="Register").click()
    group = page.get_by_role("group", name="Interpretation you need")
    group.get_by_label("Arabic").check()
    page.get_by_role("button", name="Register").click()

    expect(page.locator("body")).to_contain_text("You are registered.")
    assert Registration.objects.get(member__user=user).interpretation == ["ar"]
