"""Options finder: the programs one child can apply to next school year, by which route, by when, with examples.

The rules and their sources are data (knowledge/tools/options.yml); the Choices dates are knowledge/cycles.yml.
This module only applies them. A date is given only when a sourced cycle has one still ahead of `today`;
otherwise the family gets the usual pattern and where the dates are posted. The neighborhood school is never
guessed: the family is sent to the District's Resident School Identifier.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot import config, months
from bot.language import fold

GRADES = ("TK", "K", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12")
LANGS = ("en", "es")
RESIDENCE = ("lausd", "permit", "open")
ZIP = re.compile(r"^\d{5}$")
ADDRESS_ZIP = re.compile(r"\b(9\d{4})\b")
MAX_SCHOOLS = 5
# The school year "next year" means: from August 1 (LAUSD's year starts in August) the one after the current.
NEW_SCHOOL_YEAR_MONTH = 8
LEVEL_GRADES = {"elementary": ("TK", "5"), "middle": ("6", "8"), "high": ("9", "12")}

MONTHS = months.MONTHS

TEXT: dict[str, dict[str, str]] = {
    # routes
    "route.choices": {
        "en": "Choices application (choices.lausd.net)",
        "es": "Solicitud de Choices (choices.lausd.net)",
    },
    "route.zones_of_choice": {
        "en": "Zones of Choice application (apply.lausd.net)",
        "es": "Solicitud de Zonas de Opción (Zones of Choice, apply.lausd.net)",
    },
    "route.open_enrollment": {
        "en": "Open Enrollment application (apply.lausd.net)",
        "es": "Solicitud de Open Enrollment (inscripción abierta, apply.lausd.net)",
    },
    "route.charter_lottery": {
        "en": "Each charter school's own application and lottery",
        "es": "La solicitud y el sorteo propios de cada escuela chárter",
    },
    "route.school": {"en": "Directly at the school", "es": "Directamente en la escuela"},
    # next dates
    "on_time_window": {
        "en": "On-time applications for the {cycle} school year: {opens} to {date}.",
        "es": "Solicitudes a tiempo para el ciclo escolar {cycle}: del {opens} al {date}.",
    },
    "on_time_deadline": {
        "en": "On-time deadline for the {cycle} school year: {date}.",
        "es": "Fecha límite de las solicitudes a tiempo para el ciclo escolar {cycle}: {date}.",
    },
    "route_deadline": {
        "en": "Deadline for the {cycle} school year: {date}.",
        "es": "Fecha límite para el ciclo escolar {cycle}: {date}.",
    },
    "late_opens": {
        "en": "The on-time deadline for the {cycle} school year ({passed}) has passed. Late applications "
        "open {date}; they are placed in the order received, only where seats remain, and earn "
        "no magnet points.",
        "es": "Ya pasó la fecha límite de las solicitudes a tiempo para el ciclo escolar {cycle} "
        "({passed}). Las solicitudes tardías se abren el {date}; se atienden en el orden en que "
        "llegan, solo donde quedan lugares, y no reciben puntos de magnet.",
    },
    "late_open_now": {
        "en": "The on-time deadline for the {cycle} school year has passed; late applications are "
        "placed in the order received, only where seats remain, and earn no magnet points. "
        "choices.lausd.net lists the programs that still have seats.",
        "es": "Ya pasó la fecha límite de las solicitudes a tiempo para el ciclo escolar {cycle}; las "
        "solicitudes tardías se atienden en el orden en que llegan, solo donde quedan lugares, y "
        "no reciben puntos de magnet. choices.lausd.net indica los programas que aún tienen "
        "lugares.",
    },
    "cycle_over": {
        "en": "The application dates we have for the {cycle} school year have all passed. "
        "choices.lausd.net lists the programs that still have seats; late applications are placed "
        "in the order received, only where seats remain.",
        "es": "Ya pasaron todas las fechas de solicitud que tenemos para el ciclo escolar {cycle}. "
        "choices.lausd.net indica los programas que aún tienen lugares; las solicitudes tardías se "
        "atienden en el orden en que llegan, solo donde quedan lugares.",
    },
    "pattern.choices": {
        "en": "We don't have the dates for the {cycle} school year yet: LAUSD posts them at "
        "choices.lausd.net. Usually the on-time window runs from October to mid-November, and "
        "late applications open in early February.",
        "es": "Todavía no tenemos las fechas del ciclo escolar {cycle}: LAUSD las publica en "
        "choices.lausd.net. Normalmente las solicitudes a tiempo se reciben de octubre a "
        "mediados de noviembre, y las tardías se abren a principios de febrero.",
    },
    "pattern.zones_of_choice": {
        "en": "Zones of Choice dates for the {cycle} school year are posted at apply.lausd.net "
        "and zoc.lausd.org. Usually the application is taken in the fall, in the same "
        "window as Choices (October to mid-November).",
        "es": "Las fechas de Zonas de Opción para el ciclo escolar {cycle} se publican en "
        "apply.lausd.net y zoc.lausd.org. Normalmente la solicitud se recibe en otoño, "
        "en el mismo periodo que Choices (de octubre a mediados de noviembre).",
    },
    "pattern.open_enrollment": {
        "en": "Open Enrollment dates for the {cycle} school year are posted at "
        "apply.lausd.net. Usually it runs from late April to mid-May.",
        "es": "Las fechas de Open Enrollment para el ciclo escolar {cycle} se publican en "
        "apply.lausd.net. Normalmente es de finales de abril a mediados de mayo.",
    },
    "pattern.charter_lottery": {
        "en": "Each independent charter sets its own application and lottery dates, often "
        "between October and February: check each school's website or call it.",
        "es": "Cada escuela chárter independiente fija sus propias fechas de solicitud y de "
        "sorteo, a menudo entre octubre y febrero: revise la página web de cada escuela "
        "o llame.",
    },
    "phase.window": {
        "en": "If this cycle follows the usual pattern, the on-time window is open now; confirm the "
        "exact deadline first.",
        "es": "Si este ciclo sigue el patrón habitual, el periodo de solicitudes a tiempo está abierto "
        "ahora; primero confirme la fecha límite exacta.",
    },
    "phase.after_window": {
        "en": "If this cycle follows the usual pattern, the on-time window has already closed.",
        "es": "Si este ciclo sigue el patrón habitual, el periodo de solicitudes a tiempo ya cerró.",
    },
    "phase.late": {
        "en": "If this cycle follows the usual pattern, late applications are already open.",
        "es": "Si este ciclo sigue el patrón habitual, las solicitudes tardías ya están abiertas.",
    },
    "phase.zones_after": {
        "en": "If this cycle follows the usual pattern, the fall window has already closed; if you "
        "missed it, use the Contact Us page on zoc.lausd.org.",
        "es": "Si este ciclo sigue el patrón habitual, el periodo de otoño ya cerró; si se le pasó, "
        "use la página de contacto (Contact Us) de zoc.lausd.org.",
    },
    # neighborhood school
    "neighborhood": {
        "en": "Every K-12 student who lives in LAUSD has a seat at the neighborhood (resident) school, "
        "with no application and no lottery. Enter your home address in LAUSD's Resident School "
        "Identifier to see it; if it shows a Zone of Choice, see zoc.lausd.org. Boundaries "
        "sometimes change, so check the exact address.",
        "es": "Todo alumno de kínder a 12.º grado que vive en LAUSD tiene lugar en la escuela de su zona "
        "(escuela de residencia), sin solicitud ni sorteo. Escriba su domicilio en el Resident "
        "School Identifier de LAUSD para verla; si aparece una Zona de Opción (Zone of Choice), "
        "vea zoc.lausd.org. Los límites a veces cambian, así que revise el domicilio exacto.",
    },
    "neighborhood_zip": {
        "en": "We don't guess the school from a ZIP code: only the exact address decides it.",
        "es": "No adivinamos la escuela por el código postal: solo el domicilio exacto la define.",
    },
    "neighborhood_outside": {
        "en": "You said you live outside LAUSD: your neighborhood school is in your own school "
        "district, so ask that district. LAUSD's Resident School Identifier only covers "
        "addresses inside LAUSD; you can use it to check whether an address is in LAUSD.",
        "es": "Usted indicó que vive fuera de LAUSD: la escuela de su zona es de su propio "
        "distrito escolar, así que pregunte en ese distrito. El Resident School Identifier "
        "de LAUSD solo abarca domicilios dentro de LAUSD; puede usarlo para ver si un "
        "domicilio está en LAUSD.",
    },
    # notes
    "school_year": {
        "en": "Options for the {cycle} school year, in {grade}.",
        "es": "Opciones para el ciclo escolar {cycle}, en {grade}.",
    },
    "outside_lausd": {
        "en": "Because you live outside LAUSD, magnets, PWT, Zones of Choice and Open Enrollment are not "
        "open to your child: they require living in LAUSD. Dual language, the International "
        "Newcomer Academy and Unique Education Pathways accept students from outside LAUSD with "
        "an inter-district permit; affiliated charters need no permit; independent charters take "
        "applications directly.",
        "es": "Como usted vive fuera de LAUSD, las magnet, PWT, Zonas de Opción y Open Enrollment no "
        "están abiertas para su hijo: exigen vivir en LAUSD. Los programas de lenguaje dual, la "
        "International Newcomer Academy y los Unique Education Pathways aceptan alumnos de fuera "
        "de LAUSD con un permiso entre distritos (inter-district permit); las escuelas chárter "
        "afiliadas no piden permiso; las escuelas chárter independientes reciben solicitudes "
        "directamente.",
    },
    "sas_outside": {
        "en": "We found no rule on whether SAS programs take students from outside LAUSD: ask the SAS school.",
        "es": "No encontramos ninguna regla sobre si los programas SAS aceptan alumnos de fuera de LAUSD: "
        "pregunte en la escuela SAS.",
    },
    "iep": {
        "en": "With an IEP, your child may apply to any Choices program on the same terms as everyone else. Before "
        "accepting a seat, ask the school how it will provide the IEP services; transportation written into "
        "the IEP is provided automatically.",
        "es": "Con un IEP, su hijo puede solicitar cualquier programa de Choices en las mismas condiciones que los "
        "demás. Antes de aceptar un lugar, pregunte a la escuela cómo dará los servicios del IEP; el "
        "transporte que está en el IEP se da automáticamente.",
    },
    "english_learner": {
        "en": "English learners may apply to every Choices program. Dual language placements are "
        "provisional until the District confirms the student's language classification.",
        "es": "Los aprendices de inglés pueden solicitar todos los programas de Choices. Los lugares "
        "en programas de lenguaje dual son provisionales hasta que el Distrito confirma la "
        "clasificación de idioma del alumno.",
    },
    "new_level": {
        "en": "Moving up a level (elementary to middle, middle to high school) needs a new application, "
        "even for students already in a magnet.",
        "es": "Pasar al siguiente nivel (de primaria a secundaria, de secundaria a preparatoria) requiere "
        "una nueva solicitud, aunque el alumno ya esté en una magnet.",
    },
    "catalog": {
        "en": "The schools listed are examples from Camino's catalog, not every school with the program; "
        "choices.lausd.net has them all. Confirm grades and details with each school.",
        "es": "Las escuelas de la lista son ejemplos del catálogo de Camino, no todas las escuelas que tienen "
        "el programa; choices.lausd.net las tiene todas. Confirme los grados y los detalles con cada "
        "escuela.",
    },
    "zip_order": {
        "en": "Schools with a sourced address in ZIP code {zip} are listed first; most catalog schools have "
        "no address on file, so others may be near you too.",
        "es": "Las escuelas con domicilio confirmado en el código postal {zip} aparecen primero; la mayoría "
        "de las escuelas del catálogo no tienen domicilio registrado, así que puede haber otras cerca "
        "de usted.",
    },
    "district_order": {
        "en": 'Schools whose sourced local district matches "{district}" are listed first; LAUSD has '
        "reorganized its local districts, so these names are historical.",
        "es": 'Las escuelas cuyo distrito local confirmado coincide con "{district}" aparecen '
        "primero; LAUSD ha reorganizado sus distritos locales, así que esos nombres son "
        "históricos.",
    },
    "interest_none": {
        "en": 'No program on this list matches "{interest}" for this child.',
        "es": 'Ningún programa de esta lista coincide con "{interest}" para este niño.',
    },
    # CLI
    "grade.TK": {"en": "TK", "es": "TK"},
    "grade.K": {"en": "kindergarten", "es": "kínder"},
    "grade.n": {"en": "grade {n}", "es": "{n}.º grado"},
    "heading.neighborhood": {"en": "Neighborhood school", "es": "Escuela de su zona"},
    "heading.next": {"en": "Next date", "es": "Próxima fecha"},
    "heading.schools": {"en": "Examples", "es": "Ejemplos"},
    "heading.notes": {"en": "Notes", "es": "Notas"},
}


@dataclass(frozen=True)
class Rules:
    programs: tuple[dict[str, Any], ...]
    routes: dict[str, dict[str, Any]]
    interests: dict[str, dict[str, Any]]
    notes: dict[str, tuple[str, ...]]
    links: dict[str, str]
    neighborhood: dict[str, Any]
    sources: tuple[str, ...]
    as_of: str
    review_by: str


@dataclass(frozen=True)
class CycleDates:
    id: str
    dates: dict[str, str]  # key -> "YYYY-MM-DD" or "YYYY-MM" (month known, day not)
    ends: str | None
    sources: tuple[str, ...]


def rules_from_data(data: Mapping[str, Any]) -> Rules:
    programs = tuple(dict(p) for p in data["programs"])
    for program in programs:
        if program["residence"] not in RESIDENCE:
            raise ValueError(f"options.yml: {program['id']}: unknown residence {program['residence']!r}")
        if program["route"] not in data["routes"]:
            raise ValueError(f"options.yml: {program['id']}: unknown route {program['route']!r}")
        grade_set(program["grades"])  # fails early on a bad grade spec
    return Rules(
        programs,
        {k: dict(v) for k, v in data["routes"].items()},
        {k: dict(v) for k, v in (data.get("interests") or {}).items()},
        {k: tuple(v or ()) for k, v in (data.get("notes") or {}).items()},
        dict(data.get("links") or {}),
        dict(data.get("neighborhood_school") or {}),
        tuple(data["sources"]),
        str(data["as_of"]),
        str(data.get("review_by", "")),
    )


@lru_cache(maxsize=4)
def load_rules(path: Path | None = None) -> Rules:
    path = path or config.knowledge_dir() / "tools" / "options.yml"
    return rules_from_data(yaml.safe_load(render_contacts(path.read_text("utf-8"))))


def render_contacts(text: str) -> str:
    """Phone numbers come from knowledge/contacts.yml: {phone:ID} is filled in here (names stay in the text,
    in its language)."""
    from bot.knowledge.files import Problem, read_contacts, render

    problems: list[Problem] = []
    contacts = read_contacts(config.knowledge_dir() / "contacts.yml", problems)
    return render(text, "en", contacts)


def _cycle_dates(raw: Any) -> dict[str, CycleDates]:
    """Cycles from any of: a cycles.yml mapping, its list, or the knowledge base's {id: Cycle}."""
    if raw is None:
        return {}
    if isinstance(raw, Mapping) and "cycles" in raw:
        raw = raw["cycles"]
    items: list[Any] = list(raw.values()) if isinstance(raw, Mapping) else list(raw)
    cycles: dict[str, CycleDates] = {}
    for item in items:
        if hasattr(item, "dates"):  # bot.knowledge.model.Cycle
            cycle = CycleDates(
                str(item.id), {k: str(v) for k, v in item.dates.items()}, str(item.ends), tuple(item.sources)
            )
        elif isinstance(item, Mapping) and item.get("id"):
            dates = {str(k): str(v) for k, v in item.items() if k not in ("id", "ends", "sources") and v is not None}
            cycle = CycleDates(
                str(item["id"]),
                dates,
                str(item["ends"]) if item.get("ends") else None,
                tuple(item.get("sources") or ()),
            )
        else:
            continue
        cycles[cycle.id] = cycle
    return cycles


