"""The dialogues app's pages: the catalogue and registration (catalogue.py), and
participation: questions, breakout groups, topics, feedback and figures (participation.py)."""

from .alerts import (
    confirm_date_alert,
    member_date_alert,
    stop_date_alert,
    visitor_date_alert,
)
from .catalogue import (
    about,
    calendar_subscription,
    cancel_my_registration,
    contact,
    dialogue_calendar,
    dialogue_detail,
    dialogue_list,
    home,
    my_calendar,
    my_dialogues,
    register,
    series_calendar,
    speaker_detail,
    speaker_list,
    stop_sharing,
)
from .certificates import my_certificate, verify_certificate
from .participation import (
    ask,
    choose_breakout,
    feedback,
    figures,
    topics,
    vote_question,
    vote_topic,
)

__all__ = [
    "confirm_date_alert",
    "member_date_alert",
    "stop_date_alert",
    "visitor_date_alert",
    "calendar_subscription",
    "contact",
    "my_certificate",
    "verify_certificate",
    "ask",
    "choose_breakout",
    "feedback",
    "figures",
    "topics",
    "vote_question",
    "vote_topic",
    "about",
    "cancel_my_registration",
    "dialogue_calendar",
    "dialogue_detail",
    "dialogue_list",
    "home",
    "my_calendar",
    "my_dialogues",
    "register",
    "series_calendar",
    "speaker_detail",
    "speaker_list",
    "stop_sharing",
]
