"""Turning a knowledge entry into what a family reads, and the machine-readable answer payload."""

from __future__ import annotations

from bot.knowledge.files import Entry


def answer_body(entry: Entry, lang: str, *, with_details: bool = True) -> str:
    """The direct answer first, then the details, then the next step, in one language."""
    parts = [entry.answer[lang]]
    if with_details and entry.details.get(lang):
        parts.append(entry.details[lang])
    if entry.next_step.get(lang):
        parts.append(entry.next_step[lang])
    return "\n\n".join(parts)


def answer_payload(entry: Entry, lang: str) -> dict:
    """The one custom message every knowledge answer carries (channels and analytics read it)."""
    return {"answer": {"topic": entry.topic, "lang": lang, "sources": list(entry.sources), "as_of": entry.as_of}}