def load_cycles(path: Path | None = None) -> dict[str, CycleDates]:
    """knowledge/cycles.yml, or no cycles at all when the file is absent or unreadable."""
    path = path or config.knowledge_dir() / "cycles.yml"
    try:
        return _cycle_dates(yaml.safe_load(path.read_text("utf-8")) or {})
    except (OSError, yaml.YAMLError):
        return {}


# ---- input checks -----------------------------------------------------------------------------------------


def parse_grade(grade: Any) -> str:
    """ "TK", "K" or "1".."12" (case and spaces ignored; 1-12 may be a number)."""
    if isinstance(grade, bool):
        raise ValueError(f"grade must be TK, K or 1-12, not {grade!r}")
    text = str(grade).strip().upper()
    if text.isdigit():
        text = str(int(text)) if text != "0" else text
    if text not in GRADES:
        raise ValueError(f"grade must be TK, K or 1-12, not {grade!r}")
    return text


def parse_zip(zip_code: Any) -> str | None:
    if zip_code is None or zip_code == "":
        return None
    text = str(zip_code).strip()
    if not ZIP.match(text):
        raise ValueError(f"ZIP code must be 5 digits, like 90011, not {zip_code!r}")
    return text


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except (TypeError, ValueError):
        raise ValueError(f"date must look like 2026-12-02, not {text!r}") from None


