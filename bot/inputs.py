"""What channels hand to the NLU: cleaned, bounded text, with unreadable input made explicit.

Empty, control-character, punctuation- or emoji-only messages carry nothing to classify: they become the
`/bad_input` intent (a polite "please write your question" reply) instead of a guess, and a thumbs-up
or similar becomes `/affirm`.
"""

from __future__ import annotations

import re
import unicodedata

MAX_TEXT_CHARS = 2000
BAD_INPUT = "/bad_input"
AFFIRM = "/affirm"
POSITIVE_EMOJI = set("👍👌✅🙂😊😀😃🙏❤👏✔")
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(raw: object) -> str:
    """A string without control characters, at most MAX_TEXT_CHARS long."""
    text = raw if isinstance(raw, str) else ("" if raw is None else str(raw))
    return CONTROL_CHARS.sub(" ", text)[:MAX_TEXT_CHARS]


def has_words(text: str) -> bool:
    return any(unicodedata.category(c)[0] in ("L", "N") for c in text)


def for_nlu(raw: object) -> str:
    text = clean_text(raw)
    if text.startswith("/") and re.fullmatch(r"/\w+(\{.*\})?", text.strip()):
        return text.strip()  # a button payload
    if has_words(text):
        return text
    return AFFIRM if any(c in POSITIVE_EMOJI for c in text) else BAD_INPUT
