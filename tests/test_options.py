"""Options finder: worked cases written from the sourced rules (knowledge/tools/options.yml, from
/work/shared/guided-tools.md §3.1 and §4): magnets K-12 for LAUSD residents only; gifted magnets and SAS by
identification or school verification; dual language TK-12 (entry TK-1, English learners at any grade),
open to non-residents with a permit; the International Newcomer Academy for English-learner high schoolers;
PWT and Unique Education Pathways 6-12; charters any grade; Zones of Choice at entry to middle (6) and high
school (9); Open Enrollment K-12; UTK at TK; ELO-P TK-6. Dates come from an injected cycles list (the
2025-26 and 2026-27 cycles of knowledge/cycles.yml) and an injected `today`; a small catalog is built here so
the cases do not depend on the catalog's content."""

import argparse
import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml

from bot.knowledge.catalog import Catalog
from bot.knowledge.model import School
from bot.tools import options
from bot.tools.options import TEXT, find_options, load_cycles, load_rules

ROOT = Path(__file__).resolve().parent.parent
RSI = "https://rsi.lausd.net/ResidentSchoolIdentifier/"


def school(id, types, level, grades=None, address=None, region=None, languages=None, name=None):
    extra = {
        k: v
        for k, v in {"grades": grades, "address": address, "region": region, "dual_language": languages}.items()
        if v
    }
    return School(
        id,
        name or id.replace("_", " ").title(),
        (),
        tuple(types),
        level,
        (f"https://example.lausd.org/{id}",),
        "2025-26",
        extra,
    )


SCHOOLS = [
    school("avalon_magnet", ["magnet"], "elementary", address="100 Main St., Los Angeles, CA 90011"),
    school("beach_magnet", ["magnet"], "elementary", region="Local District West (2019)"),
    school(
        "canyon_science_technology_magnet",
        ["magnet"],
        "middle",
        grades="6-8",
        address="1 Hill St., Los Angeles, CA 90037",
    ),
    school("delta_arts_magnet", ["magnet"], "middle", grades="6-8"),
    school("eagle_magnet_hs", ["magnet"], "high"),
    school("mystery_span_magnet", ["magnet"], "span"),  # grades unknown: never listed
    school("nolevel_magnet", ["magnet"], None),  # level unknown: never listed
    school("franklin_gifted", ["gifted_magnet"], "elementary"),
    school("gold_highly_gifted", ["highly_gifted_magnet"], "span", grades="4-12"),
    school("hope_sas_ms", ["sas"], "middle", grades="6-8"),
    school(
        "iris_spanish_dl",
        ["dual_language"],
        "elementary",
        address="9 Oak St., Los Angeles, CA 90011",
        languages=["spanish"],
    ),
    school("jade_korean_dl", ["dual_language"], "elementary", languages=["korean"]),
    school("kent_newcomer_hs", ["newcomer"], "high", grades="9-12"),
    school("lark_pwt_ms", ["pwt_receiving"], "middle"),
    school("mesa_affiliated_hs", ["charter_affiliated"], "high"),
    school("north_independent", ["charter_independent"], "span", grades="6-12"),
    school("oak_uep_academy", ["admission_criteria"], "span", grades="6-12"),
]
CATALOG = Catalog(SCHOOLS)
CYCLES = [  # as in knowledge/cycles.yml (LAist 2026-27; choices.lausd.net FAQ/afc 2025-26)
    {
        "id": "2025-26",
        "on_time_opens": date(2024, 10, 1),
        "on_time_deadline": date(2024, 11, 15),
        "late_opens": date(2025, 2, 3),
        "results": "2025-03",
        "accept_by": date(2025, 4, 11),
        "ends": date(2025, 4, 30),
        "sources": ["https://choices.lausd.net/Home/faq?p=1"],
    },
    {
        "id": "2026-27",
        "on_time_opens": date(2025, 10, 1),
        "on_time_deadline": date(2025, 11, 14),
        "late_opens": date(2026, 2, 2),
        "results": "2026-03",
        "accept_by": "2026-04",
        "ends": date(2026, 4, 30),
        "sources": [
            "https://laist.com/news/education/lausd-choices-application-2025-2026-2027-school-year-magnets-charters-dual-language"
        ],
    },
]
TODAY = date(2026, 12, 2)


