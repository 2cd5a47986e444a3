"""Which topic a message is about: its intent, the program it names, or the conversation's last topic.

Follow-ups ("and for middle school?", "¿y las charter?") carry no topic of their own: they switch to the
program they name, else stay on the topic just answered, and reuse the previous question so the same
sub-question is answered for the new grade or program.
"""

from __future__ import annotations

from typing import Iterable, Optional

TOPIC_INTENT_PREFIX = "ask_"
FOLLOWUP_INTENT = "followup"
# Asking for a person is answered with the sourced contact entry (offices and phones), not a guess.
HUMAN_INTENT = "request_human"
HUMAN_TOPIC = "contact_help"

# program_type entity values (data/nlu/synonyms.yml) to the topic that explains them
PROGRAM_TOPICS = {
    "magnet": "magnet_programs", "gifted_magnet": "gifted_magnets", "sas": "sas", "pilot": "pilot_schools",
    "charter": "charter_schools", "community_school": "community_schools", "dual_language": "dual_language",
    "gate": "gate", "pwt": "permits_with_transportation", "heet": "heet",
}


def topic_for_message(intent: str, program_types: Iterable[str], last_topic: Optional[str]) -> Optional[str]:
    if intent.startswith(TOPIC_INTENT_PREFIX):
        return intent[len(TOPIC_INTENT_PREFIX):]
    if intent == HUMAN_INTENT:
        return HUMAN_TOPIC
    if intent == FOLLOWUP_INTENT:
        for program in program_types:
            if program in PROGRAM_TOPICS:
                return PROGRAM_TOPICS[program]
        return last_topic
    return None


def question_for_matching(intent: str, text: str, previous_text: Optional[str]) -> str:
    """The text used to pick the entry: a follow-up is read together with the question before it; asking
    for a person always gets the topic's overview (every office and phone)."""
    if intent == HUMAN_INTENT:
        return ""
    if intent == FOLLOWUP_INTENT and previous_text:
        return f"{previous_text} {text}"
    return text
