"""Importing a district program export (CSV file or URL) into the catalog.

Imported rows are checked like curated ones; rejected rows are reported with their line number and
reason. Importing the same export twice changes nothing, and a curated record (same id, or the same
school by name) is never overwritten.
"""

from __future__ import annotations

import csv
import io
import re
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import requests

from bot.knowledge.catalog import Catalog
from bot.knowledge.files import SCHOOL_YEAR, URL, School
from bot.knowledge.program_types import LEVELS, REGISTRY

MAX_BYTES = 5 * 1024 * 1024
TIMEOUT_S = 15
LOOPBACK = {"localhost", "127.0.0.1", "::1"}

# Column names seen in district exports, to ours.
COLUMNS = {
    "name": {"name", "school", "school_name", "school name", "program_name", "program name"},
    "type": {"type", "program_type", "program type", "program", "types"},
    "level": {"level", "school_level", "school level"},
    "grades": {"grades", "grade_span", "grade span", "grade levels"},
    "region": {"region", "local_district", "local district", "ld"},
    "address": {"address", "street_address", "street address"},
    "phone": {"phone", "telephone", "phone_number", "phone number"},
    "source": {"source", "source_url", "source url", "url", "website"},
    "as_of": {"as_of", "school_year", "school year", "year"},
    "aliases": {"aliases", "short_names", "short names", "also_known_as"},
}


class ImportError_(Exception):
    """The export could not be read at all (bad URL, too large, not CSV)."""


@dataclass
class Report:
    accepted: list[School] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)


def slug(name: str) -> str:
    from bot.language import fold

    return re.sub(r"[^a-z0-9]+", "_", fold(name).replace("ñ", "n")).strip("_")[:100]


def fetch(location: str) -> str:
    """The export's text, from a local file or an https URL (http only on this machine), size-capped."""
    parsed = urllib.parse.urlparse(location)
    if parsed.scheme in ("http", "https"):
        if parsed.scheme == "http" and parsed.hostname not in LOOPBACK:
            raise ImportError_("only https URLs are accepted (plain http only from this machine)")
        try:
            with requests.get(location, timeout=TIMEOUT_S, stream=True) as response:
                response.raise_for_status()
                chunks, size = [], 0
                for chunk in response.iter_content(64 * 1024):
                    size += len(chunk)
                    if size > MAX_BYTES:
                        raise ImportError_(f"the export is larger than {MAX_BYTES // (1024 * 1024)} MB")
                    chunks.append(chunk)
        except requests.RequestException as error:
            raise ImportError_(f"could not download the export: {error.__class__.__name__}") from None
        data = b"".join(chunks)
    elif parsed.scheme in ("", "file"):
        path = Path(parsed.path if parsed.scheme == "file" else location)
        if not path.is_file():
            raise ImportError_(f"no such file: {path}")
        if path.stat().st_size > MAX_BYTES:
            raise ImportError_(f"the export is larger than {MAX_BYTES // (1024 * 1024)} MB")
        data = path.read_bytes()
    else:
        raise ImportError_(f"unsupported location {location!r}: give a CSV file or an https URL")
    if b"\0" in data[:4096]:
        raise ImportError_("the export is not a text (CSV) file")
    return data.decode("utf-8-sig", errors="replace")


def _column_map(header: list[str]) -> dict[str, int]:
    found = {}
    for index, title in enumerate(header):
        key = title.strip().lower()
        for ours, names in COLUMNS.items():
            if key in names and ours not in found:
                found[ours] = index
    return found


def _program_types(value: str) -> tuple[list[str], list[str]]:
    types: list[str] = []
    unknown: list[str] = []
    for part in re.split(r"[;|,]", value):
        if not part.strip():
            continue
        kind = REGISTRY.from_export(part)
        (types if kind else unknown).append(kind or part.strip())
    return types, unknown


def parse(text: str) -> Report:
    """Rows to School records; one record per school, its program types merged."""
    report = Report()
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise ImportError_("the export is empty")
    columns = _column_map(rows[0])
    missing = [c for c in ("name", "type", "source", "as_of") if c not in columns]
    if missing:
        raise ImportError_(f"the export has no column for: {', '.join(missing)}")
    merged: dict[str, School] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue

        def cell(key: str, row: list[str] = row) -> str:
            return row[columns[key]].strip() if key in columns and columns[key] < len(row) else ""

        name, source, as_of = cell("name"), cell("source"), cell("as_of")
        types, unknown = _program_types(cell("type"))
        level = cell("level").lower() or None
        problem = None
        if not name:
            problem = "no school name"
        elif unknown or not types:
            problem = f"unknown program type {', '.join(unknown) or '(empty)'}"
        elif not URL.match(source):
            problem = f"source is not a well-formed URL: {source!r}"
        elif not SCHOOL_YEAR.match(as_of) or (int(as_of[:4]) + 1) % 100 != int(as_of[5:]):
            problem = f"school year must look like 2025-26, not {as_of!r}"
        elif level and level not in LEVELS:
            problem = f"unknown level {level!r}"
        if problem:
            report.rejected.append((line, problem))
            continue
        extra = {k: cell(k) for k in ("grades", "region", "address", "phone") if cell(k)}
        school_id = slug(name)
        previous = merged.get(school_id)
        if previous:
            types = list(dict.fromkeys([*previous.types, *types]))
            extra = {**previous.extra, **extra}
        aliases = tuple(a.strip() for a in re.split(r"[;|]", cell("aliases")) if a.strip())
        merged[school_id] = School(
            school_id,
            name,
            aliases or (previous.aliases if previous else ()),
            tuple(types),
            level or (previous.level if previous else None),
            tuple(dict.fromkeys([*(previous.sources if previous else ()), source])),
            as_of,
            extra,
        )
    report.accepted = list(merged.values())
    return report


def curated_twin(school: School, curated: Catalog) -> School | None:
    """A curated record that is the same school (same id, or the same name once short forms are read)."""
    for record in curated.schools:
        if record.id == school.id:
            return record
    matches = curated.find(school.name, limit=1)
    return matches[0].school if matches and matches[0].score >= 0.99 else None
