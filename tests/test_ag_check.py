"""A-G checker: worked cases written from the sourced rules (knowledge/tools/a_g.yml): UC years per area
a2 b4 c3 (4 recommended) d2 (3) e2 (3) f1 g1, extra a-f years rolling into g; C or better for UC/CSU, C- not
counted and flagged (CSU campus pages disagree), D counting only for the LAUSD diploma, F for nothing, Pass
only in 2020-21; validation only in math and LOTE for UC (LAUSD also lists lab science); 7th/8th grade only in
math and LOTE; 11 of the 15 courses before 12th grade; 10 LAUSD credits per year-long course in 9th-12th grade."""

import argparse
import json
from pathlib import Path

import pytest
import yaml

from bot import config
from bot.tools.ag_check import TEXT, add_parser, check, load_rules, read_csv

COMPLETE = [
    ("World History", 10, "B"),
    ("US History", 11, "B"),
    ("English 9", 9, "B"),
    ("English 10", 10, "B"),
    ("American Literature", 11, "B"),
    ("ERWC", 12, "B"),
    ("Algebra 1", 9, "B"),
    ("Geometry", 10, "B"),
    ("Algebra 2", 11, "B"),
    ("Biology", 9, "B"),
    ("Chemistry", 10, "B"),
    ("Spanish 1", 9, "B"),
    ("Spanish 2", 10, "B"),
    ("f", 11, "B"),
    ("g", 11, "A"),
]


def rows(items):
    """(area letter or course name, year, grade) -> the dicts check() takes."""
    return [
        {"area": what, "year": year, "grade": grade}
        if len(what) == 1
        else {"course": what, "year": year, "grade": grade}
        for what, year, grade in items
    ]


STATUS = {"D": "done", "M": "missing", "R": "recommended_extra"}

