"""Shows a finished guided tool's result, with its sources and the `tool` payload; or says it stopped."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.tracker_view import language
from bot.menu import SHORT_MENU_CHANNELS
from bot.tools import results

logger = logging.getLogger(__name__)


class ActionShowToolResult(Action):
    def name(self) -> str:
        return "action_show_tool_result"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        state = tracker.get_slot("tool_state") or {}
        reset = [SlotSet("tool_state", None), SlotSet("tool_reply", None)]
        if state.get("cancelled") or not state.get("tool"):
            dispatcher.utter_message(response="utter_tool_cancelled")
            return reset
        lang = language(tracker)
        try:
            result = results.compute(state, lang)
        except (KeyError, ValueError) as error:  # answers that the tool refuses: say so, never crash
            logger.warning("tool=%s could not compute: %s", state.get("tool"), type(error).__name__)
            dispatcher.utter_message(response="utter_no_answer")
            return reset
        sources = result.get("sources") or []
        sms = tracker.get_latest_input_channel() in SHORT_MENU_CHANNELS
        body = results.short_text(state, result, lang) if sms else results.text(state, result, lang)
        dispatcher.utter_message(
            response="utter_tool_result",
            result=body,
            as_of=result.get("as_of") or "",
            source=sources[0] if sources else "",
        )
        dispatcher.utter_message(json_message=results.payload(state, lang, result))
        logger.info("tool result tool=%s lang=%s", state["tool"], lang)
        return reset
