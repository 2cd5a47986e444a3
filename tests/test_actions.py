"""Actions return events and send responses by name; knowledge answers carry exactly one payload.

They run on the small fixture knowledge base (tests/fixtures/kb), never on the real content."""

import asyncio

import pytest
from rasa_sdk.events import SlotSet

from actions.answer_question import ActionAnswerQuestion
from actions.find_school import ActionFindSchool
from actions.show_help import ActionShowHelp
from actions.suggest_topics import ActionSuggestTopics


def payloads(dispatcher):
    return [m["custom"] for m in dispatcher.messages if m.get("custom")]


def responses(dispatcher):
    return [m.get("response") for m in dispatcher.messages if m.get("response")]


class TestAnswerQuestion:
    @pytest.mark.parametrize("lang", ["en", "es"])
    def test_answers_from_the_knowledge_base_with_one_payload(self, small_kb, dispatcher, tracker_for, domain, lang):
        text = "how many points does a sibling give?" if lang == "en" else "cuantos puntos da un hermano"
        tracker = tracker_for(text, intent="ask_magnet_points", slots={"language": lang})
        events = ActionAnswerQuestion().run(dispatcher, tracker, domain)
        entry = small_kb.entry_for("magnet_points", text)
        assert events == [SlotSet("last_topic", "magnet_points")]
        text_message = dispatcher.messages[0]
        assert text_message["response"] in ("utter_kb_answer", "utter_kb_answer_yearly")
        assert text_message["answer"].startswith(entry.answer[lang])
        assert text_message["source"] == entry.sources[0] and text_message["as_of"] == entry.as_of
        assert payloads(dispatcher) == [
            {"answer": {"topic": "magnet_points", "lang": lang, "sources": list(entry.sources), "as_of": entry.as_of}}
        ]

    def test_yearly_entries_use_the_confirm_response(self, small_kb, dispatcher, tracker_for, domain):
        tracker = tracker_for("when is the deadline", intent="ask_choices_timeline")
        ActionAnswerQuestion().run(dispatcher, tracker, domain)
        entry = small_kb.entry_for("choices_timeline", "when is the deadline")
        assert entry.changes_yearly
        assert responses(dispatcher) == ["utter_kb_answer_yearly"]

    def test_no_entry_says_so_without_a_payload(self, small_kb, dispatcher, tracker_for, domain):
        events = ActionAnswerQuestion().run(dispatcher, tracker_for("x", intent="greet"), domain)
        assert events == [] and responses(dispatcher) == ["utter_no_answer"] and payloads(dispatcher) == []


class TestMenus:
    @pytest.mark.parametrize("lang", ["en", "es"])
    def test_help_lists_every_topic_then_the_tools_as_buttons(
        self, small_kb, dispatcher, tracker_for, domain, small_topic_ids, lang
    ):
        from bot.tools.labels import TOOLS

        ActionShowHelp().run(dispatcher, tracker_for("help", intent="help", slots={"language": lang}), domain)
        buttons = dispatcher.messages[0]["buttons"]
        tools = [f"/{intent}" for intent in TOOLS]
        assert [b["payload"] for b in buttons] == [f"/ask_{t}" for t in small_topic_ids] + tools
        topics = len(small_topic_ids)
        assert [b["title"] for b in buttons][:topics] == [small_kb.topics[t].title[lang] for t in small_topic_ids]
        assert [b["title"] for b in buttons][topics:] == [names[lang] for names in TOOLS.values()]
        assert set(tools) <= {f"/{i}" for i in domain["intents"]}
        assert payloads(dispatcher) == []

    def test_fallback_offers_two_likeliest_topics(self, small_kb, dispatcher, tracker_for, domain):
        ranking = [
            {"name": "nlu_fallback", "confidence": 0.4},
            {"name": "ask_gate", "confidence": 0.3},
            {"name": "greet", "confidence": 0.2},
            {"name": "ask_sas", "confidence": 0.1},
        ]
        tracker = tracker_for(
            "gifted testing??", intent="nlu_fallback", intent_ranking=ranking, slots={"language": "es"}
        )
        ActionSuggestTopics().run(dispatcher, tracker, domain)
        message = dispatcher.messages[0]
        assert message["response"] == "utter_did_you_mean"
        assert [b["payload"] for b in message["buttons"]] == ["/ask_gate", "/ask_sas"]
        assert message["buttons"][0]["title"] == small_kb.topics["gate"].title["es"]
        assert payloads(dispatcher) == []

    def test_fallback_without_any_lead_asks_again(self, small_kb, dispatcher, tracker_for, domain):
        ActionSuggestTopics().run(dispatcher, tracker_for("🙂", intent="nlu_fallback"), domain)
        assert responses(dispatcher) == ["utter_default"]


