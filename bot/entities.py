"""Entities by vocabulary: the program types, grades, areas, languages and school names the training data
annotates, found in a message by their accent-folded words.

Why not DIET's entity head: its CRF was a large share of training time, and the entities Camino reads are a
closed vocabulary (knowledge/program_types.yml, grade and area names, the catalog) that the annotations and
synonyms already spell out; a lookup finds them the same way every time, typed without accents or not. A
school name the vocabulary lacks is still found by the action, which matches the message against the catalog.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.language import DOTTED_ACRONYM, fold, undot

MAX_WORDS = 8  # the longest surface form looked up (school names are the longest)
MAX_TEXT_CHARS = 2000  # a longer message is only read this far (the channel limits input anyway)
_WORD = re.compile(rf"{DOTTED_ACRONYM}|[\w’']+")  # a dotted acronym ("G.A.T.E.") is one word


def words_of(text: str) -> list[tuple[str, int, int]]:
    """(folded word, start, end) for each word of `text`, offsets into the original text."""
    return [(undot(fold(m.group(0))).replace("’", "'"), m.start(), m.end()) for m in _WORD.finditer(text)]


def key_of(text: str) -> tuple[str, ...]:
    return tuple(word for word, _, _ in words_of(text))


@dataclass(frozen=True)
class Term:
    entity: str
    value: str


class Vocabulary:
    """Folded surface form -> (entity, canonical value); the longest form at a position wins."""

    def __init__(self, terms: Mapping[tuple[str, ...], Term]):
        self.terms = dict(terms)
        self.longest = max((len(k) for k in self.terms), default=0)

    @classmethod
    def learn(
        cls,
        annotations: Iterable[tuple[str, str, str]],
        synonyms: Mapping[str, str],
        skip: Iterable[str] = (),
    ) -> Vocabulary:
        """From the training data's (entity, surface text, value) annotations and its synonyms (surface ->
        value). A surface annotated as several entities takes the commonest; a synonym's surface takes the
        entity its value is annotated with."""
        skipped = set(skip)
        folded_synonyms = {key_of(surface): value for surface, value in synonyms.items()}
        labels: dict[tuple[str, ...], Counter[str]] = {}
        values: dict[tuple[str, ...], str] = {}
        entity_of_value: dict[str, Counter[str]] = {}
        for entity, surface, value in annotations:
            key = key_of(surface)
            if entity in skipped or not key or len(key) > MAX_WORDS:
                continue
            canonical = folded_synonyms.get(key, value if fold(value) != fold(surface) else surface.lower())
            labels.setdefault(key, Counter())[entity] += 1
            values.setdefault(key, canonical)
            entity_of_value.setdefault(canonical, Counter())[entity] += 1
        terms = {key: Term(counts.most_common(1)[0][0], values[key]) for key, counts in labels.items()}
        for key, value in folded_synonyms.items():
            if key and key not in terms and value in entity_of_value and len(key) <= MAX_WORDS:
                terms[key] = Term(entity_of_value[value].most_common(1)[0][0], value)
        return cls(terms)

    def find(self, text: str) -> list[dict[str, object]]:
        """The entities in `text`, as Rasa entity dictionaries (start, end, entity, value), left to right."""
        tokens = words_of(text[:MAX_TEXT_CHARS])
        found: list[dict[str, object]] = []
        i = 0
        while i < len(tokens):
            for n in range(min(self.longest, len(tokens) - i), 0, -1):
                term = self.terms.get(tuple(word for word, _, _ in tokens[i : i + n]))
                if term is not None:
                    start, end = tokens[i][1], tokens[i + n - 1][2]
                    found.append({"entity": term.entity, "value": term.value, "start": start, "end": end})
                    i += n
                    break
            else:
                i += 1
        return found

    def to_json(self) -> list[tuple[list[str], str, str]]:
        return [(list(key), term.entity, term.value) for key, term in sorted(self.terms.items())]

    @classmethod
    def from_json(cls, rows: Iterable[Sequence[Any]]) -> Vocabulary:
        return cls({tuple(str(w) for w in row[0]): Term(str(row[1]), str(row[2])) for row in rows})
