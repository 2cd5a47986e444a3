"""knowledge/coverage.yml: the official FAQ and information pages, every question each answers, and the
entry that answers it here (or why it is deliberately not covered). The knowledge base's floor."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.knowledge.model import Problem


@dataclass(frozen=True)
class CoveredQuestion:
    page: str
    topic: str
    question: str
    entry: str | None  # the entry id that answers it, or None
    not_covered: str | None  # why not, when entry is None


def read_coverage(
    path: Path, entry_ids: Iterable[str], topic_ids: Iterable[str], problems: list[Problem]
) -> list[CoveredQuestion]:
    if not path.exists():
        return []
    known_entries, known_topics = set(entry_ids), set(topic_ids)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        problems.append(Problem(path.name, "", f"is not valid YAML: {error}"))
        return []
    questions: list[CoveredQuestion] = []
    for index, page in enumerate(data.get("pages") or []):
        url = str((page or {}).get("url") or f"page #{index + 1}")
        topic = str((page or {}).get("topic") or "")
        if topic not in known_topics:
            problems.append(Problem(path.name, url, f"unknown topic {topic!r}"))
        for item in (page or {}).get("questions") or []:
            text = str((item or {}).get("q") or "").strip()
            entry, reason = (item or {}).get("entry"), (item or {}).get("not_covered")
            if not text:
                problems.append(Problem(path.name, url, "a question without its text ('q')"))
            elif bool(entry) == bool(reason):
                problems.append(Problem(path.name, url, f"{text!r}: give either 'entry' or 'not_covered: reason'"))
            elif entry and entry not in known_entries:
                problems.append(Problem(path.name, url, f"{text!r}: unknown entry {entry!r}"))
            else:
                questions.append(CoveredQuestion(url, topic, text, entry or None, reason or None))
    return questions


def by_topic(questions: Iterable[CoveredQuestion]) -> dict[str, tuple[int, int, int]]:
    """topic -> (pages, questions covered, questions not covered)."""
    pages: dict[str, set[str]] = {}
    counts: dict[str, list[int]] = {}
    for q in questions:
        pages.setdefault(q.topic, set()).add(q.page)
        covered, missing = counts.setdefault(q.topic, [0, 0])
        counts[q.topic] = [covered + bool(q.entry), missing + (not q.entry)]
    return {topic: (len(pages[topic]), counts[topic][0], counts[topic][1]) for topic in counts}