def grade_set(spec: Any) -> set[str]:
    """The grades of a spec: "TK-12", "6-12", "9", "TK", or a list of such."""
    if isinstance(spec, (list, tuple)):
        return set().union(*(grade_set(s) for s in spec)) if spec else set()
    text = str(spec).strip().upper()
    low, _, high = text.partition("-")
    low, high = parse_grade(low), parse_grade(high or low)
    i, j = GRADES.index(low), GRADES.index(high)
    if i > j:
        raise ValueError(f"grade range {spec!r} runs backwards")
    return set(GRADES[i : j + 1])


# ---- dates --------------------------------------------------------------------------------------------------


def school_year_for(today: date) -> tuple[int, str]:
    """The school year "next year" means on `today`, as (start year, "2027-28")."""
    start = today.year + 1 if today.month >= NEW_SCHOOL_YEAR_MONTH else today.year
    return start, f"{start}-{(start + 1) % 100:02d}"


def _day(value: str) -> tuple[date, bool]:
    """(first day it could be, whether the day is known) for "YYYY-MM-DD" or "YYYY-MM"."""
    if len(value) == 7:
        year, month = int(value[:4]), int(value[5:7])
        return date(year, month, 1), False
    return date.fromisoformat(value[:10]), True


def upcoming(value: str | None, today: date) -> bool:
    """Whether a sourced date is still ahead (a deadline counts on its own day). A month without a day
    counts only before that month starts: "early April" may be over on April 10."""
    if not value:
        return False
    try:
        day, exact = _day(value)
    except ValueError:
        return False
    return day >= today if exact else day > today


