"""Magnet-points estimator: worked cases written from the sourced rules (knowledge/tools/magnet_points.yml:
waiting list 4 a year for up to 3 consecutive years, matriculation 12 and never added to waiting-list points,
PHBAO or overcrowded resident school 4, sibling 3, late applications 0, magnet students earn no waiting-list
points)."""

import json

import pytest

from bot.tools.points import estimate

CASES = [
    # (waitlist_years, matriculation, sibling, resident, late, enrolled, total, part names)
    (0, False, False, "none", False, False, 0, []),
    (1, False, False, "none", False, False, 4, ["waiting_list"]),
    (2, False, False, "none", False, False, 8, ["waiting_list"]),
    (3, False, False, "none", False, False, 12, ["waiting_list"]),
    (5, False, False, "none", False, False, 12, ["waiting_list"]),  # capped at three years
    (0, True, False, "none", False, False, 12, ["matriculation"]),
    (2, True, False, "none", False, False, 12, ["matriculation"]),  # never both
    (3, True, True, "phbao", False, False, 19, ["matriculation", "phbao", "sibling"]),
    (0, False, True, "none", False, False, 3, ["sibling"]),
    (0, False, False, "phbao", False, False, 4, ["phbao"]),
    (0, False, False, "overcrowded", False, False, 4, ["overcrowded"]),
    (0, False, False, "unknown", False, False, 0, []),
    (1, False, True, "phbao", False, False, 11, ["waiting_list", "phbao", "sibling"]),
    (2, False, True, "overcrowded", False, False, 15, ["waiting_list", "overcrowded", "sibling"]),
    (3, False, True, "phbao", False, False, 19, ["waiting_list", "phbao", "sibling"]),
    (3, False, False, "phbao", True, False, 0, []),  # late: no points at all
    (0, True, True, "phbao", True, False, 0, []),
    (2, False, False, "none", False, True, 0, []),  # already in a magnet
    (2, False, True, "phbao", False, True, 7, ["phbao", "sibling"]),
    (0, True, False, "phbao", False, True, 16, ["matriculation", "phbao"]),  # matriculating magnet student
    (1, False, False, "unknown", False, False, 4, ["waiting_list"]),
    (4, False, True, "overcrowded", False, False, 19, ["waiting_list", "overcrowded", "sibling"]),
]


@pytest.mark.parametrize("years,matric,sibling,resident,late,enrolled,total,names", CASES)
@pytest.mark.parametrize("lang", ["en", "es"])
def test_worked_cases(years, matric, sibling, resident, late, enrolled, total, names, lang):
    result = estimate(
        waitlist_years=years,
        matriculation=matric,
        sibling=sibling,
        resident=resident,
        late=late,
        enrolled_in_magnet=enrolled,
        lang=lang,
    )
    assert result["total"] == total
    assert [p["name"] for p in result["parts"]] == names
    assert sum(p["points"] for p in result["parts"]) == total
    assert result["as_of"] and result["sources"][0].startswith("http")


def test_the_result_says_what_points_cannot_say():
    en = estimate(waitlist_years=1)
    assert any("not chances" in n for n in en["notes"]) and any("December" in n for n in en["notes"])
    es = estimate(waitlist_years=1, lang="es")
    assert any("no son probabilidades" in n for n in es["notes"]) and any("diciembre" in n for n in es["notes"])


def test_specific_explanations():
    assert any("larger counts" in n for n in estimate(waitlist_years=2, matriculation=True)["notes"])
    assert any("no magnet points" in n for n in estimate(waitlist_years=2, late=True)["notes"])
    assert any(
        "ya está en una magnet" in n for n in estimate(waitlist_years=2, enrolled_in_magnet=True, lang="es")["notes"]
    )
    assert any("PHBAO" in n for n in estimate(resident="unknown")["notes"])


@pytest.mark.parametrize("kwargs", [{"resident": "maybe"}, {"waitlist_years": -1}, {"waitlist_years": 99}])
def test_bad_input_is_refused(kwargs):
    with pytest.raises(ValueError):
        estimate(**kwargs)


def test_command_prints_json(capsys):
    from bot.cli import main

    assert main(["points", "--waitlist-years", "2", "--sibling", "--resident", "phbao", "--lang", "es", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["total"] == 15 and result["parts"][0]["text"].startswith("2 año(s)")
    assert set(result) == {"total", "summary", "parts", "notes", "as_of", "sources"}
