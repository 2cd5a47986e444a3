"""The in-process language decision (bot.rasa_components.LanguageDecider): the `language` entity that the
`language` slot maps from, emitted only when bot.language says the message sets or changes the language."""

import pytest
from rasa.nlu.classifiers.regex_message_handler import RegexMessageHandler
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.training_data.message import Message

from bot.language import language_change
from bot.rasa_components import FoldingTokenizer, LanguageDecider, first_turn

ROOT_DOMAIN = Domain.load("domain.yml")


def tracker(language="en", turns=0, session_started=True):
    events = [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]
    events = events if session_started else []
    events.append(SlotSet("language", language))
    for _ in range(turns):
        events += [UserUttered("hi"), ActionExecuted("utter_greet"), ActionExecuted("action_listen")]
    return DialogueStateTracker.from_events("parent", events)


def decided(text, state, metadata=None, entities=None):
    message = Message(data={"text": text, "metadata": metadata or {}, "entities": entities or []})
    [message] = LanguageDecider().process([message], state)
    [message] = RegexMessageHandler().process([message], ROOT_DOMAIN)
    return [e["value"] for e in message.get("entities", []) if e["entity"] == "language"]


def test_first_turn_is_the_first_user_message_of_the_session():
    assert first_turn(tracker(turns=0))
    assert not first_turn(tracker(turns=1))
    state = tracker(turns=2)
    state.update(SessionStarted())  # an expired session starts again
    assert first_turn(state)
    assert first_turn(None)


def test_spanish_greeting_on_first_turn():
    assert decided("hola", tracker()) == ["es"]


def test_metadata_decides_the_first_turn():
    assert decided("ok", tracker(), {"language": "es-MX"}) == ["es"]
    assert decided("ok", tracker(turns=1), {"language": "es-MX"}) == []


def test_sticky_after_the_first_turn():
    assert decided("GATE", tracker("es", turns=1), {"language": "en"}) == []


def test_explicit_switch_and_clear_other_language():
    assert decided("en español por favor", tracker("en", turns=1)) == ["es"]
    assert decided("what are magnet points", tracker("es", turns=3), {"language": "es"}) == ["en"]


def test_diets_language_entities_never_decide():
    diet = [{"entity": "language", "value": "en", "start": 20, "end": 26, "extractor": "DIETClassifier"}]
    # "mi hijo solo habla inglés" states a fact: clearly Spanish, so Spanish it stays
    assert decided("mi hijo solo habla inglés, ¿hay clases?", tracker("es", turns=1), entities=diet) == ["es"]
    assert decided("GATE english", tracker("es", turns=1), entities=diet) == []


@pytest.mark.parametrize("payload", ["/help", "/ask_magnet_points", '/tool_choice{"tool_value": "si"}', "/affirm"])
def test_button_payloads_never_change_the_language(payload):
    assert decided(payload, tracker("es", turns=2), {"language": "en"}) == []
    assert decided(payload, tracker("en", turns=2), {"language": "es"}) == []


def test_the_widgets_first_payload_follows_the_browser_language():
    assert decided("/greet", tracker(), {"language": "es"}) == ["es"]
    assert decided('/tool_choice{"tool_value": "si"}', tracker(), {"language": "es"}) == ["es"]
    assert decided("/greet", tracker()) == []  # no browser language: the slot's English stays


def test_language_change_is_decide_without_kept():
    assert language_change("GATE", "es") is None
    assert language_change("hola", "en").lang == "es"
    assert language_change("hola", "es").lang == "es"  # re-setting the same value changes nothing
    assert language_change("/greet", "es", "en", payload=True) is None


def routed(text, ranking, weights=None):
    from bot.rasa_components import RetrievalRouter
    from bot.routing import Weights

    message = Message(
        data={
            "text": text,
            "intent": {"name": ranking[0][0], "confidence": ranking[0][1]},
            "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking],
        }
    )
    [message] = RetrievalRouter(weights or Weights()).process([message])
    return message


def test_router_recombines_diets_ranking_with_retrieval(small_kb):
    from bot.routing import Weights

    weights = Weights(retrieval=0.75, half_score=6.0, sharpness=1.0)
    message = routed("reclasificacion ELPAC", [("ask_gate", 0.4), ("ask_english_learners", 0.3)], weights)
    assert message.get("intent")["name"] == "ask_english_learners"
    assert message.get("intent")["confidence"] > 0.5
    names = [r["name"] for r in message.get("intent_ranking")]
    assert names[:2] == ["ask_english_learners", "ask_gate"]
    assert message.get("routing")["diet"][0] == ("ask_gate", 0.4)
    assert message.get("routing")["retrieval"][0][0] == "english_learners"


def test_router_leaves_button_payloads_alone(small_kb):
    message = routed("/ask_gate", [("ask_gate", 1.0)])
    assert message.get("intent") == {"name": "ask_gate", "confidence": 1.0} and message.get("routing") is None


def test_router_weights_come_from_config_yml():
    from pathlib import Path

    import yaml

    from bot.routing import Weights

    pipeline = yaml.safe_load(Path("config.yml").read_text(encoding="utf-8"))["pipeline"]
    config = next(c for c in pipeline if c["name"] == "bot.rasa_components.RetrievalRouter")
    names = [c["name"] for c in pipeline]
    assert names.index("DIETClassifier") < names.index(config["name"]) < names.index("FallbackClassifier")
    assert set(config) - {"name"} == set(Weights.__dataclass_fields__)  # every weight set, none unknown
    assert Weights.from_config(config) == Weights()  # the defaults are the chosen values


def test_tokens_are_folded_and_dotted_acronyms_undotted():
    tokenizer = FoldingTokenizer(FoldingTokenizer.get_default_config())
    message = Message(data={"text": "¿Qué es G.A.T.E. o el I.E.P?"})
    tokens = tokenizer.tokenize(message, "text")
    assert [t.text for t in tokens] == ["que", "es", "gate", "o", "el", "iep"]
    assert [message.get("text")[t.start : t.end] for t in tokens][2] == "G.A.T.E"  # offsets of the typed text
