"""Wording for catalog answers, from the program-type registry (knowledge/program_types.yml, both languages)."""

from __future__ import annotations

from collections.abc import Iterable

from bot.knowledge.files import School
from bot.knowledge.program_types import REGISTRY

LIST_LIMIT = 12


def kinds(school: School, lang: str) -> str:
    """ "a community school (cohort II) and part of the HEET community of schools"."""
    parts = []
    for t in school.types:
        label = REGISTRY.label(t, lang)
        if not label:
            continue
        cohort = school.extra.get("community_school_cohort")
        if t == "community_school" and cohort:
            label += " (" + REGISTRY.cohort[lang].format(cohort=cohort) + ")"
        dual = school.extra.get("dual_language")
        if t == "dual_language" and dual:
            label += " (" + ", ".join(str(x) for x in dual) + ")"
        parts.append(label)
    joiner = " and " if lang == "en" else " y "
    return joiner.join([", ".join(parts[:-1]), parts[-1]] if len(parts) > 1 else parts)


def heading(program_type: str, lang: str) -> str:
    """The heading of a list of schools of a program type (an entity value): "Escuelas comunitarias"."""
    return REGISTRY.heading(program_type, lang)


def school_lines(schools: Iterable[School]) -> str:
    schools = list(schools)
    lines = [f"- {s.name}" for s in schools[:LIST_LIMIT]]
    if len(schools) > LIST_LIMIT:
        lines.append(f"- … (+{len(schools) - LIST_LIMIT})")
    return "\n".join(lines)