def run(grade, lang="en", **kwargs):
    kwargs.setdefault("today", TODAY)
    kwargs.setdefault("catalog", CATALOG)
    kwargs.setdefault("cycles", CYCLES)
    return find_options(grade=grade, lang=lang, **kwargs)


def ids(result):
    return [p["id"] for p in result["programs"]]


def program(result, program_id):
    return next(p for p in result["programs"] if p["id"] == program_id)


ELEMENTARY = [
    "magnet",
    "gifted_magnet",
    "sas",
    "dual_language",
    "affiliated_charter",
    "independent_charter",
    "open_enrollment",
    "elop",
]
MIDDLE = [
    "magnet",
    "gifted_magnet",
    "sas",
    "dual_language",
    "pwt",
    "uep",
    "affiliated_charter",
    "independent_charter",
    "open_enrollment",
]
HIGH = MIDDLE

CASES = [
    # (grade, in_lausd, english_learner, gate, programs, in this order)
    ("TK", True, False, False, ["utk", "dual_language", "affiliated_charter", "independent_charter", "elop"]),
    ("K", True, False, False, ELEMENTARY),  # magnets, OE start at K
    ("5", True, False, True, ELEMENTARY),
    (
        "6",
        True,
        False,
        False,
        [
            "magnet",
            "gifted_magnet",
            "sas",
            "dual_language",
            "pwt",
            "uep",
            "affiliated_charter",
            "independent_charter",
            "zones_of_choice",
            "open_enrollment",
            "elop",
        ],
    ),  # PWT/UEP from 6; ELO-P to 6; MS zones
    ("7", True, False, False, MIDDLE),  # no zone entry, no ELO-P
    ("8", True, True, False, MIDDLE),  # EL: still no INA before high school
    ("9", True, False, False, MIDDLE[:-1] + ["zones_of_choice", "open_enrollment"]),
    (
        "9",
        True,
        True,
        False,
        [
            "magnet",
            "gifted_magnet",
            "sas",
            "dual_language",
            "newcomer_academy",
            "pwt",
            "uep",
            "affiliated_charter",
            "independent_charter",
            "zones_of_choice",
            "open_enrollment",
        ],
    ),
    ("12", True, False, True, HIGH),
    ("12", True, True, False, HIGH[:4] + ["newcomer_academy"] + HIGH[4:]),
    ("TK", False, False, False, ["dual_language", "affiliated_charter", "independent_charter"]),  # no UTK/ELO-P
    ("K", False, False, True, ["dual_language", "affiliated_charter", "independent_charter"]),  # no magnets
    ("6", False, False, False, ["dual_language", "uep", "affiliated_charter", "independent_charter"]),
    (
        "9",
        False,
        True,
        False,
        ["dual_language", "newcomer_academy", "uep", "affiliated_charter", "independent_charter"],
    ),  # no PWT, zones, OE outside
]


@pytest.mark.parametrize("grade,in_lausd,el,gate,expected", CASES)
@pytest.mark.parametrize("lang", ["en", "es"])
def test_programs_by_grade_and_residence(grade, in_lausd, el, gate, expected, lang):
    result = run(grade, lang, in_lausd=in_lausd, english_learner=el, gate=gate)
    assert ids(result) == expected
    assert set(result) == {"school_year", "programs", "neighborhood_school", "notes", "as_of", "sources"}
    assert result["neighborhood_school"]["url"] == RSI
    for p in result["programs"]:
        assert p["name"] and p["why"] and p["topic"] and p["sources"][0].startswith("http")
        assert p["text"] == f"{p['name']}: {p['route_text']}"
        assert p["route"] in ("choices", "school", "zones_of_choice", "open_enrollment", "charter_lottery")
        assert len(p["schools"]) <= 5 and all(s["sources"] for s in p["schools"])
    if not in_lausd:
        assert "magnet" not in ids(result) and "pwt" not in ids(result)