class TestFindSchool:
    def test_school_by_name(self, small_kb, dispatcher, tracker_for, domain):
        tracker = tracker_for(
            "Is Dorsey a community school?",
            intent="find_school",
            entities=[{"entity": "school", "value": "Dorsey"}, {"entity": "program_type", "value": "community_school"}],
        )
        events = asyncio.run(ActionFindSchool().run(dispatcher, tracker, domain))
        message = dispatcher.messages[0]
        assert message["response"] == "utter_school_is_program" and "community school" in message["kinds"]
        assert payloads(dispatcher)[0]["answer"]["topic"] == "community_schools"
        assert events == [SlotSet("last_topic", "community_schools")]

    def test_list_by_type_in_spanish(self, small_kb, dispatcher, tracker_for, domain):
        tracker = tracker_for(
            "¿Qué escuelas comunitarias hay?",
            intent="find_school",
            slots={"language": "es"},
            entities=[{"entity": "program_type", "value": "community_school"}],
        )
        asyncio.run(ActionFindSchool().run(dispatcher, tracker, domain))
        message = dispatcher.messages[0]
        assert message["response"] == "utter_school_list" and message["kind"] == "Escuelas comunitarias"
        assert int(message["count"]) == 3
        assert message["schools"].splitlines() == [
            "- Augustus F. Hawkins High School",
            "- Crenshaw Senior High School",
            "- Susan Miller Dorsey High School",
        ]
        answer = payloads(dispatcher)[0]["answer"]
        assert (answer["topic"], answer["lang"]) == ("community_schools", "es") and answer["sources"]

    def test_unknown_school(self, small_kb, dispatcher, tracker_for, domain):
        tracker = tracker_for(
            "is Hogwarts a magnet", intent="find_school", entities=[{"entity": "school", "value": "Hogwarts"}]
        )
        asyncio.run(ActionFindSchool().run(dispatcher, tracker, domain))
        assert responses(dispatcher) == ["utter_school_not_found"] and payloads(dispatcher) == []


class TestFollowUps:
    def test_followup_stays_on_the_last_topic(self, small_kb, dispatcher, tracker_for, domain):
        history = [{"event": "user", "text": "how many points does a sibling give?", "metadata": {}}]
        tracker = tracker_for(
            "and for middle school?",
            intent="followup",
            history=history,
            slots={"last_topic": "magnet_points"},
            entities=[{"entity": "grade", "value": "middle"}],
        )
        events = ActionAnswerQuestion().run(dispatcher, tracker, domain)
        assert events == [SlotSet("last_topic", "magnet_points")]
        assert payloads(dispatcher)[0]["answer"]["topic"] == "magnet_points"
        # read with the previous question, the follow-up gets the same sub-question (siblings), not the overview
        sibling = next(e for e in small_kb.topics["magnet_points"].entries if e.id == "magnet_points.sibling_points")
        assert dispatcher.messages[0]["answer"].startswith(sibling.answer["en"])

    def test_followup_naming_a_program_switches_topic(self, small_kb, dispatcher, tracker_for, domain):
        tracker = tracker_for(
            "y las charter?",
            intent="followup",
            slots={"last_topic": "magnet_programs", "language": "es"},
            entities=[{"entity": "program_type", "value": "charter"}],
        )
        ActionAnswerQuestion().run(dispatcher, tracker, domain)
        answer = payloads(dispatcher)[0]["answer"]
        assert (answer["topic"], answer["lang"]) == ("charter_schools", "es")

    def test_followup_without_context_asks_for_more(self, small_kb, dispatcher, tracker_for, domain):
        events = ActionAnswerQuestion().run(
            dispatcher, tracker_for("and for middle school?", intent="followup"), domain
        )
        assert events == [] and responses(dispatcher) == ["utter_followup_unclear"] and payloads(dispatcher) == []


def test_asking_for_a_person_gets_the_sourced_contact_entry(small_kb, dispatcher, tracker_for, domain):
    tracker = tracker_for("quiero hablar con una persona", intent="request_human", slots={"language": "es"})
    ActionAnswerQuestion().run(dispatcher, tracker, domain)
    assert payloads(dispatcher)[0]["answer"]["topic"] == "contact_help"
    assert "(213) 241-4177" in dispatcher.messages[0]["answer"]  # the registry's main line, rendered


def test_sms_gets_a_short_help_menu(small_kb, dispatcher, tracker_for, domain):
    from bot.menu import SHORT_MENU

    tracker = tracker_for("ayuda", intent="help", slots={"language": "es"})
    tracker.events[-1]["input_channel"] = "twilio"
    ActionShowHelp().run(dispatcher, tracker, domain)
    assert [b["payload"] for b in dispatcher.messages[0]["buttons"]] == [f"/ask_{t}" for t in SHORT_MENU]
