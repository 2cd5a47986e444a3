"""A finished tool conversation turned into what the family reads and the `tool` payload.

Each tool's own module computes; this one maps the chat answers onto its inputs and writes the text.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.tools import flow

PAYLOAD_NAMES = {"magnet_points": "magnet_points", "ag_check": "ag_check", "options": "options"}


def compute(state: dict[str, Any], lang: str, today: dt.date | None = None) -> dict[str, Any]:
    """The tool's result dict (JSON-able; texts in `lang`) for the answers in `state`."""
    answers = state.get("answers") or {}
    tool = state["tool"]
    if tool == "magnet_points":
        from bot.tools.points import estimate

        return estimate(
            waitlist_years=int(answers.get("waitlist_years") or 0),
            matriculation=bool(answers.get("matriculation")),
            sibling=bool(answers.get("sibling")),
            resident=answers.get("resident") or "none",
            late=answers.get("timing") == "late",
            enrolled_in_magnet=bool(answers.get("enrolled_in_magnet")),
            lang=lang,
        )
    if tool == "ag_check":
        from bot.tools.ag_check import check

        return check(ag_courses(answers), lang=lang)
    if tool == "options":
        from bot.tools.options import find_options

        return find_options(
            grade=answers["grade"],
            in_lausd=bool(answers.get("in_lausd")),
            zip_code=answers.get("zip"),
            english_learner=bool(answers.get("english_learner")),
            iep=bool(answers.get("iep")),
            gate=bool(answers.get("gate")),
            lang=lang,
            today=today,
        )
    raise ValueError(f"unknown tool {tool!r}")


def ag_courses(answers: dict[str, Any]) -> list[dict[str, Any]]:
    """The chat's per-area counts as year-long courses passed with a C, counted back from the current grade.
    (A "yes" to D/F grades is said as a note: the chat does not know which course it was.)"""
    current = int(answers.get("current_grade") or 9)
    courses: list[dict[str, Any]] = []
    for area in flow.AG_AREAS:
        years = int(answers.get(f"area_{area}") or 0)
        for index in range(years):
            courses.append({"area": area, "year": max(9, min(12, current - years + index)), "grade": "C"})
    return courses


LOW_GRADES = {
    "en": "You said there is a D or F: a D counts for the LAUSD diploma but not for UC or CSU, which need a C or "
    "better, and an F counts for neither. Retaking the course (or, in math and languages, passing the next "
    "level with a C) can fix it: ask the counselor which.",
    "es": "Usted dijo que hay una D o F: una D cuenta para el diploma de LAUSD pero no para la UC ni la CSU, que "
    "piden C o más, y una F no cuenta para nada. Repetir la clase (o, en matemáticas e idiomas, aprobar el "
    "siguiente nivel con C) puede arreglarlo: pregunte al consejero qué conviene.",
}


def payload(state: dict[str, Any], lang: str, result: dict[str, Any]) -> dict[str, Any]:
    """The one custom message every tool result carries."""
    return {
        "tool": {
            "name": PAYLOAD_NAMES[state["tool"]],
            "lang": lang,
            "result": result,
            "as_of": result.get("as_of"),
            "sources": list(result.get("sources") or []),
        }
    }


SHORT_NOTES = {
    "magnet_points": {
        "en": "Points are not chances; the December letter has the official count.",
        "es": "Los puntos no son probabilidades; la carta de diciembre trae la cuenta oficial.",
    },
    "ag_check": {
        "en": "Only your school's approved A-G list counts: check it with the counselor.",
        "es": "Solo cuenta la lista A-G aprobada de su escuela: revísela con el consejero.",
    },
    "options": {"en": "Dates and details: choices.lausd.net.", "es": "Fechas y detalles: choices.lausd.net."},
}


PART_LABELS = {
    "waiting_list": {"en": "waiting list", "es": "lista de espera"},
    "matriculation": {"en": "matriculation", "es": "matriculación"},
    "phbao": {"en": "PHBAO school", "es": "escuela PHBAO"},
    "overcrowded": {"en": "overcrowded school", "es": "escuela con sobrecupo"},
    "sibling": {"en": "sibling", "es": "hermano"},
}
MORE = {"en": "+{n} more", "es": "+{n} más"}


def short_text(state: dict[str, Any], result: dict[str, Any], lang: str) -> str:
    """The result for SMS: the figure or list that answers, and the one caveat, in about 320 characters."""
    tool = state["tool"]
    if tool == "magnet_points":
        head = result["summary"] + (
            " (" + ", ".join(f"{PART_LABELS[p['name']][lang]} {p['points']}" for p in result["parts"]) + ")"
            if result["parts"]
            else ""
        )
    elif tool == "ag_check":
        head = result.get("summary", "")
    else:
        names = [str(p.get("name")).split(" (")[0] for p in result.get("programs") or []]
        listed = "; ".join(names[:5]) + (f" {MORE[lang].format(n=len(names) - 5)}" if len(names) > 5 else "")
        head = (result.get("notes") or [""])[0] + " " + listed
    return f"{head.strip()}\n{SHORT_NOTES[tool][lang]}"


def text(state: dict[str, Any], result: dict[str, Any], lang: str) -> str:
    """The result as a few short lines, phone-sized."""
    tool = state["tool"]
    lines: list[str] = []
    if tool == "magnet_points":
        lines.append(result["summary"])
        lines += [f"• {part['text']}" for part in result["parts"]]
        lines += [f"– {note}" for note in result["notes"]]
    elif tool == "ag_check":
        # Phone-sized: the per-area summary, every D/F flag, then the two notes a family must not miss
        # (the 11-before-senior-year count and "only the school's approved list counts: see the counselor").
        lines.append(result.get("summary", ""))
        lines += [f"! {flag['text']}" for flag in result.get("flags") or []]
        if (state.get("answers") or {}).get("low_grades"):
            lines.append(f"! {LOW_GRADES[lang]}")
        lines += [f"– {note}" for note in (result.get("notes") or [])[:2]]
    else:
        # A list of routes, then each distinct next-deadline text once (most programs share Choices'),
        # the neighborhood school (always the official lookup, never a guess) and the notes.
        notes = list(result.get("notes") or [])
        lines += notes[:1]
        lines += [f"• {program.get('text') or program.get('name')}" for program in result.get("programs") or []]
        deadlines = [
            p["next_deadline"]["text"]
            for p in result.get("programs") or []
            if isinstance(p.get("next_deadline"), dict) and p["next_deadline"].get("text")
        ]
        lines += [f"– {text}" for text in dict.fromkeys(deadlines)]
        school = result.get("neighborhood_school") or {}
        if school.get("text"):
            lines.append(f"– {school['text']}")
        lines += [f"– {note}" for note in notes[1:3]]
    return "\n".join(line for line in lines if line.strip())
