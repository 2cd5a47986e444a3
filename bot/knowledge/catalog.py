"""Finding schools and programs in the catalog by the names people really type.

"crenshaw high", "washington prep", "Dorsey HS", "VOCES" or a name without its accents should all
find the school; generic words (high, school, HS, escuela…) never decide a match on their own.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot.knowledge.files import School
from bot.knowledge.program_types import REGISTRY
from bot.language import fold

# Words that never decide a match on their own.
GENERIC_WORDS = """
the a of and de la el los las del y at en
school schools escuela escuelas high hs senior sr middle ms elementary es elem primary span center centre
cntr ctr academy acad magnet charter community comunitaria comunitarias preparatoria secundaria primaria
prep preparatory program programa campus la lausd learning complex intermediate st street ave avenue dr drive
"""
GENERIC = set(GENERIC_WORDS.split())
# Short forms people type, mapped to the word used in official names.
SHORT_FORMS = {
    "prep": "preparatory",
    "wash": "washington",
    "st": "street",
    "ave": "avenue",
    "dr": "drive",
    "hs": "high",
    "ms": "middle",
    "es": "elementary",
    "ctr": "center",
    "cntr": "center",
}
WORD = re.compile(r"[a-z0-9ñ]+")
MIN_MATCH = 0.75

# San Fernando Valley communities inside LAUSD, for "schools in the Valley" (read from a sourced address).
VALLEY_PLACES = (
    "van nuys",
    "north hollywood",
    "sherman oaks",
    "studio city",
    "encino",
    "tarzana",
    "woodland hills",
    "canoga park",
    "winnetka",
    "reseda",
    "northridge",
    "granada hills",
    "chatsworth",
    "porter ranch",
    "sylmar",
    "pacoima",
    "arleta",
    "sun valley",
    "panorama city",
    "north hills",
    "lake balboa",
    "valley village",
    "mission hills",
    "sunland",
    "tujunga",
    "west hills",
    "valley glen",
)
VALLEY_ZIP = re.compile(r"\b91[346]\d\d\b")


def areas(school: School) -> set[str]:
    """The areas (entity values) a school is in, derived only from its sourced region and address."""
    region = fold(str(school.extra.get("region", "")))
    address = fold(str(school.extra.get("address", "")))
    found = set()
    if any(place in address for place in VALLEY_PLACES) or VALLEY_ZIP.search(address):
        found.add("valley")
    for name in ("northwest", "northeast", "west", "east", "south", "central", "north", "harbor"):
        if re.search(rf"\b{name}\b", region):
            found.add(name)
    if "northwest" in found:
        found.add("valley")  # Local District Northwest is the west San Fernando Valley
    if "east los angeles" in address:
        found.add("east")
    return found


def words(text: str) -> list[str]:
    return [SHORT_FORMS.get(w, w) for w in WORD.findall(fold(text))]


def distinctive(text: str) -> list[str]:
    return [w for w in words(text) if w not in GENERIC]


@lru_cache(maxsize=65536)
def _best_ratio(word: str, name: tuple[str, ...], floor: float = 0.8) -> float:
    """The best difflib ratio of `word` against the words of a name, or 0 when none reaches `floor` (cheap
    upper bounds skip most comparisons; only ratios at or above `floor` count). Cached: a long message
    repeats its words across windows."""
    if word in name:
        return 1.0
    best = 0.0
    for candidate in name:
        if 2 * min(len(word), len(candidate)) < floor * (len(word) + len(candidate)):
            continue  # difflib's real_quick_ratio, without building a matcher
        matcher = difflib.SequenceMatcher(None, word, candidate)
        if matcher.real_quick_ratio() < floor or matcher.quick_ratio() < floor:
            continue
        best = max(best, matcher.ratio())
    return best if best >= floor else 0.0


def _similarity(query: list[str], name: list[str]) -> float:
    """Share of the query's distinctive words found (exactly or nearly) in the name."""
    if not query or not name:
        return 0.0
    found = 0.0
    for word in query:
        best = _best_ratio(word, tuple(name))
        found += 1.0 if best >= 0.99 else (best if best >= 0.8 else 0.0)
    coverage = found / len(query)
    # Prefer names that are mostly made of what was typed ("Dorsey" over "Dorsey Miller Prep Academy").
    return coverage * (0.85 + 0.15 * min(1.0, len(query) / len(name)))


PLACE_WORDS = {"california", "angeles", "lausd", "ucla", "hollywood", "pacific", "america", "american", "west", "diego"}
# Given names in school names ("Thomas Jefferson", "John Marshall") also name children in messages; and a few
# subject words the lemma tables lack. Neither identifies a school on its own.
NOT_IDENTIFYING = {
    "george",
    "john",
    "johnnie",
    "thomas",
    "william",
    "helen",
    "howard",
    "susan",
    "marvin",
    "lucille",
    "augustus",
    "horace",
    "leland",
    "gaspar",
    "environmental",
    "biomedical",
    "tourism",
}


