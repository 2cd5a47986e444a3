"""NLU fallback: offer the two likeliest topics as "did you mean…" buttons, never a guessed answer."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.tracker_view import language
from actions.unanswered import NotesUnanswered
from bot.knowledge.base import get_kb
from bot.menu import likely_topics, topic_buttons
from bot.unanswered.recording import classifier_topic


class ActionSuggestTopics(NotesUnanswered, Action):
    def name(self) -> str:
        return "action_suggest_topics"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        kb = get_kb()
        latest = tracker.latest_message or {}
        topics = likely_topics(kb, latest.get("intent_ranking") or [], latest.get("text") or "", limit=2)
        lang = language(tracker)
        if not topics:
            dispatcher.utter_message(response="utter_default")
            likely = classifier_topic(latest.get("intent_ranking") or [], kb.topics)
            self.note_unanswered(latest.get("text") or "", lang, "fallback", likely)
            return []
        dispatcher.utter_message(response="utter_did_you_mean", buttons=topic_buttons(kb, topics, lang))
        self.note_unanswered(latest.get("text") or "", lang, "did_you_mean", topics[0])
        return []
