"""Free-text search over knowledge entries in either language.

Parents type without accents and mix languages, so every text is analysed with both languages'
spaCy tokenizer and lookup lemmatizer (spacy-lookups-data: no model download), accents folded,
stop words dropped; entries are ranked with BM25 over their question phrasings, answers and details.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

from bot.knowledge.files import Entry
from bot.language import LANGUAGES, fold, undot

QUESTION_WEIGHT = 2  # a match on a question phrasing counts more than one on the answer text


@cache
def _pipeline(lang: str):
    import spacy

    nlp = spacy.blank(lang)
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


@cache
def stop_words() -> frozenset[str]:
    """Both languages' stop words, accents folded."""
    return frozenset(fold(w) for lang in LANGUAGES for w in _pipeline(lang).Defaults.stop_words)


@lru_cache(maxsize=4096)
def terms(text: str) -> tuple[str, ...]:
    """Accent-folded lemmas of `text` under both languages, without stop words or punctuation."""
    stop = stop_words()
    found: list[str] = []
    for lang in LANGUAGES:
        for token in _pipeline(lang)(text[:2000]):
            if token.is_punct or token.is_space:
                continue
            for form in {undot(fold(token.text)), undot(fold(token.lemma_ or token.text))}:
                if form and form not in stop and (len(form) > 1 or form.isdigit()):
                    found.append(form)
    return tuple(dict.fromkeys(found))


@dataclass(frozen=True)
class Hit:
    entry: Entry
    score: float


class EntryIndex:
    """BM25 over entries; each entry's document is its questions (weighted) plus its answer and details (the
    details hold the words a family may use that no phrasing has: dev set right 71.3 -> 73.6% en, 59.3 -> 64.8% es)."""

    k1, b = 1.4, 0.75

    def __init__(self, entries: Iterable[Entry]):
        self.entries = list(entries)
        self.docs: list[Counter] = []
        for entry in self.entries:
            doc: Counter = Counter()
            for lang in LANGUAGES:
                for question in entry.questions.get(lang, ()):
                    for term in terms(question):
                        doc[term] += QUESTION_WEIGHT
                for text in (entry.answer.get(lang, ""), entry.details.get(lang, "") if entry.details else ""):
                    doc.update(terms(text))
            self.docs.append(doc)
        self.avg_len = (sum(sum(d.values()) for d in self.docs) / len(self.docs)) if self.docs else 1.0
        df: Counter = Counter(term for doc in self.docs for term in doc)
        n = len(self.docs)
        self.idf = {term: math.log(1 + (n - count + 0.5) / (count + 0.5)) for term, count in df.items()}

    def search(self, text: str, limit: int = 5, topic: str | None = None) -> list[Hit]:
        query = terms(text)
        hits = []
        for entry, doc in zip(self.entries, self.docs, strict=True):
            if topic and entry.topic != topic:
                continue
            length = sum(doc.values()) or 1
            score = 0.0
            for term in query:
                tf = doc.get(term, 0)
                if tf:
                    score += (
                        self.idf[term]
                        * tf
                        * (self.k1 + 1)
                        / (tf + self.k1 * (1 - self.b + self.b * length / self.avg_len))
                    )
            if score > 0:
                hits.append(Hit(entry, score))
        hits.sort(key=lambda hit: (-hit.score, hit.entry.position))
        return hits[:limit]