def _common_words() -> set[str]:
    """Ordinary English and Spanish words: the lemma tables of spacy-lookups-data and spaCy's stop words."""
    import gzip
    import json

    import spacy_lookups_data
    from spacy.lang.en.stop_words import STOP_WORDS as EN_STOP
    from spacy.lang.es.stop_words import STOP_WORDS as ES_STOP

    data = Path(spacy_lookups_data.__file__).parent / "data"
    common = {fold(w) for w in (*EN_STOP, *ES_STOP)} | PLACE_WORDS | NOT_IDENTIFYING
    for name in ("en_lemma_lookup.json.gz", "es_lemma_lookup.json.gz"):
        with gzip.open(data / name, "rt", encoding="utf-8") as table:
            for form, lemma in json.load(table).items():
                common.add(fold(form))
                common.add(fold(lemma))
    return common


RARE_NAME_WORD = 2  # a word in the names of at most this many schools identifies a school
MAX_NAMED_TOKENS = 60  # a message is searched for a school name in its first words only (bounded work)


@dataclass(frozen=True)
class Match:
    school: School
    score: float


class Catalog:
    def __init__(self, schools: Iterable[School]):
        self.schools = list(schools)
        self._names = [(school, [distinctive(n) for n in (school.name, *school.aliases)]) for school in self.schools]
        self._identifying: frozenset[str] | None = None
        self._frequency: dict[str, int] = {}
        for _, names in self._names:
            for word in {w for name in names for w in name}:
                self._frequency[word] = self._frequency.get(word, 0) + 1

    def find(self, name: str, limit: int = 3) -> list[Match]:
        """Schools whose name or a short name matches `name`, best first."""
        query = distinctive(name)
        if not query:
            return []
        matches = []
        for school, names in self._names:
            score = max((_similarity(query, n) for n in names if n), default=0.0)
            if score >= MIN_MATCH:
                matches.append(Match(school, score))
        matches.sort(key=lambda m: (-m.score, m.school.name))
        return matches[:limit]

    def named_in(self, text: str) -> School | None:
        """A school named unmistakably in `text`: every word of a 1-3 word window found exactly in one of its
        names, and at least one of them rare among school names ("aldama", "dorsey"; not "enriched",
        "open", "world"). Strict, because it overrides the topic a classifier picked."""
        tokens = distinctive(text)[:MAX_NAMED_TOKENS]
        identifying = self.identifying_words()
        best: tuple[int, School] | None = None
        for size in (3, 2, 1):
            for start in range(0, max(0, len(tokens) - size + 1)):
                window = tokens[start : start + size]
                if not any(word in identifying for word in window):
                    continue
                for school, names in self._names:
                    named = any(name and all(word in name for word in window) for name in names)
                    if named and (best is None or size > best[0]):
                        best = (size, school)
            if best:
                break
        return best[1] if best else None

    def identifying_words(self) -> frozenset[str]:
        """Name words that point at one school: in at most RARE_NAME_WORD names, and not an ordinary English
        or Spanish word ("open", "dual", "enriched", "point", "alta" are; "aldama", "dorsey" are not)."""
        if self._identifying is None:
            common = _common_words()
            self._identifying = frozenset(
                word
                for word, count in self._frequency.items()
                if count <= RARE_NAME_WORD and len(word) >= 4 and word.isalpha() and word not in common
            )
        return self._identifying

    def mentioned_in(self, text: str) -> School | None:
        """A school named anywhere in a free-text question ("is dorsey a community school?"); bounded work:
        only the first MAX_NAMED_TOKENS distinctive words, each distinct window looked up once."""
        tokens = distinctive(text)[:MAX_NAMED_TOKENS]
        best: Match | None = None
        seen: set[str] = set()
        for size in (3, 2, 1):
            for start in range(0, max(0, len(tokens) - size + 1)):
                window = " ".join(tokens[start : start + size])
                if window in seen:
                    continue
                seen.add(window)
                for match in self.find(window, limit=1):
                    if best is None or match.score > best.score:
                        best = match
            if best and best.score >= 0.95:
                break
        return best.school if best else None

    def filter(
        self,
        program_type: str | None = None,
        level: str | None = None,
        area: str | None = None,
        instruction_language: str | None = None,
    ) -> list[School]:
        """Schools of a program type (an entity value), school level, region and language of instruction."""
        wanted_types = REGISTRY.meant_by(program_type)
        wanted_level = REGISTRY.level_of_grade(level)
        result = []
        for school in self.schools:
            if wanted_types and not wanted_types.intersection(school.types):
                continue
            if wanted_level and school.level not in (wanted_level, "span"):
                continue
            if area and fold(area) not in areas(school):
                continue
            if instruction_language and fold(instruction_language) not in [
                fold(str(x)) for x in school.extra.get("dual_language") or []
            ]:
                continue
            result.append(school)
        return sorted(result, key=lambda s: s.name)


def topic_for(types: Iterable[str], preferred: str | None = None) -> str:
    """The topic that explains a school's program type (for the answer payload)."""
    return REGISTRY.topic_of_school(types, preferred)