CASES = [
    # (name, rows, done years a..g, status a..g, flag kinds in order)
    ("nothing yet", [], "0000000", "MMMMMMM", []),
    ("complete pattern", COMPLETE, "2432211", "DDRRRDD", []),
    ("4th math rolls into g", COMPLETE + [("Precalculus", 12, "A")], "2442212", "DDDRRDD", []),
    (
        "D in Algebra 1, Geometry after",
        [("Algebra 1", 9, "D"), ("Geometry", 10, "B")],
        "0010000",
        "MMMMMMM",
        ["d_grade"],
    ),
    (
        "D in Algebra 1 retaken with B",
        [("Algebra 1", 9, "D"), ("Algebra 1", 10, "B")],
        "0010000",
        "MMMMMMM",
        ["d_grade"],
    ),
    ("F in English 9", [("English 9", 9, "F"), ("English 10", 10, "B")], "0100000", "MMMMMMM", ["f_grade"]),
    ("C- in Chemistry not counted", [("Biology", 9, "B"), ("Chemistry", 10, "C-")], "0001000", "MMMMMMM", ["c_minus"]),
    ("Pass in arts not counted", [("f", 9, "P")], "0000000", "MMMMMMM", ["pass_grade"]),
    ("7th/8th-grade math and Spanish", [("Algebra 1", 8, "A"), ("Spanish 1", 7, "B")], "0010100", "MMMMMMM", []),
    (
        "only 8 before 12th grade",
        [
            ("English 9", 9, "B"),
            ("English 10", 10, "B"),
            ("American Literature", 11, "B"),
            ("World History", 10, "B"),
            ("US History", 11, "B"),
            ("Algebra 1", 9, "B"),
            ("Geometry", 10, "B"),
            ("Algebra 2", 11, "B"),
        ],
        "2330000",
        "DMRMMMM",
        ["eleven_before_12"],
    ),
    (
        "9th grader on track",
        [("English 9", 9, "A"), ("Algebra 1", 9, "B"), ("Biology", 9, "B"), ("Spanish 1", 9, "A"), ("f", 9, "B")],
        "0111110",
        "MMMMMDM",
        [],
    ),
    (
        "bare area letters count each",
        [("c", 9, "B"), ("c", 10, "B"), ("c", 11, "C")],
        "0030000",
        "MMRMMMM",
        ["eleven_before_12"],
    ),
    (
        "chemistry + physics, no biology",
        [("Chemistry", 10, "B"), ("Physics", 10, "A")],
        "0002000",
        "MMMRMMM",
        ["mix_biological"],
    ),
    ("same course twice counts once", [("US History", 10, "B"), ("U.S. History", 10, "A")], "1000000", "MMMMMMM", []),
    ("bare a row: mix not judged", [("US History", 10, "B"), ("a", 10, "B")], "2000000", "DMMMMMM", []),
    ("D in Biology: science remedy", [("Biology", 9, "D"), ("Chemistry", 10, "B")], "0001000", "MMMMMMM", ["d_grade"]),
    (
        "5th English year rolls into g",
        [("b", 9, "B"), ("b", 9, "B"), ("b", 10, "B"), ("b", 10, "B"), ("b", 10, "A")],
        "0500001",
        "MDMMMMD",
        [],
    ),
    ("lower-case grades and area", [("C", 9, "b+"), ("c", 10, "a-")], "0020000", "MMMMMMM", []),
    ("D- is a D", [("Geometry", 10, "D-")], "0000000", "MMMMMMM", ["d_grade"]),
    (
        "F in Spanish 1, Spanish 2 after",
        [("Spanish 1", 9, "F"), ("Spanish 2", 10, "B")],
        "0000100",
        "MMMMMMM",
        ["f_grade"],
    ),
    ("D in Geometry, later bare math", [("Geometry", 9, "D"), ("c", 10, "B")], "0010000", "MMMMMMM", ["d_grade"]),
    (
        "aliases and Spanish names",
        [
            ("Álgebra 1", 9, "B"),
            ("Historia Universal", 10, "A"),
            ("Biology AB", 9, "B"),
            ("Algebra 1A/B", 10, "B"),
            ("Geometry A/B", 10, "B"),
        ],
        "1021000",
        "MMMMMMM",
        [],
    ),
    ("everything in 12th grade", [(a, 12, "B") for a in "abcdefg"], "1111111", "MMMMMDD", ["eleven_before_12"]),
    (
        "all D: diploma yes, UC no",
        [(n, y, "D") for n, y, _ in COMPLETE],
        "0000000",
        "MMMMMMM",
        ["d_grade"] * 15 + ["eleven_before_12"],
    ),
]


