"""How much a source can be trusted: its kind (official, school, news, third-party) and its year.

Families see the best source first, and an entry that rests only on third-party or old pages is
flagged so that a person replaces the source or the answer tells the family to confirm with an office.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlparse

KINDS = ("official", "school", "news", "third_party")
STALE_BEFORE = 2020  # a page about a year before this is too old to be the only support of a current rule

_OFFICIAL_HOSTS = (
    "lausd.org",
    "www.lausd.org",
    "achieve.lausd.net",
    "echoices.lausd.net",
    "choices.lausd.net",
    "home.lausd.net",
    "apply.lausd.net",
    "rsi.lausd.net",
    "gate.lausd.org",
    "zoc.lausd.org",
    "schoolcounseling.lausd.org",
    "instruction.lausd.org",
    "lausd.net",
    "www.lausd.net",
)
_OFFICIAL_SUFFIXES = (".ca.gov", "universityofcalifornia.edu", "ucop.edu", "calstate.edu", ".gov")
_SCHOOL_SUFFIXES = (".lausd.org", ".lausd.net", ".schoolwires.net", ".schoolloop.com", ".k12.ca.us")
_NEWS_HOSTS = (
    "latimes.com",
    "laist.com",
    "laschoolreport.com",
    "edsource.org",
    "chalkbeat.org",
    "cbsnews.com",
    "dailynews.com",
    "sanfernandosun.com",
    "edweek.org",
    "the74million.org",
    "nbclosangeles.com",
    "abc7.com",
    "ktla.com",
    "lamag.com",
    "latimes.com",
    "calmatters.org",
    "kqed.org",
    "dailybreeze.com",
)


def host(url: str) -> str:
    return (urlparse(url).hostname or "").lower()


def default_kind(url: str) -> str:
    """The kind a URL's domain suggests; knowledge/sources.yml overrides it where the domain misleads."""
    name = host(url)
    if name in _OFFICIAL_HOSTS or name.endswith(_OFFICIAL_SUFFIXES):
        return "official"
    if name.endswith(_SCHOOL_SUFFIXES):
        return "school"
    if any(name == news or name.endswith("." + news) for news in _NEWS_HOSTS):
        return "news"
    if url.startswith("seed:"):
        return "third_party"
    return "third_party"


def kind_of(url: str, registry: Mapping[str, Mapping[str, Any]]) -> str:
    return str((registry.get(url) or {}).get("kind") or default_kind(url))


def year_of(url: str, registry: Mapping[str, Mapping[str, Any]]) -> int | None:
    year = (registry.get(url) or {}).get("year")
    return int(year) if isinstance(year, int) or (isinstance(year, str) and year.isdigit()) else None


def rank(sources: Iterable[str], registry: Mapping[str, Mapping[str, Any]]) -> tuple[str, ...]:
    """Sources best first: by kind, then newest first (undated after dated), keeping the given order on ties."""
    listed = list(dict.fromkeys(sources))
    return tuple(
        sorted(
            listed,
            key=lambda url: (KINDS.index(kind_of(url, registry)), -(year_of(url, registry) or 0), listed.index(url)),
        )
    )


def is_weak(url: str, registry: Mapping[str, Mapping[str, Any]]) -> bool:
    """Third-party, or dated before STALE_BEFORE: not enough alone for a current rule."""
    year = year_of(url, registry)
    return kind_of(url, registry) == "third_party" or (year is not None and year < STALE_BEFORE)


def rests_on_weak_sources(sources: Iterable[str], registry: Mapping[str, Mapping[str, Any]]) -> bool:
    listed = list(sources)
    return bool(listed) and all(is_weak(url, registry) for url in listed)


def rests_on_stale_third_party(sources: Iterable[str], registry: Mapping[str, Mapping[str, Any]]) -> bool:
    """Every source is a third-party page that is old or undated: never acceptable."""
    listed = list(sources)
    return bool(listed) and all(
        kind_of(url, registry) == "third_party" and (year_of(url, registry) or 0) < STALE_BEFORE for url in listed
    )


def mix(all_sources: Iterable[str], registry: Mapping[str, Mapping[str, Any]]) -> dict[str, int]:
    """How many distinct URLs of each kind."""
    counts = dict.fromkeys(KINDS, 0)
    for url in set(all_sources):
        counts[kind_of(url, registry)] += 1
    return counts
