"""Magnet priority points for one applicant, with each part explained and what the number cannot say.

The rules and their sources are data (knowledge/tools/magnet_points.yml); this module only applies them.
Points are not chances: seat targets for racial balance and space also decide, and ties go to a lottery.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot import config

RESIDENT_CHOICES = ("phbao", "overcrowded", "none", "unknown")

TEXT: dict[str, dict[str, str]] = {
    "waiting_list": {
        "en": "{years} year(s) on an on-time magnet waiting list: {points} points ({per} a year, "
        "up to {max_years} consecutive years)",
        "es": "{years} año(s) en una lista de espera de magnet con solicitud a tiempo: {points} puntos "
        "({per} por año, hasta {max_years} años seguidos)",
    },
    "matriculation": {
        "en": "Finishing the top grade of a magnet and applying to a magnet at the next level: {points} points",
        "es": "Terminar el último grado de una magnet y solicitar una magnet del siguiente nivel: {points} puntos",
    },
    "phbao": {
        "en": "Your resident school is PHBAO (Predominantly Hispanic, Black, Asian and Other non-Anglo): "
        "{points} points",
        "es": "Su escuela de residencia es PHBAO (predominantemente hispana, afroamericana, asiática y otras "
        "no anglo): {points} puntos",
    },
    "overcrowded": {
        "en": "Your resident school is on the District's overcrowded list: {points} points",
        "es": "Su escuela de residencia está en la lista de escuelas con sobrecupo del Distrito: {points} puntos",
    },
    "sibling": {
        "en": "A brother or sister attends and will stay at that magnet: {points} points",
        "es": "Un hermano o hermana asiste y seguirá en esa magnet: {points} puntos",
    },
    "not_both": {
        "en": "Matriculation and waiting-list points are never added together: the larger counts.",
        "es": "Los puntos de matriculación y de lista de espera nunca se suman: cuenta el mayor.",
    },
    "late": {
        "en": "A late application earns no magnet points at all: this one would have 0.",
        "es": "Una solicitud tardía no recibe ningún punto de magnet: esta tendría 0.",
    },
    "enrolled": {
        "en": "A student who is already in a magnet cannot earn waiting-list points for another one.",
        "es": "Un alumno que ya está en una magnet no puede ganar puntos de lista de espera para otra.",
    },
    "resident_unknown": {
        "en": "To know whether your resident school is PHBAO or overcrowded ({points} points each), ask "
        "your school office or Student Integration Services; the December letter shows it.",
        "es": "Para saber si su escuela de residencia es PHBAO o tiene sobrecupo ({points} puntos cada "
        "una), pregunte en la oficina de su escuela o a Student Integration Services; la carta "
        "de diciembre lo muestra.",
    },
    "chances": {
        "en": "Points are not chances: each magnet also fills seats to keep a racially balanced enrollment "
        "and by space, and a lottery breaks ties.",
        "es": "Los puntos no son probabilidades: cada magnet también asigna lugares para mantener un "
        "equilibrio racial y según el espacio, y un sorteo decide los empates.",
    },
    "letter": {
        "en": "The official count is on the December confirmation letter: check it and correct errors by its deadline.",
        "es": "La cuenta oficial está en la carta de confirmación de diciembre: revísela y corrija errores "
        "antes de la fecha que indica.",
    },
    "decline": {
        "en": "Declining a magnet offer loses the points built up.",
        "es": "Rechazar una oferta de magnet hace perder los puntos acumulados.",
    },
    "total": {"en": "Estimated magnet points: {total}", "es": "Puntos de magnet estimados: {total}"},
}


@dataclass(frozen=True)
class Rules:
    points: dict[str, int]
    sources: tuple[str, ...]
    as_of: str


@lru_cache(maxsize=4)
def load_rules(path: Path | None = None) -> Rules:
    data = yaml.safe_load((path or config.knowledge_dir() / "tools" / "magnet_points.yml").read_text("utf-8"))
    return Rules(dict(data["points"]), tuple(data["sources"]), str(data["as_of"]))


def estimate(
    *,
    waitlist_years: int = 0,
    matriculation: bool = False,
    sibling: bool = False,
    resident: str = "none",
    late: bool = False,
    enrolled_in_magnet: bool = False,
    lang: str = "en",
    rules: Rules | None = None,
) -> dict[str, Any]:
    """The estimate as {"total", "parts", "notes", "as_of", "sources"}, texts in `lang`."""
    if resident not in RESIDENT_CHOICES:
        raise ValueError(f"resident must be one of {', '.join(RESIDENT_CHOICES)}")
    if not 0 <= waitlist_years <= 20:
        raise ValueError("waitlist years must be a whole number from 0 to 20")
    rules = rules or load_rules()
    p = rules.points
    parts: list[dict[str, Any]] = []
    notes: list[str] = []

    def part(name: str, points: int, **values: Any) -> None:
        parts.append({"name": name, "points": points, "text": TEXT[name][lang].format(points=points, **values)})

    if late:
        notes.append(TEXT["late"][lang])
    else:
        counted_years = 0 if enrolled_in_magnet else min(waitlist_years, p["waiting_list_max_years"])
        if enrolled_in_magnet and waitlist_years:
            notes.append(TEXT["enrolled"][lang])
        waitlist = counted_years * p["waiting_list_per_year"]
        if matriculation and waitlist:
            notes.append(TEXT["not_both"][lang])
        if matriculation and p["matriculation"] >= waitlist:
            part("matriculation", p["matriculation"])
        elif waitlist:
            part(
                "waiting_list",
                waitlist,
                years=counted_years,
                per=p["waiting_list_per_year"],
                max_years=p["waiting_list_max_years"],
            )
        if resident in ("phbao", "overcrowded"):
            part(resident, p[resident])
        elif resident == "unknown":
            notes.append(TEXT["resident_unknown"][lang].format(points=p["phbao"]))
        if sibling:
            part("sibling", p["sibling"])
    notes += [TEXT["chances"][lang], TEXT["letter"][lang], TEXT["decline"][lang]]
    total = sum(item["points"] for item in parts)
    return {
        "total": total,
        "summary": TEXT["total"][lang].format(total=total),
        "parts": parts,
        "notes": notes,
        "as_of": rules.as_of,
        "sources": list(rules.sources),
    }
