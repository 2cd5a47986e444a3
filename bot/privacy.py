"""Personal data families type (phone numbers, emails, student ids, street addresses) replaced by
placeholders at the channel, before the text reaches Rasa, a store or a log. The bot never needs them:
it answers questions about programs, not about one student's record.

ZIP codes and school years stay: the options finder uses a ZIP, and neither identifies a family.
"""

from __future__ import annotations

import re

PLACEHOLDERS = {
    "email": "[email]",
    "phone": "[phone]",
    "ssn": "[id]",
    "student_id": "[student id]",
    "address": "[address]",
}

_STREET_TYPES = (
    r"st|street|ave|avenue|av|blvd|boulevard|rd|road|dr|drive|way|ln|lane|pl|place|ct|court|"
    r"pkwy|parkway|hwy|highway|ter|terrace|cir|circle"
)
_ES_STREET = r"calle|avenida|av\.?|bulevar|boulevard|camino"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("email", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)),
    ("ssn", re.compile(r"\b\d{3}-\d{2}-\d{4}\b")),
    ("phone", re.compile(r"(?<![\w$])(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]?\d{4}(?!\d)")),
    ("phone", re.compile(r"(?<![\w$])(?:\+?1)?\d{10}(?!\d)")),
    # a number from abroad ("+52 55 1234 5678") and a local number without its area code ("555-0142")
    ("phone", re.compile(r"(?<![\w$])\+\d{1,3}(?:[\s.-]?\d){8,12}(?![\d-])")),
    ("phone", re.compile(r"(?<![\w$.,/:-])\d{3}[.-]\d{4}(?![\w-]|[.,]\d)")),
    # English: "1234 W Main St", "4321 South Vermont Avenue Apt 5"
    (
        "address",
        re.compile(
            rf"\b\d{{1,6}}\s+(?:[NSEW]\.?\s+|north\s+|south\s+|east\s+|west\s+)?"
            rf"(?:[A-Za-zÁÉÍÓÚÑáéíóúñ0-9'.-]+\s+){{1,4}}(?:{_STREET_TYPES})\b\.?"
            rf"(?:,?\s*(?:apt|apartment|unit|#)\s*\w+)?",
            re.IGNORECASE,
        ),
    ),
    # Spanish: "calle Olympic 1234", "Avenida Central #456", "vivo en la 123 de la calle 5"
    (
        "address",
        re.compile(rf"\b(?:{_ES_STREET})\s+(?:[A-Za-zÁÉÍÓÚÑáéíóúñ0-9'.-]+\s+){{1,4}}#?\d{{1,6}}\b", re.IGNORECASE),
    ),
    # Spanish, the number first: "456 calle Olympic", "1234 Calle Cesar Chavez"
    (
        "address",
        re.compile(
            rf"\b\d{{1,6}}\s+(?:de\s+la\s+)?(?:{_ES_STREET})\s+(?:[A-Za-zÁÉÍÓÚÑáéíóúñ0-9'.-]+\s*){{1,2}}", re.IGNORECASE
        ),
    ),
    # Student / district ids: a run of 6 to 12 digits (a ZIP has 5, a year 4), or an id after the word.
    (
        "student_id",
        re.compile(
            r"(?i)\b(?:student\s*(?:id|number|#)|id\s*(?:de|del)?\s*(?:estudiante|alumno)|"
            r"n[uú]mero\s+de\s+(?:estudiante|alumno)|matr[ií]cula)\s*(?:is|es|:|#)?\s*[A-Z0-9-]{4,}"
        ),
    ),
    # (never part of a longer run: a 13-digit epoch in milliseconds is not an id followed by a digit)
    ("student_id", re.compile(r"(?<![\w$.,])\d{6,12}(?!\d)(?![\w.,]\d)")),
    # an id with a letter in front ("A1234567")
    ("student_id", re.compile(r"(?<![\w$])[A-Za-z]{1,2}\d{6,11}\b")),
]

# In a log line, numbers that are plainly technical: a process or thread id, a port, a time stamp, a size
# ("pid 123456", Sanic's "[123456]", "port=8080", "timestamp 1733112345", "1048576 bytes", 1733112345.12).
# Redacting them as student ids made logs useless for operations; a family's message text never reaches a
# log line anyway (bot.logs masks it), so this only narrows the safety net for numbers that name themselves.
_TECHNICAL_NUMBER = re.compile(
    r"(?i)(?:\b(?:pid|ppid|tid|process(?:\s+id)?|worker|thread|port|timestamp|ts|epoch|time)\b\s*[:=#]?\s*"
    r"\[?(?P<after_word>\d+)"
    r"|\[(?P<bracketed>\d+)\]"
    r"|(?<![\w.,])(?P<sized>\d+)\s*(?:bytes?|[kmg]i?b|ms|us|ns)\b"
    r"|(?<![\w.,])(?P<epoch>\d{9,}\.\d+))"  # a float time stamp (a phone's dots group 3.3.4)
)
_SHIELD = str.maketrans("0123456789", "".join(chr(0xE000 + d) for d in range(10)))  # private use: not \d
_UNSHIELD = str.maketrans("".join(chr(0xE000 + d) for d in range(10)), "0123456789")


def redact(text: str) -> str:
    """`text` with personal data replaced by placeholders (idempotent)."""
    if not text:
        return text
    for kind, pattern in _PATTERNS:
        text = pattern.sub(PLACEHOLDERS[kind], text)
    return text


def redact_log(line: str) -> str:
    """A log line with personal data replaced, technical numbers (see _TECHNICAL_NUMBER) kept."""
    if not line:
        return line

    def shield(match: re.Match[str]) -> str:
        return match.group(0).translate(_SHIELD)

    return redact(_TECHNICAL_NUMBER.sub(shield, line.translate(_UNSHIELD))).translate(_UNSHIELD)


def found_kinds(text: str) -> list[str]:
    """Which kinds of personal data `text` holds (for a count in a log line; never the values)."""
    kinds = []
    for kind, pattern in _PATTERNS:
        if pattern.search(text or "") and kind not in kinds:
            kinds.append(kind)
            text = pattern.sub(" ", text)
    return kinds