def format_date(value: str | None, lang: str) -> str:
    if not value:
        return ""
    day, exact = _day(value)
    month = MONTHS[lang][day.month - 1]
    if not exact:
        return f"{month} {day.year}" if lang == "en" else f"{month} de {day.year}"
    return f"{month} {day.day}, {day.year}" if lang == "en" else f"{day.day} de {month} de {day.year}"


def _phase(start: int, today: date) -> str:
    """Where `today` falls in the usual yearly pattern of the cycle for the school year starting in `start`."""
    fall = start - 1
    if today < date(fall, 10, 1):
        return "before"
    if today <= date(fall, 11, 15):
        return "window"
    if today < date(start, 2, 1):
        return "after_window"
    return "late"


def next_deadline(
    route: str, *, start: int, cycle_id: str, today: date, cycles: Mapping[str, CycleDates], rules: Rules, lang: str
) -> dict[str, Any] | None:
    """The route's next date for the school year `cycle_id`, a usual pattern, or None if the route has none."""
    spec = rules.routes[route]
    if route == "school":
        return None
    url = spec.get("url")
    sources = list(spec.get("sources") or [])

    def result(kind: str, text: str, value: str | None = None, extra: Iterable[str] = ()) -> dict[str, Any]:
        return {
            "kind": kind,
            "date": value,
            "cycle": cycle_id,
            "text": text,
            "url": url,
            "sources": list(dict.fromkeys([*extra, *sources])),
        }

    if route == "charter_lottery":
        return result("school_dates", TEXT["pattern.charter_lottery"][lang])
    cycle = cycles.get(cycle_id)
    over = cycle is not None and cycle.ends is not None and not upcoming(cycle.ends, today)
    if cycle is not None and over and route == "choices":
        return result("cycle_over", TEXT["cycle_over"][lang].format(cycle=cycle_id), None, cycle.sources)
    if cycle is not None and not over:
        keys = spec.get("cycle_keys") or []
        dates = cycle.dates
        for key in keys:
            value = dates.get(key)
            if not upcoming(value, today):
                continue
            if key == "on_time_deadline":
                opens = dates.get("on_time_opens")
                if opens and upcoming(opens, today):
                    text = TEXT["on_time_window"][lang].format(
                        cycle=cycle_id, opens=format_date(opens, lang), date=format_date(value, lang)
                    )
                else:
                    text = TEXT["on_time_deadline"][lang].format(cycle=cycle_id, date=format_date(value, lang))
            elif key == "late_opens":
                passed = dates.get("on_time_deadline")
                text = TEXT["late_opens"][lang].format(
                    cycle=cycle_id, date=format_date(value, lang), passed=format_date(passed, lang) if passed else ""
                )
                text = text.replace(" ()", "")
            else:
                text = TEXT["route_deadline"][lang].format(cycle=cycle_id, date=format_date(value, lang))
            return result(key, text, value, cycle.sources)
        late = dates.get("late_opens")
        if route == "choices" and late and not upcoming(late, today):
            return result("late_open_now", TEXT["late_open_now"][lang].format(cycle=cycle_id), None, cycle.sources)
    text = TEXT[f"pattern.{route}"][lang].format(cycle=cycle_id)
    phase = _phase(start, today)
    if route == "choices" and phase != "before":
        text += " " + TEXT[f"phase.{phase}"][lang]
    elif route == "zones_of_choice" and phase in ("after_window", "late"):
        text += " " + TEXT["phase.zones_after"][lang]
    return result("pattern", text)


