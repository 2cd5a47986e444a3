"""Reading and validating the human-edited knowledge files.

Every problem is reported with its file and entry, never as a stack trace, so an editor can fix
a broken file from the message alone.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from bot.knowledge import figures as figure_check
from bot.knowledge import sources as source_rank
from bot.knowledge.model import Contact, Cycle, Entry, Knowledge, Problem, School, Topic
from bot.knowledge.program_types import LEVELS, PROGRAM_TYPES
from bot.language import LANGUAGES as LANGS

__all__ = [
    "LANGS",
    "Contact",
    "Cycle",
    "Entry",
    "Knowledge",
    "Problem",
    "School",
    "Topic",
    "load_knowledge",
    "load_topic_ids",
]

ANSWER_MAX_CHARS = 320
SCHOOL_YEAR = re.compile(r"^(\d{4})-(\d{2})$")
URL = re.compile(r"^https?://[^\s/$.?#][^\s]*\.[^\s]*$", re.IGNORECASE)
SEED_SOURCE = re.compile(r"^seed:[\w.-]+\.txt$")
PLACEHOLDER = re.compile(r"\{(contact|phone):([^}]*)\}")
PHONE_FORMAT = re.compile(r"^\(\d{3}\) \d{3}-\d{4}$")
TEXT_FIELDS = ("answer", "details", "next_step")


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


def _read_yaml(path: Path, problems: list[Problem]) -> dict | None:
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


class Registries:
    """What topic files refer to: offices (contacts.yml), cycles (cycles.yml), source kinds and years."""

    def __init__(
        self,
        contacts: dict[str, Contact] | None = None,
        cycles: dict[str, Cycle] | None = None,
        sources: dict[str, dict[str, Any]] | None = None,
    ):
        self.contacts = contacts or {}
        self.cycles = cycles or {}
        self.sources = sources or {}


def render(text: str, lang: str, contacts: dict[str, Contact]) -> str:
    """Replace {contact:ID} with "Name, phone" and {phone:ID} with the phone, in `lang`."""

    def replace(match: re.Match[str]) -> str:
        contact = contacts.get(match[2])
        if contact is None:
            return match[0]
        return contact.render(lang) if match[1] == "contact" else contact.phone

    return PLACEHOLDER.sub(replace, text)


def _iso_date(value: Any) -> str | None:
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        return None


def _check_grounding(
    check: _Checker,
    raw: dict,
    label: str,
    texts: dict[str, dict[str, str]],
    sources: tuple[str, ...],
    changes_yearly: bool,
    reg: Registries,
) -> dict[str, Any]:
    """Contacts, declared figures, review date, cycle and confirmation office of one entry."""
    for key, by_lang in texts.items():
        for lang, text in by_lang.items():
            for phone in figure_check.phone_numbers(text):
                check.add(
                    label,
                    f"{lang} {key} writes the phone number {phone}: use {{contact:ID}} or {{phone:ID}} "
                    "from contacts.yml",
                )
            for _, contact_id in PLACEHOLDER.findall(text):
                if contact_id not in reg.contacts:
                    check.add(label, f"{lang} {key} names unknown contact {contact_id!r} (see contacts.yml)")
    declared_raw = raw.get("facts") or {}
    if not isinstance(declared_raw, dict):
        check.add(label, "'facts' must map each figure to the source URL that states it")
        declared_raw = {}
    declared = {str(k): str(v).strip() for k, v in declared_raw.items()}
    found = {
        lang: set().union(*(figure_check.figures(texts[key].get(lang, ""), lang) for key in TEXT_FIELDS))
        for lang in LANGS
    }
    for figure in sorted(found["en"] ^ found["es"]):
        only = "English" if figure in found["en"] else "Spanish"
        check.add(label, f"figure {figure!r} is only in the {only} text: both languages must state the same figures")
    for figure in sorted((found["en"] | found["es"]) - set(declared)):
        check.add(label, f"undeclared figure {figure!r}: add it to 'facts' with the source URL that states it")
    for figure, url in declared.items():
        if url not in sources:
            check.add(label, f"fact {figure!r} cites {url!r}, which is not one of the entry's sources")
        if figure not in found["en"] | found["es"]:
            check.add(label, f"fact {figure!r} is declared but no text states it (remove it)")
    review_by = raw.get("review_by")
    review = _iso_date(review_by) if review_by is not None else None
    if review_by is not None and review is None:
        check.add(label, f"'review_by' must be a date like 2027-08-01, not {review_by!r}")
    if changes_yearly and review_by is None:
        check.add(label, "changes yearly, so it needs 'review_by' (the date a person checks it again)")
    cycle = raw.get("cycle")
    cycle_ends = None
    if cycle is not None:
        cycle = str(cycle)
        if cycle not in reg.cycles:
            check.add(label, f"unknown cycle {cycle!r} (see cycles.yml)")
        else:
            cycle_ends = reg.cycles[cycle].ends
    confirm_with = raw.get("confirm_with")
    confirm: dict[str, str] = {}
    if confirm_with is not None:
        contact = reg.contacts.get(str(confirm_with))
        if contact is None:
            check.add(label, f"'confirm_with' names unknown contact {confirm_with!r} (see contacts.yml)")
        else:
            confirm = {lang: contact.render(lang) for lang in LANGS}
    elif reg.sources and source_rank.rests_on_weak_sources(sources, reg.sources):
        check.add(label, "rests only on third-party or pre-2020 sources: add an official source or 'confirm_with'")
    return {"facts": declared, "review_by": review, "cycle": cycle, "cycle_ends": cycle_ends, "confirm": confirm}


def read_topic_file(
    path: Path, topic_ids: Iterable[str], problems: list[Problem], registries: Registries | None = None
) -> Topic | None:
    data = _read_yaml(path, problems)
    if data is None:
        return None
    check = _Checker(path.name, problems)
    reg = registries or Registries()
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
        details = check.bilingual(raw, "details", label, required=False)
        next_step = check.bilingual(raw, "next_step", label, required=False)
        sources = check.sources(raw, label)
        as_of = check.school_year(raw, label)
        changes_yearly = raw.get("changes_yearly", False)
        if not isinstance(changes_yearly, bool):
            check.add(label, "'changes_yearly' must be true or false")
            changes_yearly = bool(changes_yearly)
        texts = {"answer": answer, "details": details, "next_step": next_step}
        grounding = _check_grounding(check, raw, label, texts, sources, changes_yearly, reg)
        answer, details, next_step = (
            {lang: render(text, lang, reg.contacts) for lang, text in field_.items()}
            for field_ in (answer, details, next_step)
        )
        for lang, text in answer.items():
            if len(text) > ANSWER_MAX_CHARS:
                check.add(
                    label,
                    f"{lang} answer has {len(text)} characters (with contacts filled in); "
                    f"keep it to {ANSWER_MAX_CHARS}",
                )
        entries.append(
            Entry(
                str(entry_id),
                topic_id,
                position,
                questions,
                answer,
                details,
                next_step,
                source_rank.rank(sources, reg.sources),
                as_of,
                changes_yearly,
                **grounding,
            )
        )
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


def read_contacts(path: Path, problems: list[Problem]) -> dict[str, Contact]:
    """knowledge/contacts.yml: every office once, with the source that prints its number."""
    if not path.exists():
        return {}
    data = _read_yaml(path, problems)
    check = _Checker(path.name, problems)
    contacts: dict[str, Contact] = {}
    for index, raw in enumerate((data or {}).get("contacts") or []):
        label = str(raw.get("id")) if isinstance(raw, dict) and raw.get("id") else f"contact #{index + 1}"
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
            check.add(label, "needs an 'id'")
            continue
        phone = str(raw.get("phone") or "")
        if not PHONE_FORMAT.match(phone):
            check.add(label, f"'phone' must look like (213) 241-4177, not {phone!r}")
        name = check.bilingual(raw, "name", label)
        handles = check.bilingual(raw, "handles", label)
        hours = check.bilingual(raw, "hours", label, required=False)
        sources = check.sources(raw, label)
        checked = check.school_year({"as_of": raw.get("checked")}, label)
        if raw["id"] in contacts:
            check.add(label, "duplicate contact id")
        elif len(name) == len(LANGS):
            contacts[raw["id"]] = Contact(raw["id"], name, phone, handles, sources, checked, hours)
    seen: dict[str, str] = {}
    for contact in contacts.values():
        if contact.phone in seen:
            check.add(contact.id, f"same phone as {seen[contact.phone]}: one office, one record")
        seen[contact.phone] = contact.id
    return contacts


def read_cycles(path: Path, problems: list[Problem]) -> dict[str, Cycle]:
    """knowledge/cycles.yml: Choices cycles by the school year students attend, with their dates."""
    if not path.exists():
        return {}
    data = _read_yaml(path, problems)
    check = _Checker(path.name, problems)
    cycles: dict[str, Cycle] = {}
    for index, raw in enumerate((data or {}).get("cycles") or []):
        if not isinstance(raw, dict):
            check.add(f"cycle #{index + 1}", "must be a mapping")
            continue
        cycle_id = check.school_year({"as_of": raw.get("id")}, f"cycle #{index + 1}")
        ends = _iso_date(raw.get("ends"))
        if ends is None:
            check.add(cycle_id, "needs 'ends': the date after which its dates are history")
            continue
        dates = {k: str(v) for k, v in raw.items() if k not in ("id", "ends", "sources") and v is not None}
        cycles[cycle_id] = Cycle(cycle_id, ends, dates, check.sources(raw, cycle_id))
    return cycles


def read_source_registry(path: Path, problems: list[Problem]) -> dict[str, dict[str, Any]]:
    """knowledge/sources.yml: URL -> {kind, year} where the domain alone would mislead or the year matters."""
    if not path.exists():
        return {}
    data = _read_yaml(path, problems)
    check = _Checker(path.name, problems)
    registry: dict[str, dict[str, Any]] = {}
    for url, raw in ((data or {}).get("sources") or {}).items():
        raw = raw if isinstance(raw, dict) else {}
        kind = raw.get("kind")
        if kind is not None and kind not in source_rank.KINDS:
            check.add(str(url), f"unknown kind {kind!r} (one of {', '.join(source_rank.KINDS)})")
        year = raw.get("year", "undated")
        if not (year == "undated" or (isinstance(year, int) and 1990 <= year <= 2100)):
            check.add(str(url), f"'year' must be a year like 2024 or undated, not {year!r}")
        registry[str(url)] = {"kind": kind, "year": year}
    return registry


def load_knowledge(directory: Path, topic_ids: Iterable[str] | None = None) -> Knowledge:
    """Read every topic and catalog file under `directory`, collecting all problems."""
    problems: list[Problem] = []
    registries = Registries(
        read_contacts(directory / "contacts.yml", problems),
        read_cycles(directory / "cycles.yml", problems),
        read_source_registry(directory / "sources.yml", problems),
    )
    if topic_ids is None:
        topic_ids = load_topic_ids(directory / "topics.yml")
    topic_ids = list(topic_ids)
    topics: dict[str, Topic] = {}
    seen_entries: dict[str, str] = {}
    for path in sorted((directory / "topics").glob("*.yml")):
        topic = read_topic_file(path, topic_ids, problems, registries)
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
    if registries.sources:
        used = {url for topic in topics.values() for entry in topic.entries for url in entry.sources}
        used |= {url for school in schools.values() for url in school.sources}
        for url in sorted(used - set(registries.sources)):
            problems.append(Problem("sources.yml", url, "source is used but not in the registry (give its year)"))
    from bot.knowledge.coverage import read_coverage

    coverage = read_coverage(directory / "coverage.yml", seen_entries, topic_ids, problems)
    return Knowledge(topics, schools, problems, registries.contacts, registries.cycles, registries.sources, coverage)
