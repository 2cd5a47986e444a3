"""Wording for catalog answers, from knowledge/program_types.yml (both languages)."""

from __future__ import annotations

from functools import lru_cache
from typing import Iterable

import yaml

from bot import config
from bot.knowledge.files import School

LIST_LIMIT = 12


@lru_cache(maxsize=1)
def labels() -> dict:
    return yaml.safe_load((config.knowledge_dir() / "program_types.yml").read_text(encoding="utf-8"))


def kinds(school: School, lang: str) -> str:
    """"a community school (cohort II) and part of the HEET community of schools"."""
    table = labels()
    parts = []
    for t in school.types:
        label = table["program_types"].get(t, {}).get("one", {}).get(lang)
        if not label:
            continue
        cohort = school.extra.get("community_school_cohort")
        if t == "community_school" and cohort:
            label += " (" + table["cohort"][lang].format(cohort=cohort) + ")"
        dual = school.extra.get("dual_language")
        if t == "dual_language" and dual:
            label += " (" + ", ".join(str(x) for x in dual) + ")"
        parts.append(label)
    joiner = " and " if lang == "en" else " y "
    return joiner.join([", ".join(parts[:-1]), parts[-1]] if len(parts) > 1 else parts)


def plural(program_type: str, lang: str) -> str:
    return labels()["program_types"].get(program_type, {}).get("many", {}).get(lang, program_type)


def school_lines(schools: Iterable[School]) -> str:
    schools = list(schools)
    lines = [f"- {s.name}" for s in schools[:LIST_LIMIT]]
    if len(schools) > LIST_LIMIT:
        lines.append(f"- … (+{len(schools) - LIST_LIMIT})")
    return "\n".join(lines)
