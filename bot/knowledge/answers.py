"""Turning a knowledge entry into what a family reads, and the machine-readable answer payload."""

from __future__ import annotations

import datetime as dt

from bot.knowledge.model import Entry

# Notes the bot adds to an answer when its facts may no longer hold, in both languages.
NOTES = {
    "past_cycle": {
        "en": "These dates were for the {cycle} school year's application, which is over. Dates for the next "
        "cycle are posted at choices.lausd.net: check there before you act.",
        "es": "Estas fechas eran de la solicitud para el ciclo escolar {cycle}, que ya terminó. Las fechas del "
        "próximo ciclo se publican en choices.lausd.net: revíselas ahí antes de actuar.",
    },
    "last_checked": {
        "en": "Last checked for the {as_of} school year: it may have changed since.",
        "es": "Revisado por última vez para el ciclo escolar {as_of}: puede haber cambiado desde entonces.",
    },
    "confirm_with": {
        "en": "This rule comes from an older or unofficial page: please confirm it with {contact}.",
        "es": "Esta regla viene de una página antigua o no oficial: por favor confírmela con {contact}.",
    },
}


def answer_notes(entry: Entry, lang: str, today: dt.date | None = None) -> list[str]:
    """What the family must know about how current this answer is, on `today` (default: now)."""
    today = today or dt.date.today()
    notes = []
    if entry.cycle and entry.cycle_ends and today > dt.date.fromisoformat(entry.cycle_ends):
        notes.append(NOTES["past_cycle"][lang].format(cycle=entry.cycle))
    elif entry.review_by and today > dt.date.fromisoformat(entry.review_by):
        notes.append(NOTES["last_checked"][lang].format(as_of=entry.as_of))
    if entry.confirm.get(lang):
        notes.append(NOTES["confirm_with"][lang].format(contact=entry.confirm[lang]))
    return notes


def answer_body(entry: Entry, lang: str, *, with_details: bool = True, today: dt.date | None = None) -> str:
    """The direct answer first, then the details, the next step and any notes on currency, in one language."""
    parts = [entry.answer[lang]]
    if with_details and entry.details.get(lang):
        parts.append(entry.details[lang])
    if entry.next_step.get(lang):
        parts.append(entry.next_step[lang])
    parts.extend(answer_notes(entry, lang, today))
    return "\n\n".join(parts)


def answer_payload(entry: Entry, lang: str) -> dict:
    """The one custom message every knowledge answer carries (channels and analytics read it).

    `sources` are best first (official, school, news, third-party; newer first), so channels that show
    one source show the best."""
    return {"answer": {"topic": entry.topic, "lang": lang, "sources": list(entry.sources), "as_of": entry.as_of}}
