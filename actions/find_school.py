"""Catalog questions: "Is Dorsey a community school?", "¿Qué escuelas comunitarias hay?"."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.tracker_view import language
from actions.unanswered import NotesUnanswered
from bot.knowledge import catalog_text
from bot.knowledge.base import get_kb
from bot.knowledge.catalog import Catalog, topic_for
from bot.knowledge.files import School
from bot.knowledge.program_types import REGISTRY
from bot.knowledge.school_answer import about_school, program_named_in
from bot.unanswered.recording import likely_topic

logger = logging.getLogger(__name__)


MATCH_TIMEOUT_S = 3.0
MAX_NAME_CHARS = 100


def _entity(tracker: Tracker, name: str) -> str | None:
    value = next(tracker.get_latest_entity_values(name), None)
    return str(value)[:MAX_NAME_CHARS] if isinstance(value, (str, int, float)) and value else None


def _school_named(catalog: Catalog, named: str | None, text: str) -> School | None:
    matches = catalog.find(named[:MAX_NAME_CHARS], limit=1) if named else []
    return matches[0].school if matches else catalog.mentioned_in(text)


class ActionFindSchool(NotesUnanswered, Action):
    def name(self) -> str:
        return "action_find_school"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        kb = get_kb()
        catalog = kb.catalog
        lang = language(tracker)
        text = (tracker.latest_message or {}).get("text") or ""
        program_type = _entity(tracker, "program_type")
        named = _entity(tracker, "school")
        try:  # fuzzy name matching is CPU work: in a thread, bounded, so other families are not kept waiting
            school = await asyncio.wait_for(
                asyncio.get_running_loop().run_in_executor(None, _school_named, catalog, named, text), MATCH_TIMEOUT_S
            )
        except asyncio.TimeoutError:
            logger.warning("school-name matching took over %.0f s: no school named", MATCH_TIMEOUT_S)
            school = None
        program = REGISTRY.by_entity(program_type or program_named_in(text))
        if school is not None and program is not None:  # "does Hillcrest Drive have a magnet?": yes / not listed
            reply = about_school(school, program, lang)
            dispatcher.utter_message(response=reply.response, **reply.params)
            payload_topic, sources, as_of = reply.topic or program.topic, list(school.sources), school.as_of
        elif school is not None:
            dispatcher.utter_message(
                response="utter_school_profile", name=school.name, kinds=catalog_text.kinds(school, lang)
            )
            payload_topic, sources, as_of = topic_for(school.types, program_type), list(school.sources), school.as_of
        else:
            schools = catalog.filter(
                program_type,
                _entity(tracker, "grade"),
                _entity(tracker, "area"),
                _entity(tracker, "instruction_language"),
            )
            if not program_type or not schools:
                dispatcher.utter_message(response="utter_school_not_found")
                topic = REGISTRY.topic_of_entity(program_type) if program_type else None
                ranking = (tracker.latest_message or {}).get("intent_ranking") or []
                self.note_unanswered(text, lang, "school_not_found", topic or likely_topic(kb, text, ranking))
                return []
            area = _entity(tracker, "area")
            dispatcher.utter_message(
                response="utter_school_list",
                kind=catalog_text.heading(program_type, lang),
                where=f" ({area.title()})" if area else "",
                count=len(schools),
                schools=catalog_text.school_lines(schools),
            )
            payload_topic = topic_for(schools[0].types, program_type)
            sources = list(dict.fromkeys(src for s in schools for src in s.sources))[:3]
            as_of = max(s.as_of for s in schools)
        dispatcher.utter_message(
            json_message={"answer": {"topic": payload_topic, "lang": lang, "sources": sources, "as_of": as_of}}
        )
        logger.info("catalog answer topic=%s", payload_topic)
        return [SlotSet("last_topic", payload_topic)]
