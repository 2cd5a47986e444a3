"""The guided tools' conversation, without Rasa: one question at a time, bilingual parsing, re-ask, exit."""

import pytest

from bot.tools import flow


def run(tool, replies):
    state = flow.start(tool)
    outcomes = []
    for reply in replies:
        outcome = flow.consume(state, reply)
        outcomes.append(outcome.status)
        state = outcome.state
        if outcome.status in ("done", "cancelled"):
            break
    return state, outcomes


@pytest.mark.parametrize(
    "text,expected",
    [
        ("yes", True),
        ("Sí", True),
        ("si", True),
        ("claro", True),
        ("/affirm", True),
        ('/tool_choice{"value": "yes"}', True),
        ("no", False),
        ("No.", False),
        ("nope", False),
        ("/deny", False),
        ("maybe", None),
        ("", None),
    ],
)
def test_yes_no(text, expected):
    assert flow.parse_yes_no(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("2", 2),
        ("2 years", 2),
        ("dos", 2),
        ("dos años", 2),
        ("two", 2),
        ("none", 0),
        ("ninguno", 0),
        ("nunca", 0),
        ("no", 0),
        ("3+", 3),
        ("99", None),
        ("a lot", None),
        ("", None),
    ],
)
def test_count(text, expected):
    assert flow.parse_count(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("5", "5"),
        ("5th", "5"),
        ("5th grade", "5"),
        ("quinto", "5"),
        ("5to grado", "5"),
        ("5.º", "5"),
        ("fifth", "5"),
        ("kinder", "K"),
        ("Kindergarten", "K"),
        ("TK", "TK"),
        ("transitional kindergarten", "TK"),
        ("12", "12"),
        ("senior", "12"),
        ("13", None),
        ("college", None),
    ],
)
def test_grade(text, expected):
    assert flow.parse_grade(text) == expected


def test_grade_limited_to_high_school():
    assert flow.parse_grade("10", flow.HS_GRADES) == "10" and flow.parse_grade("5", flow.HS_GRADES) is None


@pytest.mark.parametrize(
    "text,expected",
    [
        ("90011", (True, "90011")),
        ("skip", (True, None)),
        ("no sé", (True, None)),
        ("1234", (False, None)),
        ("10001", (False, None)),
    ],
)
def test_zip(text, expected):
    assert flow.parse_zip(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("PHBAO", "phbao"),
        ("es phbao", "phbao"),
        ("overcrowded", "overcrowded"),
        ("tiene sobrecupo", "overcrowded"),
        ("neither", "none"),
        ("ninguna", "none"),
        ("no sé", "unknown"),
        ("I don't know", "unknown"),
        ('/tool_choice{"value": "unknown"}', "unknown"),
        ("banana", None),
    ],
)
def test_resident_choice(text, expected):
    assert flow.parse_choice(text, flow.RESIDENT) == expected


def test_points_flow_asks_one_question_at_a_time_and_skips_what_does_not_apply():
    state = flow.start("magnet_points")
    assert flow.next_question(state).key == "waitlist_years"
    state = flow.consume(state, "0").state
    assert flow.next_question(state).key == "matriculation"  # no waiting list: "in a magnet now?" skipped
    state, outcomes = run("magnet_points", ["2", "no", "no", "phbao", "sí", "a tiempo"])
    assert outcomes == ["answered"] * 5 + ["done"]
    assert state["answers"] == {
        "waitlist_years": 2,
        "enrolled_in_magnet": False,
        "matriculation": False,
        "resident": "phbao",
        "sibling": True,
        "timing": "on_time",
    }


def test_nonsense_is_asked_again_and_nothing_is_lost():
    state = flow.start("magnet_points")
    state = flow.consume(state, "1").state
    outcome = flow.consume(state, "what is a magnet?")
    assert outcome.status == "invalid" and outcome.response == "utter_tool_invalid_yes_no"
    assert outcome.state == state and flow.next_question(outcome.state).key == "enrolled_in_magnet"


@pytest.mark.parametrize("word", ["salir", "Salir", "exit", "cancel", "cancelar", "ya no"])
def test_exit_at_any_step(word):
    state, outcomes = run("options", ["6", "yes", word])
    assert outcomes[-1] == "cancelled"


def test_options_flow_skips_zip_outside_lausd_and_gate_for_kinder():
    state, outcomes = run("options", ["K", "no", "no", "no"])
    assert outcomes[-1] == "done"
    assert state["answers"] == {"grade": "K", "in_lausd": False, "english_learner": False, "iep": False}


def test_ag_flow_goes_area_by_area():
    replies = ["11", "2", "3", "2", "1", "2", "1", "0", "no"]
    state, outcomes = run("ag_check", replies)
    assert outcomes[-1] == "done"
    assert [state["answers"][f"area_{a}"] for a in flow.AG_AREAS] == [2, 3, 2, 1, 2, 1, 0]
    assert flow.progress(state) == (9, 9)


def test_unknown_tool_is_refused():
    with pytest.raises(ValueError):
        flow.start("lottery")
