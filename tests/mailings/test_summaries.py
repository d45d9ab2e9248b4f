"""Post-event summaries: publishing a dialogue's summary paper or recording drafts one summary
mailing; it goes out, linking what is public, only once a publisher approved it."""

import pytest
from django.core import mail

from a4ep_portal.workflow import State
from members.models import Mailing, MailKind, Member
from members.services import move_mailing
from papers.models import Paper
from papers.services import move
from tests.factories import PaperFactory, RecordingFactory, RegistrationFactory, UserFactory

pytestmark = pytest.mark.django_db


def publish(item, editor, publisher) -> None:
    move(item, "submit", actor=editor)
    move(item, "approve", actor=publisher)
    move(item, "publish", actor=publisher)


def registrant(dialogue, email, **fields):
    return RegistrationFactory(dialogue=dialogue, member=UserFactory(email=email).member, **fields)


def summaries(dialogue):
    return Mailing.objects.filter(kind=MailKind.SUMMARY, dialogue=dialogue)


def test_publishing_the_summary_paper_drafts_one_summary_mailing_and_sends_nothing(
    dialogue, editor, publisher, django_capture_on_commit_callbacks
):
    RegistrationFactory(dialogue=dialogue)
    paper = PaperFactory(dialogue=dialogue, kind=Paper.Kind.SUMMARY, title="What we heard")
    recording = RecordingFactory(dialogue=dialogue)
    with django_capture_on_commit_callbacks(execute=True):
        publish(paper, editor, publisher)
        publish(recording, editor, publisher)

    (draft,) = summaries(dialogue)
    assert (draft.state, draft.audience, draft.details) == (
        State.DRAFT,
        Mailing.Audience.SUMMARY_READERS,
        Mailing.Details.SUMMARY,
    )
    assert draft.subject == "After the dialogue: Accountability"
    assert draft.deliveries.count() == 0
    assert mail.outbox == []


def test_a_discussion_paper_drafts_no_summary(dialogue, editor, publisher):
    publish(PaperFactory(dialogue=dialogue, kind=Paper.Kind.DISCUSSION), editor, publisher)
    assert summaries(dialogue).count() == 0


def test_a_new_draft_only_once_the_open_one_was_sent(dialogue, editor, publisher, other_publisher):
    publish(RecordingFactory(dialogue=dialogue), editor, publisher)
    (first,) = summaries(dialogue)
    move_mailing(first, "submit", actor=editor)
    move_mailing(first, "approve", actor=publisher)
    assert summaries(dialogue).get().state == State.PUBLISHED
    publish(PaperFactory(dialogue=dialogue, kind=Paper.Kind.SUMMARY), editor, other_publisher)
    assert sorted(summaries(dialogue).values_list("state", flat=True)) == ["draft", "published"]


def test_summary_goes_only_after_approval_to_registrants_attendees_and_subscribers(
    dialogue, editor, publisher, other_publisher, settings, django_capture_on_commit_callbacks
):
    Member.objects.update(wants_summaries=False)  # the organisers
    confirmed = registrant(dialogue, "came@example.org", attended=True)
    registrant(dialogue, "registered@example.org")
    quiet = registrant(dialogue, "quiet@example.org")
    Member.objects.filter(pk=quiet.member_id).update(wants_summaries=False)
    UserFactory(email="subscriber@example.org")  # wants summaries of every dialogue
    uninterested = UserFactory(email="uninterested@example.org").member
    Member.objects.filter(pk=uninterested.pk).update(wants_summaries=False)
    assert confirmed.attended

    paper = PaperFactory(dialogue=dialogue, kind=Paper.Kind.SUMMARY, title="What we heard")
    recording = RecordingFactory(dialogue=dialogue, slug="accountability-recording")
    with django_capture_on_commit_callbacks(execute=True):
        publish(paper, editor, publisher)
        publish(recording, editor, publisher)
        draft = summaries(dialogue).get()
        move_mailing(draft, "submit", actor=editor)
        assert mail.outbox == []
        move_mailing(draft, "approve", actor=other_publisher)

    draft.refresh_from_db()
    assert draft.state == State.PUBLISHED
    assert sorted(m.to[0] for m in mail.outbox) == [
        "came@example.org",
        "registered@example.org",
        "subscriber@example.org",
    ]
    assert dict(draft.deliveries.values_list("address", "status"))["quiet@example.org"] == "skipped"
    body = mail.outbox[0].body
    site = settings.SITE_URL
    assert f"What we heard (Summary of the discussions): {site}/papers/{paper.slug}/" in body
    assert f"{site}/recordings/accountability-recording/" in body
    assert f"Transcript: {site}/recordings/accountability-recording/#transcript-heading" in body
    assert "Audio only" not in body  # this recording has no audio file
    assert f"{site}/me/dialogues/accountability/feedback/" in body
    html = mail.outbox[0].alternatives[0][0]
    assert f'href="{site}/me/dialogues/accountability/feedback/"' in html
