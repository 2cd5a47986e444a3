"""Reading and validating the human-edited knowledge files.

Every problem is reported with its file and entry, never as a stack trace, so an editor can fix
a broken file from the message alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Optional

import yaml

from bot.knowledge.program_types import LEVELS, PROGRAM_TYPES
from bot.language import LANGUAGES as LANGS

ANSWER_MAX_CHARS = 320
SCHOOL_YEAR = re.compile(r"^(\d{4})-(\d{2})$")
URL = re.compile(r"^https?://[^\s/$.?#][^\s]*\.[^\s]*$", re.IGNORECASE)
SEED_SOURCE = re.compile(r"^seed:[\w.-]+\.txt$")


@dataclass(frozen=True)
class Problem:
    file: str
    entry: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.entry}" if self.entry else self.file
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Entry:
    id: str
    topic: str
    position: int
    questions: dict[str, tuple[str, ...]]
    answer: dict[str, str]
    details: dict[str, str]
    next_step: dict[str, str]
    sources: tuple[str, ...]
    as_of: str
    changes_yearly: bool


@dataclass(frozen=True)
class Topic:
    id: str
    title: dict[str, str]
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class School:
    id: str
    name: str
    aliases: tuple[str, ...]
    types: tuple[str, ...]
    level: Optional[str]
    sources: tuple[str, ...]
    as_of: str
    extra: dict[str, Any] = field(default_factory=dict)  # cohort, dual_language, grades, region, address, phone


@dataclass
class Knowledge:
    topics: dict[str, Topic]
    schools: dict[str, School]
    problems: list[Problem]

    @property
    def entries(self) -> list[Entry]:
        return [entry for topic in self.topics.values() for entry in topic.entries]


def load_topic_ids(path: Path) -> dict[str, str]:
    """Topic ids (the answer contract) with their descriptions."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return dict(data.get("topics") or {})


class _Checker:
    """Collects problems for one file while reading its fields."""

    def __init__(self, file: str, problems: list[Problem]):
        self.file, self.problems = file, problems

    def add(self, entry: str, message: str) -> None:
        self.problems.append(Problem(self.file, entry, message))

    def bilingual(self, node: dict, key: str, entry: str, required: bool = True) -> dict[str, str]:
        value = node.get(key)
        if value is None:
            if required:
                self.add(entry, f"missing '{key}'")
            return {}
        if not isinstance(value, dict):
            self.add(entry, f"'{key}' must map en and es to text")
            return {}
        texts = {}
        for lang in LANGS:
            text = value.get(lang)
            if not isinstance(text, str) or not text.strip():
                self.add(entry, f"'{key}' has no {'English' if lang == 'en' else 'Spanish'} text ({lang})")
            else:
                texts[lang] = text.strip()
        return texts

    def sources(self, node: dict, entry: str) -> tuple[str, ...]:
        sources = node.get("sources")
        if not isinstance(sources, list) or not sources:
            self.add(entry, "needs at least one source URL in 'sources'")
            return ()
        good = []
        for url in sources:
            if isinstance(url, str) and (URL.match(url.strip()) or SEED_SOURCE.match(url.strip())):
                good.append(url.strip())
            else:
                self.add(entry, f"source is not a well-formed http(s) URL: {url!r}")
        return tuple(good)

    def school_year(self, node: dict, entry: str) -> str:
        value = str(node.get("as_of", "")).strip()
        match = SCHOOL_YEAR.match(value)
        if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
            self.add(entry, f"'as_of' must be a school year like 2025-26, not {value or 'nothing'!r}")
        return value


def _read_yaml(path: Path, problems: list[Problem]) -> Optional[dict]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        problems.append(Problem(path.name, "", "is not UTF-8 text"))
        return None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        problems.append(Problem(path.name, "", f"is not valid YAML{where}: {getattr(error, 'problem', error)}"))
        return None
    if not isinstance(data, dict):
        problems.append(Problem(path.name, "", "must be a YAML mapping"))
        return None
    return data


