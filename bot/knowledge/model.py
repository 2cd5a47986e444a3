"""The knowledge base's data model: what the files hold once read, checked and rendered.

Kept apart from reading and validation (files.py) so the store, search and answers depend only on this.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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
    sources: tuple[str, ...]  # best first: official, school, news, third-party; newer first
    as_of: str
    changes_yearly: bool
    facts: dict[str, str] = field(default_factory=dict)  # figure -> the source URL that states it
    review_by: str | None = None  # ISO date: a person checks it again by then
    cycle: str | None = None  # the Choices cycle its dates belong to
    cycle_ends: str | None = None  # ISO date after which that cycle is history
    confirm: dict[str, str] = field(default_factory=dict)  # lang -> "Office, phone" to confirm with


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
    level: str | None
    sources: tuple[str, ...]
    as_of: str
    extra: dict[str, Any] = field(default_factory=dict)  # cohort, dual_language, grades, region, address, phone


@dataclass(frozen=True)
class Contact:
    """One office a family can call, from knowledge/contacts.yml."""

    id: str
    name: dict[str, str]
    phone: str
    handles: dict[str, str]
    sources: tuple[str, ...]
    checked: str
    hours: dict[str, str] = field(default_factory=dict)

    def render(self, lang: str) -> str:
        return f"{self.name[lang]}, {self.phone}"


@dataclass(frozen=True)
class Cycle:
    """One Choices application cycle, named by the school year students attend."""

    id: str
    ends: str
    dates: dict[str, str]
    sources: tuple[str, ...]


@dataclass
class Knowledge:
    topics: dict[str, Topic]
    schools: dict[str, School]
    problems: list[Problem]
    contacts: dict[str, Contact] = field(default_factory=dict)
    cycles: dict[str, Cycle] = field(default_factory=dict)
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)  # URL -> {kind, year}
    coverage: list[Any] = field(default_factory=list)  # coverage.CoveredQuestion

    @property
    def entries(self) -> list[Entry]:
        return [entry for topic in self.topics.values() for entry in topic.entries]