@pytest.mark.parametrize("lang,needle", [("en", "require living in LAUSD"), ("es", "exigen vivir en LAUSD")])
def test_outside_lausd_says_why_and_names_the_permit(lang, needle):
    result = run("K", lang, in_lausd=False)
    assert any(needle in n for n in result["notes"])
    assert "inter-district permit" in program(result, "dual_language")["why"]
    assert any("SAS" in n for n in result["notes"])  # no stored rule: said, not guessed
    assert "LAUSD" in result["neighborhood_school"]["text"] and result["neighborhood_school"]["url"] == RSI


def test_charters_need_no_permit_from_outside():
    why = program(run("9", in_lausd=False), "affiliated_charter")["why"]
    assert "need no permit" in why and "LAUSD residents come first" in why


@pytest.mark.parametrize(
    "grade,el,en,es",
    [
        ("K", False, "entry grades", "grados de entrada"),
        ("1", True, "entry grades", "grados de entrada"),
        ("3", False, "only if already in a dual language program", "solo puede entrar si ya está"),
        ("3", True, "can join at any grade", "puede entrar en cualquier grado"),
    ],
)
def test_dual_language_entry_grades(grade, el, en, es):
    assert en in program(run(grade, english_learner=el), "dual_language")["why"]
    assert es in program(run(grade, "es", english_learner=el), "dual_language")["why"]


@pytest.mark.parametrize(
    "gate,en,es",
    [
        (True, "GATE identification counts", "identificación GATE de su hijo cuenta"),
        (False, "Without GATE identification", "Sin identificación GATE"),
    ],
)
def test_gifted_magnets_and_sas_follow_gate(gate, en, es):
    assert en in program(run("4", gate=gate), "gifted_magnet")["why"]
    assert es in program(run("4", "es", gate=gate), "gifted_magnet")["why"]
    sas = program(run("4", gate=gate), "sas")["why"]
    assert ("Creative or Leadership" in sas) is gate and ("Standard Exceeded" in sas) is not gate


def test_iep_and_english_learner_notes():
    assert any("IEP" in n and "any Choices program" in n for n in run("6", iep=True)["notes"])
    assert any("IEP" in n and "cualquier programa de Choices" in n for n in run("6", "es", iep=True)["notes"])
    assert not any("IEP" in n for n in run("6")["notes"])
    assert any("English learners may apply" in n for n in run("2", english_learner=True)["notes"])
    assert "English learners are among" in program(run("2", english_learner=True), "elop")["why"]


def test_zones_of_choice_middle_and_high_school():
    assert "San Fernando and South Gate" in program(run("6"), "zones_of_choice")["why"]
    assert "8th graders" in program(run("9"), "zones_of_choice")["why"]
    assert program(run("9"), "zones_of_choice")["schools"] == []  # never guesses a zone school


# ---- deadlines ------------------------------------------------------------------------------------------------

DEADLINES = [
    # (today, school year, kind, date or None, words in the English text)
    (date(2025, 9, 15), "2026-27", "on_time_deadline", "2025-11-14", ["October 1", "November 14, 2025"]),
    (date(2025, 11, 14), "2026-27", "on_time_deadline", "2025-11-14", ["November 14, 2025"]),  # its own day
    (date(2025, 11, 15), "2026-27", "late_opens", "2026-02-02", ["has passed", "February 2, 2026"]),
    (date(2026, 2, 3), "2026-27", "late_open_now", None, ["order received"]),
    (date(2026, 5, 1), "2026-27", "cycle_over", None, ["have all passed"]),
    (date(2026, 8, 1), "2027-28", "pattern", None, ["choices.lausd.net", "October to mid-November"]),
    (date(2026, 12, 2), "2027-28", "pattern", None, ["choices.lausd.net", "early February", "has already closed"]),
]


