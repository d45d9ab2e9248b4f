"""Every write that matters in the dialogues app, one module per topic; import them from
here (`from dialogues.services import register_member`)."""

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

__all__ = [
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
