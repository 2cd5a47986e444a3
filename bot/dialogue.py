"""Which topic a message is about: its intent, the program it names, or the conversation's last topic.

Follow-ups ("and for middle school?", "¿y las charter?") carry no topic of their own: they switch to the
program they name, else stay on the topic just answered, and reuse the previous question so the same
sub-question is answered for the new grade or program.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.knowledge.program_types import REGISTRY

TOPIC_INTENT_PREFIX = "ask_"
FOLLOWUP_INTENT = "followup"
# Asking for a person is answered with the sourced contact entry (offices and phones), not a guess.
HUMAN_INTENT = "request_human"
HUMAN_TOPIC = "contact_help"


def topic_for_message(intent: str, program_types: Iterable[str], last_topic: str | None) -> str | None:
    if intent.startswith(TOPIC_INTENT_PREFIX):
        return intent[len(TOPIC_INTENT_PREFIX) :]
    if intent == HUMAN_INTENT:
        return HUMAN_TOPIC
    if intent == FOLLOWUP_INTENT:
        for program in program_types:
            topic = REGISTRY.topic_of_entity(program)
            if topic:
                return topic
        return last_topic
    return None


def question_for_matching(intent: str, text: str, previous_text: str | None) -> str:
    """The text used to pick the entry: a follow-up is read together with the question before it; asking
    for a person always gets the topic's overview (every office and phone)."""
    if intent == HUMAN_INTENT:
        return ""
    if intent == FOLLOWUP_INTENT and previous_text:
        return f"{previous_text} {text}"
    return text
