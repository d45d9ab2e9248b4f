"""The dialogues app's pages: the catalogue and registration (catalogue.py)."""

from .catalogue import (
    about,
    cancel_my_registration,
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
)

__all__ = [
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
]
