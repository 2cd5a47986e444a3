"""Sets the `language` slot after every user message (the slot's custom mapping runs this action)."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.tracker_view import latest_user_event, user_turns_in_session
from bot.language import decide

logger = logging.getLogger(__name__)


class ActionDetectLanguage(Action):
    def name(self) -> str:
        return "action_detect_language"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        event = latest_user_event(tracker)
        metadata = event.get("metadata") or {}
        decision = decide(
            event.get("text") or "",
            current=tracker.get_slot("language"),
            metadata_lang=metadata.get("language") if isinstance(metadata, dict) else None,
            first_turn=user_turns_in_session(tracker) <= 1,
        )
        # Never log the message text: families type phone numbers and student ids.
        logger.info("language=%s reason=%s", decision.lang, decision.reason)
        return [SlotSet("language", decision.lang)]
