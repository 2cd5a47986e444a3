"""The staff lookup: a family's question in, the best checked answer out, in English and Spanish.

Plain Python over the knowledge base's BM25 search (both languages at once), shared by the staff page's
JSON API and `camino ask`.
"""

from __future__ import annotations

import unicodedata

from bot.knowledge.answers import answer_body
from bot.knowledge.base import KnowledgeBase, get_kb
from bot.knowledge.files import Entry
from bot.language import LANGUAGES
from bot.web import i18n

MAX_QUESTION_CHARS = 500
MORE_MATCHES = 2


class BadQuestion(ValueError):
    """A question we can't search, with a polite message in both languages."""

    def __init__(self, key: str, **values: object):
        super().__init__(key)
        self.messages = i18n.both(key, **values)


def clean_question(raw: object) -> str:
    """The question with its whitespace collapsed; BadQuestion when it is empty, huge or not text."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise BadQuestion("unreadable_question") from None
    if not isinstance(raw, str) or not raw.strip():
        raise BadQuestion("empty_question")
    if len(raw) > MAX_QUESTION_CHARS:
        raise BadQuestion("long_question", max=MAX_QUESTION_CHARS)
    if "\ufffd" in raw or any(unicodedata.category(c) in ("Cc", "Cs") and c not in "\t\n\r" for c in raw):
        raise BadQuestion("unreadable_question")
    return " ".join(raw.split())


def _summary(entry: Entry, kb: KnowledgeBase) -> dict:
    topic = kb.topic(entry.topic)
    return {
        "id": entry.id,
        "topic": entry.topic,
        "title": dict(topic.title) if topic else {lang: entry.topic for lang in LANGUAGES},
        "question": {lang: entry.questions[lang][0] for lang in LANGUAGES},
    }


def _answer(entry: Entry, kb: KnowledgeBase) -> dict:
    return {
        **_summary(entry, kb),
        "text": {lang: answer_body(entry, lang) for lang in LANGUAGES},
        "sources": list(entry.sources),
        "as_of": entry.as_of,
        "changes_yearly": entry.changes_yearly,
    }


def lookup(question: object, kb: KnowledgeBase | None = None, more: int = MORE_MATCHES) -> dict:
    """{"query", "answer" (or None), "more": the next matches' titles, "message" (when nothing matched)}."""
    query = clean_question(question)
    kb = kb or get_kb()
    hits = kb.search(query, limit=1 + more)
    if not hits:
        return {"query": query, "answer": None, "more": [], "message": i18n.both("no_match")}
    return {
        "query": query,
        "answer": _answer(hits[0].entry, kb),
        "more": [_summary(hit.entry, kb) for hit in hits[1:]],
        "message": None,
    }


def as_text(result: dict, lang: str) -> str:
    """One language's answer as staff read or paste it: title, answer, school year and sources."""
    answer = result["answer"]
    if answer is None:
        return result["message"][lang]
    lines = [f"{answer['title'][lang]}: {answer['question'][lang]}", "", answer["text"][lang], ""]
    if answer["changes_yearly"]:
        lines += [i18n.text("changes_yearly", lang), ""]
    lines.append(f"{i18n.text('school_year', lang)}: {answer['as_of']}")
    lines.append(f"{i18n.text('sources', lang)}:")
    lines += [f"  {url}" for url in answer["sources"]]
    return "\n".join(lines)


def _bilingual(key: str) -> str:
    return f"{i18n.text(key, 'en')} / {i18n.text(key, 'es')}"


def terminal_text(result: dict) -> str:
    """`camino ask`'s output: the answer in English, then in Spanish, then sources and other matches."""
    answer = result["answer"]
    if answer is None:
        return "\n".join(result["message"][lang] for lang in LANGUAGES)
    lines = [f"{answer['title']['en']} / {answer['title']['es']}  ({_bilingual('school_year')}: {answer['as_of']})"]
    if answer["changes_yearly"]:
        lines += [i18n.text("changes_yearly", lang) for lang in LANGUAGES]
    for lang, label in (("en", "english"), ("es", "spanish")):
        heading = f"── {i18n.text(label, lang)} "
        lines += ["", heading + "─" * max(3, 60 - len(heading)), answer["question"][lang], "", answer["text"][lang]]
    lines += ["", f"{_bilingual('sources')}:"] + [f"  {url}" for url in answer["sources"]]
    if result["more"]:
        lines += ["", f"{_bilingual('other_matches')}:"]
        lines += [f"  {n}. {m['question']['en']} / {m['question']['es']}" for n, m in enumerate(result["more"], 2)]
    return "\n".join(lines)
