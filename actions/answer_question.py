"""Answers an ask_<topic> intent from the knowledge base, with the answer payload."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.tracker_view import intent_name, language, previous_user_text
from actions.unanswered import NotesUnanswered
from bot.context import contextual_question, in_context
from bot.dialogue import FOLLOWUP_INTENT, TOPIC_INTENT_PREFIX, question_for_matching, topic_for_message
from bot.knowledge.answers import answer_body, answer_payload
from bot.knowledge.base import KnowledgeBase, get_kb
from bot.knowledge.model import Entry
from bot.knowledge.school_answer import SchoolReply, school_reply
from bot.unanswered.recording import likely_topic

logger = logging.getLogger(__name__)


class ActionAnswerQuestion(NotesUnanswered, Action):
    def name(self) -> str:
        return "action_answer_question"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        kb = get_kb()
        intent = intent_name(tracker)
        entities = [str(v) for v in tracker.get_latest_entity_values("program_type")]
        last_topic = tracker.get_slot("last_topic")
        topic = topic_for_message(intent, entities, last_topic)
        lang = language(tracker)
        if topic is None and intent == FOLLOWUP_INTENT:
            dispatcher.utter_message(response="utter_followup_unclear")
            return []
        message = (tracker.latest_message or {}).get("text") or ""
        text = question_for_matching(intent, message, previous_user_text(tracker))
        if intent.startswith(TOPIC_INTENT_PREFIX):  # an under-specified question stays on the last topic
            decision = in_context(kb, topic, message, last_topic, entities)
            if decision.reason == "kept" and decision.topic:
                topic, text = (
                    decision.topic,
                    contextual_question(kb, decision.topic, message, previous_user_text(tracker)),
                )
                logger.info("follow-up kept topic=%s (intent=%s)", topic, intent)
        if topic and intent != FOLLOWUP_INTENT:
            entity = entities[0] if entities else None
            reply = school_reply(kb.catalog, message, topic, entity, lang)
            if reply is not None:
                if reply.school is None:
                    self.note_unanswered(message, lang, "school_not_found", topic)
                return send_school_reply(dispatcher, reply, lang)
        entry = kb.entry_for(topic, text) if topic else None
        if entry is None or lang not in entry.answer:
            logger.warning("no knowledge entry for intent=%s", intent)
            dispatcher.utter_message(response="utter_no_answer")
            ranking = (tracker.latest_message or {}).get("intent_ranking") or []
            self.note_unanswered(message, lang, "no_answer", topic or likely_topic(kb, message, ranking))
            return []
        return send_answer(dispatcher, entry, lang)


def send_school_reply(dispatcher: CollectingDispatcher, reply: SchoolReply, lang: str) -> list[dict]:
    """A question naming a school, answered about that school (with its catalog sources)."""
    dispatcher.utter_message(response=reply.response, **reply.params)
    if reply.school is None or reply.topic is None:
        logger.info("school question: school not in the catalog")
        return []
    sources = list(reply.school.sources)
    dispatcher.utter_message(
        json_message={"answer": {"topic": reply.topic, "lang": lang, "sources": sources, "as_of": reply.school.as_of}}
    )
    logger.info("school question answered topic=%s", reply.topic)
    return [SlotSet("last_topic", reply.topic)]


def send_answer(dispatcher: CollectingDispatcher, entry: Entry, lang: str) -> list[dict]:
    """A knowledge entry as the family reads it, its answer payload, and the topic it leaves in context."""
    dispatcher.utter_message(
        response="utter_kb_answer_yearly" if entry.changes_yearly else "utter_kb_answer",
        answer=answer_body(entry, lang),
        source=entry.sources[0],
        as_of=entry.as_of,
    )
    dispatcher.utter_message(json_message=answer_payload(entry, lang))
    logger.info("answered topic=%s entry=%s lang=%s", entry.topic, entry.id, lang)
    return [SlotSet("last_topic", entry.topic)]


def answer_in_context(
    dispatcher: CollectingDispatcher, kb: KnowledgeBase, topic: str, message: str, previous: str, lang: str
) -> list[dict] | None:
    """The answer on `topic` to a follow-up, or None when the topic has no entry in `lang`."""
    entry = kb.entry_for(topic, contextual_question(kb, topic, message, previous))
    if entry is None or lang not in entry.answer:
        return None
    return send_answer(dispatcher, entry, lang)
