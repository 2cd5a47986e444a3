"""A-G check for one student: per subject area done / missing / one more recommended, with D, F, C- and Pass
grades flagged, UC's 11-before-12th-grade rule, and what the LAUSD diploma adds.

The rules and their sources are data (knowledge/tools/a_g.yml); this module only applies them. One row is one
year-long course. The check never says a course is on a school's approved list: only the school's UC A-G
Course List can say that, so every result points there and to the counselor.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot import config

LANGS = ("en", "es")

TEXT: dict[str, dict[str, str]] = {
    # area names (UC's letters; Spanish as in knowledge/topics/a_g_requirements.yml)
    "name_a": {"en": "History", "es": "Historia"},
    "name_b": {"en": "English", "es": "Inglés"},
    "name_c": {"en": "Mathematics", "es": "Matemáticas"},
    "name_d": {"en": "Science", "es": "Ciencias"},
    "name_e": {"en": "Language other than English", "es": "Idioma distinto al inglés"},
    "name_f": {"en": "Visual and performing arts", "es": "Artes visuales y escénicas"},
    "name_g": {"en": "College-preparatory elective", "es": "Materia optativa de preparación universitaria"},
    # per-area status
    "done": {
        "en": "{label}: done, {done_years} ({required} required).",
        "es": "{label}: requisito cumplido, {done_years} (se piden {required}).",
    },
    "missing": {
        "en": "{label}: {done} of {required_years} done; {missing_text}.",
        "es": "{label}: lleva {done} de {required_years}; {missing_text}.",
    },
    "recommended_extra": {
        "en": "{label}: the required {required_years} are done; {by} {recommended}.",
        "es": "{label}: ya cumplió los {required_years} que se piden; {by} {recommended}.",
    },
    "by_UC_CSU": {"en": "UC and CSU recommend", "es": "UC y CSU recomiendan"},
    "by_UC": {"en": "UC recommends", "es": "la UC recomienda"},
    "rollover": {"en": "Extra a–f courses counted here: {n}.", "es": "Clases a–f adicionales contadas aquí: {n}."},
    # per-area reminders of what the years must contain
    "detail_a": {
        "en": "UC and the LAUSD diploma: 1 year of world history and 1 of U.S. history (UC also takes ½ year "
        "of U.S. history plus ½ of civics or American government); CSU: 1 year of U.S. history (or "
        "½ + ½) and 1 of social science.",
        "es": "UC y el diploma de LAUSD: 1 año de historia universal y 1 de historia de EE. UU. (la UC "
        "también acepta ½ año de historia de EE. UU. y ½ de civismo o gobierno estadounidense); CSU: "
        "1 año de historia de EE. UU. (o ½ + ½) y 1 de ciencias sociales.",
    },
    "detail_b": {
        "en": "Four years of college-preparatory English; a higher English course does not make up a lower one.",
        "es": "Cuatro años de inglés de preparación universitaria; una clase de inglés más avanzada no "
        "repone una anterior.",
    },
    "detail_c": {
        "en": "For example Algebra 1, Geometry and Algebra 2 (or Integrated Math 1–3); math passed in 7th "
        "or 8th grade with a C or better can count.",
        "es": "Por ejemplo, Álgebra 1, Geometría y Álgebra 2 (o Matemáticas Integradas 1 a 3); las "
        "matemáticas aprobadas en 7.º u 8.º grado con C o más pueden contar.",
    },
    "detail_d": {
        "en": "UC: at least two of biology, chemistry and physics; CSU and the LAUSD diploma: 1 biological "
        "and 1 physical science. Introductory earth or physical science courses are usually approved "
        'only as "g" electives.',
        "es": "UC: al menos dos de biología, química y física; CSU y el diploma de LAUSD: 1 ciencia "
        "biológica y 1 física. Las clases introductorias de ciencias de la Tierra o ciencias físicas "
        'por lo general solo se aprueban como optativa "g".',
    },
    "detail_e": {
        "en": "Two years of the same language (or reaching the second level of high school study); 7th- "
        "and 8th-grade courses passed with a C or better can count.",
        "es": "Dos años del mismo idioma (o llegar al segundo nivel de la preparatoria); las clases de 7.º "
        "y 8.º grado aprobadas con C o más pueden contar.",
    },
    "detail_f": {
        "en": "One year-long course, or two semesters in the same discipline (dance, music, theater or visual arts).",
        "es": "Una clase de todo el año, o dos semestres de la misma disciplina (danza, música, teatro o "
        "artes visuales).",
    },
    "detail_g": {
        "en": 'An a–f course beyond those required, or a course approved as "g".',
        "es": 'Una clase a–f además de las que se piden, o una clase aprobada como "g".',
    },
    # flags on single rows
    "d_grade": {
        "en": "{course} ({grade}, {grade_level}). A D counts toward the LAUSD diploma (the Board "
        "has accepted D since June 2015) but not for UC or CSU, which need a C or better. {remedy}",
        "es": "{course} ({grade}, {grade_level}). Una D cuenta para el diploma de LAUSD (la "
        "Junta la acepta desde junio de 2015), pero no para UC ni CSU, que piden C o más. {remedy}",
    },
    "f_grade": {
        "en": "{course} ({grade}, {grade_level}). An F earns no credit, neither for the LAUSD "
        "diploma nor for UC or CSU. {remedy}",
        "es": "{course} ({grade}, {grade_level}). Una F no da crédito, ni para el diploma de "
        "LAUSD ni para UC o CSU. {remedy}",
    },
    "remedy_repeated": {
        "en": "It was taken again in {grade_level} with {grade}: a repeat with a C or better makes it up.",
        "es": "Se volvió a tomar en {grade_level} con {grade}: repetirla con C o más la recupera.",
    },
    "remedy_validate_later": {
        "en": "The later course {later} ({grade_level}, {grade}) may validate it for UC "
        "(validation applies only to math and languages other than English): confirm "
        "with the counselor.",
        "es": "La clase posterior {later} ({grade_level}, {grade}) puede validarla para la UC "
        "(la validación solo se aplica a matemáticas e idiomas distintos del inglés): "
        "confírmelo con el consejero.",
    },
    "remedy_validate": {
        "en": "To make it up: repeat the course with a C or better, or pass the next-level course "
        "with a C or better (validation, math and languages only). See the counselor.",
        "es": "Para recuperarla: repita la clase y saque C o más, o apruebe con C o más la clase "
        "del siguiente nivel (validación, solo en matemáticas e idiomas). Hable con el "
        "consejero.",
    },
    "remedy_science": {
        "en": "For UC, repeat the course with a C or better: LAUSD's table also allows validation "
        "in lab science, but UC validates only math and languages. See the counselor.",
        "es": "Para la UC, repita la clase y saque C o más: la tabla de LAUSD también permite "
        "validar ciencias de laboratorio, pero la UC solo valida matemáticas e idiomas. Hable "
        "con el consejero.",
    },
    "remedy_repeat": {
        "en": "To make it up, repeat the course with a C or better (history, English, arts and "
        "electives cannot be validated). See the counselor.",
        "es": "Para recuperarla, repita la clase y saque C o más (historia, inglés, artes y "
        "optativas no se pueden validar). Hable con el consejero.",
    },
    "c_minus": {
        "en": "{course} ({grade}, {grade_level}). A C- may not count for UC or CSU: UC and the "
        "CSU system page ask for a C or better, while some CSU campus pages accept a C-. Not counted "
        "here: confirm with the counselor. It does count for the LAUSD diploma.",
        "es": "{course} ({grade}, {grade_level}). Es posible que una C- no cuente para UC ni "
        "CSU: la UC y la página general de CSU piden C o más, aunque algunas páginas de campus de CSU "
        "aceptan C-. Aquí no se cuenta: confírmelo con el consejero. Sí cuenta para el diploma de "
        "LAUSD.",
    },
    "pass_grade": {
        "en": "{course} ({grade}, {grade_level}). A-G courses need a letter grade; UC "
        "accepted Pass or Credit only for courses taken from winter 2020 through summer 2021. Not "
        "counted here: confirm with the counselor.",
        "es": "{course} ({grade}, {grade_level}). Las clases A-G necesitan calificación con "
        "letra; la UC aceptó Pass o Credit (aprobado o crédito) solo en clases tomadas del invierno "
        "de 2020 al verano de 2021. Aquí no se cuenta: confírmelo con el consejero.",
    },
    "area_course": {"en": "an area {area} course", "es": "una clase del área {area}"},
    "row_prefix": {"en": "Row {row}: ", "es": "Fila {row}: "},
    # flags on the mix inside an area (named courses only)
    "mix_us_history": {
        "en": "a) History: no U.S. History among these courses; UC, CSU and the LAUSD diploma all "
        "ask for a year of it (UC and CSU also accept ½ year plus ½ year of civics or "
        "American government).",
        "es": "a) Historia: no hay Historia de EE. UU. entre estas clases; UC, CSU y el diploma de "
        "LAUSD piden un año (UC y CSU también aceptan ½ año más ½ año de civismo o gobierno "
        "estadounidense).",
    },
    "mix_world_history": {
        "en": "a) History: no World History among these courses; UC and the LAUSD diploma ask "
        "for a year of world history, cultures and geography.",
        "es": "a) Historia: no hay Historia Universal entre estas clases; la UC y el diploma de "
        "LAUSD piden un año de historia universal, culturas y geografía.",
    },
    "mix_biological": {
        "en": "d) Science: no biological science (such as Biology) among these courses; CSU and the "
        "LAUSD diploma ask for 1 biological and 1 physical science.",
        "es": "d) Ciencias: no hay ciencia biológica (como Biología) entre estas clases; CSU y el "
        "diploma de LAUSD piden 1 ciencia biológica y 1 física.",
    },
    "mix_physical": {
        "en": "d) Science: no physical science (such as Chemistry or Physics) among these courses; "
        "CSU and the LAUSD diploma ask for 1 biological and 1 physical science.",
        "es": "d) Ciencias: no hay ciencia física (como Química o Física) entre estas clases; CSU y el "
        "diploma de LAUSD piden 1 ciencia biológica y 1 física.",
    },
    # UC's 11 courses before 12th grade
    "eleven_short": {
        "en": "UC asks for at least {need} of the {total} A-G courses to be finished before 12th grade; "
        "these rows show {n} through 11th grade with a C or better, so {short_text}. Talk to the "
        "counselor now.",
        "es": "La UC pide terminar al menos {need} de los {total} cursos A-G antes del 12.º grado; estas "
        "filas muestran {n} hasta 11.º grado con C o más, así que {short_text}. Hable ya con el "
        "consejero.",
    },
    "eleven_progress": {
        "en": "{n} of the {need} A-G courses UC asks for before 12th grade are done so far (C or "
        "better); {short_text} by the end of 11th grade.",
        "es": "Lleva {n} de los {need} cursos A-G que la UC pide antes del 12.º grado (con C o "
        "más); {short_text} para el final de 11.º grado.",
    },
    "eleven_met": {
        "en": "UC's rule of {need} A-G courses before 12th grade is met ({n} with a C or better).",
        "es": "Se cumple la regla de la UC de {need} cursos A-G antes del 12.º grado ({n} con C o más).",
    },
    # notes on every result
    "approved_list": {
        "en": "This check cannot tell whether a course is on your school's approved list: only "
        "courses on the high school's UC A-G Course List (the official list of approved "
        "courses) for the year they were taken count. Look the school up at {url} and review "
        "the result with the school counselor.",
        "es": "Esta revisión no puede saber si una clase está en la lista aprobada de su escuela: "
        "solo cuentan las clases de la UC A-G Course List (la lista oficial de cursos A-G "
        "aprobados) de esa preparatoria para el año en que se tomaron. Busque la escuela en "
        "{url} y revise el resultado con el consejero escolar.",
    },
    "grade_floor": {
        "en": "UC and CSU count an A-G course only with a letter grade of C or better; the LAUSD diploma accepts a D.",
        "es": "UC y CSU cuentan una clase A-G solo con calificación de letra C o más; el diploma de LAUSD acepta D.",
    },
    "lausd_areas_ok": {
        "en": "For the LAUSD diploma (a D or better counts), these rows cover every A-G area.",
        "es": "Para el diploma de LAUSD (cuenta una D o más), estas filas cubren todas las áreas A-G.",
    },
    "lausd_areas_short": {
        "en": "For the LAUSD diploma (a D or better counts), still missing: {items}.",
        "es": "Para el diploma de LAUSD (cuenta una D o más), todavía falta: {items}.",
    },
    "credits": {
        "en": "These rows give about {credits} credits ({per} for each year-long course in 9th–12th grade "
        "passed with a D or better; 7th- and 8th-grade courses give no high school credits). The "
        "diploma needs {total} in all, counting PE, Health and every other class: ask the counselor "
        "for a credit check.",
        "es": "Estas filas suman unos {credits} créditos ({per} por cada clase de todo el año de 9.º a "
        "12.º grado aprobada con D o más; las clases de 7.º y 8.º grado no dan créditos de "
        "preparatoria). El diploma pide {total} en total, contando educación física, salud y todas "
        "las demás clases: pida al consejero una revisión de créditos.",
    },
    "extras": {
        "en": "Beyond A-G, the LAUSD diploma also needs Principles of American Democracy ({pad} semester), "
        "Economics ({econ} semester), Physical Education ({pe} years), Health ({health} semester), "
        "Ethnic Studies ({es_sem} semester, class of {es_class} and later per LAUSD; one school page "
        "says from {es_other}: confirm with the counselor), Service Learning and a Career Pathway. "
        "This check does not cover them.",
        "es": "Además de A-G, el diploma de LAUSD pide Principles of American Democracy (Principios de la "
        "Democracia Estadounidense, {pad} semestre), Economics (Economía, {econ} semestre), Physical "
        "Education (educación física, {pe} años), Health (salud, {health} semestre), Ethnic Studies "
        "(Estudios Étnicos, {es_sem} semestre, desde la generación {es_class} según LAUSD; una página "
        "escolar dice desde {es_other}: confírmelo con el consejero), Service Learning (aprendizaje de "
        "servicio) y un Career Pathway (trayectoria profesional). Esta revisión no los cubre.",
    },
    "middle_school": {
        "en": "7th- and 8th-grade math and language courses count for UC with a C or better when the "
        "high school accepts them as equal to its own; list them in the 7th/8th-grade section "
        "of the UC application and confirm with the counselor.",
        "es": "Las clases de matemáticas e idiomas de 7.º y 8.º grado cuentan para la UC con C o más "
        "si la preparatoria las acepta como equivalentes a las suyas; anótelas en la sección de "
        "7.º/8.º grado de la solicitud de la UC y confírmelo con el consejero.",
    },
    "minimums": {
        "en": "Meeting the A-G pattern makes a student eligible to apply, not admitted: UC also asks for an "
        "A-G GPA of {uc} or better ({uc_nr} for nonresidents) and CSU {csu}; this check does not "
        "compute GPA.",
        "es": "Cumplir el patrón A-G permite solicitar ingreso, no garantiza la admisión: la UC también "
        "pide un promedio A-G de {uc} o más ({uc_nr} si no es residente de California) y CSU de "
        "{csu}; esta revisión no calcula el promedio.",
    },
    # summary
    "summary_done": {
        "en": "A-G for UC/CSU: {n} of {total} required years done (C or better); every area is done.",
        "es": "A-G para UC/CSU: {n} de {total} años requeridos cumplidos (con C o más); todas las "
        "áreas están cumplidas.",
    },
    "summary_missing": {
        "en": "A-G for UC/CSU: {n} of {total} required years done (C or better); missing: {items}.",
        "es": "A-G para UC/CSU: {n} de {total} años requeridos cumplidos (con C o más); falta: {items}.",
    },
    # input errors (row = the spreadsheet row; the header is row 1)
    "err_area": {
        "en": 'Row {row}: unknown area "{value}": use a letter from a to g, or a course name from the '
        "list ({examples}).",
        "es": 'Fila {row}: área desconocida "{value}": use una letra de la a a la g, o un nombre de '
        "clase de la lista ({examples}).",
    },
    "err_course": {
        "en": 'Row {row}: unknown course "{value}": also give its area letter (a–g); names known '
        "without a letter: {examples}.",
        "es": 'Fila {row}: clase desconocida "{value}": indique también la letra de su área (a–g); '
        "nombres que se reconocen sin letra: {examples}.",
    },
    "err_mismatch": {
        "en": 'Row {row}: "{course}" is an area {course_area} course, not area {area}.',
        "es": 'Fila {row}: "{course}" es una clase del área {course_area}, no del área {area}.',
    },
    "err_no_area": {
        "en": "Row {row}: give an area (a–g) or a course name.",
        "es": "Fila {row}: indique un área (a–g) o un nombre de clase.",
    },
    "err_grade": {
        "en": 'Row {row}: grade "{value}" is not valid: use A, B, C, D or F (with + or - if needed), or P.',
        "es": 'Fila {row}: la calificación "{value}" no es válida: use A, B, C, D o F (con + o - si hace falta), o P.',
    },
    "err_year": {
        "en": 'Row {row}: year "{value}" is not valid: use the grade level 9, 10, 11 or 12 (7 or 8 only '
        "for math or language).",
        "es": 'Fila {row}: el año "{value}" no es válido: use el grado 9, 10, 11 o 12 (7 u 8 solo para '
        "matemáticas o idiomas).",
    },
    "err_middle_school": {
        "en": "Row {row}: a {year}th-grade course counts for A-G only in math (c) or language other than English (e).",
        "es": "Fila {row}: una clase de {year}.º grado solo cuenta para A-G en matemáticas (c) o "
        "en idioma distinto al inglés (e).",
    },
    "err_columns": {
        "en": "The file needs the columns area, year and grade (course is optional); found: {found}.",
        "es": "El archivo necesita las columnas area, year y grade (course es opcional); se encontraron: {found}.",
    },
    "err_empty": {"en": "The file has no course rows.", "es": "El archivo no tiene filas de clases."},
    "err_unreadable": {"en": "Cannot read {path}: {error}", "es": "No se puede leer {path}: {error}"},
    "sources": {"en": "Rules as of {as_of}", "es": "Reglas vigentes en {as_of}"},
}


@dataclass(frozen=True)
class KnownCourse:
    name: str
    area: str
    kind: str | None
    level: int | None
    source: str


@dataclass(frozen=True)
class Rules:
    areas: dict[str, dict[str, Any]]
    elective_area: str
    rollover: bool
    letters: tuple[str, ...]
    uc_csu_floor: str
    unconfirmed: tuple[str, ...]
    lausd_floor: str
    pass_grades: tuple[str, ...]
    high_school_years: tuple[int, ...]
    middle_school_years: tuple[int, ...]
    before_senior: dict[str, int]
    gpa: dict[str, float]
    lausd: dict[str, Any]
    courses: dict[str, KnownCourse]  # normalized name or alias -> course
    course_names: tuple[str, ...]
    where_to_check: str
    sources: tuple[str, ...]
    as_of: str

    def find_course(self, text: str) -> KnownCourse | None:
        key = _key(text)
        if key in self.courses:
            return self.courses[key]
        if key.endswith("ab") and key[:-2] in self.courses:  # LAUSD's year-long "A/B" suffix
            return self.courses[key[:-2]]
        return None


def _key(text: str) -> str:
    """A course or column name without case, accents, spaces or punctuation."""
    text = unicodedata.normalize("NFKD", str(text))
    return re.sub(r"[^a-z0-9]", "", "".join(c for c in text if not unicodedata.combining(c)).lower())


@lru_cache(maxsize=4)
def load_rules(path: Path | None = None) -> Rules:
    data = yaml.safe_load((path or config.knowledge_dir() / "tools" / "a_g.yml").read_text("utf-8"))
    courses: dict[str, KnownCourse] = {}
    for item in data["courses"]:
        course = KnownCourse(item["name"], item["area"], item.get("kind"), item.get("level"), item["source"])
        if course.area not in data["areas"]:
            raise ValueError(f"course {course.name}: unknown area {course.area}")
        for label in [item["name"], *item.get("aliases", [])]:
            key = _key(label)
            if key in courses and courses[key] != course:
                raise ValueError(f"course name {label!r} is given to two courses")
            courses[key] = course
    grades = data["grades"]
    return Rules(
        areas={area: dict(rule) for area, rule in data["areas"].items()},
        elective_area=data["elective_area"],
        rollover=bool(data["rollover_to_elective"]),
        letters=tuple(grades["letters"]),
        uc_csu_floor=grades["uc_csu_floor"],
        unconfirmed=tuple(grades["unconfirmed"]),
        lausd_floor=grades["lausd_floor"],
        pass_grades=tuple(grades["pass"]),
        high_school_years=tuple(data["years"]["high_school"]),
        middle_school_years=tuple(data["years"]["middle_school"]),
        before_senior=dict(data["before_senior_year"]),
        gpa=dict(data["gpa"]),
        lausd=dict(data["lausd"]),
        courses=courses,
        course_names=tuple(item["name"] for item in data["courses"]),
        where_to_check=data["where_to_check"],
        sources=tuple(data["sources"]),
        as_of=str(data["as_of"]),
    )


# ---------------------------------------------------------------------------------------------- one row


@dataclass(frozen=True)
class _Row:
    row: int
    area: str
    label: str | None  # the course name as known, or as written; None for a bare area letter
    known: KnownCourse | None
    year: int
    grade: str  # normalized: "B+", "C-", "P"
    uc: str  # "counts" | "unconfirmed" | "low" | "pass"
    lausd: bool  # counts for the LAUSD diploma
    numbered: bool = False  # the input named its row (a file): flags then start "Row N:"


def _grade_level(year: int, lang: str) -> str:
    return f"{year}th grade" if lang == "en" else f"{year}.º grado"


def _years(n: int, lang: str) -> str:
    if lang == "en":
        return f"{n} year" if n == 1 else f"{n} years"
    return f"{n} año" if n == 1 else f"{n} años"


def _missing(n: int, lang: str) -> str:
    if lang == "en":
        return f"{n} more year needed" if n == 1 else f"{n} more years needed"
    return f"falta {_years(n, lang)}" if n == 1 else f"faltan {_years(n, lang)}"


def _courses_short(n: int, lang: str) -> str:
    if lang == "en":
        return "1 more course is needed" if n == 1 else f"{n} more courses are needed"
    return "falta 1 curso" if n == 1 else f"faltan {n} cursos"


def _examples(rules: Rules) -> str:
    return ", ".join(rules.course_names)


def _parse(raw: dict[str, Any], row: int, rules: Rules, lang: str) -> tuple[_Row | None, list[str]]:
    """One course row checked and normalized, or the reasons it cannot be read (texts in `lang`)."""
    t = {key: value[lang] for key, value in TEXT.items() if key.startswith("err_")}
    errors: list[str] = []
    area_text = str(raw.get("area") or "").strip()
    course_text = str(raw.get("course") or "").strip()
    known = rules.find_course(course_text) if course_text else None
    area: str | None = None
    if area_text:
        if area_text.lower() in rules.areas:
            area = area_text.lower()
        elif not course_text and rules.find_course(area_text):  # a course name typed in the area column
            known, course_text = rules.find_course(area_text), area_text
        else:
            errors.append(t["err_area"].format(row=row, value=area_text, examples=_examples(rules)))
    if known and area and known.area != area:
        errors.append(t["err_mismatch"].format(row=row, course=known.name, course_area=known.area, area=area))
    if area is None and not errors:
        if known:
            area = known.area
        elif course_text:
            errors.append(t["err_course"].format(row=row, value=course_text, examples=_examples(rules)))
        else:
            errors.append(t["err_no_area"].format(row=row))

    year_text = str(raw.get("year") if raw.get("year") is not None else "").strip()
    year = int(year_text) if re.fullmatch(r"\d{1,2}", year_text) else None
    if year not in rules.high_school_years + rules.middle_school_years:
        errors.append(t["err_year"].format(row=row, value=year_text))
    elif year in rules.middle_school_years and area and not rules.areas[area]["middle_school"]:
        errors.append(t["err_middle_school"].format(row=row, year=year))

    grade = str(raw.get("grade") or "").strip().upper().replace("−", "-").replace("–", "-")
    letters = "".join(rules.letters)
    if re.fullmatch(f"[{letters[:-1]}][+-]?", grade) or grade == letters[-1]:
        letter = grade[0]
        if grade in rules.unconfirmed:
            uc = "unconfirmed"
        elif letters.index(letter) <= letters.index(rules.uc_csu_floor):
            uc = "counts"
        else:
            uc = "low"
        lausd = letters.index(letter) <= letters.index(rules.lausd_floor)
    elif grade in rules.pass_grades:
        uc, lausd = "pass", False
    else:
        errors.append(t["err_grade"].format(row=row, value=raw.get("grade") or ""))
        uc, lausd = "low", False
    if errors:
        return None, errors
    label = known.name if known else (course_text or None)
    assert area is not None and year is not None  # no errors: both were parsed
    return _Row(row, area, label, known, year, grade, uc, lausd, "row" in raw), []


def _parse_all(courses: list[dict[str, Any]], rules: Rules, lang: str) -> tuple[list[_Row], list[str]]:
    rows, errors = [], []
    for index, raw in enumerate(courses, start=1):
        parsed, problems = _parse(raw, int(raw.get("row") or index), rules, lang)
        errors += problems
        if parsed:
            rows.append(parsed)
    return rows, errors


# ---------------------------------------------------------------------------------------------- the check


def _units(rows: list[_Row], ok) -> dict[str, list[list[_Row]]]:
    """Per area, the distinct courses that count: rows of one named course count once (a repeat), rows with a
    bare area letter count each. `ok` picks the rows that count."""
    by_area: dict[str, list[list[_Row]]] = {}
    named: dict[tuple[str, str], list[_Row]] = {}
    for row in rows:
        if not ok(row):
            continue
        if row.label:
            group = named.setdefault((row.area, _key(row.label)), [])
            if not group:
                by_area.setdefault(row.area, []).append(group)
            group.append(row)
        else:
            by_area.setdefault(row.area, []).append([row])
    return by_area


def _counts(units: dict[str, list[list[_Row]]], rules: Rules) -> tuple[dict[str, int], int]:
    """Years per area, with a-f years beyond the requirement rolled into the elective; and how many rolled."""
    counts = {area: len(units.get(area, [])) for area in rules.areas}
    rolled = 0
    if rules.rollover:
        rolled = sum(max(0, counts[a] - rules.areas[a]["required"]) for a in rules.areas if a != rules.elective_area)
        counts[rules.elective_area] += rolled
    return counts, rolled


def _remedy(row: _Row, rows: list[_Row], rules: Rules, lang: str) -> str:
    later = [r for r in rows if r.area == row.area and r.uc == "counts" and r is not row]
    if row.label:
        retakes = [r for r in later if r.label and _key(r.label) == _key(row.label) and r.year >= row.year]
        if retakes:
            r = retakes[0]
            return TEXT["remedy_repeated"][lang].format(grade_level=_grade_level(r.year, lang), grade=r.grade)
    validation = rules.areas[row.area]["validation"]
    if validation == "uc":

        def higher(r: _Row) -> bool:
            if row.known and r.known and row.known.level and r.known.level:
                return r.known.level > row.known.level
            return r.year > row.year

        above = sorted((r for r in later if higher(r)), key=lambda r: (r.year, r.row))
        if above:
            r = above[0]
            name = r.label or TEXT["area_course"][lang].format(area=r.area)
            return TEXT["remedy_validate_later"][lang].format(
                later=name, grade_level=_grade_level(r.year, lang), grade=r.grade
            )
        return TEXT["remedy_validate"][lang]
    if validation == "lausd_only":
        return TEXT["remedy_science"][lang]
    return TEXT["remedy_repeat"][lang]


def _flag(kind: str, text: str, row: int | None = None, area: str | None = None) -> dict[str, Any]:
    return {"kind": kind, "row": row, "area": area, "text": text}


def check(courses: list[dict[str, Any]], *, lang: str = "en", rules: Rules | None = None) -> dict[str, Any]:
    """The check as {"summary", "areas", "flags", "notes", "as_of", "sources"}, texts in `lang`.

    Each course is {"area": "a".."g" and/or "course": a known name, "year": 9-12 (7/8 for math and language),
    "grade": A-F with +/- or P}, optionally "row" (its number in a file: flag texts then start "Row N:"; without
    it rows are numbered from 1 but the texts do not show it). Bad rows raise ValueError."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}")
    rules = rules or load_rules()
    rows, errors = _parse_all(courses, rules, lang)
    if errors:
        raise ValueError("\n".join(errors))

    uc_units = _units(rows, lambda r: r.uc == "counts")
    uc_counts, rolled = _counts(uc_units, rules)
    lausd_units = _units(rows, lambda r: r.lausd)
    lausd_counts, _ = _counts(lausd_units, rules)

    areas: list[dict[str, Any]] = []
    for area, rule in rules.areas.items():
        required, recommended, done = rule["required"], rule.get("recommended"), uc_counts[area]
        name = TEXT[f"name_{area}"][lang]
        label = f"{area}) {name}"
        if done < required:
            status, missing = "missing", required - done
            text = TEXT["missing"][lang].format(
                label=label, done=done, required_years=_years(required, lang), missing_text=_missing(missing, lang)
            )
        elif recommended and done < recommended:
            status, missing = "recommended_extra", 0
            by = TEXT["by_" + "_".join(rule.get("recommended_by") or ["UC"])][lang]
            text = TEXT["recommended_extra"][lang].format(
                label=label, required_years=_years(required, lang), by=by, recommended=recommended
            )
        else:
            status, missing = "done", 0
            text = TEXT["done"][lang].format(label=label, done_years=_years(done, lang), required=required)
        if area == rules.elective_area and rolled:
            text += " " + TEXT["rollover"][lang].format(n=rolled)
        text += " " + TEXT[f"detail_{area}"][lang]
        areas.append(
            {
                "area": area,
                "name": name,
                "required": required,
                "recommended": recommended,
                "done_years": done,
                "status": status,
                "missing_years": missing,
                "text": text,
            }
        )

    flags: list[dict[str, Any]] = []
    for row in sorted(rows, key=lambda r: r.row):
        course = row.label or TEXT["area_course"][lang].format(area=row.area)
        if row.numbered:
            course = TEXT["row_prefix"][lang].format(row=row.row) + course
        else:
            course = course[0].upper() + course[1:]
        values = {"course": course, "grade": row.grade, "grade_level": _grade_level(row.year, lang)}
        if row.uc == "low":
            kind = "f_grade" if row.grade.startswith("F") else "d_grade"
            flags.append(
                _flag(
                    kind, TEXT[kind][lang].format(remedy=_remedy(row, rows, rules, lang), **values), row.row, row.area
                )
            )
        elif row.uc == "unconfirmed":
            flags.append(_flag("c_minus", TEXT["c_minus"][lang].format(**values), row.row, row.area))
        elif row.uc == "pass":
            flags.append(_flag("pass_grade", TEXT["pass_grade"][lang].format(**values), row.row, row.area))

    for area, rule in rules.areas.items():  # the mix of kinds, judged only when every counted course is named
        units = uc_units.get(area, [])
        if not rule.get("needs") or not units or any(unit[0].known is None for unit in units):
            continue
        kinds = {unit[0].known.kind for unit in units if unit[0].known is not None}
        absent = [kind for kind in rule["needs"] if kind not in kinds]
        if len(absent) > max(0, rule["required"] - len(units)):
            for kind in absent:
                flags.append(_flag(f"mix_{kind}", TEXT[f"mix_{kind}"][lang], area=area))

    eleven = rules.before_senior
    before = sum(
        1 for units in uc_units.values() for unit in units if min(r.year for r in unit) < eleven["senior_grade"]
    )
    short = max(0, eleven["courses"] - before)
    last_year = max((r.year for r in rows if r.year in rules.high_school_years), default=0)
    eleven_values: dict[str, Any] = {
        "n": before,
        "need": eleven["courses"],
        "total": eleven["total"],
        "short_text": _courses_short(short, lang),
    }
    notes: list[str] = []
    if not short:
        notes.append(TEXT["eleven_met"][lang].format(**eleven_values))
    elif last_year >= eleven["senior_grade"] - 1:
        flags.append(_flag("eleven_before_12", TEXT["eleven_short"][lang].format(**eleven_values)))
    else:
        notes.append(TEXT["eleven_progress"][lang].format(**eleven_values))

    notes.append(TEXT["approved_list"][lang].format(url=rules.where_to_check))
    notes.append(TEXT["grade_floor"][lang])
    if any(r.year in rules.middle_school_years for r in rows):
        notes.append(TEXT["middle_school"][lang])
    lausd_short = [
        f"{area}) {TEXT[f'name_{area}'][lang]}, {_years(rule['required'] - lausd_counts[area], lang)}"
        for area, rule in rules.areas.items()
        if lausd_counts[area] < rule["required"]
    ]
    notes.append(
        TEXT["lausd_areas_short"][lang].format(items="; ".join(lausd_short))
        if lausd_short
        else TEXT["lausd_areas_ok"][lang]
    )
    lausd = rules.lausd
    credits = lausd["credits_per_year_course"] * sum(
        1 for units in lausd_units.values() for unit in units if any(r.year in rules.high_school_years for r in unit)
    )
    notes.append(
        TEXT["credits"][lang].format(
            credits=credits, per=lausd["credits_per_year_course"], total=lausd["credits_total"]
        )
    )
    extras = lausd["extras"]
    notes.append(
        TEXT["extras"][lang].format(
            pad=extras["pad_semesters"],
            econ=extras["economics_semesters"],
            pe=extras["pe_years"],
            health=extras["health_semesters"],
            es_sem=extras["ethnic_studies_semesters"],
            es_class=extras["ethnic_studies_from_class"],
            es_other=extras["ethnic_studies_other_class"],
        )
    )
    notes.append(
        TEXT["minimums"][lang].format(uc=rules.gpa["uc"], uc_nr=rules.gpa["uc_nonresident"], csu=rules.gpa["csu"])
    )

    toward = sum(min(item["done_years"], item["required"]) for item in areas)
    total = sum(item["required"] for item in areas)
    missing_items = [
        f"{item['area']}) {_years(item['missing_years'], lang)}" for item in areas if item["status"] == "missing"
    ]
    summary = (
        TEXT["summary_missing"][lang].format(n=toward, total=total, items=", ".join(missing_items))
        if missing_items
        else TEXT["summary_done"][lang].format(n=toward, total=total)
    )
    return {
        "summary": summary,
        "areas": areas,
        "flags": flags,
        "notes": notes,
        "as_of": rules.as_of,
        "sources": list(rules.sources),
    }


