"""The unanswered questions of the last N days, grouped by likely topic with counts per language and a
few (redacted) examples: for `camino report unanswered` and the staff page."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from bot.language import LANGUAGES
from bot.unanswered.store import KINDS, Question, UnansweredStore

DEFAULT_DAYS = 30
EXAMPLES = 3  # per group and language
NO_TOPIC = None  # the group of questions nothing in the knowledge base looked close to


def build(questions: Iterable[Question], days: int, examples: int = EXAMPLES) -> dict:
    """{"days", "total", "by_language", "by_kind", "groups": [{"topic", "count", "by_language", "by_kind",
    "examples": {lang: [text, …]}}]}, the biggest group first; examples are the latest distinct texts."""
    questions = list(questions)
    groups: dict[str | None, list[Question]] = {}
    for question in questions:
        groups.setdefault(question.topic, []).append(question)

    def counts(items: list[Question]) -> tuple[dict[str, int], dict[str, int]]:
        langs = Counter(q.lang for q in items)
        kinds = Counter(q.kind for q in items)
        return {lang: langs[lang] for lang in LANGUAGES}, {kind: kinds[kind] for kind in KINDS if kinds[kind]}

    def latest(items: list[Question], lang: str) -> list[str]:
        texts: list[str] = []
        for question in sorted(items, key=lambda q: q.asked_at, reverse=True):
            if question.lang == lang and question.text not in texts:
                texts.append(question.text)
            if len(texts) >= examples:
                break
        return texts

    rows = []
    for topic, items in sorted(groups.items(), key=lambda pair: (-len(pair[1]), pair[0] is None, pair[0] or "")):
        by_language, by_kind = counts(items)
        rows.append(
            {
                "topic": topic,
                "count": len(items),
                "by_language": by_language,
                "by_kind": by_kind,
                "examples": {lang: latest(items, lang) for lang in LANGUAGES},
            }
        )
    by_language, by_kind = counts(questions)
    return {"days": days, "total": len(questions), "by_language": by_language, "by_kind": by_kind, "groups": rows}


def recent(days: int = DEFAULT_DAYS, store: UnansweredStore | None = None) -> dict:
    """The report over the store's questions of the last `days` days."""
    own = store is None
    store = store or UnansweredStore()
    try:
        return build(store.recent(days), days)
    finally:
        if own:
            store.close()


def with_titles(report: dict, titles: Mapping[str, Mapping[str, str]]) -> dict:
    """The report with each group's topic title in both languages (None for a topic without one)."""
    for group in report["groups"]:
        title = titles.get(group["topic"]) if group["topic"] else None
        group["title"] = dict(title) if title else None
    return report


def knowledge_titles() -> dict[str, dict[str, str]]:
    """Every topic's title in both languages, from the knowledge base ({} when it cannot be read)."""
    from bot.knowledge.base import get_kb

    try:
        return {topic_id: dict(topic.title) for topic_id, topic in get_kb().topics.items()}
    except Exception:  # the report still reads without titles
        return {}


LANGUAGE_NAMES = {"en": "English", "es": "Spanish"}


def as_text(report: dict) -> str:
    """The report as plain text for a terminal or an email (topic ids, language codes, examples quoted)."""
    langs = ", ".join(f"{LANGUAGE_NAMES.get(lang, lang)} {n}" for lang, n in report["by_language"].items())
    lines = [f"Unanswered questions in the last {report['days']} day(s): {report['total']} ({langs})"]
    if report["by_kind"]:
        lines.append("  by kind: " + ", ".join(f"{kind} {n}" for kind, n in report["by_kind"].items()))
    width = max([len(g["topic"] or "(no likely topic)") for g in report["groups"]] + [10])
    for group in report["groups"]:
        topic = group["topic"] or "(no likely topic)"
        per_lang = ", ".join(f"{lang} {n}" for lang, n in group["by_language"].items())
        kinds = ", ".join(f"{kind} {n}" for kind, n in group["by_kind"].items())
        lines += ["", f"{topic:{width}}  {group['count']:4}  ({per_lang}; {kinds})"]
        for lang, texts in group["examples"].items():
            lines += [f'    {lang}: "{text}"' for text in texts]
    return "\n".join(lines)
