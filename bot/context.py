"""Follow-ups read in the light of the conversation: the topic just answered stays unless the message
clearly names another one.

"Who can apply?" after an answer about affiliated charters is about charters, whatever intent the
classifier picks ("choices_application") or when it falls to "did you mean". The message keeps the last
topic when it names no other topic (a program or topic name, or a `program_type` entity of another topic)
and it is tied to the last topic: a short question that the topic's own entries match, or one that points
back ("these programs", "¿y…?"). It leaves the last topic when it names another one, when it is a full
question, or when retrieval places it clearly in the topic the classifier chose. A message that would get
"did you mean" with the last topic among its two suggestions stays on the last topic too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.knowledge.base import ENTRY_MATCH_MIN_SCORE, KnowledgeBase
from bot.knowledge.program_types import REGISTRY
from bot.language import fold
from bot.routing import topic_names

# Words that point back to what was just said ("these programs", "esas escuelas"); a message opening with
# "and" / "y" continues the last one. Pronouns like "it" or "that" are too common in full questions to count.
BACK_REFERENCE = re.compile(
    r"^\s*¿?\s*(and|also|y|tambien)\b"
    r"|\b(these|those|estos|estas|esos|esas|aquellos|aquellas)\b"
    r"|\b(this|that|same) (program|programs|school|schools|one)\b"
    r"|\b(ese|esa|este|esta|mismo|misma) (programa|escuela)\b|\blo mismo\b"
)
WORD = re.compile(r"[\w-]+")


@dataclass(frozen=True)
class ContextRules:
    """When a message stays on the last topic (chosen with bench/context_eval.py: see config.yml)."""

    tied_min_score: float = 2.0  # BM25 score of the last topic's best entry that ties a message to it
    max_words: int = 3  # content words (not stop words) an under-specified question has at most
    # A message retrieval places in the routed topic leaves the last one when the routed topic's best entry
    # scores at least `switch_ratio` times the last topic's and at least `switch_min_score`.
    switch_ratio: float = 2.0
    switch_min_score: float = 4.0


RULES = ContextRules()


@dataclass(frozen=True)
class ContextDecision:
    topic: str | None
    reason: str  # "routed": the routed topic stands; "kept": the last topic; "named": another topic named


def _named_in_topic(kb: KnowledgeBase, topic: str, entity: str) -> bool:
    """True when the last topic's own phrasings name the program an entity stands for ("magnet" after an
    answer on magnet points): naming it does not leave the topic."""
    word = fold(entity).replace("_", " ")
    entries = kb.topics[topic].entries if topic in kb.topics else ()
    return any(word in fold(q) for e in entries for phrasings in e.questions.values() for q in phrasings)


def contextual_question(kb: KnowledgeBase, topic: str, text: str, previous: str) -> str:
    """The text that picks a follow-up's entry: the message itself when one of the topic's entries matches
    it, else the message read with the question before it."""
    if best_score(kb, topic, text) >= ENTRY_MATCH_MIN_SCORE or not previous:
        return text
    return f"{previous} {text}"


def best_score(kb: KnowledgeBase, topic: str, text: str) -> float:
    hits = kb.index.search(text, limit=1, topic=topic)
    return hits[0].score if hits else 0.0


def content_words(text: str) -> list[str]:
    """The words of `text` that carry meaning: accents folded, stop words of both languages dropped."""
    from bot.knowledge.search import stop_words

    stop = stop_words()
    return [w for w in WORD.findall(fold(text)) if w not in stop and len(w) > 1]


def in_context(
    kb: KnowledgeBase,
    routed: str | None,
    text: str,
    last_topic: str | None,
    program_entities: Iterable[str] = (),
    rules: ContextRules = RULES,
    candidates: Iterable[str] = (),
) -> ContextDecision:
    """The topic to answer `text` on, given the routed topic (None: "did you mean", whose two `candidates`
    are the topics it would offer) and the last topic."""
    entities = [str(v) for v in program_entities]
    if not last_topic or last_topic not in kb.topics or routed == last_topic or text.lstrip().startswith("/"):
        return ContextDecision(routed, "routed")
    others = [t for t in topic_names().found(text) if t != last_topic]
    others += [
        t
        for v in entities
        if (t := REGISTRY.topic_of_entity(v)) and t != last_topic and not _named_in_topic(kb, last_topic, v)
    ]
    if others:
        return ContextDecision(routed, "named")
    if routed is None and last_topic in list(candidates)[:2]:
        return ContextDecision(last_topic, "kept")  # unsure between the topic just answered and another: stay
    points_back = bool(BACK_REFERENCE.search(fold(text)))
    short = len(content_words(text)) <= rules.max_words
    tied_score = best_score(kb, last_topic, text)
    if not points_back and not (short and tied_score >= rules.tied_min_score):
        return ContextDecision(routed, "routed")
    if routed is not None and not points_back:
        routed_score = best_score(kb, routed, text)
        if routed_score >= rules.switch_min_score and routed_score >= rules.switch_ratio * tied_score:
            return ContextDecision(routed, "routed")
    return ContextDecision(last_topic, "kept")
