"""The lexical second opinion (bot/lexical.py), its mixing with DIET (bot.routing.mix_rankings) and its Rasa
component (bot.rasa_components.LexicalIntentClassifier)."""

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.lexical import LexicalClassifier
from bot.routing import mix_rankings

EXAMPLES = [
    ("what is GATE", "ask_gate"),
    ("how do I get my child tested for gifted", "ask_gate"),
    ("que es gate", "ask_gate"),
    ("evaluacion para niños dotados", "ask_gate"),
    ("is there a school bus for magnet students", "ask_transportation"),
    ("hay autobus escolar para la magnet", "ask_transportation"),
    ("where is the bus stop", "ask_transportation"),
    ("donde para el autobús", "ask_transportation"),
    ("hello", "greet"),
    ("hola", "greet"),
    ("good morning", "greet"),
    ("buenos dias", "greet"),
]


@pytest.fixture(scope="module")
def classifier():
    return LexicalClassifier.fit([t for t, _ in EXAMPLES], [i for _, i in EXAMPLES])


def test_ranks_unseen_wordings_by_shared_words_and_letters(classifier):
    ranking = classifier.ranking("mi hijo necesita el autobus")
    assert ranking[0][0] == "ask_transportation"
    assert classifier.ranking("Is G.A.T.E. testing free?")[0][0] == "ask_gate"  # dotted acronym undotted
    assert sum(p for _, p in ranking) == pytest.approx(1.0)
    assert [p for _, p in ranking] == sorted((p for _, p in ranking), reverse=True)


def test_empty_text_or_an_untrained_classifier_gives_no_opinion(classifier):
    assert classifier.ranking("   ") == []
    assert LexicalClassifier().ranking("what is gate") == []
    assert not LexicalClassifier.fit(["hola"], ["greet"]).trained  # one intent: nothing to tell apart


def test_survives_its_round_trip_through_the_model_archive(classifier):
    again = LexicalClassifier.from_bytes(classifier.to_bytes())
    assert again.ranking("que es gate") == classifier.ranking("que es gate")


def test_a_huge_message_is_cut_before_vectorising(classifier):
    assert classifier.ranking("autobus " * 50_000)[0][0] == "ask_transportation"


def test_mixing_averages_with_the_lexical_weight():
    diet = [("ask_gate", 0.9), ("greet", 0.1)]
    lexical = [("ask_sas", 0.5), ("ask_gate", 0.3), ("greet", 0.2)]
    mixed = dict(mix_rankings(diet, lexical, 0.75))
    assert mixed["ask_gate"] == pytest.approx(0.25 * 0.9 + 0.75 * 0.3)
    assert mixed["ask_sas"] == pytest.approx(0.75 * 0.5)
    assert mix_rankings(diet, lexical, 0.75)[0][0] == "ask_gate"  # a sure DIET and a second choice beat one first
    assert mix_rankings(diet, [], 0.75) == diet  # an older model without the classifier: DIET alone
    assert mix_rankings(diet, lexical, 0.0) == diet


def test_component_trains_stores_loads_and_annotates(tmp_path):
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from bot.rasa_components import LEXICAL_KEY, LexicalIntentClassifier

    storage = LocalModelStorage(tmp_path)
    resource = Resource("lexical")
    data = TrainingData([Message(data={"text": t, "intent": i}) for t, i in EXAMPLES])
    LexicalIntentClassifier.create({}, storage, resource, None).train(data)
    component = LexicalIntentClassifier.load({}, storage, resource, None)
    message, button = Message(data={"text": "hay autobus?"}), Message(data={"text": "/greet"})
    component.process([message, button])
    assert message.get(LEXICAL_KEY)[0][0] == "ask_transportation"
    assert button.get(LEXICAL_KEY) is None  # button payloads are Rasa's
    missing = LexicalIntentClassifier.load({}, storage, Resource("never-trained"), None)
    assert missing.process([Message(data={"text": "hola"})])[0].get(LEXICAL_KEY) is None


def test_the_fast_scoring_is_logistic_regressions_own_probability(classifier):
    from scipy.sparse import hstack
    from sklearn.linear_model import LogisticRegression

    from bot import lexical

    chars, words, classes, _, _ = classifier._model
    folded = [lexical._normalise(t) for t, _ in EXAMPLES]
    features = hstack([chars.transform(folded), words.transform(folded)]).tocsr()
    settings = lexical.LexicalSettings()
    regression = LogisticRegression(C=settings.regularisation, max_iter=settings.iterations, tol=1e-3)
    regression.fit(features, [i for _, i in EXAMPLES])
    text = [lexical._normalise("hay bus para gate")]
    expected = regression.predict_proba(hstack([chars.transform(text), words.transform(text)]).tocsr())[0]
    got = dict(classifier.ranking("hay bus para gate"))
    assert [got[c] for c in regression.classes_] == pytest.approx(list(expected), abs=1e-5)
