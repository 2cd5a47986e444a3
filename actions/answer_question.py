"""Answers an ask_<topic> intent from the knowledge base, with the answer payload."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.tracker_view import intent_name, language, previous_user_text
from actions.unanswered import NotesUnanswered
from bot.dialogue import FOLLOWUP_INTENT, question_for_matching, topic_for_message
from bot.knowledge.answers import answer_body, answer_payload
from bot.knowledge.base import get_kb
from bot.knowledge.school_answer import SchoolReply, school_reply
from bot.unanswered.recording import likely_topic

logger = logging.getLogger(__name__)


class ActionAnswerQuestion(NotesUnanswered, Action):
    def name(self) -> str:
        return "action_answer_question"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        intent = intent_name(tracker)
        topic = topic_for_message(
            intent, tracker.get_latest_entity_values("program_type"), tracker.get_slot("last_topic")
        )
        lang = language(tracker)
        if topic is None and intent == FOLLOWUP_INTENT:
            dispatcher.utter_message(response="utter_followup_unclear")
            return []
        text = question_for_matching(
            intent, (tracker.latest_message or {}).get("text") or "", previous_user_text(tracker)
        )
        message = (tracker.latest_message or {}).get("text") or ""
        if topic and intent != FOLLOWUP_INTENT:
            entity = next(tracker.get_latest_entity_values("program_type"), None)
            reply = school_reply(get_kb().catalog, message, topic, str(entity) if entity else None, lang)
            if reply is not None:
                if reply.school is None:
                    self.note_unanswered(message, lang, "school_not_found", topic)
                return self._about_school(dispatcher, reply, lang)
        entry = get_kb().entry_for(topic, text) if topic else None
        if entry is None or lang not in entry.answer:
            logger.warning("no knowledge entry for intent=%s", intent)
            dispatcher.utter_message(response="utter_no_answer")
            ranking = (tracker.latest_message or {}).get("intent_ranking") or []
            self.note_unanswered(message, lang, "no_answer", topic or likely_topic(get_kb(), message, ranking))
            return []
        dispatcher.utter_message(
            response="utter_kb_answer_yearly" if entry.changes_yearly else "utter_kb_answer",
            answer=answer_body(entry, lang),
            source=entry.sources[0],
            as_of=entry.as_of,
        )
        dispatcher.utter_message(json_message=answer_payload(entry, lang))
        logger.info("answered topic=%s entry=%s lang=%s", entry.topic, entry.id, lang)
        return [SlotSet("last_topic", entry.topic)]

    @staticmethod
    def _about_school(dispatcher: CollectingDispatcher, reply: SchoolReply, lang: str) -> list[dict]:
        """A question naming a school, answered about that school (with its catalog sources)."""
        dispatcher.utter_message(response=reply.response, **reply.params)
        if reply.school is None or reply.topic is None:
            logger.info("school question: school not in the catalog")
            return []
        sources = list(reply.school.sources)
        dispatcher.utter_message(
            json_message={
                "answer": {"topic": reply.topic, "lang": lang, "sources": sources, "as_of": reply.school.as_of}
            }
        )
        logger.info("school question answered topic=%s", reply.topic)
        return [SlotSet("last_topic", reply.topic)]
