"""The guided tools' actions: thin glue that stores the flow's state, asks by response name, and shows the
result with exactly one `tool` payload."""

import pytest

from actions.ask_tool_reply import ActionAskToolReply
from actions.show_tool_result import ActionShowToolResult
from actions.start_tool import ActionStartTool
from actions.validate_tool_form import ValidateToolForm
from bot.tools import flow


def slots_of(events):
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def tool_payloads(dispatcher):
    return [m["custom"]["tool"] for m in dispatcher.messages if (m.get("custom") or {}).get("tool")]


@pytest.mark.parametrize(
    "intent,tool,intro",
    [
        ("use_points_tool", "magnet_points", "utter_tool_points_intro"),
        ("use_ag_tool", "ag_check", "utter_tool_ag_intro"),
        ("use_options_tool", "options", "utter_tool_options_intro"),
    ],
)
def test_start_remembers_the_tool_and_introduces_it(dispatcher, tracker_for, domain, intent, tool, intro):
    events = ActionStartTool().run(dispatcher, tracker_for("x", intent=intent), domain)
    assert slots_of(events) == {"tool_state": {"tool": tool, "answers": {}}, "tool_reply": None}
    assert [m["response"] for m in dispatcher.messages] == [intro]


def test_ask_sends_the_next_question_with_the_area_name(dispatcher, tracker_for, domain):
    state = {"tool": "ag_check", "answers": {"current_grade": "10"}}
    ActionAskToolReply().run(dispatcher, tracker_for("10", slots={"tool_state": state, "language": "es"}), domain)
    assert dispatcher.messages[0]["response"] == "utter_tool_ag_area"
    assert dispatcher.messages[0]["area_name"].startswith("(a) Historia")


def validate(dispatcher, tracker_for, domain, state, text):
    tracker = tracker_for(text, slots={"tool_state": state, "requested_slot": "tool_reply", "tool_reply": text})
    return ValidateToolForm().validate_tool_reply(text, dispatcher, tracker, domain)


def test_validate_moves_on_re_asks_and_leaves(dispatcher, tracker_for, domain):
    start = flow.start("magnet_points")
    moved = validate(dispatcher, tracker_for, domain, start, "2")
    assert moved == {"tool_reply": None, "tool_state": {"tool": "magnet_points", "answers": {"waitlist_years": 2}}}
    nonsense = validate(dispatcher, tracker_for, domain, start, "banana")
    assert nonsense == {"tool_reply": None} and dispatcher.messages[-1]["response"] == "utter_tool_invalid_count"
    left = validate(dispatcher, tracker_for, domain, start, "salir")
    assert left["tool_reply"] == "cancelled" and left["tool_state"]["cancelled"] is True


@pytest.mark.parametrize("lang", ["en", "es"])
def test_result_has_text_sources_and_one_tool_payload(dispatcher, tracker_for, domain, lang):
    state = {
        "tool": "magnet_points",
        "answers": {
            "waitlist_years": 2,
            "enrolled_in_magnet": False,
            "matriculation": False,
            "resident": "phbao",
            "sibling": True,
            "timing": "on_time",
        },
    }
    events = ActionShowToolResult().run(
        dispatcher, tracker_for("a tiempo", slots={"tool_state": state, "language": lang}), domain
    )
    assert slots_of(events) == {"tool_state": None, "tool_reply": None}
    assert dispatcher.messages[0]["response"] == "utter_tool_result"
    assert "15" in dispatcher.messages[0]["result"] and dispatcher.messages[0]["source"].startswith("http")
    [payload] = tool_payloads(dispatcher)
    assert (payload["name"], payload["lang"], payload["result"]["total"]) == ("magnet_points", lang, 15)
    assert payload["sources"] == payload["result"]["sources"] and payload["as_of"]


def test_cancelled_tool_says_so_without_payload(dispatcher, tracker_for, domain):
    state = {"tool": "options", "answers": {}, "cancelled": True}
    ActionShowToolResult().run(dispatcher, tracker_for("salir", slots={"tool_state": state}), domain)
    assert [m.get("response") for m in dispatcher.messages] == ["utter_tool_cancelled"]


@pytest.mark.parametrize(
    "tool,answers",
    [
        (
            "options",
            {"grade": "9", "in_lausd": True, "zip": "90011", "english_learner": True, "iep": False, "gate": False},
        ),
        ("ag_check", {"current_grade": "11", **{f"area_{a}": 1 for a in flow.AG_AREAS}, "low_grades": True}),
    ],
)
def test_every_tool_gives_a_result_in_both_languages(dispatcher, tracker_for, domain, tool, answers):
    for lang in ("en", "es"):
        ActionShowToolResult().run(
            dispatcher,
            tracker_for("no", slots={"tool_state": {"tool": tool, "answers": answers}, "language": lang}),
            domain,
        )
    payloads = tool_payloads(dispatcher)
    assert [(p["name"], p["lang"]) for p in payloads] == [(tool, "en"), (tool, "es")]
    assert all(m["result"] for m in dispatcher.messages if m.get("response") == "utter_tool_result")
