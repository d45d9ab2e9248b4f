"""A member's participation in their data download (members.hooks): the questions they
asked and voted for, the topics they proposed and voted for, the feedback they gave."""

from datetime import UTC

from members.models import Member

from ..models import Feedback, Question, TopicProposal, Vote


def _utc(value):
    return value.astimezone(UTC).isoformat() if value else None


def export_participation(member: Member) -> dict:
    questions = Question.objects.filter(member=member).select_related("dialogue")
    votes = Vote.objects.filter(member=member).order_by("created_at", "pk")
    question_votes = votes.filter(question__isnull=False).select_related("question__dialogue")
    topics = TopicProposal.objects.filter(member=member)
    topic_votes = votes.filter(proposal__isnull=False).select_related("proposal")
    feedback = Feedback.objects.filter(member=member).select_related("dialogue")
    return {
        "questions": [
            {
                "dialogue": q.dialogue.title,
                "text": q.text,
                "status": q.status,
                "asked_at": _utc(q.created_at),
            }
            for q in questions.order_by("created_at", "pk")
        ],
        "question_votes": [
            {"dialogue": v.question.dialogue.title, "question": v.question.text}
            for v in question_votes
        ],
        "topics_proposed": [
            {"title": t.title, "why": t.why, "region": t.region, "status": t.status}
            for t in topics.order_by("created_at", "pk")
        ],
        "topic_votes": [v.proposal.title for v in topic_votes],
        "feedback": [
            {
                "dialogue": f.dialogue.title,
                "rating": f.rating,
                "useful": f.useful,
                "change": f.change,
                "may_quote": f.may_quote,
            }
            for f in feedback.order_by("created_at", "pk")
        ],
    }
