"""The dated deadlines a family can be reminded of, from knowledge/cycles.yml, chosen by topic.

Only dates the knowledge base states are used: each cycle's on-time deadline, the opening of late
applications and the accept/decline deadline, plus Open Enrollment and ELO-P summer sign-up when a cycle
carries a dated, sourced `open_enrollment_opens` / `elop_summer_signup`. A month without a day
("2026-04") is remembered as that month: the reminder says the day is not published. Nothing is guessed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bot import config
from bot.knowledge.model import Cycle
from bot.months import MONTHS

# The kinds of dated step a reminder can be about, in the order they happen.
KINDS = ("on_time_deadline", "late_opens", "accept_by", "open_enrollment_opens", "elop_summer_signup")
APPLY = ("on_time_deadline", "late_opens")
CHOICES = ("on_time_deadline", "late_opens", "accept_by")
# What a family asked about (the topic of the last answer) -> the steps worth a reminder.
TOPIC_KINDS: dict[str, tuple[str, ...]] = {
    "choices_application": APPLY,
    "choices_timeline": (*CHOICES, "open_enrollment_opens"),
    "choices_results": ("accept_by",),
    "magnet_programs": APPLY,
    "magnet_points": APPLY,
    "gifted_magnets": APPLY,
    "permits_with_transportation": APPLY,
    "sas": APPLY,
    "dual_language": APPLY,
    "transportation": APPLY,
    "neighborhood_school": ("open_enrollment_opens",),
    "elop": ("elop_summer_signup",),
}
DAYS_BEFORE = 7  # one text about a week before each date (or at the first run inside that week)
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Deadline:
    id: str  # "<cycle>:<kind>", the unit a family subscribes to and a reminder is sent for
    kind: str
    cycle: str
    day: dt.date  # the date itself, or the first of the month when only the month is known
    month_only: bool
    source: str

    @property
    def remind_from(self) -> dt.date:
        return self.day - dt.timedelta(days=DAYS_BEFORE)

    @property
    def last_day(self) -> dt.date:
        """After this day the reminder is pointless (for a month-only date: its first day, to be safe)."""
        return self.day

    def when(self, lang: str) -> str:
        """The date as a family reads it: "Nov. 13, 2027" / "13 de noviembre de 2027", or the month."""
        month = MONTHS[lang][self.day.month - 1]
        if self.month_only:
            return f"{month} {self.day.year}" if lang == "en" else f"{month} de {self.day.year}"
        if lang == "en":
            return f"{month} {self.day.day}, {self.day.year}"
        return f"{self.day.day} de {month} de {self.day.year}"


def _parse(value: str) -> tuple[dt.date, bool] | None:
    value = str(value).strip()
    try:
        if _DAY.match(value):
            return dt.date.fromisoformat(value), False
        month = _MONTH.match(value)
        if month:
            return dt.date(int(month.group(1)), int(month.group(2)), 1), True
    except ValueError:
        return None
    return None


def from_cycles(cycles: Iterable[Cycle]) -> list[Deadline]:
    """Every dated step of every cycle that has a source, in date order."""
    found = []
    for cycle in cycles:
        if not cycle.sources:
            continue
        for kind in KINDS:
            parsed = _parse(cycle.dates[kind]) if kind in cycle.dates else None
            if parsed:
                found.append(Deadline(f"{cycle.id}:{kind}", kind, cycle.id, parsed[0], parsed[1], cycle.sources[0]))
    return sorted(found, key=lambda d: (d.day, KINDS.index(d.kind)))


def load(knowledge_dir: Path | None = None) -> list[Deadline]:
    """The deadlines of knowledge/cycles.yml (or another knowledge dir's); problems in the file leave
    out what they touch (`camino kb validate` reports them)."""
    from bot.knowledge.files import read_cycles

    return from_cycles(read_cycles((knowledge_dir or config.knowledge_dir()) / "cycles.yml", []).values())


def upcoming(deadlines: Iterable[Deadline], today: dt.date, topic: str | None = None) -> list[Deadline]:
    """The deadlines still ahead on `today` (Los Angeles date) that the topic makes worth a reminder;
    no topic, or one not about a dated step: the Choices application's."""
    kinds = TOPIC_KINDS.get(topic or "", CHOICES)
    return [d for d in deadlines if d.kind in kinds and d.last_day >= today]


def by_id(deadlines: Iterable[Deadline]) -> dict[str, Deadline]:
    return {d.id: d for d in deadlines}
