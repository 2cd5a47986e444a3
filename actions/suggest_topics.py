"""NLU fallback: offer the two likeliest topics as "did you mean…" buttons, never a guessed answer; an
under-specified follow-up ("who can apply?") is answered on the topic just answered instead, and a question
naming a catalog school and a program ("does Hillcrest Drive have a magnet?") is answered about the school."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answer_question import answer_in_context, send_school_reply
from actions.tracker_view import language, previous_user_text
from actions.unanswered import NotesUnanswered
from bot.context import in_context
from bot.knowledge.base import get_kb
from bot.knowledge.school_answer import unrouted_school_reply
from bot.menu import likely_topics, topic_buttons
from bot.unanswered.recording import classifier_topic


class ActionSuggestTopics(NotesUnanswered, Action):
    def name(self) -> str:
        return "action_suggest_topics"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        kb = get_kb()
        latest = tracker.latest_message or {}
        text = latest.get("text") or ""
        lang = language(tracker)
        last_topic = tracker.get_slot("last_topic")
        entities = [str(v) for v in tracker.get_latest_entity_values("program_type")]
        topics = likely_topics(kb, latest.get("intent_ranking") or [], text, limit=2)
        decision = in_context(kb, None, text, last_topic, entities, candidates=topics)
        if decision.reason == "kept" and decision.topic:
            events = answer_in_context(dispatcher, kb, decision.topic, text, previous_user_text(tracker), lang)
            if events is not None:
                return events
        about_school = unrouted_school_reply(kb.catalog, text, lang)
        if about_school is not None:  # a catalog school and a program named: answered about the school
            return send_school_reply(dispatcher, about_school, lang)
        if not topics:
            dispatcher.utter_message(response="utter_default")
            likely = classifier_topic(latest.get("intent_ranking") or [], kb.topics)
            self.note_unanswered(latest.get("text") or "", lang, "fallback", likely)
            return []
        dispatcher.utter_message(response="utter_did_you_mean", buttons=topic_buttons(kb, topics, lang))
        self.note_unanswered(latest.get("text") or "", lang, "did_you_mean", topics[0])
        return []
