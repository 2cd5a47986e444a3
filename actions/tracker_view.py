"""Small read-only helpers over a rasa_sdk Tracker, shared by the actions."""

from __future__ import annotations

from rasa_sdk import Tracker

from bot.language import DEFAULT, LANGUAGES


def language(tracker: Tracker) -> str:
    value = tracker.get_slot("language")
    return value if value in LANGUAGES else DEFAULT


def intent_name(tracker: Tracker) -> str:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name") or ""


def previous_user_text(tracker: Tracker) -> str:
    """The user's message before the latest one (for follow-ups), or ""."""
    seen = 0
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            seen += 1
            if seen == 2:
                return event.get("text") or ""
    return ""
