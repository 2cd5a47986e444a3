"""The help menu: every topic the knowledge base answers, as buttons, in the conversation's language."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.tracker_view import language
from bot.knowledge.base import get_kb
from bot.menu import SHORT_MENU_CHANNELS, menu_topics, topic_buttons
from bot.tools.labels import tool_buttons


class ActionShowHelp(Action):
    def name(self) -> str:
        return "action_show_help"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        kb = get_kb()
        topics = menu_topics(list(kb.topics), tracker.get_latest_input_channel())
        lang = language(tracker)
        buttons = topic_buttons(kb, topics, lang)
        if tracker.get_latest_input_channel() not in SHORT_MENU_CHANNELS:
            buttons += tool_buttons(lang)  # on SMS the menu stays short; the tools start from a request
        dispatcher.utter_message(response="utter_help", buttons=buttons)
        return []
