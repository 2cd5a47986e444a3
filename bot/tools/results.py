"""A finished tool conversation turned into what the family reads and the `tool` payload.

Each tool's own module computes; this one maps the chat answers onto its inputs and writes the text.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional

from bot.tools import flow

PAYLOAD_NAMES = {"magnet_points": "magnet_points", "ag_check": "ag_check", "options": "options"}


def compute(state: dict[str, Any], lang: str, today: Optional[dt.date] = None) -> dict[str, Any]:
    """The tool's result dict (JSON-able; texts in `lang`) for the answers in `state`."""
    answers = state.get("answers") or {}
    tool = state["tool"]
    if tool == "magnet_points":
        from bot.tools.points import estimate

        return estimate(waitlist_years=int(answers.get("waitlist_years") or 0),
                        matriculation=bool(answers.get("matriculation")), sibling=bool(answers.get("sibling")),
                        resident=answers.get("resident") or "none", late=answers.get("timing") == "late",
                        enrolled_in_magnet=bool(answers.get("enrolled_in_magnet")), lang=lang)
    if tool == "ag_check":
        from bot.tools.ag_check import check

        return check(ag_courses(answers), lang=lang)
    if tool == "options":
        from bot.tools.options import find_options

        return find_options(grade=answers["grade"], in_lausd=bool(answers.get("in_lausd")),
                            zip_code=answers.get("zip"), english_learner=bool(answers.get("english_learner")),
                            iep=bool(answers.get("iep")), gate=bool(answers.get("gate")), lang=lang, today=today)
    raise ValueError(f"unknown tool {tool!r}")


def ag_courses(answers: dict[str, Any]) -> list[dict[str, Any]]:
    """The chat's per-area counts as year-long courses passed with a C, counted back from the current grade;
    a "yes" to D/F grades adds one D course in the area with the fewest years (so the checker flags it)."""
    current = int(answers.get("current_grade") or 9)
    courses: list[dict[str, Any]] = []
    for area in flow.AG_AREAS:
        years = int(answers.get(f"area_{area}") or 0)
        for index in range(years):
            courses.append({"area": area, "year": max(9, min(12, current - years + index)), "grade": "C"})
    if answers.get("low_grades"):
        courses.append({"area": "g", "year": min(current, 12), "grade": "D"})
    return courses


def payload(state: dict[str, Any], lang: str, result: dict[str, Any]) -> dict[str, Any]:
    """The one custom message every tool result carries."""
    return {"tool": {"name": PAYLOAD_NAMES[state["tool"]], "lang": lang, "result": result,
                     "as_of": result.get("as_of"), "sources": list(result.get("sources") or [])}}


def text(state: dict[str, Any], result: dict[str, Any], lang: str) -> str:
    """The result as a few short lines, phone-sized."""
    tool = state["tool"]
    lines: list[str] = []
    if tool == "magnet_points":
        lines.append(result["summary"])
        lines += [f"• {part['text']}" for part in result["parts"]]
        lines += [f"– {note}" for note in result["notes"]]
    elif tool == "ag_check":
        lines += [area["text"] for area in result.get("areas") or []]
        lines += [f"⚠ {flag}" if isinstance(flag, str) else f"⚠ {flag.get('text', '')}"
                  for flag in result.get("flags") or []]
        lines += [f"– {note}" for note in result.get("notes") or []]
    else:
        for program in result.get("programs") or []:
            line = f"• {program.get('text') or program.get('name')}"
            lines.append(line)
        school = result.get("neighborhood_school") or {}
        if school.get("text"):
            lines.append(f"• {school['text']}")
        lines += [f"– {note}" for note in result.get("notes") or []]
    return "\n".join(line for line in lines if line.strip())
