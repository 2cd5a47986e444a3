"""The help menu: every topic the knowledge base answers, as buttons, in the conversation's language."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.tracker_view import language
from bot.knowledge.base import get_kb
from bot.menu import topic_buttons


class ActionShowHelp(Action):
    def name(self) -> str:
        return "action_show_help"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        kb = get_kb()
        dispatcher.utter_message(response="utter_help", buttons=topic_buttons(kb, list(kb.topics), language(tracker)))
        return []
