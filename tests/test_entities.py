"""Entities by vocabulary (bot/entities.py, bot.rasa_components.VocabularyEntityExtractor): the surface forms
the training data annotates, found in a message typed with or without accents; the longest form wins."""

from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.entities import Vocabulary

ANNOTATIONS = [
    ("program_type", "magnet", "magnet"),
    ("program_type", "gifted magnet", "gifted magnet"),
    ("grade", "quinto", "5"),
    ("grade", "high", "high"),
    ("grade", "high", "high"),
    ("area", "high", "high"),  # the commoner label wins
    ("school", "Jefferson High", "Jefferson High"),
    ("instruction_language", "coreano", "korean"),
    ("language", "spanish", "es"),
    ("program_type", "gate", "gate"),
]
SYNONYMS = {"gifted magnet": "gifted_magnet", "escuela imán": "magnet", "dotados": "gifted_magnet"}


def vocabulary():
    return Vocabulary.learn(ANNOTATIONS, SYNONYMS, skip=["language"])


def found(text):
    return [(e["entity"], e["value"], text[e["start"] : e["end"]]) for e in vocabulary().find(text)]


def test_annotated_forms_with_their_values_and_offsets():
    assert found("Which magnet has quinto grado?") == [("program_type", "magnet", "magnet"), ("grade", "5", "quinto")]


def test_a_dotted_acronym_is_the_acronym_with_its_offsets():
    assert found("What does G.A.T.E. stand for?") == [("program_type", "gate", "G.A.T.E.")]
    assert found("is the gate open") == [("program_type", "gate", "gate")]
    assert found("g.a.t") == []


def test_the_longest_form_wins():
    assert found("is there a Gifted Magnet near me") == [("program_type", "gifted_magnet", "Gifted Magnet")]
    assert found("is jefferson high a magnet") == [
        ("school", "jefferson high", "jefferson high"),
        ("program_type", "magnet", "magnet"),
    ]


def test_typed_without_accents_and_synonym_surfaces_take_their_values_entity():
    assert found("una escuela iman") == [("program_type", "magnet", "escuela iman")]
    assert found("programa para DOTADOS") == [("program_type", "gifted_magnet", "DOTADOS")]


def test_commonest_label_and_skipped_entities():
    assert found("high") == [("grade", "high", "high")]
    assert found("spanish please") == []  # the language entity is LanguageDecider's


def test_words_inside_other_words_are_not_entities():
    assert found("magnetic highway") == []


def test_round_trip_and_huge_input():
    again = Vocabulary.from_json(vocabulary().to_json())
    assert again.terms == vocabulary().terms
    assert len(again.find("magnet " * 50_000)) < 50_000  # only the first characters are read


def test_component_learns_from_training_data_and_loads_from_the_model(tmp_path):
    from bot.rasa_components import VocabularyEntityExtractor

    example = Message(
        data={
            "text": "does quinto grado have a magnet",
            "intent": "ask_magnet_programs",
            "entities": [
                {"entity": "grade", "start": 5, "end": 11, "value": "5"},
                {"entity": "program_type", "start": 25, "end": 31, "value": "magnet"},
            ],
        }
    )
    storage, resource = LocalModelStorage(tmp_path), Resource("entities")
    component = VocabularyEntityExtractor.create({}, storage, resource, None)
    component.train(TrainingData([example], entity_synonyms={"magnets": "magnet"}))
    loaded = VocabularyEntityExtractor.load({}, storage, resource, None)
    [message] = loaded.process([Message(data={"text": "Quinto y MAGNETS?", "entities": []})])
    values = [(e["entity"], e["value"], e["extractor"]) for e in message.get("entities")]
    assert values == [
        ("grade", "5", "VocabularyEntityExtractor"),
        ("program_type", "magnet", "VocabularyEntityExtractor"),
    ]
    [payload] = loaded.process([Message(data={"text": '/ask_gate{"program_type": "gate"}', "entities": []})])
    assert payload.get("entities") == []  # payloads are Rasa's


# Content check: the vocabulary learned from the real training data finds what families type.
def real_vocabulary():
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data("data/nlu")
    annotations = [
        (e["entity"], m.get("text")[e["start"] : e["end"]], str(e.get("value", "")))
        for m in data.entity_examples
        for e in m.get("entities", [])
    ]
    return Vocabulary.learn(annotations, data.entity_synonyms, skip=["language"])


def test_the_training_datas_vocabulary_finds_programs_grades_areas_and_languages():
    vocabulary = real_vocabulary()

    def values(text):
        return {(e["entity"], e["value"]) for e in vocabulary.find(text)}

    assert ("program_type", "magnet") in values("magnet schools in the valley")
    assert ("area", "valley") in values("magnet schools in the valley")
    assert ("program_type", "community_school") in values("hay escuelas comunitarias cerca")
    assert ("grade", "5") in values("my son is going into 5th grade")
    assert ("grade", "5") in values("mi hija va a quinto grado")
    assert ("instruction_language", "korean") in values("dual language in coreano")
    assert ("program_type", "gifted_magnet") in values("highly gifted magnet for my daughter")
    assert values("hello, how are you today?") == set()
