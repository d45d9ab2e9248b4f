"""The dialogues app's models: the catalogue and registrations (catalogue.py), the messages
owed to registrants (messages.py), and what participants do around a dialogue
(participation.py)."""

from .alerts import DateAlert
from .catalogue import (
    VIEW_DIALOGUE,
    VIEW_JOIN_LINK,
    VIEW_QUESTION,
    VIEW_SPEAKER,
    AgendaItem,
    Dialogue,
    DialogueQuerySet,
    DialogueSpeaker,
    Registration,
    RegistrationQuerySet,
    Series,
    Session,
    Speaker,
)
from .cohosts import WORK_AS_CO_HOST, CoHostStaff
from .messages import RegistrationMessage
from .participation import (
    QUESTION_MAX_LENGTH,
    BreakoutGroup,
    Feedback,
    Question,
    TopicProposal,
    Vote,
)

__all__ = [
    "WORK_AS_CO_HOST",
    "CoHostStaff",
    "VIEW_DIALOGUE",
    "VIEW_JOIN_LINK",
    "VIEW_QUESTION",
    "VIEW_SPEAKER",
    "QUESTION_MAX_LENGTH",
    "BreakoutGroup",
    "Feedback",
    "Question",
    "TopicProposal",
    "Vote",
    "AgendaItem",
    "DateAlert",
    "Dialogue",
    "DialogueQuerySet",
    "DialogueSpeaker",
    "Registration",
    "RegistrationMessage",
    "RegistrationQuerySet",
    "Series",
    "Session",
    "Speaker",
]