@pytest.mark.parametrize("today,year,kind,value,words", DEADLINES)
def test_next_choices_date_from_today(today, year, kind, value, words):
    result = run("6", today=today)
    deadline = program(result, "magnet")["next_deadline"]
    assert result["school_year"] == year and deadline["cycle"] == year
    assert deadline["kind"] == kind and deadline["date"] == value
    assert all(w in deadline["text"] for w in words), deadline["text"]
    es = program(run("6", "es", today=today), "magnet")["next_deadline"]
    assert es["kind"] == kind and es["date"] == value and "ciclo escolar" in es["text"]


def test_spanish_dates_are_written_in_spanish():
    def text(today):
        return program(run("K", "es", today=today), "magnet")["next_deadline"]["text"]

    assert "14 de noviembre de 2025" in text(date(2025, 10, 20))
    assert "2 de febrero de 2026" in text(date(2025, 12, 1))


def test_today_2026_12_02_gives_no_past_date_as_upcoming():
    result = run("6")
    for p in result["programs"]:
        deadline = p["next_deadline"]
        if deadline:
            assert deadline["date"] is None
            assert not re.search(r"\b20(25|26)\b", deadline["text"]), deadline["text"]
    assert result["school_year"] == "2027-28"


def test_no_date_is_ever_in_the_past():
    today = date(2024, 8, 1)
    while today < date(2027, 8, 1):
        for p in run("9", today=today)["programs"]:
            value = (p["next_deadline"] or {}).get("date")
            if value:
                assert value[:10] >= today.isoformat() if len(value) == 10 else value > today.isoformat()[:7]
        today += timedelta(days=9)


def test_a_future_sourced_cycle_gives_its_dates():
    cycles = CYCLES + [
        {
            "id": "2027-28",
            "on_time_opens": date(2026, 10, 1),
            "on_time_deadline": date(2026, 11, 13),
            "late_opens": "2027-02",
            "ends": date(2027, 4, 30),
            "sources": ["https://choices.lausd.net"],
        }
    ]
    deadline = program(run("6", cycles=cycles), "magnet")["next_deadline"]
    assert deadline["kind"] == "late_opens" and deadline["date"] == "2027-02" and "February 2027" in deadline["text"]
    assert "https://choices.lausd.net" in deadline["sources"]
    # a month without a day is no longer "upcoming" once that month has begun
    later = program(run("6", cycles=cycles, today=date(2027, 2, 10)), "magnet")["next_deadline"]
    assert later["kind"] == "late_open_now"


def test_missing_cycles_give_the_pattern():
    deadline = program(run("K", cycles=[], today=date(2025, 10, 15)), "magnet")["next_deadline"]
    assert deadline["kind"] == "pattern" and deadline["date"] is None and "is open now" in deadline["text"]
    assert load_cycles(ROOT / "knowledge" / "no-such-cycles.yml") == {}


def test_other_routes_give_their_pattern_or_nothing():
    result = run("6")
    assert "late April to mid-May" in program(result, "open_enrollment")["next_deadline"]["text"]
    assert "zoc.lausd.org" in program(result, "zones_of_choice")["next_deadline"]["text"]
    assert program(result, "independent_charter")["next_deadline"]["kind"] == "school_dates"
    assert program(result, "elop")["next_deadline"] is None
    assert program(run("TK"), "utk")["next_deadline"] is None


# ---- catalog examples -----------------------------------------------------------------------------------------


def test_schools_fit_the_grade_and_program():
    assert [s["id"] for s in program(run("K"), "magnet")["schools"]] == ["avalon_magnet", "beach_magnet"]
    assert [s["id"] for s in program(run("7"), "magnet")["schools"]] == [
        "canyon_science_technology_magnet",
        "delta_arts_magnet",
    ]
    assert [s["id"] for s in program(run("4"), "gifted_magnet")["schools"]] == ["franklin_gifted", "gold_highly_gifted"]
    newcomers = program(run("9", english_learner=True), "newcomer_academy")["schools"]
    assert [s["id"] for s in newcomers] == ["kent_newcomer_hs"]
    listed = {s["id"] for p in run("7")["programs"] for s in p["schools"]}
    assert not listed & {"mystery_span_magnet", "nolevel_magnet"}  # unknown grades are never a "fit"


