"""Asks the guided tool's next question (tool_form calls it whenever it needs a reply)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.tracker_view import language
from bot.tools import flow
from bot.tools.labels import area_name


class ActionAskToolReply(Action):
    def name(self) -> str:
        return "action_ask_tool_reply"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        state = tracker.get_slot("tool_state") or flow.start("magnet_points")
        question = flow.next_question(state)
        if question is None:
            return []
        params = {}
        if "area" in question.params:
            params["area_name"] = area_name(question.params["area"], language(tracker))
        dispatcher.utter_message(response=question.response, **params)
        return []
