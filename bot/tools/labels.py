"""Names the tool questions show, in both languages (the A-G subject areas, the tools themselves)."""

from __future__ import annotations

AREAS = {
    "a": {"en": "(a) History / social science", "es": "(a) Historia / ciencias sociales"},
    "b": {"en": "(b) English", "es": "(b) Inglés"},
    "c": {"en": "(c) Mathematics", "es": "(c) Matemáticas"},
    "d": {"en": "(d) Laboratory science", "es": "(d) Ciencias de laboratorio"},
    "e": {"en": "(e) Language other than English", "es": "(e) Idioma distinto del inglés"},
    "f": {"en": "(f) Visual and performing arts", "es": "(f) Artes visuales y escénicas"},
    "g": {"en": "(g) College-preparatory elective", "es": "(g) Materia optativa de preparación universitaria"},
}
TOOLS = {
    "use_points_tool": {"en": "Estimate my magnet points", "es": "Estimar mis puntos de magnet"},
    "use_ag_tool": {"en": "Check A-G courses", "es": "Revisar cursos A-G"},
    "use_options_tool": {"en": "What can my child apply to?", "es": "¿A qué puede solicitar mi hijo?"},
}
# The topic each tool works within: routing treats knowledge retrieval's evidence for that topic as evidence
# for the tool too (retrieval tells the topic; the classifier tells "explain it" from "work it out").
TOOL_TOPICS = {
    "use_points_tool": "magnet_points",
    "use_ag_tool": "a_g_requirements",
    "use_options_tool": "choices_application",
}


def area_name(area: str, lang: str) -> str:
    return AREAS[area][lang]


def tool_buttons(lang: str) -> list[dict[str, str]]:
    return [{"title": names[lang], "payload": f"/{intent}"} for intent, names in TOOLS.items()]