# ---- catalog ------------------------------------------------------------------------------------------------


def _school_grades(school: Any) -> set[str] | None:
    """The grades a catalog school serves, from its sourced grades or else its level; None if unknown."""
    grades = school.extra.get("grades") if isinstance(getattr(school, "extra", None), dict) else None
    if grades:
        text = str(grades).strip().upper().replace("PRESCHOOL", "TK").replace("PK", "TK")
        try:
            found = grade_set(text)
        except ValueError:
            return None
        if "K" in found:
            found.add("TK")  # elementary schools take UTK students
        return found
    if school.level in LEVEL_GRADES:
        return grade_set("-".join(LEVEL_GRADES[school.level]))
    return None


def _schools_of(catalog: Any) -> list[Any]:
    if catalog is None:
        from bot.knowledge.base import get_kb

        catalog = get_kb().catalog
    return list(catalog.schools if hasattr(catalog, "schools") else catalog)


def _pick_schools(
    schools: list[Any],
    program: Mapping[str, Any],
    grade: str,
    zip_code: str | None,
    district: str | None,
    languages: set[str],
    words: set[str],
) -> list[dict[str, Any]]:
    types = set(program.get("types") or ())
    if not types:
        return []
    picked = []
    for school in schools:
        if not types.intersection(school.types):
            continue
        served = _school_grades(school)
        if served is None or grade not in served:
            continue
        offered = {fold(str(x)) for x in school.extra.get("dual_language") or []}
        if program["id"] == "dual_language" and languages and not languages & offered:
            continue
        matches = []
        address = str(school.extra.get("address", ""))
        if zip_code and zip_code in ADDRESS_ZIP.findall(address):
            matches.append("zip")
        region = fold(str(school.extra.get("region", "")))
        if district and region and all(re.search(rf"\b{re.escape(w)}\b", region) for w in district.split()):
            matches.append("local_district")
        if "dual_language" in types and languages & offered:
            matches.append("language")
        if words and words & set(re.findall(r"[a-z0-9]+", fold(school.name))):
            matches.append("interest")
        picked.append((school, matches))
    order = {"zip": 0, "local_district": 1, "language": 2, "interest": 3}
    picked.sort(key=lambda item: (min((order[m] for m in item[1]), default=9), -len(item[1]), item[0].name))
    return [
        {"id": s.id, "name": s.name, "grades": s.extra.get("grades"), "matches": m, "sources": list(s.sources)}
        for s, m in picked[:MAX_SCHOOLS]
    ]


