"""What comes in from a phone: who sent it (as a keyed hash, never the number), keywords, and clean text.

A conversation is keyed by channel and number, `sms:<hmac>` or `whatsapp:<hmac>`, where the hmac is an
HMAC-SHA256 of the E.164 number under CAMINO_SENDER_SECRET: the tracker store and the logs never see a
phone number, and nobody can open the conversation through another channel by knowing the number.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from bot import config
from bot.language import fold

logger = logging.getLogger(__name__)

MAX_INBOUND_CHARS = 1600  # Twilio's own limit for one message; longer bodies are cut before NLU
WHATSAPP_PREFIX = "whatsapp:"
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")


@dataclass(frozen=True)
class Sender:
    channel: str  # "sms" | "whatsapp"
    number_key: str  # HMAC of the E.164 number: opt-outs are recorded under it, for every channel
    sender_id: str  # "<channel>:<number_key>": the Rasa conversation


@lru_cache(maxsize=1)
def sender_secret() -> bytes:
    """The HMAC key for numbers (bot.config.sender_secret), read once per process."""
    return config.sender_secret()


def number_key(e164: str, secret: bytes | None = None) -> str:
    return hmac.new(secret or sender_secret(), e164.encode("utf-8"), hashlib.sha256).hexdigest()


def parse_number(from_field: str) -> tuple[str, str] | None:
    """Twilio's `From` ("+13105550100" or "whatsapp:+13105550100") as (channel, E.164 number); None if it
    is neither. Only reminders keep the number (encrypted, bot/reminders/store.py)."""
    value = (from_field or "").strip()
    channel = "sms"
    if value.lower().startswith(WHATSAPP_PREFIX):
        channel, value = "whatsapp", value[len(WHATSAPP_PREFIX) :]
    number = re.sub(r"[\s().-]", "", value)
    return (channel, number) if _E164.match(number) else None


def parse_sender(from_field: str, secret: bytes | None = None) -> Sender | None:
    """Twilio's `From` as a Sender (channel and keyed hash); None if it is neither SMS nor WhatsApp."""
    parsed = parse_number(from_field)
    if parsed is None:
        return None
    channel, number = parsed
    key = number_key(number, secret)
    return Sender(channel, key, f"{channel}:{key}")


# Whole-message keywords, case- and accent-insensitive. The language is the keyword's own, or None for
# the words used in both languages (then the conversation's language answers).
STOP, HELP, START = "stop", "help", "start"
KEYWORDS: dict[str, tuple[str, str | None]] = {
    **{w: (STOP, None) for w in ("stop", "stopall", "optout", "opt out", "opt-out")},
    **{w: (STOP, "en") for w in ("unsubscribe", "cancel", "end", "quit", "revoke")},
    **{w: (STOP, "es") for w in ("parar", "alto", "cancelar", "detener", "baja", "no mas", "ya no", "basta")},
    **{w: (HELP, None) for w in ("info",)},
    **{w: (HELP, "en") for w in ("help",)},
    **{w: (HELP, "es") for w in ("ayuda",)},
    **{w: (START, None) for w in ("start",)},
    **{w: (START, "en") for w in ("unstop", "yes")},
    **{w: (START, "es") for w in ("comenzar", "iniciar", "alta")},
}
_EDGE_PUNCTUATION = " \t\r\n.,;:!?¡¿\"'()*"


@dataclass(frozen=True)
class Keyword:
    kind: str  # STOP | HELP | START
    lang: str | None


def keyword(body: str) -> Keyword | None:
    """The STOP/HELP/START keyword the whole message is ("Stop", " ALTO! ", "Ayúda"), if any."""
    word = fold(body or "").strip(_EDGE_PUNCTUATION)
    found = KEYWORDS.get(word)
    return Keyword(*found) if found else None


def clean_body(body: str, limit: int = MAX_INBOUND_CHARS) -> str:
    """The message trimmed to at most `limit` characters, cut at a word boundary (bot.inputs.for_nlu then
    handles control characters and messages without words). "¡" and every other letter are kept."""
    text = unicodedata.normalize("NFC", body or "").strip()
    if len(text) > limit:
        cut = text[:limit]
        space = cut.rfind(" ")
        text = (cut[:space] if space > limit // 2 else cut).rstrip()
    return text


_KEYCAP = re.compile("[\ufe0f\u20e3]")
_BARE_NUMBER = re.compile(r"^#?\s*(\d{1,3})\s*[.)]?$")


def choice_number(text: str, count: int) -> int | None:
    """1..count when the message is just that number ("2", " 2. ", "2️⃣"), else None."""
    match = _BARE_NUMBER.match(_KEYCAP.sub("", text or "").strip())
    if not match:
        return None
    number = int(match.group(1))
    return number if 1 <= number <= count else None
