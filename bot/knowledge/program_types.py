"""The program-type registry (knowledge/program_types.yml): the one place that says which program types
exist, what the `program_type` entity's values mean, how district exports name the types, which topic
explains each, how catalog answers word them, and which school levels a record may name.

Validation (bot/knowledge/files.py), catalog search (bot/knowledge/catalog.py), the dialogue
(bot/dialogue.py), the importer and catalog answers all read it from here; it is read once, on import.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot import config
from bot.language import LANGUAGES

REGISTRY_FILE = config.knowledge_dir() / "program_types.yml"
FALLBACK_TOPIC = "neighborhood_school"  # the topic of a school with no program type we explain


@dataclass(frozen=True)
class ProgramType:
    id: str
    topic: str
    one: dict[str, str]
    many: dict[str, str]
    entity: str | None = None
    words: tuple[str, ...] = ()
    includes: tuple[str, ...] = ()
    group_of: tuple[str, ...] = ()

    @property
    def in_catalog(self) -> bool:
        """True for a type a catalog record may carry; False for a family-facing group (charter, gate)."""
        return not self.group_of

    @property
    def means(self) -> frozenset[str]:
        """The catalog types a family asking for this one means."""
        return frozenset(self.group_of or (self.id, *self.includes))


class RegistryError(ValueError):
    """knowledge/program_types.yml is malformed (named with the file and the program type)."""


def _texts(node: Any, where: str, required: bool) -> dict[str, str]:
    if node is None and not required:
        return {}
    if not isinstance(node, dict) or any(not isinstance(node.get(lang), str) for lang in LANGUAGES):
        raise RegistryError(f"{where} needs a text in each of {', '.join(LANGUAGES)}")
    return {lang: node[lang] for lang in LANGUAGES}


def _names(node: Any, where: str) -> tuple[str, ...]:
    if node is None:
        return ()
    if not isinstance(node, list) or not all(isinstance(name, str) for name in node):
        raise RegistryError(f"{where} must be a list of names")
    return tuple(node)


def _program_type(type_id: str, node: Any, source: str) -> ProgramType:
    where = f"{source}: {type_id}"
    if not isinstance(node, dict) or not isinstance(node.get("topic"), str):
        raise RegistryError(f"{where} needs a 'topic'")
    group_of = _names(node.get("group_of"), f"{where}: 'group_of'")
    return ProgramType(
        id=type_id,
        topic=node["topic"],
        one=_texts(node.get("one"), f"{where}: 'one'", required=not group_of),
        many=_texts(node.get("many"), f"{where}: 'many'", required=True),
        entity=node.get("entity"),
        words=tuple(word.lower() for word in _names(node.get("words"), f"{where}: 'words'")),
        includes=_names(node.get("includes"), f"{where}: 'includes'"),
        group_of=group_of,
    )


@dataclass(frozen=True)
class Registry:
    types: dict[str, ProgramType]
    levels: dict[str, tuple[str, ...]]  # level -> the `grade` entity values that ask for it
    cohort: dict[str, str]
    topic_names: dict[str, tuple[str, ...]] = field(default_factory=dict)  # topic -> names spelling it out

    @classmethod
    def read(cls, path: Path) -> Registry:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        raw_types, raw_levels = data.get("program_types"), data.get("levels")
        if not isinstance(raw_types, dict) or not isinstance(raw_levels, dict):
            raise RegistryError(f"{path.name} needs 'program_types' and 'levels' mappings")
        types = {str(key): _program_type(str(key), node, path.name) for key, node in raw_types.items()}
        levels = {str(key): tuple(str(g) for g in grades or ()) for key, grades in raw_levels.items()}
        raw_names = data.get("topic_names") or {}
        if not isinstance(raw_names, dict):
            raise RegistryError(f"{path.name}: 'topic_names' must map topics to lists of names")
        names = {
            str(topic): tuple(n.lower() for n in _names(items, f"{path.name}: topic_names: {topic}"))
            for topic, items in raw_names.items()
        }
        return cls(types, levels, _texts(data.get("cohort"), f"{path.name}: cohort", required=True), names)

    @property
    def catalog_types(self) -> frozenset[str]:
        return frozenset(t.id for t in self.types.values() if t.in_catalog)

    def by_entity(self, value: str | None) -> ProgramType | None:
        """The program type a `program_type` entity value asks for."""
        return next((t for t in self.types.values() if value and t.entity == value), None)

    def meant_by(self, value: str | None) -> set[str]:
        """The catalog types an entity value means; another value stands for itself; none means any."""
        program = self.by_entity(value)
        if program is not None:
            return set(program.means)
        return {value} if value else set()

    def topic_of_entity(self, value: str) -> str | None:
        """The topic that explains what an entity value names ("¿y las charter?" -> charter_schools)."""
        program = self.by_entity(value)
        return program.topic if program else None

    def topic_of_school(self, types: Iterable[str], preferred: str | None = None) -> str:
        """The topic that explains a school's program types: the one the family asked about (an entity
        value) when the school has it, else its first type's, else the neighborhood school's."""
        catalog = [t for t in types if t in self.catalog_types]
        if preferred:
            wanted = self.meant_by(preferred)
            for type_id in catalog:
                if type_id in wanted:
                    return self.types[type_id].topic
        return self.types[catalog[0]].topic if catalog else FALLBACK_TOPIC

    def heading(self, value: str, lang: str) -> str:
        """The heading of a list of schools an entity value (or a type id) asked for."""
        program = self.by_entity(value) or self.types.get(value)
        return program.many[lang] if program else value

    def label(self, type_id: str, lang: str) -> str | None:
        """How one school of a catalog type is named ("a community school")."""
        program = self.types.get(type_id)
        return program.one.get(lang) if program else None

    def from_export(self, name: str) -> str | None:
        """The catalog type a district export's name means (its id or one of its words), or None."""
        word = name.strip().lower()
        if word in self.catalog_types:
            return word
        return next((t.id for t in self.types.values() if t.in_catalog and word in t.words), None)

    def level_of_grade(self, grade: str | None) -> str | None:
        """The school level a `grade` entity value asks for; another value stands for itself."""
        return next((level for level, grades in self.levels.items() if grade in grades), grade)


REGISTRY = Registry.read(REGISTRY_FILE)
PROGRAM_TYPES = REGISTRY.catalog_types  # what a catalog record's `types` may say
LEVELS = frozenset(REGISTRY.levels)  # what a catalog record's `level` may say
