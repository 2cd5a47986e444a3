"""Silent step after the out-of-scope reply and after "no, that's not it": notes the question for the
people who keep the knowledge base (the out-of-scope question; or the question just answered, when the
family says right away that the answer missed)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.tracker_view import intent_name, language
from actions.unanswered import NotesUnanswered
from bot.unanswered.recording import rephrased_question

OUT_OF_SCOPE_INTENT = "out_of_scope"
DENY_INTENT = "deny"


class ActionRecordQuestion(NotesUnanswered, Action):
    def name(self) -> str:
        return "action_record_question"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        intent = intent_name(tracker)
        if intent == OUT_OF_SCOPE_INTENT:
            self.note_unanswered((tracker.latest_message or {}).get("text") or "", language(tracker), "out_of_scope")
        elif intent == DENY_INTENT:
            question = rephrased_question(tracker.events)
            if question:
                self.note_unanswered(question, language(tracker), "rephrase", tracker.get_slot("last_topic"))
        return []
