"""What the knowledge base rests on: the mix of its sources, the entries that rest only on weak pages,
and the entries a person must check again. Printed by `camino kb stats` and `camino kb stale`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.knowledge import sources as source_rank
from bot.knowledge.model import Entry, Knowledge


@dataclass(frozen=True)
class Grounding:
    source_mix: dict[str, int]  # distinct URLs cited by entries, per kind
    pre_2020: int  # distinct URLs whose page is about a year before 2020
    undated: int
    weak_entries: tuple[Entry, ...]  # every source third-party or pre-2020
    stale_third_party_entries: tuple[Entry, ...]  # every source an old or undated third-party page


def grounding(knowledge: Knowledge) -> Grounding:
    registry = knowledge.sources
    urls = {url for entry in knowledge.entries for url in entry.sources}
    years = [source_rank.year_of(url, registry) for url in urls]
    return Grounding(
        source_rank.mix(urls, registry),
        sum(1 for year in years if year is not None and year < source_rank.STALE_BEFORE),
        sum(1 for year in years if year is None),
        tuple(e for e in knowledge.entries if source_rank.rests_on_weak_sources(e.sources, registry)),
        tuple(e for e in knowledge.entries if source_rank.rests_on_stale_third_party(e.sources, registry)),
    )


def stale_entries(knowledge: Knowledge, on: dt.date | None = None) -> list[Entry]:
    """Entries whose review date has passed on `on` (default today), or whose Choices cycle is over."""
    on = on or dt.date.today()
    return [
        e
        for e in knowledge.entries
        if (e.review_by and dt.date.fromisoformat(e.review_by) < on)
        or (e.cycle_ends and dt.date.fromisoformat(e.cycle_ends) < on)
    ]