def read_topic_file(path: Path, topic_ids: Iterable[str], problems: list[Problem]) -> Optional[Topic]:
    data = _read_yaml(path, problems)
    if data is None:
        return None
    check = _Checker(path.name, problems)
    topic_id = data.get("topic")
    if topic_id not in set(topic_ids):
        check.add("", f"unknown topic id {topic_id!r} (see topics.yml)")
        return None
    if path.stem != topic_id:
        check.add("", f"file name should be {topic_id}.yml")
    title = check.bilingual(data, "title", "title")
    raw_entries = data.get("entries")
    if not isinstance(raw_entries, list) or not raw_entries:
        check.add("", "has no 'entries'")
        return None
    entries = []
    for position, raw in enumerate(raw_entries):
        label = str(raw.get("id")) if isinstance(raw, dict) and raw.get("id") else f"entry #{position + 1}"
        if not isinstance(raw, dict):
            check.add(label, "must be a mapping")
            continue
        entry_id = raw.get("id")
        if not isinstance(entry_id, str) or not entry_id.startswith(f"{topic_id}."):
            check.add(label, f"id must start with '{topic_id}.'")
        questions = {}
        raw_questions = raw.get("questions") or {}
        for lang in LANGS:
            items = raw_questions.get(lang) if isinstance(raw_questions, dict) else None
            if not isinstance(items, list) or not all(isinstance(q, str) and q.strip() for q in items) or not items:
                check.add(label, f"'questions' needs a list of {lang} phrasings")
                items = []
            questions[lang] = tuple(q.strip() for q in items)
        answer = check.bilingual(raw, "answer", label)
        for lang, text in answer.items():
            if len(text) > ANSWER_MAX_CHARS:
                check.add(label, f"{lang} answer has {len(text)} characters; keep it to {ANSWER_MAX_CHARS}")
        details = check.bilingual(raw, "details", label, required=False)
        next_step = check.bilingual(raw, "next_step", label, required=False)
        sources = check.sources(raw, label)
        as_of = check.school_year(raw, label)
        changes_yearly = raw.get("changes_yearly", False)
        if not isinstance(changes_yearly, bool):
            check.add(label, "'changes_yearly' must be true or false")
            changes_yearly = bool(changes_yearly)
        entries.append(Entry(str(entry_id), topic_id, position, questions, answer, details, next_step,
                             sources, as_of, changes_yearly))
    return Topic(topic_id, title, tuple(entries))


def read_catalog_file(path: Path, problems: list[Problem]) -> list[School]:
    data = _read_yaml(path, problems)
    if data is None:
        return []
    check = _Checker(path.name, problems)
    records = data.get("schools")
    if not isinstance(records, list):
        check.add("", "must have a 'schools' list")
        return []
    schools = []
    for index, raw in enumerate(records):
        if not isinstance(raw, dict):
            check.add(f"record #{index + 1}", "must be a mapping")
            continue
        label = str(raw.get("id") or f"record #{index + 1}")
        name = raw.get("name")
        if not isinstance(raw.get("id"), str) or not raw["id"].strip():
            check.add(label, "needs an 'id'")
        if not isinstance(name, str) or not name.strip():
            check.add(label, "needs a 'name'")
            continue
        types = raw.get("types") or []
        unknown = [t for t in types if t not in PROGRAM_TYPES]
        if unknown or not types:
            check.add(label, f"unknown or missing program types: {unknown or 'none given'}")
        level = raw.get("level")
        if level is not None and level not in LEVELS:
            check.add(label, f"unknown level {level!r}")
        sources = check.sources(raw, label)
        as_of = check.school_year(raw, label)
        known = {"id", "name", "aliases", "types", "level", "sources", "as_of"}
        extra = {k: v for k, v in raw.items() if k not in known and v not in (None, "", [])}
        aliases = tuple(str(a) for a in raw.get("aliases") or [])
        schools.append(School(str(raw.get("id")), name.strip(), aliases, tuple(types), level, sources, as_of, extra))
    return schools


def load_knowledge(directory: Path, topic_ids: Optional[Iterable[str]] = None) -> Knowledge:
    """Read every topic and catalog file under `directory`, collecting all problems."""
    problems: list[Problem] = []
    if topic_ids is None:
        topic_ids = load_topic_ids(directory / "topics.yml")
    topic_ids = list(topic_ids)
    topics: dict[str, Topic] = {}
    seen_entries: dict[str, str] = {}
    for path in sorted((directory / "topics").glob("*.yml")):
        topic = read_topic_file(path, topic_ids, problems)
        if topic is None:
            continue
        if topic.id in topics:
            problems.append(Problem(path.name, "", f"topic {topic.id} is defined twice"))
            continue
        for entry in topic.entries:
            if entry.id in seen_entries:
                problems.append(Problem(path.name, entry.id, f"duplicate entry id (also in {seen_entries[entry.id]})"))
            seen_entries[entry.id] = path.name
        topics[topic.id] = topic
    order = {topic_id: index for index, topic_id in enumerate(topic_ids)}
    topics = dict(sorted(topics.items(), key=lambda item: order[item[0]]))
    schools: dict[str, School] = {}
    for path in sorted((directory / "catalog").glob("*.yml")):
        for school in read_catalog_file(path, problems):
            if school.id in schools:
                problems.append(Problem(path.name, school.id, "duplicate school id"))
                continue
            schools[school.id] = school
    return Knowledge(topics, schools, problems)