# ---- the finder ---------------------------------------------------------------------------------------------


def _when(condition: Mapping[str, Any], child: Mapping[str, Any]) -> bool:
    for key, wanted in (condition or {}).items():
        if key == "grades":
            if child["grade"] not in grade_set(wanted):
                return False
        elif child.get(key) != wanted:
            return False
    return True


def _grade_label(grade: str, lang: str) -> str:
    return TEXT[f"grade.{grade}"][lang] if grade in ("TK", "K") else TEXT["grade.n"][lang].format(n=grade)


def find_options(
    *,
    grade: Any,
    in_lausd: bool = True,
    zip_code: str | None = None,
    local_district: str | None = None,
    english_learner: bool = False,
    iep: bool = False,
    gate: bool = False,
    interests: Iterable[str] = (),
    lang: str = "en",
    today: date | None = None,
    catalog: Any = None,
    cycles: Any = None,
    rules: Rules | None = None,
) -> dict[str, Any]:
    """The options for one child next school year as {"school_year", "programs", "neighborhood_school",
    "notes", "as_of", "sources"}, texts in `lang`.

    `grade` is the grade next year (TK, K, 1-12). `catalog` is a Catalog or School records (default: the
    knowledge base's); `cycles` the Choices cycles (default: knowledge/cycles.yml, none if absent).
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}")
    grade = parse_grade(grade)
    zip_code = parse_zip(zip_code)
    if local_district is not None and (not str(local_district).strip() or len(str(local_district)) > 60):
        raise ValueError('local district must be a name like "West" or "Northwest", up to 60 characters')
    district = fold(str(local_district)).strip() if local_district else None
    rules = rules or load_rules()
    if isinstance(interests, str):
        interests = [interests]
    wanted = [fold(str(i)).strip().replace(" ", "_").replace("-", "_") for i in interests]
    unknown = [i for i in wanted if i not in rules.interests]
    if unknown:
        raise ValueError(f"unknown interest {unknown[0]!r}; one of {', '.join(rules.interests)}")
    today = today or date.today()
    if not isinstance(today, date):
        today = parse_date(str(today))
    cycle_map = load_cycles() if cycles is None else _cycle_dates(cycles)
    start, cycle_id = school_year_for(today)
    schools = _schools_of(catalog)
    child = {
        "grade": grade,
        "in_lausd": bool(in_lausd),
        "el": bool(english_learner),
        "iep": bool(iep),
        "gate": bool(gate),
    }

    languages = {lang_ for i in wanted for lang_ in rules.interests[i].get("languages") or ()}
    words = {w for i in wanted for w in rules.interests[i].get("name_words") or ()}
    favored = [p for i in wanted for p in rules.interests[i].get("programs") or ()]

    programs: list[dict[str, Any]] = []
    for program in rules.programs:
        if grade not in grade_set(program["grades"]):
            continue
        if not in_lausd and program["residence"] == "lausd":
            continue
        if not _when(program.get("requires") or {}, child):
            continue
        why = " ".join(note[lang] for note in program.get("why") or [] if _when(note.get("when") or {}, child))
        route = program["route"]
        programs.append(
            {
                "id": program["id"],
                "name": program["name"][lang],
                "route": route,
                "route_text": TEXT[f"route.{route}"][lang],
                "text": f"{program['name'][lang]}: {TEXT[f'route.{route}'][lang]}",  # one line for chat
                "next_deadline": next_deadline(
                    route, start=start, cycle_id=cycle_id, today=today, cycles=cycle_map, rules=rules, lang=lang
                ),
                "why": why,
                "topic": program["topic"],
                "schools": _pick_schools(schools, program, grade, zip_code, district, languages, words),
                "sources": list(program["sources"]),
                "as_of": str(program.get("as_of", rules.as_of)),
            }
        )
    if favored:
        rank = {pid: n for n, pid in enumerate(dict.fromkeys(favored))}
        programs.sort(key=lambda p: rank.get(p["id"], len(rank)))  # stable: the rest keep the rules' order

    notes = [TEXT["school_year"][lang].format(cycle=cycle_id, grade=_grade_label(grade, lang))]
    note_sources: list[str] = []

    def note(key: str, **values: Any) -> None:
        notes.append(TEXT[key][lang].format(**values))
        note_sources.extend(rules.notes.get(key, ()))

    if not in_lausd:
        note("outside_lausd")
        if any(grade in grade_set(p["grades"]) and p["id"] == "sas" for p in rules.programs):
            note("sas_outside")
    if iep:
        note("iep")
    if english_learner:
        note("english_learner")
    if grade in ("6", "9"):
        note("new_level")
    for interest in wanted:
        if not set(rules.interests[interest].get("programs") or ()) & {p["id"] for p in programs}:
            note("interest_none", interest=rules.interests[interest][lang])
    if any(p["schools"] for p in programs):
        note("catalog")
        if zip_code:
            note("zip_order", zip=zip_code)
        if district:
            note("district_order", district=str(local_district).strip())

    rsi = rules.links["resident_school_identifier"]
    text = TEXT["neighborhood" if in_lausd else "neighborhood_outside"][lang]
    if zip_code:
        text += " " + TEXT["neighborhood_zip"][lang]
    neighborhood = {
        "text": text,
        "url": rsi,
        "topic": rules.neighborhood.get("topic", "neighborhood_school"),
        "sources": list(rules.neighborhood.get("sources") or [rsi]),
    }

    sources = [*rules.sources, *neighborhood["sources"], *note_sources]
    for p in programs:
        sources += p["sources"]
        if p["next_deadline"]:
            sources += p["next_deadline"]["sources"]
    return {
        "school_year": cycle_id,
        "programs": programs,
        "neighborhood_school": neighborhood,
        "notes": notes,
        "as_of": rules.as_of,
        "sources": list(dict.fromkeys(sources)),
    }


# ---- command line -------------------------------------------------------------------------------------------


def _argument(parse):
    def convert(text: str):
        try:
            return parse(text)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    convert.__name__ = parse.__name__.replace("parse_", "")
    return convert


def render(result: Mapping[str, Any], lang: str = "en") -> str:
    """The result as plain text for a terminal."""
    lines = [result["notes"][0], ""]
    for program in result["programs"]:
        lines.append(f"* {program['name']}: {program['route_text']}")
        lines.append(f"    {program['why']}")
        if program["next_deadline"]:
            lines.append(f"    {TEXT['heading.next'][lang]}: {program['next_deadline']['text']}")
        if program["schools"]:
            names = "; ".join(s["name"] for s in program["schools"])
            lines.append(f"    {TEXT['heading.schools'][lang]}: {names}")
    neighborhood = result["neighborhood_school"]
    lines += ["", f"{TEXT['heading.neighborhood'][lang]}: {neighborhood['text']} {neighborhood['url']}"]
    if len(result["notes"]) > 1:
        lines += ["", f"{TEXT['heading.notes'][lang]}:"] + [f"  - {n}" for n in result["notes"][1:]]
    lines += ["", f"({result['as_of']}: {', '.join(result['sources'])})"]
    return "\n".join(lines)


def _command(args: argparse.Namespace) -> int:
    import sys

    try:
        result = find_options(
            grade=args.grade,
            in_lausd=not args.outside_lausd,
            zip_code=args.zip,
            local_district=args.local_district,
            english_learner=args.el,
            iep=args.iep,
            gate=args.gate,
            interests=args.interest or (),
            lang=args.lang,
            today=args.today,
        )
    except ValueError as error:
        print(f"camino options: error: {error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print(render(result, args.lang))
    return 0


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register `camino options` on the CLI's subparsers (bot/cli.py: `options.add_parser(sub)`)."""
    parser = subparsers.add_parser("options", help="the programs one child can apply to next school year")
    parser.add_argument(
        "--grade",
        required=True,
        type=_argument(parse_grade),
        metavar="GRADE",
        help="grade next school year: TK, K or 1-12",
    )
    parser.add_argument("--outside-lausd", action="store_true", help="the family lives outside LAUSD")
    parser.add_argument("--el", action="store_true", help="the child is an English learner")
    parser.add_argument("--iep", action="store_true", help="the child has an IEP")
    parser.add_argument("--gate", action="store_true", help="the child is identified GATE (gifted)")
    parser.add_argument("--zip", type=_argument(parse_zip), metavar="ZIP", help="home ZIP code (orders examples)")
    parser.add_argument("--local-district", metavar="NAME", help="LAUSD local district, where known")
    parser.add_argument(
        "--interest",
        action="append",
        metavar="NAME",
        help="language (spanish, korean…) or theme (stem, arts…); repeat for more",
    )
    parser.add_argument("--lang", choices=LANGS, default="en")
    parser.add_argument(
        "--today",
        type=_argument(parse_date),
        metavar="YYYY-MM-DD",
        help="the day to compute deadlines from (default: today)",
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(func=_command)
    return parser
