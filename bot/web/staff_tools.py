"""The guided tools for staff: one JSON body in, the tool's result in English and in Spanish out.

Shared by the staff page's forms through /staff/api/tools/{points,ag,options}. Every input is checked here
before the tool sees it: anything we can't use raises BadInput with a message in both languages (the API
answers 400, never 500). The tools themselves (bot/tools/) do the computing, once per language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from bot.tools import ag_check, options, points
from bot.web import i18n

LANGS = ("en", "es")
TOOLS = ("points", "ag", "options")
NAMES = {"points": "magnet_points", "ag": "ag_check", "options": "options"}  # as in the chat's tool payload
MAX_BODY_BYTES = 32 * 1024
MAX_COURSES = 80  # a student's courses, grades 7-12, with repeats
MAX_CSV_CHARS = 20_000
MAX_FIELD_CHARS = 120


class BadInput(ValueError):
    """Input a tool can't use, with a polite message in both languages."""

    def __init__(self, messages: dict[str, str]):
        super().__init__(messages["en"])
        self.messages = messages

    @classmethod
    def of(cls, key: str, **values: object) -> BadInput:
        return cls(i18n.both(key, **values))


def _fields(body: Any, allowed: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise BadInput.of("tool_not_an_object")
    unknown = sorted(str(key) for key in body if key not in allowed)
    if unknown:
        raise BadInput.of("tool_unknown_field", field=unknown[0][:40], allowed=", ".join(allowed))
    return body


def _flag(body: dict[str, Any], name: str) -> bool:
    value = body.get(name, False)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise BadInput.of("tool_not_yes_no", field=name)
    return value


def _choice(body: dict[str, Any], name: str, choices: tuple[str, ...], default: str) -> str:
    value = body.get(name, default)
    if value is None or value == "":
        return default
    if not isinstance(value, str) or value.strip().lower() not in choices:
        raise BadInput.of("tool_bad_choice", field=name, choices=", ".join(choices))
    return value.strip().lower()


def _text(value: Any, name: str, limit: int = MAX_FIELD_CHARS, numbers: bool = True) -> str:
    """A short text field (a whole number is taken as its digits when `numbers`), stripped; "" when absent."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int) if numbers else str):
        raise BadInput.of("tool_not_text", field=name)
    text = str(value)
    if len(text) > limit:
        raise BadInput.of("tool_too_long", field=name, max=limit)
    if (
        any(ord(c) < 32 and c not in "\t\r\n" for c in text)
        or "\ufffd" in text
        or any(0xD800 <= ord(c) <= 0xDFFF for c in text)
    ):
        raise BadInput.of("tool_unreadable", field=name)
    return text.strip()


# ---------------------------------------------------------------------------------------------- the tools

POINTS_FIELDS = ("waitlist_years", "matriculation", "sibling", "resident", "late", "enrolled_in_magnet")


def _points(body: Any, today: dt.date | None) -> dict[str, dict]:
    body = _fields(body, POINTS_FIELDS)
    years = body.get("waitlist_years", 0)
    if isinstance(years, str) and years.strip().isdigit() and len(years.strip()) <= 2:
        years = int(years)
    if years is None or years == "":
        years = 0
    if isinstance(years, bool) or not isinstance(years, int) or not 0 <= years <= 20:
        raise BadInput.of("tool_bad_years")
    inputs: dict[str, Any] = dict(
        waitlist_years=years,
        matriculation=_flag(body, "matriculation"),
        sibling=_flag(body, "sibling"),
        resident=_choice(body, "resident", points.RESIDENT_CHOICES, "none"),
        late=_flag(body, "late"),
        enrolled_in_magnet=_flag(body, "enrolled_in_magnet"),
    )
    return {lang: points.estimate(lang=lang, **inputs) for lang in LANGS}


AG_FIELDS = ("courses", "csv")
AG_ROW_FIELDS = ("area", "year", "grade", "course", "row")


def _ag_rows(body: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, str] | None]:
    """The course rows to check and, when some can't be read, the reasons in both languages."""
    csv_text = _text(body.get("csv"), "csv", MAX_CSV_CHARS, numbers=False) if body.get("csv") not in (None, "") else ""
    if csv_text:
        read = {lang: ag_check.read_csv_text(csv_text, lang=lang, source="CSV") for lang in LANGS}
        rows = read["en"][0]
        errors = {lang: "\n".join(read[lang][1]) for lang in LANGS}
        return rows, (errors if read["en"][1] else None)
    courses = body.get("courses")
    if not isinstance(courses, list):
        raise BadInput.of("tool_no_courses")
    if len(courses) > MAX_COURSES:
        raise BadInput.of("tool_too_many_courses", max=MAX_COURSES)
    rows = []
    for index, raw in enumerate(courses, start=1):
        if not isinstance(raw, dict):
            raise BadInput.of("tool_bad_course_row", row=index)
        raw = _fields(raw, AG_ROW_FIELDS)
        row = raw.get("row", index)
        if isinstance(row, bool) or not isinstance(row, int) or not 1 <= row <= 10_000:
            raise BadInput.of("tool_bad_course_row", row=index)
        cells = {name: _text(raw.get(name), name) for name in ("area", "year", "grade", "course")}
        if not any(cells.values()):
            continue  # an empty line of the table
        rows.append({"row": row, **{name: value for name, value in cells.items() if value}})
    if not rows:
        raise BadInput.of("tool_no_courses")
    return rows, None


def _ag(body: Any, today: dt.date | None) -> dict[str, dict]:
    body = _fields(body, AG_FIELDS)
    rows, errors = _ag_rows(body)
    if errors:
        raise BadInput(errors)
    results, problems = {}, {}
    for lang in LANGS:
        try:
            results[lang] = ag_check.check(rows, lang=lang)
        except ValueError as error:
            problems[lang] = str(error)
    if problems:
        raise BadInput({lang: problems.get(lang) or i18n.text("bad_request", lang) for lang in LANGS})
    return results


OPTIONS_FIELDS = ("grade", "outside_lausd", "english_learner", "iep", "gate", "zip")


def _options(body: Any, today: dt.date | None) -> dict[str, dict]:
    body = _fields(body, OPTIONS_FIELDS)
    grade_text, zip_text = _text(body.get("grade"), "grade"), _text(body.get("zip"), "zip")
    try:
        grade = options.parse_grade(grade_text or "-")
    except ValueError:
        raise BadInput.of("tool_bad_grade") from None
    try:
        zip_code = options.parse_zip(zip_text or None)
    except ValueError:
        raise BadInput.of("tool_bad_zip") from None
    inputs: dict[str, Any] = dict(
        grade=grade,
        in_lausd=not _flag(body, "outside_lausd"),
        zip_code=zip_code,
        english_learner=_flag(body, "english_learner"),
        iep=_flag(body, "iep"),
        gate=_flag(body, "gate"),
        today=today,
    )
    return {lang: options.find_options(lang=lang, **inputs) for lang in LANGS}


RUN: dict[str, Callable[[Any, dt.date | None], dict[str, dict]]] = {"points": _points, "ag": _ag, "options": _options}


def run(tool: str, body: Any, today: dt.date | None = None) -> dict[str, Any]:
    """{"tool", "en", "es", "copy": {"en", "es"}}; BadInput when the body can't be used."""
    results = RUN[tool](body, today)
    return {"tool": NAMES[tool], **results, "copy": {lang: as_text(tool, results[lang], lang) for lang in LANGS}}


# ---------------------------------------------------------------------------------------------- copy text


def _footer(result: dict[str, Any], lang: str) -> list[str]:
    return [
        "",
        f"{i18n.text('school_year', lang)}: {result['as_of']}",
        f"{i18n.text('sources', lang)}:",
        *[f"  {url}" for url in result["sources"]],
    ]


def as_text(tool: str, result: dict[str, Any], lang: str) -> str:
    """One language's result as staff read it out or paste it into a message."""
    lines: list[str] = []
    if tool == "points":
        lines.append(result["summary"])
        lines += [f"• {part['text']}" for part in result["parts"]]
        lines += [""] + [f"– {note}" for note in result["notes"]]
    elif tool == "ag":
        lines.append(result["summary"])
        lines += [f"• {area['text']}" for area in result["areas"]]
        if result["flags"]:
            lines += ["", f"{i18n.text('tool_flags', lang)}:"] + [f"! {flag['text']}" for flag in result["flags"]]
        lines += [""] + [f"– {note}" for note in result["notes"]]
    else:  # the options finder's own plain-text rendering (the same as `camino options`), sources included
        return options.render(result, lang)
    return "\n".join(lines + _footer(result, lang))
