"""What channels hand to the NLU: cleaned, bounded, redacted text, with unreadable input made explicit.

Every channel (REST, socket.io, SMS/WhatsApp) calls for_nlu(), the one entry point, so that:
- personal data (phone numbers, emails, student ids, street addresses) is replaced by placeholders
  (bot.privacy) before the text reaches Rasa, the tracker store or a log; ZIP codes stay;
- control characters and lone surrogates (which cannot be stored or sent back) are replaced;
- empty, control-character, punctuation- or emoji-only messages carry nothing to classify: they become
  the `/bad_input` intent (a polite "please write your question" reply) instead of a guess, and a
  thumbs-up or similar becomes `/affirm`;
- a `/intent{...}` payload (a button, or typed by a user) is kept only for an intent of the domain, with
  only the domain's entities (and the tools' `value`) with short scalar values; any other `/word` is ordinary text.

channel_metadata() reduces what a client sends as metadata to the one field the bot reads, the
language, as "en" or "es".
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from functools import lru_cache

from bot import config, logs
from bot.language import normalize_code
from bot.privacy import redact

MAX_TEXT_CHARS = 2000
MAX_ENTITY_CHARS = 100
MAX_ENTITIES = 5
BAD_INPUT = "/bad_input"
AFFIRM = "/affirm"
POSITIVE_EMOJI = set("👍👌✅🙂😊😀😃🙏❤👏✔")
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
SURROGATES = re.compile("[\ud800-\udfff]")
PAYLOAD = re.compile(r"/(\w{1,64})(\{.*\})?", re.DOTALL)
OWN_KEYS = frozenset({"value"})  # what the tools' buttons send: /tool_choice{"value": "..."} (bot/tools/flow.py)


def clean_text(raw: object) -> str:
    """A string without control characters or lone surrogates, at most MAX_TEXT_CHARS long."""
    if isinstance(raw, str):
        text = raw
    elif isinstance(raw, (int, float)) and not isinstance(raw, bool):
        text = str(raw)
    else:  # None, a list, a (deep) dict: not a message
        text = ""
    text = SURROGATES.sub("\ufffd", text[: MAX_TEXT_CHARS * 2])
    return CONTROL_CHARS.sub(" ", text)[:MAX_TEXT_CHARS]


def has_words(text: str) -> bool:
    return any(unicodedata.category(c)[0] in ("L", "N") for c in text)


@lru_cache(maxsize=1)
def _domain() -> tuple[frozenset[str], frozenset[str]]:
    """The intents and entities of domain.yml (what a payload may name)."""
    import yaml

    domain = yaml.safe_load((config.ROOT / "domain.yml").read_text(encoding="utf-8")) or {}
    intents = {i if isinstance(i, str) else next(iter(i)) for i in domain.get("intents") or []}
    return frozenset(intents), frozenset(domain.get("entities") or [])


def _entity_value(value: object) -> str | int | float | None:
    """A payload entity value the bot can use: a short string or a finite number; anything else is dropped."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if abs(value) < 10**9 else None
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        text = redact(clean_text(value)).strip()
        return text if text and len(text) <= MAX_ENTITY_CHARS else None
    return None


def payload(text: str) -> str | None:
    """`text` as a safe `/intent{...}` payload, or None when it is not a payload of our domain."""
    match = PAYLOAD.fullmatch(text.strip())
    if not match:
        return None
    intents, entities = _domain()
    intent, raw_entities = match.group(1), match.group(2)
    if intent not in intents:
        return None
    try:
        parsed = json.loads(raw_entities) if raw_entities else {}
    except (ValueError, RecursionError):
        parsed = {}
    kept: dict[str, str | int | float] = {}
    if isinstance(parsed, dict):
        for name, value in parsed.items():
            clean = _entity_value(value)
            if (name in entities or name in OWN_KEYS) and clean is not None and len(kept) < MAX_ENTITIES:
                kept[name] = clean
    return f"/{intent}" + (json.dumps(kept, ensure_ascii=False) if kept else "")


def for_nlu(raw: object) -> str:
    """What the NLU gets for a message a channel received (also remembered, so no log line quotes it)."""
    text = clean_text(raw)
    logs.remember(text)
    if text.lstrip().startswith("/"):
        button = payload(text)
        if button is not None:
            return button
        if PAYLOAD.match(text.strip()):
            text = text.strip().lstrip("/")  # "/whatever" typed by a user: ordinary text, not an intent
    text = redact(text)[:MAX_TEXT_CHARS]
    logs.remember(text)
    if has_words(text):
        return text
    return AFFIRM if any(c in POSITIVE_EMOJI for c in text) else BAD_INPUT


def channel_metadata(raw: object) -> dict[str, str]:
    """The message metadata the bot reads: the browser language, reduced to one we serve."""
    value = raw.get("language") if isinstance(raw, dict) else None
    lang = normalize_code(value[:32]) if isinstance(value, str) else None
    return {"language": lang} if lang else {}
