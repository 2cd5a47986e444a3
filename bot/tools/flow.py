"""The guided tools as a short conversation: one question at a time, each answer parsed in English or
Spanish (typed or tapped), a re-ask on nonsense, "salir"/"exit" to leave at any step.

Plain Python so that it is tested without Rasa: the form in actions/ only stores the state this module
returns (a small JSON-able dict) and sends the response names it chooses.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

EXIT_WORDS = {
    "salir",
    "exit",
    "cancel",
    "cancelar",
    "stop",
    "parar",
    "terminar",
    "quit",
    "ya no",
    "no mas",
    "no quiero",
    "menu",
    "leave",
    "/deny_tool",
}
YES = {
    "yes",
    "y",
    "yeah",
    "yep",
    "sure",
    "correct",
    "right",
    "si",
    "s",
    "claro",
    "correcto",
    "asi es",
    "/affirm",
    "of course",
    "por supuesto",
    "afirmativo",
}
NO = {"no", "n", "nope", "nah", "not", "negativo", "para nada", "/deny", "no lo es", "no tiene", "no esta", "no es"}
UNKNOWN = {
    "i don't know",
    "i dont know",
    "dont know",
    "don't know",
    "idk",
    "not sure",
    "no se",
    "no lo se",
    "no estoy seguro",
    "no estoy segura",
    "ni idea",
    "unknown",
    "quien sabe",
    "no sabemos",
}
NUMBER_WORDS = {
    "zero": 0,
    "none": 0,
    "never": 0,
    "cero": 0,
    "ninguno": 0,
    "ninguna": 0,
    "nunca": 0,
    "one": 1,
    "once": 1,
    "uno": 1,
    "una": 1,
    "un": 1,
    "two": 2,
    "twice": 2,
    "dos": 2,
    "three": 3,
    "tres": 3,
    "four": 4,
    "cuatro": 4,
    "five": 5,
    "cinco": 5,
    "six": 6,
    "seis": 6,
}
ORDINALS = {
    "first": 1,
    "primero": 1,
    "primer": 1,
    "second": 2,
    "segundo": 2,
    "third": 3,
    "tercero": 3,
    "tercer": 3,
    "fourth": 4,
    "cuarto": 4,
    "fifth": 5,
    "quinto": 5,
    "sixth": 6,
    "sexto": 6,
    "seventh": 7,
    "septimo": 7,
    "eighth": 8,
    "octavo": 8,
    "ninth": 9,
    "noveno": 9,
    "tenth": 10,
    "decimo": 10,
    "eleventh": 11,
    "undecimo": 11,
    "onceavo": 11,
    "twelfth": 12,
    "duodecimo": 12,
    "doceavo": 12,
    "freshman": 9,
    "sophomore": 10,
    "junior": 11,
    "senior": 12,
}
PAYLOAD = re.compile(r"^/tool_choice(\{.*\})$")


def fold(text: str) -> str:
    """Lower case, no accents, no punctuation at the ends, single spaces."""
    text = "".join(c for c in unicodedata.normalize("NFKD", text or "") if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", text.lower().strip(" .!¡?¿,;:\"'")).strip()


def _payload_value(text: str) -> str | None:
    match = PAYLOAD.match((text or "").strip())
    if not match:
        return None
    try:
        data = json.loads(match[1])
        value = data.get("tool_value", data.get("value"))
    except (ValueError, AttributeError):
        return None
    return str(value) if value is not None else None


def parse_yes_no(text: str) -> bool | None:
    value = _payload_value(text)
    folded = fold(value or text)
    if folded in YES or folded.startswith(("yes ", "si ", "si,")):
        return True
    if folded in NO or folded.startswith(("no ", "no,")):
        return False
    return None


def parse_count(text: str, maximum: int = 20) -> int | None:
    folded = fold(_payload_value(text) or text)
    match = re.fullmatch(r"(\d{1,2})\s*\+?(?:\s*(?:years?|anos?|años?|yrs?))?", folded)
    if match:
        number = int(match[1])
        return number if number <= maximum else None
    words = folded.split()
    if words and words[0] in NUMBER_WORDS and len(words) <= 3:
        return NUMBER_WORDS[words[0]]
    if folded in NO:
        return 0
    return None


def parse_grade(text: str, allowed: tuple[str, ...] = ()) -> str | None:
    """TK, K or 1-12 from "5", "5th", "fifth", "quinto", "5.º", "kinder", "tk", "transitional kindergarten"."""
    folded = fold(_payload_value(text) or text)
    folded = re.sub(r"\b(grade|grado|year|ano|en|el|de|is|in|going to|va a|will be|sera)\b", " ", folded)
    folded = re.sub(r"\s+", " ", folded).strip()
    grade: str | None = None
    if re.fullmatch(r"(tk|utk|transitional kinder(garten)?|kinder de transicion|pre ?k|prekinder)", folded):
        grade = "TK"
    elif re.fullmatch(r"(k|kinder|kindergarten|kinder garden|kinder ?garten)", folded):
        grade = "K"
    else:
        match = re.fullmatch(r"(\d{1,2})\s*(st|nd|rd|th|o|to|ro|vo|mo|no|er|\.?º|\.?o)?", folded)
        if match and 1 <= int(match[1]) <= 12:
            grade = str(int(match[1]))
        elif folded in ORDINALS:
            grade = str(ORDINALS[folded])
    if grade is not None and allowed and grade not in allowed:
        return None
    return grade


def parse_zip(text: str) -> tuple[bool, str | None]:
    """(understood, ZIP or None for "skip")."""
    folded = fold(_payload_value(text) or text)
    if folded in UNKNOWN or folded in {"skip", "saltar", "omitir", "pasar", "no", "none", "ninguno", "/skip"}:
        return True, None
    match = re.fullmatch(r"(9\d{4})(?:-\d{4})?", folded)
    return (True, match[1]) if match else (False, None)


def parse_choice(text: str, choices: dict[str, tuple[str, ...]]) -> str | None:
    """The choice whose words `text` uses (a tapped button sends its value as /tool_choice{"value": ...})."""
    value = _payload_value(text)
    if value in choices:
        return value
    folded = fold(text)
    for choice, words in choices.items():
        if folded == choice or folded in (fold(w) for w in words):
            return choice
    # Longest words first, so "no se" (unknown) wins over "no" (neither).
    ranked = sorted(((fold(w), choice) for choice, words in choices.items() for w in words), key=lambda p: -len(p[0]))
    for word, choice in ranked:
        if re.search(rf"\b{re.escape(word)}\b", folded):
            return choice
    return None


@dataclass(frozen=True)
class Question:
    key: str
    response: str  # domain.yml response that asks it (both languages)
    kind: str  # count | yes_no | choice | grade | zip
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)
    maximum: int = 20
    grades: tuple[str, ...] = ()
    params: dict[str, Any] = field(default_factory=dict)
    ask_if: Callable[[dict[str, Any]], bool] | None = None


RESIDENT: dict[str, tuple[str, ...]] = {
    "phbao": ("phbao",),
    "overcrowded": ("overcrowded", "over crowded", "sobrecupo", "sobrepoblada", "saturada"),
    "none": ("neither", "none", "ninguna", "ninguno", "ni una ni otra", "no", "ni lo uno ni lo otro"),
    "unknown": tuple(UNKNOWN),
}
ON_TIME: dict[str, tuple[str, ...]] = {
    "on_time": ("on time", "a tiempo", "ontime", "in time"),
    "late": ("late", "tarde", "tardia", "tardía"),
}

AG_AREAS = ("a", "b", "c", "d", "e", "f", "g")
HS_GRADES = ("9", "10", "11", "12")

TOOLS: dict[str, tuple[Question, ...]] = {
    "magnet_points": (
        Question("waitlist_years", "utter_tool_points_waitlist", "count", maximum=10),
        Question(
            "enrolled_in_magnet", "utter_tool_points_enrolled", "yes_no", ask_if=lambda a: bool(a.get("waitlist_years"))
        ),
        Question("matriculation", "utter_tool_points_matriculation", "yes_no"),
        Question("resident", "utter_tool_points_resident", "choice", choices=RESIDENT),
        Question("sibling", "utter_tool_points_sibling", "yes_no"),
        Question("timing", "utter_tool_points_late", "choice", choices=ON_TIME),
    ),
    "options": (
        Question("grade", "utter_tool_options_grade", "grade"),
        Question("in_lausd", "utter_tool_options_in_lausd", "yes_no"),
        Question("zip", "utter_tool_options_zip", "zip", ask_if=lambda a: bool(a.get("in_lausd"))),
        Question("english_learner", "utter_tool_options_el", "yes_no"),
        Question("iep", "utter_tool_options_iep", "yes_no"),
        Question("gate", "utter_tool_options_gate", "yes_no", ask_if=lambda a: a.get("grade") not in ("TK", "K")),
    ),
    "ag_check": (
        Question("current_grade", "utter_tool_ag_grade", "grade", grades=HS_GRADES),
        *(
            Question(f"area_{area}", "utter_tool_ag_area", "count", maximum=6, params={"area": area})
            for area in AG_AREAS
        ),
        Question("low_grades", "utter_tool_ag_low_grades", "yes_no"),
    ),
}
INVALID_RESPONSE = {
    "count": "utter_tool_invalid_count",
    "yes_no": "utter_tool_invalid_yes_no",
    "choice": "utter_tool_invalid_choice",
    "grade": "utter_tool_invalid_grade",
    "zip": "utter_tool_invalid_zip",
}


def start(tool: str) -> dict[str, Any]:
    if tool not in TOOLS:
        raise ValueError(f"unknown tool {tool!r}")
    return {"tool": tool, "answers": {}}


def next_question(state: dict[str, Any]) -> Question | None:
    answers = state.get("answers") or {}
    for question in TOOLS[state["tool"]]:
        if question.key in answers:
            continue
        if question.ask_if is not None and not question.ask_if(answers):
            continue
        return question
    return None


@dataclass(frozen=True)
class Outcome:
    status: str  # answered | invalid | cancelled | done
    state: dict[str, Any]
    response: str | None = None  # what to say before the next question (for invalid answers)


def _parse(question: Question, text: str) -> tuple[bool, Any]:
    value: Any
    if question.kind == "count":
        value = parse_count(text, question.maximum)
        return value is not None, value
    if question.kind == "yes_no":
        value = parse_yes_no(text)
        return value is not None, value
    if question.kind == "choice":
        value = parse_choice(text, question.choices)
        return value is not None, value
    if question.kind == "grade":
        value = parse_grade(text, question.grades)
        return value is not None, value
    if question.kind == "zip":
        return parse_zip(text)
    raise ValueError(question.kind)


def is_exit(text: str) -> bool:
    folded = fold(text)
    return folded in EXIT_WORDS or folded.startswith(("salir", "exit ", "cancel"))


def consume(state: dict[str, Any], text: str) -> Outcome:
    """Apply one reply of the family to the question `state` is waiting on."""
    if is_exit(text):
        return Outcome("cancelled", dict(state))
    question = next_question(state)
    if question is None:
        return Outcome("done", state)
    understood, value = _parse(question, text)
    if not understood:
        return Outcome("invalid", state, INVALID_RESPONSE[question.kind])
    new_state = {"tool": state["tool"], "answers": {**(state.get("answers") or {}), question.key: value}}
    return Outcome("answered" if next_question(new_state) else "done", new_state)


def progress(state: dict[str, Any]) -> tuple[int, int]:
    """(questions answered, questions in all as far as known now), for "question 2 of 5"."""
    answers = state.get("answers") or {}
    asked = [q for q in TOOLS[state["tool"]] if q.key in answers or q.ask_if is None or q.ask_if(answers)]
    return len(answers), len(asked)