@pytest.mark.parametrize("name,items,years,statuses,kinds", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("lang", ["en", "es"])
def test_worked_cases(name, items, years, statuses, kinds, lang):
    result = check(rows(items), lang=lang)
    areas = result["areas"]
    assert [a["area"] for a in areas] == list("abcdefg")
    assert "".join(str(a["done_years"]) for a in areas) == years
    assert [a["status"] for a in areas] == [STATUS[s] for s in statuses]
    for area in areas:
        assert area["missing_years"] == (
            max(0, area["required"] - area["done_years"]) if area["status"] == "missing" else 0
        )
        assert area["text"].startswith(f"{area['area']}) {TEXT['name_' + area['area']][lang]}:")
    assert [f["kind"] for f in result["flags"]] == kinds
    assert result["as_of"] and result["sources"][0].startswith("https://admission.universityofcalifornia.edu")
    json.dumps(result)
    assert not any(f["text"].startswith(("Row", "Fila")) for f in result["flags"])  # no row numbers given


def test_required_years_are_ucs():
    areas = {a["area"]: a for a in check([])["areas"]}
    assert {k: (v["required"], v["recommended"]) for k, v in areas.items()} == {
        "a": (2, None),
        "b": (4, None),
        "c": (3, 4),
        "d": (2, 3),
        "e": (2, 3),
        "f": (1, None),
        "g": (1, None),
    }
    assert check(rows(COMPLETE))["summary"].startswith("A-G for UC/CSU: 15 of 15 required years done")
    assert "falta: a) 2 años" in check([], lang="es")["summary"]


def flag_text(items, lang="en", kind=None):
    flags = check(rows(items), lang=lang)["flags"]
    return next(f["text"] for f in flags if kind is None or f["kind"] == kind)


def test_d_and_f_explain_lausd_versus_uc():
    d = [("Algebra 1", 9, "D"), ("Geometry", 10, "B")]
    assert "counts toward the LAUSD diploma" in flag_text(d) and "June 2015" in flag_text(d)
    assert "may validate it for UC" in flag_text(d) and "Geometry (10th grade, B)" in flag_text(d)
    es = flag_text(d, "es")
    assert "cuenta para el diploma de LAUSD" in es and "puede validarla para la UC" in es
    f = [("English 9", 9, "F")]
    assert "no credit, neither for the LAUSD diploma nor for UC or CSU" in flag_text(f)
    assert "cannot be validated" in flag_text(f) and "no se pueden validar" in flag_text(f, "es")


def test_remedies():
    retaken = [("Algebra 1", 9, "D"), ("Algebra 1", 10, "B")]
    assert "taken again in 10th grade with B" in flag_text(retaken)
    assert "Se volvió a tomar en 10.º grado con B" in flag_text(retaken, "es")
    science = [("Biology", 9, "D")]
    assert "UC validates only math and languages" in flag_text(science)
    assert "la UC solo valida matemáticas e idiomas" in flag_text(science, "es")
    alone = [("Spanish 2", 10, "D")]
    assert "pass the next-level course with a C or better" in flag_text(alone)
    lower_after = [("Algebra 2", 10, "D"), ("Geometry", 11, "B")]  # a lower course cannot validate
    assert "may validate" not in flag_text(lower_after, kind="d_grade")
    bare = [("Geometry", 9, "D"), ("c", 10, "B")]
    assert "an area c course (10th grade, B)" in flag_text(bare) and flag_text(bare).startswith("Geometry (D")
    assert flag_text([("f", 9, "D")], "es").startswith("Una clase del área f (D, 9.º grado)")
    assert "una clase del área c (10.º grado, B)" in flag_text(bare, "es")


def test_c_minus_and_pass_send_to_the_counselor():
    c_minus = [("Chemistry", 10, "C-")]
    assert "may not count for UC or CSU" in flag_text(c_minus) and "confirm with the counselor" in flag_text(c_minus)
    assert "confírmelo con el consejero" in flag_text(c_minus, "es")
    assert "winter 2020 through summer 2021" in flag_text([("f", 10, "P")])
    assert "del invierno de 2020 al verano de 2021" in flag_text([("f", 10, "CR")], "es")


def test_mix_flags_name_the_missing_kind():
    assert "no biological science" in flag_text([("Chemistry", 10, "B"), ("Physics", 11, "B")], kind="mix_biological")
    assert "CSU y el diploma de LAUSD piden 1 ciencia biológica y 1 física" in flag_text(
        [("Chemistry", 10, "B"), ("Physics", 11, "B")], "es", "mix_biological"
    )
    kinds = [f["kind"] for f in check(rows([("World History", 9, "B"), ("Biology", 9, "B")]))["flags"]]
    assert not any(k.startswith("mix_") for k in kinds)  # a slot is still open


def test_eleven_before_senior_year():
    notes = check(rows(COMPLETE))["notes"]
    assert any("rule of 11 A-G courses before 12th grade is met (14" in n for n in notes)
    progress = check(rows([("English 9", 9, "B")]), lang="es")["notes"]
    assert any("Lleva 1 de los 11 cursos" in n and "faltan 10 cursos" in n for n in progress)
    short = flag_text([(a, 11, "B") for a in "abcdef"], kind="eleven_before_12")
    assert "these rows show 6 through 11th grade" in short and "5 more courses are needed" in short


def test_notes_on_every_result():
    for lang, words in (
        ("en", ("UC A-G Course List", "counselor", "210", "2027", "2026", "Service Learning")),
        (
            "es",
            (
                "UC A-G Course List (la lista oficial",
                "consejero",
                "210",
                "2027",
                "2026",
                "Service Learning (aprendizaje de servicio)",
            ),
        ),
    ):
        notes = " ".join(check([], lang=lang)["notes"])
        assert "https://hs-articulation.ucop.edu/agcourselist" in notes
        for word in words:
            assert word in notes


def test_lausd_diploma_and_credits():
    all_d = check(rows([(n, y, "D") for n, y, _ in COMPLETE]))
    assert any("these rows cover every A-G area" in n for n in all_d["notes"])
    assert any("about 150 credits" in n for n in all_d["notes"])
    middle = check(rows([("Algebra 1", 8, "A"), ("Geometry", 9, "B")]), lang="es")["notes"]
    assert any("unos 10 créditos" in n for n in middle)
    assert any("7.º y 8.º grado cuentan para la UC con C o más" in n for n in middle)
    short = check(rows([("Algebra 1", 9, "F")]))["notes"]
    assert any("still missing: a) History, 2 years; b) English, 4 years; c) Mathematics, 3 years" in n for n in short)


@pytest.mark.parametrize(
    "item,part",
    [
        ({"area": "h", "year": 9, "grade": "B"}, 'unknown area "h"'),
        ({"area": "a", "year": 13, "grade": "B"}, 'year "13"'),
        ({"area": "a", "year": 8, "grade": "B"}, "8th-grade course counts for A-G only in math"),
        ({"area": "a", "year": 9, "grade": "E"}, 'grade "E"'),
        ({"area": "a", "year": 9, "grade": "F+"}, 'grade "F+"'),
        ({"course": "Basket Weaving", "year": 9, "grade": "B"}, 'unknown course "Basket Weaving"'),
        ({"area": "c", "course": "Biology", "year": 9, "grade": "B"}, '"Biology" is an area d course, not area c'),
        ({"year": 9, "grade": "B"}, "give an area"),
    ],
)
def test_bad_rows_are_refused(item, part):
    with pytest.raises(ValueError, match="Row 1: ") as error:
        check([item])
    assert part in str(error.value)


def test_unknown_course_with_an_area_is_kept_as_its_label():
    result = check([{"area": "f", "course": "Art 1", "year": 10, "grade": "P"}])
    assert result["flags"][0]["text"].startswith("Art 1 (P, 10th grade)") and result["flags"][0]["row"] == 1
    numbered = check([{"area": "f", "course": "Art 1", "year": 10, "grade": "P", "row": 7}], lang="es")
    assert numbered["flags"][0]["text"].startswith("Fila 7: Art 1 (P, 10.º grado)")
    with pytest.raises(ValueError):
        check([], lang="fr")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "courses.csv"
    path.write_text(text, "utf-8")
    return path


def test_csv_errors_name_each_row(tmp_path):
    path = write(
        tmp_path,
        "area,year,grade,course\n"
        "a,10,B,World History\n"  # row 2 fine
        "h,9,B,\n"  # row 3 area
        "b,9,E,\n"  # row 4 grade
        "c,14,B,\n"  # row 5 year
        ",,,\n"  # row 6 blank: skipped
        ",9,B,Underwater Chess\n"  # row 7 course
        "a,7,A,\n",
    )  # row 8 middle school outside c/e
    courses, errors = read_csv(path)
    assert [c["row"] for c in courses] == [2]
    assert [e.split(":")[0] for e in errors] == ["Row 3", "Row 4", "Row 5", "Row 7", "Row 8"]
    _, errores = read_csv(path, lang="es")
    assert errores[0].startswith('Fila 3: área desconocida "h"') and 'calificación "E"' in errores[1]


def test_csv_headers_delimiters_and_course_in_area_column(tmp_path):
    path = write(tmp_path, "\ufeffÁrea;Año;Calificación;Curso\nAlgebra 1;9;B;\n;10;A;Geometría\ne;8;B+;\n")
    courses, errors = read_csv(path)
    assert errors == []
    assert [(c["area"], c["course"], c["year"], c["grade"]) for c in courses] == [
        ("c", "Algebra 1", 9, "B"),
        ("c", "Geometry", 10, "A"),
        ("e", None, 8, "B+"),
    ]


def test_csv_from_a_windows_spreadsheet(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes("área,año,calificación,curso\n,9,A,Geometría\n".encode("cp1252"))
    courses, errors = read_csv(path)
    assert errors == [] and courses[0]["course"] == "Geometry"


def test_csv_missing_columns_and_empty(tmp_path):
    _, errors = read_csv(write(tmp_path, "subject,grade\nc,B\n"))
    assert errors == ["The file needs the columns area, year and grade (course is optional); found: subject, grade."]
    _, errors = read_csv(write(tmp_path, "area,year,grade\n"), lang="es")
    assert errors == ["El archivo no tiene filas de clases."]
    _, errors = read_csv(tmp_path / "missing.csv")
    assert errors[0].startswith("Cannot read")


def run_command(argv):
    parser = argparse.ArgumentParser(prog="camino")
    add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


def test_command_prints_json(tmp_path, capsys):
    lines = ["area,year,grade,course"] + [f",{y},{g},{n}" if len(n) > 1 else f"{n},{y},{g}," for n, y, g in COMPLETE]
    path = write(tmp_path, "\n".join(lines[:-1] + ["g,11,D,"]) + "\n")
    assert run_command(["ag-check", str(path), "--lang", "es", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result) == {"summary", "areas", "flags", "notes", "as_of", "sources"}
    assert set(result["areas"][0]) == {
        "area",
        "name",
        "required",
        "recommended",
        "done_years",
        "status",
        "missing_years",
        "text",
    }
    assert result["areas"][6]["status"] == "missing" and result["flags"][0]["kind"] == "d_grade"
    assert result["flags"][0]["text"].startswith("Fila 16: una clase del área g (D, 11.º grado)")


def test_command_text_and_row_errors(tmp_path, capsys):
    assert run_command(["ag-check", str(write(tmp_path, "area,year,grade\nc,9,B\n"))]) == 0
    out = capsys.readouterr().out
    assert out.startswith("A-G for UC/CSU: 1 of 15") and "  c) Mathematics: 1 of 3 years done" in out
    assert run_command(["ag-check", str(write(tmp_path, "area,year,grade\nz,9,B\nc,9,Q\n")), "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.splitlines()[0].startswith('Row 2: unknown area "z"')
    assert captured.err.splitlines()[1].startswith('Row 3: grade "Q"')


def test_rules_file_is_sourced():
    data = yaml.safe_load((config.knowledge_dir() / "tools" / "a_g.yml").read_text("utf-8"))
    assert data["as_of"] and data["review_by"]
    assert data["sources"][0] == (
        "https://admission.universityofcalifornia.edu/admission-requirements/freshman-requirements"
    )
    assert all(course["source"] in data["sources"] for course in data["courses"])
    assert all(course["area"] in data["areas"] for course in data["courses"])
    rules = load_rules()
    assert rules.find_course("algebra i").name == "Algebra 1" and rules.find_course("Earth Science") is None


def test_pasted_csv_text_reads_like_the_file(tmp_path):
    from bot.tools.ag_check import read_csv_text

    text = "area;year;grade;course\na;9;B;\n\nc;10;D;Algebra 1\nz;9;A;\n"
    path = tmp_path / "pasted.csv"
    path.write_text(text, encoding="utf-8")
    for lang in ("en", "es"):
        assert read_csv_text(text, lang=lang) == read_csv(path, lang=lang)
    rows, errors = read_csv_text("\ufeff" + text)
    assert [r["row"] for r in rows] == [2, 4] and errors and errors[0].startswith("Row 5")
