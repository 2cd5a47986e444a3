"""A question that names a school is answered about that school, whatever topic the classifier picked
(unit tests on tests/fixtures/kb's small catalog; the issue's own examples on the real catalog are in
test_knowledge_content.py)."""

import asyncio

import pytest

from actions.answer_question import ActionAnswerQuestion
from bot.knowledge.school_answer import school_reply


def payloads(dispatcher):
    return [m["custom"]["answer"] for m in dispatcher.messages if (m.get("custom") or {}).get("answer")]


@pytest.mark.parametrize(
    "text,topic,entity,response,answer_topic",
    [
        ("Is Dorsey a community school?", "community_schools", None, "utter_school_is_program", "community_schools"),
        (
            "¿Hawkins High es escuela comunitaria?",
            "community_schools",
            None,
            "utter_school_is_program",
            "community_schools",
        ),
        ("is crenshaw part of heet", "heet", None, "utter_school_is_program", "heet"),
        ("does Hawkins have a magnet?", "magnet_programs", "magnet", "utter_school_not_listed", "magnet_programs"),
        (
            "is Reseda Charter a charter school",
            "charter_schools",
            "charter",
            "utter_school_is_program",
            "charter_schools",
        ),
        ("Is Springfield Elementary a community school?", "community_schools", None, "utter_school_not_found", None),
    ],
)
def test_named_school_questions(small_kb, text, topic, entity, response, answer_topic):
    reply = school_reply(small_kb.catalog, text, topic, entity, "en")
    assert reply is not None and reply.response == response and reply.topic == answer_topic


@pytest.mark.parametrize(
    "text,topic",
    [
        ("what is a community school?", "community_schools"),
        ("¿Qué es una escuela magnet?", "magnet_programs"),
        ("how do I apply to Dorsey?", "choices_application"),  # applying is not a catalog question
        ("What are the advantages of Dual Language?", "dual_language"),
    ],
)
def test_questions_without_a_named_school_get_the_topic_answer(small_kb, text, topic):
    assert school_reply(small_kb.catalog, text, topic, None, "en") is None


def test_the_action_answers_about_the_school_with_its_sources(small_kb, dispatcher, tracker_for, domain):
    tracker = tracker_for("Is Dorsey a community school?", intent="ask_community_schools", slots={"language": "es"})
    events = ActionAnswerQuestion().run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["response"] == "utter_school_is_program"
    assert dispatcher.messages[0]["name"] == "Susan Miller Dorsey High School"
    [payload] = payloads(dispatcher)
    assert (payload["topic"], payload["lang"]) == ("community_schools", "es") and payload["sources"]
    assert {"event": "slot", "timestamp": None, "name": "last_topic", "value": "community_schools"} in events


def test_an_unknown_school_is_said_plainly_without_a_payload(small_kb, dispatcher, tracker_for, domain):
    tracker = tracker_for("Is Springfield Elementary a community school?", intent="ask_community_schools")
    ActionAnswerQuestion().run(dispatcher, tracker, domain)
    assert [m.get("response") for m in dispatcher.messages] == ["utter_school_not_found"] and payloads(dispatcher) == []


@pytest.mark.parametrize(
    "text,entity",
    [
        ("does Hillcrest Drive have a magnet?", "magnet"),
        ("¿Dorsey tiene programa de lenguaje dual?", "dual_language"),
        ("is Balboa a gifted magnet", "gifted_magnet"),
        ("¿Monroe es escuela comunitaria?", "community_school"),
        ("where is Dorsey?", None),
    ],
)
def test_the_program_a_catalog_question_names_in_words(text, entity):
    from bot.knowledge.school_answer import program_named_in

    assert program_named_in(text) == entity


def test_catalog_question_without_entity_still_says_not_listed(small_kb, dispatcher, tracker_for, domain):
    from actions.find_school import ActionFindSchool

    tracker = tracker_for(
        "does Hawkins have a magnet?", intent="find_school", entities=[{"entity": "school", "value": "Hawkins"}]
    )
    asyncio.run(ActionFindSchool().run(dispatcher, tracker, domain))
    assert dispatcher.messages[0]["response"] == "utter_school_not_listed"
    assert payloads(dispatcher)[0]["topic"] == "magnet_programs"


@pytest.mark.parametrize(
    "text,lang,response,topic",
    [
        ("¿Hawkins High es escuela comunitaria?", "es", "utter_school_is_program", "community_schools"),
        ("does Hawkins have a magnet?", "en", "utter_school_not_listed", "magnet_programs"),
    ],
)
def test_a_fallback_naming_a_catalog_school_and_a_program_is_answered_about_the_school(
    small_kb, dispatcher, tracker_for, domain, text, lang, response, topic
):
    from actions.suggest_topics import ActionSuggestTopics

    tracker = tracker_for(text, intent="nlu_fallback", slots={"language": lang})
    events = ActionSuggestTopics().run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["response"] == response
    assert [(p["topic"], p["lang"]) for p in payloads(dispatcher)] == [(topic, lang)]
    assert {"event": "slot", "timestamp": None, "name": "last_topic", "value": topic} in events


@pytest.mark.parametrize(
    "text", ["Is Springfield Elementary a community school?", "where is Dorsey?", "what is a community school?"]
)
def test_a_fallback_without_a_catalog_school_and_a_program_still_suggests_topics(
    small_kb, dispatcher, tracker_for, domain, text
):
    from actions.suggest_topics import ActionSuggestTopics

    tracker = tracker_for(text, intent="nlu_fallback")
    ActionSuggestTopics().run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["response"] in ("utter_did_you_mean", "utter_default") and payloads(dispatcher) == []
