"""Follow-ups read in context (bot/context.py and its glue in the answer and "did you mean" actions), on the
small fixture knowledge base (tests/fixtures/kb)."""

import pytest
from rasa_sdk.events import SlotSet

from actions.answer_question import ActionAnswerQuestion
from actions.suggest_topics import ActionSuggestTopics
from bot.context import contextual_question, in_context


@pytest.mark.parametrize(
    "routed,text,last,entities,topic,reason",
    [
        # under-specified: the last topic's entries match its words, or it points back
        ("choices_application", "who can apply?", "charter_schools", [], "charter_schools", "kept"),
        ("choices_application", "does it cost money", "charter_schools", [], "charter_schools", "kept"),
        (None, "is it free?", "elop", [], "elop", "kept"),
        ("dual_language", "¿y cuánto cuesta?", "elop", [], "elop", "kept"),
        # "magnet" is a word of the magnet-points topic: naming it does not leave the topic
        (
            "magnet_programs",
            "for magnets do siblings give points?",
            "magnet_points",
            ["magnet"],
            "magnet_points",
            "kept",
        ),
        # another topic named
        ("magnet_points", "how do magnet points work?", "charter_schools", ["magnet"], "magnet_points", "named"),
        ("gate", "what is GATE?", "elop", [], "gate", "named"),
        (None, "¿qué es el programa de lenguaje dual?", "elop", ["dual_language"], None, "named"),
        # a full question that retrieval places in the routed topic, or nothing tying it to the last topic
        ("a_g_requirements", "how many years of math for UC", "elop", [], "a_g_requirements", "routed"),
        (None, "what's the weather tomorrow", "elop", [], None, "routed"),
        # no context, same topic, or a button tapped
        ("gate", "who can apply?", None, [], "gate", "routed"),
        ("elop", "is it free?", "elop", [], "elop", "routed"),
        ("gate", "/ask_gate", "elop", [], "gate", "routed"),
    ],
)
def test_in_context(small_kb, routed, text, last, entities, topic, reason):
    decision = in_context(small_kb, routed, text, last, entities)
    assert (decision.topic, decision.reason) == (topic, reason)


def test_a_did_you_mean_between_the_last_topic_and_another_stays_on_the_last_topic(small_kb):
    text = "what happens to the kids after that long a day"  # a full question: no rule above keeps it
    assert in_context(small_kb, None, text, "elop", []).reason == "routed"
    kept = in_context(small_kb, None, text, "elop", [], candidates=["gate", "elop"])
    assert (kept.topic, kept.reason) == ("elop", "kept")
    assert in_context(small_kb, None, text, "elop", [], candidates=["gate", "sas", "elop"]).topic is None
    assert in_context(small_kb, "gate", text, "elop", [], candidates=["gate", "elop"]).topic == "gate"  # answered
    assert in_context(small_kb, None, "what is GATE?", "elop", [], candidates=["gate", "elop"]).reason == "named"


def test_contextual_question_reads_an_unmatched_follow_up_with_the_question_before(small_kb):
    assert contextual_question(small_kb, "elop", "is it free?", "what is ELO-P") == "is it free?"
    assert contextual_question(small_kb, "elop", "and then?", "what is ELO-P") == "what is ELO-P and then?"
    assert contextual_question(small_kb, "elop", "and then?", "") == "and then?"


def payloads(dispatcher):
    return [m["custom"]["answer"] for m in dispatcher.messages if (m.get("custom") or {}).get("answer")]


def test_a_topic_intent_on_an_under_specified_question_answers_the_last_topic(
    small_kb, dispatcher, tracker_for, domain
):
    history = [{"event": "user", "text": "what is ELO-P?", "metadata": {}}]
    tracker = tracker_for("is it free?", intent="ask_dual_language", history=history, slots={"last_topic": "elop"})
    events = ActionAnswerQuestion().run(dispatcher, tracker, domain)
    assert events == [SlotSet("last_topic", "elop")]
    cost = next(e for e in small_kb.topics["elop"].entries if e.id == "elop.cost")
    assert dispatcher.messages[0]["answer"].startswith(cost.answer["en"])
    assert [p["topic"] for p in payloads(dispatcher)] == ["elop"]


def test_a_question_naming_another_topic_leaves_the_last_one(small_kb, dispatcher, tracker_for, domain):
    tracker = tracker_for("what is GATE?", intent="ask_gate", slots={"last_topic": "elop"})
    assert ActionAnswerQuestion().run(dispatcher, tracker, domain) == [SlotSet("last_topic", "gate")]


def test_did_you_mean_on_a_follow_up_answers_the_last_topic_instead(small_kb, dispatcher, tracker_for, domain):
    ranking = [{"name": "nlu_fallback", "confidence": 0.5}, {"name": "ask_gate", "confidence": 0.3}]
    tracker = tracker_for(
        "¿y cuánto cuesta?",
        intent="nlu_fallback",
        slots={"last_topic": "charter_schools", "language": "es"},
        intent_ranking=ranking,
    )
    events = ActionSuggestTopics().run(dispatcher, tracker, domain)
    assert events == [SlotSet("last_topic", "charter_schools")]
    assert [(p["topic"], p["lang"]) for p in payloads(dispatcher)] == [("charter_schools", "es")]


def test_did_you_mean_without_a_tie_to_the_last_topic_still_offers_buttons(small_kb, dispatcher, tracker_for, domain):
    ranking = [{"name": "nlu_fallback", "confidence": 0.5}, {"name": "ask_gate", "confidence": 0.3}]
    tracker = tracker_for(
        "reclasificacion ELPAC", intent="nlu_fallback", slots={"last_topic": "elop"}, intent_ranking=ranking
    )
    assert ActionSuggestTopics().run(dispatcher, tracker, domain) == []
    assert dispatcher.messages[0]["response"] == "utter_did_you_mean" and payloads(dispatcher) == []
