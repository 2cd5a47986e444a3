"""Questions that name a school ("Is Aldama Elementary a community school?", "¿Monroe High es escuela
comunitaria?") are answered about that school, whatever topic the classifier picked: yes when the catalog
lists it with the program asked, "not listed as …" otherwise (the catalog is not complete, so never a flat
no), and "I don't have that school" for a school name the catalog lacks — never the generic article."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.knowledge.catalog import Catalog
from bot.knowledge.model import School
from bot.knowledge.program_types import REGISTRY, ProgramType

# Topics where "is <school> a …?" is a catalog question. Applying (choices_application) and the rest are
# not: "how do I apply to Dorsey?" still gets the how-to-apply answer.
SCHOOL_TOPICS = frozenset(
    {
        "community_schools",
        "magnet_programs",
        "gifted_magnets",
        "charter_schools",
        "sas",
        "pilot_schools",
        "dual_language",
        "heet",
        "permits_with_transportation",
    }
)
# A school-like name the family typed: capitalized words before a school word, or after one in Spanish.
_EN_NAME = re.compile(
    r"\b((?:[A-Z][\w.'’-]+\s+){1,3})(?:Elementary|Middle|High|Senior High|Academy|Charter|ES|MS|HS)\b"
)
_ES_NAME = re.compile(
    r"\b(?:[Ee]scuela|[Pp]rimaria|[Ss]ecundaria|[Pp]reparatoria|[Pp]repa)\s+((?:[A-Z][\w.'’-]+\s*){1,3})"
)
_NOT_NAMES = {
    "is",
    "does",
    "my",
    "our",
    "the",
    "a",
    "an",
    "which",
    "what",
    "la",
    "el",
    "mi",
    "es",
    "is it",
    "lausd",
    "los",
    "angeles",
    "public",
    "charter",
    "magnet",
    "pilot",
    "community",
    "gate",
    "sas",
    "any",
    "dual",
    "language",
    "middle",
    "high",
    "elementary",
    "escuela",
    "que",
    "qué",
    "cual",
    "cuál",
}


# The program a catalog question names when the NLU found no `program_type` entity (checked in order:
# "gifted magnet" before "magnet"). Values are entity values of knowledge/program_types.yml.
PROGRAM_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (entity, re.compile(pattern, re.IGNORECASE))
    for entity, pattern in (
        ("gifted_magnet", r"\bgifted\b|\bdotad[oa]s?\b|high ability|alta capacidad"),
        ("magnet", r"\bmagnets?\b"),
        ("charter", r"\bch[aá]rters?\b"),
        ("community_school", r"community school|escuela comunitaria|\bcomunitaria\b"),
        ("dual_language", r"dual language|lenguaje dual|\bbiling(?:ual|[uü]e)\b|\binmersi[oó]n\b|immersion"),
        ("sas", r"\bsas\b|advanced studies|estudios avanzados"),
        ("pilot", r"\bpilot\b|\bpiloto\b"),
        ("heet", r"\bheet\b"),
        ("pwt", r"\bpwt\b|permits? with transportation"),
    )
)


def program_named_in(text: str) -> str | None:
    """The `program_type` entity value a message names in words, or None."""
    return next((entity for entity, pattern in PROGRAM_WORDS if pattern.search(text or "")), None)


@dataclass(frozen=True)
class SchoolReply:
    response: str  # domain.yml response to send
    params: dict[str, str] = field(default_factory=dict)
    topic: str | None = None  # the answer payload's topic (None: no payload)
    school: School | None = None


def asked_program(topic: str, entity: str | None) -> ProgramType | None:
    """The program the family asks about: the entity they typed, else the one the topic explains."""
    program = REGISTRY.by_entity(entity) if entity else None
    if program is not None:
        return program
    candidates = [t for t in REGISTRY.types.values() if t.topic == topic]
    # a family-facing group ("charter") or a type families name (has an entity) first
    candidates.sort(key=lambda t: (not t.group_of, t.entity is None))
    return candidates[0] if candidates else None


TYPED_NAME_MATCH = 0.85  # how closely a typed school name must match a catalog name to be that school


def typed_school_name(text: str) -> str | None:
    """A school-like name typed in `text` ("Springfield Elementary", "primaria Lincoln Park"), or None."""
    for pattern in (_EN_NAME, _ES_NAME):
        for match in pattern.finditer(text or ""):
            words = [w for w in re.findall(r"[\w'’.-]+", match.group(1)) if w.lower() not in _NOT_NAMES]
            if words:
                return " ".join(words + [match.group(0).split()[-1]] if pattern is _EN_NAME else words)
    return None


def school_reply(catalog: Catalog, text: str, topic: str, entity: str | None, lang: str) -> SchoolReply | None:
    """The answer about a named school, or None when the message names no school (answer the topic)."""
    if topic not in SCHOOL_TOPICS:
        return None
    program = asked_program(topic, entity)
    school = catalog.named_in(text)
    if school is None:
        typed = typed_school_name(text)
        if typed is None:
            return None
        matches = [m for m in catalog.find(typed, limit=1) if m.score >= TYPED_NAME_MATCH]
        if not matches:
            return SchoolReply("utter_school_not_found", {}, None)
        school = matches[0].school
    return about_school(school, program, lang)


def about_school(school: School, program: ProgramType | None, lang: str) -> SchoolReply:
    """Yes when the catalog lists `school` with `program`; "not listed as …" (never a flat no) otherwise."""
    from bot.knowledge import catalog_text

    kinds = catalog_text.kinds(school, lang)
    if program is None or set(school.types) & program.means:
        payload_topic = program.topic if program else REGISTRY.topic_of_school(school.types)
        return SchoolReply("utter_school_is_program", {"name": school.name, "kinds": kinds}, payload_topic, school)
    return SchoolReply(
        "utter_school_not_listed",
        {"name": school.name, "asked": program.one[lang], "kinds": kinds},
        program.topic,
        school,
    )


def unrouted_school_reply(catalog: Catalog, text: str, lang: str) -> SchoolReply | None:
    """For a message the classifier was unsure of: when it names a program in words and a school the catalog
    holds ("¿Monroe High es escuela comunitaria?"), school_reply's answer about that school; else None (an
    unknown name still gets the topic suggestions, not "I don't have that school" on a guess)."""
    entity = program_named_in(text)
    program = REGISTRY.by_entity(entity) if entity else None
    if program is None:
        return None
    reply = school_reply(catalog, text, program.topic, entity, lang)
    return reply if reply is not None and reply.school is not None else None