def test_zip_puts_schools_in_that_zip_first():
    magnets = program(run("7", zip_code="90037"), "magnet")["schools"]
    assert magnets[0]["id"] == "canyon_science_technology_magnet" and magnets[0]["matches"] == ["zip"]
    assert program(run("K", zip_code="90011"), "dual_language")["schools"][0]["id"] == "iris_spanish_dl"
    result = run("K", zip_code="90011")
    assert any("90011" in n for n in result["notes"])
    assert "ZIP code" in result["neighborhood_school"]["text"]  # the ZIP never picks the school
    assert "código postal" in run("K", "es", zip_code="90011")["neighborhood_school"]["text"]


def test_local_district_orders_schools():
    magnets = program(run("K", local_district="West"), "magnet")["schools"]
    assert magnets[0]["id"] == "beach_magnet" and magnets[0]["matches"] == ["local_district"]


@pytest.mark.parametrize("interest,school_id", [("spanish", "iris_spanish_dl"), ("korean", "jade_korean_dl")])
def test_language_interest_filters_dual_language(interest, school_id):
    result = run("K", interests=[interest])
    assert ids(result)[0] == "dual_language"
    assert [s["id"] for s in result["programs"][0]["schools"]] == [school_id]


def test_theme_interest_moves_magnets_up_and_matching_names_first():
    result = run("7", interests=["stem"])
    assert ids(result)[:2] == ["magnet", "uep"]
    assert result["programs"][0]["schools"][0]["matches"] == ["interest"]


# ---- input checks ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"grade": "13"}, "grade must be TK, K or 1-12"),
        ({"grade": "0"}, "grade"),
        ({"grade": "PK"}, "grade"),
        ({"grade": ""}, "grade"),
        ({"grade": True}, "grade"),
        ({"grade": "6", "zip_code": "9001"}, "5 digits"),
        ({"grade": "6", "zip_code": "90011-1234"}, "5 digits"),
        ({"grade": "6", "lang": "fr"}, "lang"),
        ({"grade": "6", "interests": ["chess"]}, "unknown interest"),
        ({"grade": "6", "local_district": " "}, "local district"),
    ],
)
def test_bad_input_is_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        run(**kwargs)


@pytest.mark.parametrize("grade,normal", [("tk", "TK"), ("k", "K"), (6, "6"), (" 12 ", "12"), ("06", "6")])
def test_grade_spellings(grade, normal):
    assert options.parse_grade(grade) == normal


# ---- rules, texts and command ---------------------------------------------------------------------------------


def test_rules_are_sourced_and_point_to_real_topics_and_types():
    rules = load_rules()
    topics = set(yaml.safe_load((ROOT / "knowledge" / "topics.yml").read_text("utf-8"))["topics"])
    types = set(yaml.safe_load((ROOT / "knowledge" / "program_types.yml").read_text("utf-8"))["program_types"])
    assert rules.as_of and rules.review_by and rules.links["resident_school_identifier"] == RSI
    for p in rules.programs:
        assert p["topic"] in topics, p["id"]
        assert set(p["types"]) <= types, p["id"]
        assert p["sources"] and all(s.startswith("http") for s in p["sources"]), p["id"]
        for note in p["why"]:
            assert note["en"].strip() and note["es"].strip(), p["id"]
    assert all(set(t) == {"en", "es"} and t["en"] and t["es"] for t in TEXT.values())


