"""The dialogues app's models: the catalogue and registrations (catalogue.py), and what
participants do around a dialogue (participation.py)."""

from .catalogue import (
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

__all__ = [
    "AgendaItem",
    "Dialogue",
    "DialogueQuerySet",
    "DialogueSpeaker",
    "Registration",
    "RegistrationQuerySet",
    "Series",
    "Session",
    "Speaker",
]
