"""The guided tools end to end over REST, in both languages: one question at a time, re-ask on nonsense,
"salir"/"exit" at any step, and the result with its `tool` payload."""

import uuid

import pytest

from tests.test_e2e_rest import say, texts

pytestmark = pytest.mark.e2e


def tool_payloads(messages):
    return [m["custom"]["tool"] for m in messages if isinstance(m.get("custom"), dict) and "tool" in m["custom"]]


def conversation(bot, replies, sender=None):
    sender = sender or f"tools-{uuid.uuid4().hex}"
    return [say(bot, reply, sender=sender) for reply in replies]


@pytest.mark.parametrize(
    "lang,replies,total",
    [
        ("en", ["how many points would my son have?", "2", "no", "no", "PHBAO", "yes", "on time"], 15),
        ("es", ["¿cuántos puntos tendría mi hijo?", "dos", "no", "no", "phbao", "sí", "a tiempo"], 15),
        (
            "es",
            [
                "calcular mis puntos de magnet",
                "0",
                "sí",
                '/tool_choice{"tool_value": "unknown"}',
                "no",
                '/tool_choice{"tool_value": "late"}',
            ],
            0,
        ),
    ],
)
def test_points_estimator_in_chat(running_bot, lang, replies, total):
    turns = conversation(running_bot, replies)
    assert all(turn for turn in turns), "every message got a reply"
    final = tool_payloads(turns[-1])
    assert len(final) == 1, turns[-1]
    assert (final[0]["name"], final[0]["lang"], final[0]["result"]["total"]) == ("magnet_points", lang, total)
    assert final[0]["sources"][0] in texts(turns[-1])
    assert all(tool_payloads(turn) == [] for turn in turns[:-1])


def test_nonsense_is_asked_again_in_the_family_language(running_bot):
    turns = conversation(running_bot, ["calcular mis puntos de magnet", "no tengo idea de qué me habla"])
    assert "responda con un número" in texts(turns[1]).lower()
    turns = conversation(running_bot, ["calculate my magnet points", "banana"])
    assert "reply with a number" in texts(turns[1]).lower()


@pytest.mark.parametrize(
    "replies,marker,then,greeting",
    [
        (["how many points would my son have?", "1", "exit"], "I stopped", "hello", "I'm Camino"),
        (["¿a qué puede solicitar mi hijo?", "6", "salir"], "lo dejamos ahí", "hola", "Soy Camino"),
    ],
)
def test_leaving_a_tool_at_any_step(running_bot, replies, marker, then, greeting):
    sender = f"tools-{uuid.uuid4().hex}"
    turns = conversation(running_bot, replies, sender)
    assert marker in texts(turns[-1]) and tool_payloads(turns[-1]) == []
    assert greeting in texts(say(running_bot, then, sender=sender))  # the conversation goes on normally


@pytest.mark.parametrize(
    "lang,replies",
    [
        ("en", ["what can my 5th grader apply to?", "6", "yes", "90011", "no", "no", "no"]),
        ("es", ["¿a qué puede solicitar mi hijo?", "kinder", "no", "no", "no"]),
    ],
)
def test_options_finder_in_chat(running_bot, lang, replies):
    turns = conversation(running_bot, replies)
    final = tool_payloads(turns[-1])
    assert len(final) == 1 and final[0]["name"] == "options" and final[0]["lang"] == lang, turns[-1]
    assert final[0]["result"]["programs"]


@pytest.mark.parametrize(
    "lang,replies",
    [
        ("en", ["is my daughter on track for A-G?", "11", "2", "3", "2", "1", "2", "0", "0", "no"]),
        ("es", ["¿mi hija va bien con A-G?", "12", "3", "4", "3", "2", "2", "1", "1", "sí"]),
    ],
)
def test_ag_checker_in_chat(running_bot, lang, replies):
    turns = conversation(running_bot, replies)
    final = tool_payloads(turns[-1])
    assert len(final) == 1 and final[0]["name"] == "ag_check" and final[0]["lang"] == lang, turns[-1]
    assert len(final[0]["result"]["areas"]) == 7
