"""One turn of bot messages as one text message: joined, trimmed for the medium, sourced, with numbered choices.

- Every text of the turn goes into one message (each message is billed separately).
- SMS aims for at most 320 characters (two segments), WhatsApp may use more; neither ever exceeds 1,600
  (Twilio's limit). Trimming drops whole sentences or lines from the end of the prose and always keeps
  the line with the source link and the numbered choices.
- The knowledge answer payload ({"answer": {...}}) is not sent as JSON: its first source becomes a
  "Source: <url>" line unless the text already carries that link.
- Buttons become "1. Title" lines and "Reply 1, 2 or 3" in the conversation's language; `Reply.choices`
  holds what each number stands for (the button's payload) for the next message.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from bot.channels.sms.texts import say
from bot.language import DEFAULT, clear_language, normalize_code

SMS, WHATSAPP = "sms", "whatsapp"
SMS_AIM = 320
MAX_CHARS = 1600
FEW_CHOICES = 4  # up to this many: "Reply 1, 2, 3 or 4"; more: "Reply a number from 1 to N"
LIST_ROOM = 300  # what a numbered list leaves for the text before it

_URL = re.compile(r"https?://\S+")
# A sentence ends after ".", "!" or "?" that follows two non-space characters (so "S. Beaudry" stays whole)
# and comes before something that does not start in lower case.
_SENTENCE_END = re.compile(r"(?<=[^\s.]{2}[.!?])\s+(?=[^a-zñáéíóúü\s])")
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass
class Reply:
    text: str
    lang: str
    choices: list[str] = field(default_factory=list)  # what "1", "2", … stand for next turn


@dataclass
class _Unit:
    text: str
    sep: str  # what joins it to the unit before: "\n\n", "\n" or " "
    keep: bool = False  # a source line: never trimmed


def answer_payload(messages: Iterable[dict[str, Any]]) -> dict[str, Any] | None:
    for message in messages:
        custom = message.get("custom")
        if isinstance(custom, dict) and isinstance(custom.get("answer"), dict):
            return custom["answer"]
    return None


def reply_language(payload: dict[str, Any] | None, text: str, previous: str | None = None) -> str:
    """The answer payload's language, else the language the text is clearly in, else the conversation's."""
    return normalize_code((payload or {}).get("lang")) or clear_language(text) or normalize_code(previous) or DEFAULT


def choices_block(titles: list[str], lang: str) -> str:
    lines = [f"{number}. {title}" for number, title in enumerate(titles, 1)]
    count = len(titles)
    if count <= FEW_CHOICES:
        numbers = [str(n) for n in range(1, count + 1)]
        spoken = numbers[0] if count == 1 else f"{', '.join(numbers[:-1])} {say('or', lang)} {numbers[-1]}"
        lines.append(say("choices_few", lang, numbers=spoken))
    else:
        lines.append(say("choices_many", lang, last=count))
    return "\n".join(lines)


def _units(paragraphs: list[str], source: str | None) -> list[_Unit]:
    """Paragraphs split into lines and sentences; a line with the source link (or, without a known
    source, any link) stays whole and is kept."""
    units = []
    for paragraph in paragraphs:
        for line_number, line in enumerate(paragraph.strip().split("\n")):
            line = line.strip()
            if not line:
                continue
            sep = "\n\n" if line_number == 0 else "\n"
            links = (source in line) if source else bool(_URL.search(line))
            if links:
                units.append(_Unit(line, sep, keep=True))
                continue
            for index, sentence in enumerate(_SENTENCE_END.split(line)):
                units.append(_Unit(sentence, sep if index == 0 else " "))
    return units


def _join(units: list[_Unit]) -> str:
    return "".join((u.sep if i else "") + u.text for i, u in enumerate(units))


def _clip(text: str, limit: int) -> str:
    """Cut at a word boundary, with an ellipsis, when nothing cleaner is left to drop."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip() + "…"


def _fit(units: list[_Unit], budget: int, limit: int) -> list[_Unit]:
    """The units kept within `budget`: all kept lines, then prose in order until one does not fit (the
    first prose unit always stays, clipped only if even the hard `limit` cannot hold it)."""
    used = sum(len(u.sep) + len(u.text) for u in units if u.keep)
    kept, full, prose = [], False, 0
    for unit in units:
        if unit.keep:
            kept.append(unit)
            continue
        cost = len(unit.sep) + len(unit.text)
        if full or (prose and used + cost > budget):
            full = True
            continue
        room = limit - used - len(unit.sep)
        kept.append(_Unit(_clip(unit.text, max(room, 1)), unit.sep) if cost > limit - used else unit)
        used += cost
        prose += 1
    return kept


def render(
    messages: list[dict[str, Any]], medium: str = SMS, previous_lang: str | None = None, footer: str = ""
) -> Reply:
    """One turn of bot messages (CollectingOutputChannel dicts) as the one text to send back; `footer`
    (the reminder offer) comes last and its room is kept within the aim."""
    paragraphs = [m["text"] for m in messages if isinstance(m.get("text"), str) and m["text"].strip()]
    paragraphs += [m[k] for m in messages for k in ("image", "attachment") if isinstance(m.get(k), str)]
    buttons = [b for m in messages for b in (m.get("buttons") or []) if isinstance(b, dict) and b.get("title")]
    payload = answer_payload(messages)
    prose = "\n\n".join(paragraphs)
    lang = reply_language(payload, prose, previous_lang)

    sources = [s for s in (payload or {}).get("sources") or [] if isinstance(s, str) and s]
    source = sources[0] if sources else None
    if source and source not in prose:
        paragraphs.append(say("source", lang, url=source))

    units = _units(paragraphs, source)
    titles = [str(b["title"]).strip() for b in buttons]
    choices = [str(b.get("payload") or b["title"]) for b in buttons]
    block = choices_block(titles, lang) if titles else ""
    while block and len(block) + 2 > MAX_CHARS - LIST_ROOM:
        titles, choices = titles[:-1], choices[:-1]
        block = choices_block(titles, lang) if titles else ""
    tail = (len(block) + 2 if block else 0) + (len(footer) + 2 if footer else 0)
    aim = SMS_AIM if medium == SMS else MAX_CHARS
    text = _join(_fit(units, aim - tail, MAX_CHARS - tail))
    text = "\n\n".join(part for part in (text, block, footer) if part)
    return Reply(_NOT_XML.sub("", _clip(text, MAX_CHARS)), lang, choices)