# ---------------------------------------------------------------------------------------------- CSV and command

_COLUMNS = {
    "area": "area",
    "year": "year",
    "ano": "year",
    "grado": "year",
    "gradelevel": "year",
    "grade": "grade",
    "calificacion": "grade",
    "nota": "grade",
    "course": "course",
    "curso": "course",
    "clase": "course",
}


def read_csv(
    path: Path | str, *, lang: str = "en", rules: Rules | None = None
) -> tuple[list[dict[str, Any]], list[str]]:
    """The course rows of a CSV file (columns area, year, grade and optionally course; comma, semicolon or tab)
    and the problems found, each naming its spreadsheet row (the header is row 1), texts in `lang`."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        return [], [TEXT["err_unreadable"][lang].format(path=path, error=error)]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # a spreadsheet saved as "CSV" on Windows
    return read_csv_text(text, lang=lang, rules=rules, source=str(path))


def read_csv_text(
    text: str, *, lang: str = "en", rules: Rules | None = None, source: str = "CSV"
) -> tuple[list[dict[str, Any]], list[str]]:
    """As read_csv, from the text of a CSV (e.g. pasted on the staff page); `source` names it in errors."""
    rules = rules or load_rules()
    lines = text.lstrip("\ufeff").splitlines()
    header = lines[0] if lines else ""
    delimiter = max((",", ";", "\t"), key=header.count)
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        head = next(reader, [])
        columns = [_COLUMNS.get(_key(name)) for name in head]
        if "year" not in columns or "grade" not in columns or not {"area", "course"} & set(columns):
            found = ", ".join(name.strip() for name in head if name.strip()) or "-"
            return [], [TEXT["err_columns"][lang].format(found=found)]
        courses, errors = [], []
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            raw: dict[str, Any] = {"row": reader.line_num}
            for column, cell in zip(columns, cells, strict=False):
                if column and not raw.get(column):
                    raw[column] = cell.strip()
            parsed, problems = _parse(raw, reader.line_num, rules, lang)
            errors += problems
            if parsed:
                courses.append(
                    {
                        "row": parsed.row,
                        "area": parsed.area,
                        "course": parsed.label,
                        "year": parsed.year,
                        "grade": parsed.grade,
                    }
                )
    except csv.Error as error:
        return [], [TEXT["err_unreadable"][lang].format(path=source, error=error)]
    if not courses and not errors:
        errors.append(TEXT["err_empty"][lang])
    return courses, errors


def terminal_text(result: dict[str, Any]) -> str:
    lines = [result["summary"]]
    lines += [f"  {area['text']}" for area in result["areas"]]
    lines += [f"  ! {flag['text']}" for flag in result["flags"]]
    lines += [f"  - {note}" for note in result["notes"]]
    lines.append(f"  ({result['as_of']}: {', '.join(result['sources'])})")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    courses, errors = read_csv(args.file, lang=args.lang)
    if errors:
        print("\n".join(errors), file=sys.stderr)
        return 2
    result = check(courses, lang=args.lang)
    print(json.dumps(result, ensure_ascii=False, indent=2) if args.json else terminal_text(result))
    return 0


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register `ag-check FILE [--lang en|es] [--json]` on a `camino` subparsers object."""
    parser = subparsers.add_parser(
        "ag-check",
        help="check one student's A-G courses from a CSV file",
        description="One row per year-long course. Columns: area (a-g), year (9-12; 7 or 8 for math or "
        "language), grade (A-F with +/-, or P), and optionally course (a common LAUSD course name, "
        "which can replace the area). Exit status 2 lists the rows that cannot be read.",
    )
    parser.add_argument("file", metavar="FILE", type=Path, help="CSV file: area, year, grade[, course]")
    parser.add_argument("--lang", choices=LANGS, default="en")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(func=run)
    return parser
