"""Topic buttons for menus and "did you mean…" suggestions."""

from __future__ import annotations

from collections.abc import Iterable

from bot.dialogue import TOPIC_INTENT_PREFIX
from bot.knowledge.base import KnowledgeBase

SUGGESTION_MIN_CONFIDENCE = 0.05
# On SMS every character is billed (and accents make Spanish cost more): a short menu of what families
# ask most, and "or type your question" for the rest.
SHORT_MENU_CHANNELS = {"twilio"}
SHORT_MENU = (
    "choices_application",
    "choices_timeline",
    "magnet_points",
    "gate",
    "charter_schools",
    "dual_language",
    "elop",
    "contact_help",
)


def menu_topics(all_topics: list[str], channel: str | None) -> list[str]:
    if channel in SHORT_MENU_CHANNELS:
        return [t for t in SHORT_MENU if t in all_topics]
    return list(all_topics)


def topic_buttons(kb: KnowledgeBase, topic_ids: Iterable[str], lang: str) -> list[dict]:
    """A button per topic: its title in `lang`, and a payload that asks that topic's intent."""
    return [
        {"title": kb.topics[t].title[lang], "payload": f"/{TOPIC_INTENT_PREFIX}{t}"}
        for t in topic_ids
        if t in kb.topics
    ]


def likely_topics(kb: KnowledgeBase, intent_ranking: list[dict], text: str, limit: int = 2) -> list[str]:
    """The likeliest topics: those the message names ("What does G.A.T.E. stand for?", "GATE or special
    education?"), then the classifier's ranking, then a search of the text. A name the family typed is
    better evidence than a ranking the classifier was unsure of (that is why it asks)."""
    from bot.routing import topic_names

    chosen = [t for t in topic_names().found(text) if t in kb.topics]
    for item in intent_ranking:
        name = item.get("name") or ""
        if name.startswith(TOPIC_INTENT_PREFIX) and (item.get("confidence") or 0) >= SUGGESTION_MIN_CONFIDENCE:
            topic = name[len(TOPIC_INTENT_PREFIX) :]
            if topic in kb.topics and topic not in chosen:
                chosen.append(topic)
    if len(chosen) < limit and text.strip():
        for hit in kb.search(text, limit=10):
            if hit.entry.topic not in chosen:
                chosen.append(hit.entry.topic)
            if len(chosen) >= limit:
                break
    return chosen[:limit]
