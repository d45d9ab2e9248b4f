"""Invitations from the outside, through admin URLs: who may create, submit, approve and send
them, the test message to oneself, the preview, scheduled sending, and what admin counts."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from a4ep_portal.models import AuditEntry
from a4ep_portal.workflow import State
from dialogues.models import Dialogue
from dialogues.services import draft_invitation
from members.models import Delivery, Mailing, MailKind, Member
from members.services import (
    audience_size,
    send_mailing,
    send_scheduled_mailings,
    send_transactional,
)
from tests.factories import (
    DialogueFactory,
    EditorFactory,
    OrganisationFactory,
    UserFactory,
    utc,
)
from tests.html import visible_text

pytestmark = pytest.mark.django_db


def log_in(client, who):
    if who is not None:
        client.force_login(who)
    return client


def move(client, mailing, name):
    """A move as the confirmation page makes it (approving and sending need one)."""
    return client.post(
        f"/admin/members/mailing/{mailing.pk}/move/", {"move": name, "confirmed": "yes"}
    )


@pytest.fixture
def invitation(dialogue, editor):
    return draft_invitation(dialogue, actor=editor)


@pytest.fixture
def people(db):
    """Who the outside world is: nobody, a member, staff without mail rights."""
    return {
        "visitor": None,
        "member": UserFactory(),
        "staff without rights": UserFactory(is_staff=True),
    }


def test_editor_creates_an_invitation_prefilled_from_the_dialogue(client, dialogue, editor):
    dialogue.co_hosts.add(OrganisationFactory(name="Charter4Change"))
    log_in(client, editor)
    page = client.get(f"/admin/dialogues/dialogue/{dialogue.pk}/change/").content.decode()
    assert '<button type="submit" name="_invite" value="1" class="button">' in page

    response = client.post(f"/admin/dialogues/dialogue/{dialogue.pk}/invite/")

    mailing = Mailing.objects.get()
    assert response.url == f"/admin/members/mailing/{mailing.pk}/change/"
    assert (mailing.kind, mailing.state, mailing.audience, mailing.details) == (
        "invitation",
        "draft",
        "all_members",
        "invitation",
    )
    assert (mailing.dialogue, mailing.created_by, mailing.last_edited_by) == (
        dialogue,
        editor,
        editor,
    )
    assert mailing.subject == "Invitation: Accountability"
    assert mailing.body.startswith("Dear {{ first_name }},")
    assert "**Accountability**" in mailing.body
    assert mailing.deliveries.count() == 0
    assert len(mail.outbox) == 0
    # The editor lands on the draft: every language's text to edit, labels as admin writes them.
    page = client.get(response.url).content.decode()
    for name in ("subject_en", "subject_fr", "subject_es", "subject_ar", "body_fr"):
        assert f'name="{name}"' in page
    for label in ("Kind:", "Kinds of organisation:", "Send at:"):
        assert label in page
    assert '<button type="submit" name="_move" value="submit" class="button">' in page


@pytest.mark.parametrize("who", ["visitor", "member", "staff without rights"])
def test_only_organisers_create_invitations(client, dialogue, people, who):
    response = log_in(client, people[who]).post(f"/admin/dialogues/dialogue/{dialogue.pk}/invite/")
    if who == "staff without rights":
        assert response.status_code == 403
    else:
        assert response.status_code == 302
        assert response.url.startswith("/admin/login/")
    assert Mailing.objects.count() == 0


def test_no_invitation_to_a_dialogue_that_is_not_announced(client, editor):
    draft = DialogueFactory(status=Dialogue.Status.DRAFT, title="Secret plans")
    response = log_in(client, editor).post(
        f"/admin/dialogues/dialogue/{draft.pk}/invite/", follow=True
    )
    assert "Only an announced dialogue that is still to come can be invited to" in (
        response.content.decode()
    )
    assert Mailing.objects.count() == 0


def test_invitation_goes_draft_review_approved_sent_with_a_publisher_approving(
    client, invitation, editor, publisher, django_capture_on_commit_callbacks
):
    reader = UserFactory(email="reader@example.org")
    not_interested = UserFactory(email="not-interested@example.org").member
    not_interested.wants_invitations = False
    not_interested.save()

    log_in(client, editor)
    move(client, invitation, "submit")
    invitation.refresh_from_db()
    assert invitation.state == State.IN_REVIEW

    move(client, invitation, "approve")  # editors may not approve
    invitation.refresh_from_db()
    assert invitation.state == State.IN_REVIEW

    log_in(client, publisher)
    with django_capture_on_commit_callbacks(execute=True):
        response = move(client, invitation, "approve")
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert (invitation.state, invitation.approved_by) == (State.PUBLISHED, publisher)
    assert invitation.sent_at is not None
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert reader.email in recipients
    assert "not-interested@example.org" not in recipients
    assert Delivery.objects.get(address="not-interested@example.org").status == "skipped"
    moves = list(
        AuditEntry.objects.about(invitation).order_by("pk").values_list("action", flat=True)
    )
    assert moves == ["create", "submit", "approve", "publish"]
    # Sent is final: no buttons, and a forged move changes nothing.
    page = client.get(f"/admin/members/mailing/{invitation.pk}/change/").content.decode()
    assert 'name="_move"' not in page
    move(client, invitation, "withdraw")
    invitation.refresh_from_db()
    assert invitation.state == State.PUBLISHED
    assert AuditEntry.objects.about(invitation).count() == 4
    # Organisers read the last state as "sent", on the page and in the list.
    page = client.get(f"/admin/members/mailing/{invitation.pk}/change/").content.decode()
    assert "State: <strong>Sent</strong>" in " ".join(page.split())
    listing = client.get("/admin/members/mailing/").content.decode()
    assert ">Sent</td>" in listing


def test_nobody_approves_a_mailing_they_submitted(client, invitation, publisher):
    log_in(client, publisher)
    move(client, invitation, "submit")
    response = move(client, invitation, "approve")
    invitation.refresh_from_db()
    assert invitation.state == State.IN_REVIEW
    assert response.status_code == 302
    assert Delivery.objects.count() == 0


@pytest.mark.parametrize("who", ["visitor", "member", "staff without rights"])
def test_outsiders_cannot_move_a_mailing(client, invitation, people, who):
    invitation.state = State.IN_REVIEW
    invitation.save()
    for name in ("submit", "approve", "publish", "withdraw"):
        response = move(log_in(client, people[who]), invitation, name)
        assert response.status_code in (302, 403)
    invitation.refresh_from_db()
    assert invitation.state == State.IN_REVIEW
    assert Delivery.objects.count() == 0


def test_approval_with_a_send_time_waits_for_it_then_beat_sends_once(
    client, invitation, editor, publisher, django_capture_on_commit_callbacks
):
    UserFactory(email="reader@example.org")
    later = timezone.now() + timedelta(hours=3)
    Mailing.objects.filter(pk=invitation.pk).update(publish_at=later, state=State.IN_REVIEW)

    move(log_in(client, publisher), invitation, "approve")
    invitation.refresh_from_db()
    assert (invitation.state, invitation.sent_at) == (State.APPROVED, None)

    assert send_scheduled_mailings(now=later - timedelta(minutes=1)) == []
    with django_capture_on_commit_callbacks(execute=True):
        assert [m.pk for m in send_scheduled_mailings(now=later)] == [invitation.pk]
        assert send_scheduled_mailings(now=later + timedelta(minutes=1)) == []
    invitation.refresh_from_db()
    assert invitation.state == State.PUBLISHED
    assert "reader@example.org" in [m.to[0] for m in mail.outbox]
    assert len(mail.outbox) == invitation.deliveries.filter(status="sent").count()


def test_anyone_with_access_mails_themselves_a_test(
    client, invitation, editor, django_capture_on_commit_callbacks
):
    UserFactory(email="reader@example.org")
    log_in(client, editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/members/mailing/{invitation.pk}/test/", follow=True)
    assert "A test message is on its way to edith@example.org." in response.content.decode()
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["edith@example.org"], "[Test] Invitation: Accountability")
    ]
    assert "Register for this dialogue" in mail.outbox[0].body
    invitation.refresh_from_db()
    assert (invitation.state, invitation.sent_at) == (State.DRAFT, None)
    assert invitation.deliveries.count() == 0


@pytest.mark.parametrize("who", ["visitor", "member", "staff without rights"])
def test_outsiders_get_no_preview_and_send_no_test(client, invitation, people, who):
    log_in(client, people[who])
    preview = client.get(f"/admin/members/mailing/{invitation.pk}/preview/")
    test = client.post(f"/admin/members/mailing/{invitation.pk}/test/")
    for response in (preview, test):
        if who == "staff without rights":
            assert response.status_code == 403
        else:
            assert response.status_code == 302
            assert response.url.startswith("/admin/login/")
    assert len(mail.outbox) == 0
    assert Mailing.objects.count() == 1


def test_preview_shows_a_sample_members_message_in_their_language_and_zone(
    client, invitation, editor, settings
):
    sample = UserFactory(email="amina@example.org", first_name="Amina", time_zone="Asia/Karachi")
    sample.member.preferred_language = "fr"
    sample.member.save()
    log_in(client, editor)
    page = client.get(
        f"/admin/members/mailing/{invitation.pk}/preview/", {"sample": "amina@example.org"}
    ).content.decode()
    assert "Bonjour Amina," in page  # the invitation was drafted in every language
    assert "17:00 (Asia/Karachi)" in page
    assert '<div class="mail-preview" lang="fr">' in page
    # The register link leads to the French page.
    assert f'href="{settings.SITE_URL}/fr/dialogues/accountability/register/"' in page
    assert "<script" not in page.split('<div class="mail-preview"')[1]


def test_preview_for_a_non_member_shows_the_sign_up_link_in_utc(client, invitation, editor):
    page = (
        log_in(client, editor)
        .get(f"/admin/members/mailing/{invitation.pk}/preview/", {"sample": "guest"})
        .content.decode()
    )
    assert "someone@example.org" in page
    assert "12:00 (UTC)" in page
    assert "Sign up and register for this dialogue" in page
    assert "/accounts/signup/?next=%2Fdialogues%2Faccountability%2Fregister%2F" in page
    assert "Unsubscribe" not in page


def test_preview_for_an_unknown_address_says_so_and_shows_an_audience_member(
    client, invitation, editor
):
    UserFactory(email="reader@example.org", first_name="Reader")
    page = (
        log_in(client, editor)
        .get(f"/admin/members/mailing/{invitation.pk}/preview/", {"sample": "nobody@example.net"})
        .content.decode()
    )
    assert "No member has the address “nobody@example.net”." in page
    # The typed address stays in the box; the message shown is a real member's.
    assert 'value="nobody@example.net"' in page
    assert "nobody@example.net (language" not in page and "(language en, time zone" in page
    assert Member.objects.filter(user__email="nobody@example.net").count() == 0


def test_change_page_shows_the_audience_size_before_and_the_reasons_after(
    client, invitation, publisher, other_publisher, django_capture_on_commit_callbacks
):
    UserFactory(email="reader@example.org")
    UserFactory(email="another@example.org")
    opted_out = UserFactory(email="out@example.org").member
    opted_out.wants_invitations = False
    opted_out.save()
    staff = {publisher.member, other_publisher.member}
    expected = 2 + len([m for m in staff if m.wants_invitations]) + 1  # + the editor
    log_in(client, publisher)
    page = client.get(f"/admin/members/mailing/{invitation.pk}/change/").content.decode()
    assert f"{expected} recipients (members who opted out or are inactive not counted)" in page

    Mailing.objects.filter(pk=invitation.pk).update(state=State.IN_REVIEW)
    log_in(client, other_publisher)
    with django_capture_on_commit_callbacks(execute=True):
        move(client, invitation, "approve")
    page = client.get(f"/admin/members/mailing/{invitation.pk}/change/").content.decode()
    assert "Skipped: 1 × The member opted out of this kind of mail." in page
    assert invitation.deliveries.filter(status="sent").count() == expected


def _changelist_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_mailing_and_delivery_lists_cost_the_same_queries_for_1_or_many(client, db):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("root@example.org", "pw")
    log_in(client, admin)

    def add_mailings(count: int, deliveries: int) -> None:
        for n in range(count):
            mailing = Mailing.objects.create(
                kind=MailKind.NEWS,
                subject=f"News {n}",
                body="News.",
                audience=Mailing.Audience.ALL_MEMBERS,
                state=State.PUBLISHED,
            )
            Delivery.objects.bulk_create(
                Delivery(mailing=mailing, address=f"guest{n}-{d}@example.org", status="sent")
                for d in range(deliveries)
            )

    add_mailings(1, 1)
    few = [_changelist_queries(client, f"/admin/members/{m}/") for m in ("mailing", "delivery")]
    add_mailings(20, 10)
    many = [_changelist_queries(client, f"/admin/members/{m}/") for m in ("mailing", "delivery")]
    assert many == few


def _edit(client, mailing, **changes):
    prefix = "a4ep_portal-auditentry-content_type-object_id"
    data = {
        "kind": mailing.kind,
        # As a browser sends the form: every language, lines ending in CRLF.
        **{
            f"{field}_{code}": re.sub(r"\r?\n", "\r\n", getattr(mailing, f"{field}_{code}"))
            for field in ("subject", "body")
            for code in ("en", "fr", "es", "ar")
        },
        "dialogue": mailing.dialogue_id,
        "details": mailing.details,
        "audience": mailing.audience,
        "guest_addresses": mailing.guest_addresses,
        "publish_at_0": "",
        "publish_at_1": "",
        f"{prefix}-TOTAL_FORMS": 0,
        f"{prefix}-INITIAL_FORMS": 0,
        "_save": "Save",
        **changes,
    }
    data = {key: value for key, value in data.items() if value is not None}
    return client.post(f"/admin/members/mailing/{mailing.pk}/change/", data)


def test_changing_only_the_english_text_warns_that_the_translations_are_unchanged(
    client, invitation, editor
):
    translations = {
        f"{field}_{code}": getattr(invitation, f"{field}_{code}")
        for field in ("subject", "body")
        for code in ("fr", "es", "ar")
    }
    log_in(client, editor)
    response = _edit(client, invitation, subject_en="Invitation: new date", **translations)
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert (
        "You changed the English text only: the Arabic, French, Spanish text is unchanged." in page
    )
    invitation.refresh_from_db()
    assert invitation.subject_en == "Invitation: new date"
    assert invitation.subject_fr == translations["subject_fr"]

    # Changing the translations too: no warning.
    translations["subject_fr"] = "Invitation : nouvelle date"
    translations["subject_es"] = "Invitación: nueva fecha"
    translations["subject_ar"] = "دعوة: موعد جديد"
    response = _edit(client, invitation, subject_en="Invitation: another date", **translations)
    assert "You changed the English text only" not in client.get(response.url).content.decode()


def test_editing_an_approved_mailing_sends_it_back_to_review_and_stops_its_schedule(
    client, invitation, publisher, other_publisher
):
    later = timezone.now() + timedelta(hours=3)
    Mailing.objects.filter(pk=invitation.pk).update(publish_at=later, state=State.IN_REVIEW)
    log_in(client, publisher)
    move(client, invitation, "approve")
    invitation.refresh_from_db()
    assert invitation.state == State.APPROVED

    log_in(client, other_publisher)
    response = _edit(
        client,
        invitation,
        subject_en="Invitation: Accountability (new date)",
        publish_at_0=later.date().isoformat(),
        publish_at_1=later.strftime("%H:%M:%S"),
    )
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.subject == "Invitation: Accountability (new date)"
    assert (invitation.state, invitation.last_edited_by) == (State.IN_REVIEW, other_publisher)
    assert send_scheduled_mailings(now=later + timedelta(minutes=1)) == []
    assert invitation.deliveries.count() == 0


def test_the_dialogue_list_action_drafts_an_invitation_to_each_announced_dialogue(
    client, dialogue, editor
):
    other = DialogueFactory(title="Funding")
    unannounced = DialogueFactory(title="Not yet", status=Dialogue.Status.DRAFT)
    response = log_in(client, editor).post(
        "/admin/dialogues/dialogue/",
        {
            "action": "create_invitations",
            "_selected_action": [dialogue.pk, other.pk, unannounced.pk],
        },
        follow=True,
    )
    page = response.content.decode()
    assert "2 draft invitations created" in page
    assert "“Not yet” is not" in page
    assert sorted(Mailing.objects.values_list("subject", "state")) == [
        ("Invitation: Accountability", "draft"),
        ("Invitation: Funding", "draft"),
    ]


def test_preview_page_carries_no_inline_script_or_style(client, invitation, editor):
    page = log_in(client, editor).get(f"/admin/members/mailing/{invitation.pk}/preview/")
    preview = page.content.decode().split('<div class="mail-preview"')[1]
    assert "<script" not in preview
    assert "style=" not in preview
    assert "Register for this dialogue" in preview


def test_approving_asks_to_confirm_saying_how_many_and_sends_nothing_before(
    client, invitation, publisher, django_capture_on_commit_callbacks
):
    UserFactory(email="reader@example.org")
    UserFactory(email="another@example.org")
    Mailing.objects.filter(pk=invitation.pk).update(state=State.IN_REVIEW)
    invitation.refresh_from_db()
    size = audience_size(invitation)
    log_in(client, publisher)
    page = client.get(f"/admin/members/mailing/{invitation.pk}/change/").content.decode()
    assert '<button type="submit" name="_move" value="approve" class="button">' in page
    assert ">Approve and send…</button>" in page

    # The button of the form saves, then leads to the confirmation page: nothing sent yet.
    response = _edit(client, invitation, _move="approve", _move_note="Fine")
    confirm = f"/admin/members/mailing/{invitation.pk}/confirm/approve/"
    assert response.url == f"{confirm}?note=Fine"
    # A bare move without the confirmation is sent there too.
    response = client.post(f"/admin/members/mailing/{invitation.pk}/move/", {"move": "approve"})
    assert response.url == confirm
    invitation.refresh_from_db()
    assert (invitation.state, invitation.deliveries.count(), len(mail.outbox)) == (
        State.IN_REVIEW,
        0,
        0,
    )

    text = visible_text(client.get(f"{confirm}?note=Fine").content)
    assert (
        f"This sends “Invitation: Accountability” at once to {size} recipients. "
        "It cannot be called back."
    ) in text
    assert f"Approve and send to {size} recipients now No, go back" in text

    with django_capture_on_commit_callbacks(execute=True):
        move(client, invitation, "approve")
    invitation.refresh_from_db()
    assert invitation.state == State.PUBLISHED
    assert len(mail.outbox) == size == invitation.deliveries.filter(status="sent").count()


def test_approving_a_scheduled_mailing_says_when_it_goes_out(client, invitation, publisher):
    publisher.member.time_zone = "Africa/Nairobi"
    publisher.member.save()
    send_at = utc(2027, 2, 3, 7, 30)
    Mailing.objects.filter(pk=invitation.pk).update(state=State.IN_REVIEW, publish_at=send_at)
    invitation.refresh_from_db()
    size = audience_size(invitation)
    text = visible_text(
        log_in(client, publisher)
        .get(f"/admin/members/mailing/{invitation.pk}/confirm/approve/")
        .content
    )
    when = "Wed 3 Feb 2027, 10:30 (Africa/Nairobi)"
    assert f"it goes out at {when} to its audience as it is then ({size} recipients today)" in text
    assert f"Approve and send to {size} recipients at {when}" in text
    invitation.refresh_from_db()
    assert invitation.state == State.IN_REVIEW


def test_a_publisher_who_cannot_approve_is_told_before_any_confirmation(
    client, invitation, publisher
):
    Mailing.objects.filter(pk=invitation.pk).update(state=State.IN_REVIEW, last_edited_by=publisher)
    response = log_in(client, publisher).get(
        f"/admin/members/mailing/{invitation.pk}/confirm/approve/", follow=True
    )
    assert response.redirect_chain[-1][0] == f"/admin/members/mailing/{invitation.pk}/change/"
    assert "You cannot approve an item that you last edited or submitted" in (
        response.content.decode()
    )


def test_a_workflow_button_saves_the_typed_text_then_moves(client, invitation, editor):
    log_in(client, editor)
    response = _edit(
        client, invitation, subject_fr="Invitation : Redevabilité", _move="submit", _save=None
    )
    assert response.url == f"/admin/members/mailing/{invitation.pk}/change/"
    invitation.refresh_from_db()
    assert (invitation.subject_fr, invitation.state) == ("Invitation : Redevabilité", "in_review")
    text = visible_text(client.get(response.url).content)
    assert "Your changes were saved." in text
    assert "“Invitation: Accountability” is now in review." in text


def test_a_workflow_button_with_an_error_in_the_form_keeps_the_text_and_moves_nothing(
    client, invitation, editor
):
    log_in(client, editor)
    response = _edit(
        client,
        invitation,
        subject_fr="Invitation : Redevabilité",
        audience=Mailing.Audience.ONE_MEMBER,
        _move="submit",
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="Invitation : Redevabilité"' in page
    assert "Choose the member." in page
    invitation.refresh_from_db()
    assert (invitation.subject_fr, invitation.state) == (
        "Invitation\N{NO-BREAK SPACE}: Accountability",
        "draft",
    )


def test_preview_and_test_buttons_save_the_typed_text_first(
    client, invitation, editor, django_capture_on_commit_callbacks
):
    log_in(client, editor)
    response = _edit(client, invitation, subject_en="Invitation: Accountability", _preview="1")
    assert response.url == f"/admin/members/mailing/{invitation.pk}/preview/"
    with django_capture_on_commit_callbacks(execute=True):
        _edit(client, invitation, subject_en="Invitation: typed just now", _test="1")
    assert [m.subject for m in mail.outbox] == ["[Test] Invitation: typed just now"]


def _column_headers(page: str) -> list[str]:
    head = page.split("<thead>")[1].split("</thead>")[0]
    return [visible_text(cell) for cell in re.findall(r"<th[^>]*>(.*?)</th>", head, re.DOTALL)]


def test_curated_mailings_and_one_off_messages_have_a_list_each(
    client, invitation, editor, django_capture_on_commit_callbacks
):
    reader = UserFactory(email="reader@example.org").member
    with django_capture_on_commit_callbacks(execute=True):
        send_transactional(reader, subject="Your registration is confirmed", body="See you.")
        send_mailing(
            Mailing.objects.create(
                kind=MailKind.SUMMARY,
                subject="What we heard",
                body="Thank you.",
                audience=Mailing.Audience.ALL_MEMBERS,
                state=State.APPROVED,
            )
        )
    log_in(client, editor)

    page = client.get("/admin/members/mailing/").content.decode()
    assert _column_headers(page) == [
        "Subject",
        "Kind",
        "Audience",
        "State",
        "Sent",
        "Deliveries",
    ]
    rows = re.findall(r'<th class="field-subject"><a [^>]*>([^<]*)</a>', page)
    assert rows == ["What we heard", "Invitation: Accountability"]
    assert "Transactional (always sent)" not in page  # the kind filter offers its own kinds
    summary = Mailing.objects.get(subject="What we heard")
    assert summary.deliveries.filter(status="sent").count() == 2  # the reader and the editor
    assert re.search(r'<td class="field-deliveries"><a [^>]*>2</a> sent</td>', page)

    page = client.get("/admin/members/oneoffmessage/").content.decode()
    rows = re.findall(r'<th class="field-subject"><a [^>]*>([^<]*)</a>', page)
    assert rows == ["Your registration is confirmed"]
    assert _column_headers(page) == ["Subject", "Sent", "Deliveries", "Recipient", "Kind"]
    assert "Invitation to a new dialogue" not in page  # the kind filter offers its own kinds
    # Read-only: the portal writes these.
    message = Mailing.objects.get(kind=MailKind.TRANSACTIONAL)
    assert client.get("/admin/members/oneoffmessage/add/").status_code == 403
    page = client.get(f"/admin/members/oneoffmessage/{message.pk}/change/").content.decode()
    assert 'name="_save"' not in page
    # The curated list does not open it.
    assert client.get(f"/admin/members/mailing/{message.pk}/change/").status_code == 302


def test_send_at_names_the_zone_it_is_typed_in(client, db):
    editor = EditorFactory(time_zone="Africa/Nairobi")
    page = log_in(client, editor).get("/admin/members/mailing/add/").content.decode()
    assert (
        "Leave empty to send as soon as a publisher approves it. In your time zone, Africa/Nairobi."
    ) in page
