"""The figures a text states (numbers, dates, percentages, money, school years), normalized so that the
English and the Spanish version of an answer yield the same set and each one can be declared with the
source that states it. Phone numbers are not figures: answers take them from the contacts registry.
"""

from __future__ import annotations

import re

from bot import months

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_EN_MONTHS = months.forms("en")
_ES_MONTHS = months.forms("es")
NUMBER_WORDS = {
    "en": {
        "two": 2,
        "three": 3,
        "four": 4,
        "five": 5,
        "six": 6,
        "seven": 7,
        "eight": 8,
        "nine": 9,
        "ten": 10,
        "eleven": 11,
        "twelve": 12,
    },
    "es": {
        "dos": 2,
        "tres": 3,
        "cuatro": 4,
        "cinco": 5,
        "seis": 6,
        "siete": 7,
        "ocho": 8,
        "nueve": 9,
        "diez": 10,
        "once": 11,
        "doce": 12,
    },
}
_ES_SHORT = list(months.ES_ABBREVIATIONS)
_MONTH_INDEX = {
    word.lower(): number
    for table in (_EN_MONTHS, _ES_MONTHS, _ES_SHORT)
    for number, words in enumerate(table)
    for word in words.split("|")
}
# English months are capitalized (so "may" the verb is not May); Spanish ones are written in lower case.
_M = {
    "en": r"(?-i:"
    + "|".join(sorted((w for ws in _EN_MONTHS for w in ws.split("|")), key=len, reverse=True))
    + r")\b\.?",
    "es": r"(?i:(?:" + "|".join(w for ws in _ES_MONTHS for w in ws.split("|")) + r")\b"
    r"|(?:ene|feb|mar|abr|may|jun|jul|ago|sept?|oct|nov|dic)\.)",
}
_YEAR = r"(?:19|20)\d{2}"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])"

PLACEHOLDER = re.compile(r"\{(?:contact|phone):[a-z0-9_]+\}")
URL_OR_DOMAIN = re.compile(r"https?://\S+|\b[\w.-]+\.(?:org|net|gov|edu|com)(?:/\S*)?", re.IGNORECASE)
PHONE = re.compile(r"(?:\(\d{3}\)\s*|\b\d{3}[-.\s])\d{3}[-.\s]\d{4}\b")


def _patterns(lang: str) -> list[tuple[str, re.Pattern[str]]]:
    """Order matters: each pattern consumes its text so that later ones don't count it again."""
    m = _M[lang]
    dates = (
        [
            ("date_full", re.compile(rf"\b(?P<m>{m})\s*(?P<d>{_DAY})(?:st|nd|rd|th)?,?\s+(?P<y>{_YEAR})\b")),
            ("date", re.compile(rf"\b(?P<m>{m})\s*(?P<d>{_DAY})(?:st|nd|rd|th)?\b(?![%\d])")),
        ]
        if lang == "en"
        else [
            ("date_full", re.compile(rf"\b(?P<d>{_DAY})\s+de\s+(?P<m>{m})\s+(?:de|del)\s+(?P<y>{_YEAR})\b")),
            ("date", re.compile(rf"\b(?P<d>{_DAY})\s+de\s+(?P<m>{m})")),
        ]
    )
    words = NUMBER_WORDS[lang]
    return dates + [
        ("month_year", re.compile(rf"\b(?P<m>{m})\s+(?:de\s+|del\s+|of\s+)?(?P<y>{_YEAR})\b")),
        ("school_year", re.compile(r"\b((?:19|20)\d{2})\s*[-–]\s*(\d{2})\b(?!\d)")),
        (
            "money",
            re.compile(
                r"\$\s?(\d{1,3}(?:[,.]\d{3})+|\d+)(?:\.\d{2})?"
                r"(\s*(?:mil millones|millones|million|billion)\b)?",
                re.IGNORECASE,
            ),
        ),
        (
            "money_words",
            re.compile(
                r"(\d{1,3}(?:[,.]\d{3})+|\d+)\s*(mil millones de d[oó]lares|millones de d[oó]lares"
                r"|d[oó]lares|million dollars|dollars)\b",
                re.IGNORECASE,
            ),
        ),
        ("percent", re.compile(r"(\d+(?:[.,]\d+)?)\s*(?:%|percent\b|por ciento\b)", re.IGNORECASE)),
        ("month", re.compile(rf"\b(?P<m>{m})")),
        (
            "number",
            re.compile(
                r"(?<![\w.,$])(\d{1,3}(?:[,.]\d{3})+(?!\d)|\d+(?:[.,]\d{1,2}(?!\d))?)"
                r"(?:st|nd|rd|th|\.?º|\.?ª|\.?o\b|er\b)?"
            ),
        ),
        # "los dos" / "las dos" mean "both", not a count.
        ("word", re.compile(r"(?<!los )(?<!las )\b(" + "|".join(words) + r")\b", re.IGNORECASE)),
    ]


_COMPILED: dict[str, list[tuple[str, re.Pattern[str]]]] = {}


def figures(text: str, lang: str) -> set[str]:
    """Every figure `text` (in `lang`, en or es) states, normalized (forms: knowledge/README.md)."""
    patterns = _COMPILED.setdefault(lang, _patterns(lang))
    text = PHONE.sub(" ", PLACEHOLDER.sub(" ", URL_OR_DOMAIN.sub(" ", text or "")))
    found: set[str] = set()
    for kind, pattern in patterns:

        def take(match: re.Match[str], kind: str = kind) -> str:
            found.add(_normalize(kind, match, lang))
            return " "

        text = pattern.sub(take, text)
    return found


def _month(word: str) -> str:
    return MONTHS[_MONTH_INDEX[word.rstrip(".").lower()]]


def _number(raw: str) -> str:
    if re.fullmatch(r"\d{1,3}(?:[,.]\d{3})+", raw):
        return raw.replace(",", "").replace(".", "")
    return raw.replace(",", ".")


def _normalize(kind: str, match: re.Match[str], lang: str) -> str:
    if kind == "date_full":
        return f"{_month(match['m'])} {int(match['d'])}, {match['y']}"
    if kind == "date":
        return f"{_month(match['m'])} {int(match['d'])}"
    if kind == "month_year":
        return f"{_month(match['m'])} {match['y']}"
    if kind == "month":
        return _month(match["m"])
    if kind == "school_year":
        return f"{match[1]}-{match[2]}"
    if kind == "money":
        scale = (match[2] or "").strip().lower()
        suffix = {
            "": "",
            "million": " million",
            "millones": " million",
            "billion": " billion",
            "mil millones": " billion",
        }[scale]
        return f"${_number(match[1])}{suffix}"
    if kind == "money_words":
        unit = match[2].lower()
        suffix = " billion" if "mil millones" in unit else " million" if "million" in unit or "millones" in unit else ""
        return f"${_number(match[1])}{suffix}"
    if kind == "percent":
        return f"{_number(match[1])}%"
    if kind == "word":
        return str(NUMBER_WORDS[lang][match[1].lower()])
    return _number(match[1])


def phone_numbers(text: str) -> list[str]:
    """Phone numbers written into a text (topic files must use the contacts registry instead)."""
    return PHONE.findall(URL_OR_DOMAIN.sub(" ", text or ""))
