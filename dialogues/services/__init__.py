"""Every write that matters in the dialogues app, one module per topic; import them from
here (`from dialogues.services import register_member`)."""

from .breakouts import (
    auto_assign_breakout_groups,
    breakouts_open,
    choose_breakout_group,
    groups_with_sizes,
)
from .feedback import give_feedback, may_give_feedback
from .questions import (
    ParticipationError,
    approve_questions,
    ask_question,
    clean_question_text,
    hide_questions,
    merge_questions,
    vote_for_question,
    withdraw_question_vote,
)
from .registration import (
    CLOSED_MESSAGES,
    RegistrationDetails,
    RegistrationError,
    cancel_dialogue,
    cancel_registration,
    change_capacity,
    mark_attendance,
    promote_from_waiting_list,
    register_member,
    registration_closed_message,
)
from .topics import (
    choose_topic,
    decline_topic,
    merge_topics,
    propose_topic,
    vote_for_topic,
    withdraw_topic_vote,
)

__all__ = [
    "ParticipationError",
    "approve_questions",
    "ask_question",
    "auto_assign_breakout_groups",
    "breakouts_open",
    "choose_breakout_group",
    "choose_topic",
    "clean_question_text",
    "decline_topic",
    "give_feedback",
    "groups_with_sizes",
    "hide_questions",
    "may_give_feedback",
    "merge_questions",
    "merge_topics",
    "propose_topic",
    "vote_for_question",
    "vote_for_topic",
    "withdraw_question_vote",
    "withdraw_topic_vote",
    "CLOSED_MESSAGES",
    "RegistrationDetails",
    "RegistrationError",
    "cancel_dialogue",
    "cancel_registration",
    "change_capacity",
    "mark_attendance",
    "promote_from_waiting_list",
    "register_member",
    "registration_closed_message",
]
