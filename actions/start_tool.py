"""Starts a guided tool: remembers which one and says what is coming; tool_form then asks."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.tracker_view import intent_name
from bot.tools import flow

TOOL_FOR_INTENT = {"use_points_tool": "magnet_points", "use_ag_tool": "ag_check", "use_options_tool": "options"}
INTRO = {
    "magnet_points": "utter_tool_points_intro",
    "ag_check": "utter_tool_ag_intro",
    "options": "utter_tool_options_intro",
}


class ActionStartTool(Action):
    def name(self) -> str:
        return "action_start_tool"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        tool = TOOL_FOR_INTENT.get(intent_name(tracker), "magnet_points")
        dispatcher.utter_message(response=INTRO[tool])
        return [SlotSet("tool_state", flow.start(tool)), SlotSet("tool_reply", None)]
