"""Takes each reply of a guided tool: understood answers move on, nonsense is asked again, "salir" leaves."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.tools import flow

logger = logging.getLogger(__name__)


class ValidateToolForm(FormValidationAction):
    def name(self) -> str:
        return "validate_tool_form"

    def validate_tool_reply(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        state = tracker.get_slot("tool_state") or flow.start("magnet_points")
        outcome = flow.consume(state, str(value or ""))
        logger.info("tool=%s step=%s status=%s", state.get("tool"), len(state.get("answers") or {}), outcome.status)
        if outcome.status == "invalid":
            dispatcher.utter_message(response=outcome.response)
            return {"tool_reply": None}
        if outcome.status == "cancelled":
            return {"tool_reply": "cancelled", "tool_state": {**outcome.state, "cancelled": True}}
        if outcome.status == "done":
            return {"tool_reply": "done", "tool_state": outcome.state}
        return {"tool_reply": None, "tool_state": outcome.state}