def test_spanish_follows_the_glossary():
    terms = yaml.safe_load((ROOT / "knowledge" / "glossary.yml").read_text("utf-8"))["terms"]
    patterns = [re.compile(rf"(?<!\w){p}(?!\w)", re.IGNORECASE) for t in terms for p in t.get("avoid_es", [])]
    url = re.compile(r"https?://\S+|\b[\w.-]+\.(?:org|net|gov|edu|com)\S*")
    texts = [t["es"] for t in TEXT.values()]
    for grade, in_lausd, el, gate, _ in CASES:
        result = run(grade, "es", in_lausd=in_lausd, english_learner=el, gate=gate, iep=True, zip_code="90011")
        texts += [p[k] for p in result["programs"] for k in ("name", "why", "route_text")]
        texts += [p["next_deadline"]["text"] for p in result["programs"] if p["next_deadline"]]
        texts += result["notes"] + [result["neighborhood_school"]["text"]]
    offenders = [
        m.group(0) for text in texts for pattern in patterns for m in [pattern.search(url.sub(" ", text))] if m
    ]
    assert offenders == []
    assert all("superó el estándar" in t for t in texts if "Standard Exceeded" in t)


def test_real_catalog_examples_have_the_program_type():
    from bot.knowledge.files import read_catalog_file

    schools = read_catalog_file(ROOT / "knowledge" / "catalog" / "schools.yml", [])
    rules = {p["id"]: p for p in load_rules().programs}
    for grade in ("TK", "K", "3", "6", "9", "12"):
        for p in run(grade, catalog=Catalog(schools), english_learner=True)["programs"]:
            by_id = {s.id: s for s in schools}
            for listed in p["schools"]:
                assert set(rules[p["id"]]["types"]) & set(by_id[listed["id"]].types)


def command(argv, monkeypatch):
    monkeypatch.setattr(options, "_schools_of", lambda catalog: SCHOOLS)
    monkeypatch.setattr(options, "load_cycles", lambda path=None: options._cycle_dates(CYCLES))
    parser = argparse.ArgumentParser(prog="camino")
    options.add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


def test_command_prints_json(capsys, monkeypatch):
    assert (
        command(
            ["options", "--grade", "6", "--zip", "90011", "--gate", "--lang", "es", "--today", "2026-12-02", "--json"],
            monkeypatch,
        )
        == 0
    )
    result = json.loads(capsys.readouterr().out)
    assert result["school_year"] == "2027-28" and result["neighborhood_school"]["url"] == RSI
    assert ids(result)[0] == "magnet" and program(result, "magnet")["next_deadline"]["date"] is None
    assert "choices.lausd.net" in program(result, "magnet")["next_deadline"]["text"]


def test_command_prints_text_and_handles_outside_lausd(capsys, monkeypatch):
    assert (
        command(["options", "--grade", "K", "--outside-lausd", "--el", "--iep", "--today", "2025-10-15"], monkeypatch)
        == 0
    )
    out = capsys.readouterr().out
    assert "Dual language programs" in out and "Magnet schools" not in out and RSI in out
    assert "November 14, 2025" in out


@pytest.mark.parametrize(
    "argv",
    [
        ["options", "--grade", "13"],
        ["options", "--grade", "6", "--zip", "123"],
        ["options", "--grade", "6", "--today", "12/02/2026"],
    ],
)
def test_command_refuses_bad_flags(argv, monkeypatch, capsys):
    with pytest.raises(SystemExit) as exit_:
        command(argv, monkeypatch)
    assert exit_.value.code == 2


def test_command_refuses_unknown_interest(monkeypatch, capsys):
    assert command(["options", "--grade", "6", "--interest", "chess"], monkeypatch) == 2
    assert "unknown interest" in capsys.readouterr().err


def test_open_enrollment_date_is_used_once_a_cycle_has_one():
    cycles = CYCLES + [{"id": "2027-28", "open_enrollment_deadline": date(2027, 5, 14), "ends": date(2027, 5, 31)}]
    deadline = program(run("3", cycles=cycles), "open_enrollment")["next_deadline"]
    assert deadline["date"] == "2027-05-14" and "May 14, 2027" in deadline["text"]
    assert program(run("3", cycles=cycles, today=date(2027, 5, 15)), "open_enrollment")["next_deadline"]["date"] is None
