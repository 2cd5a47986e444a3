"""The program-type registry (knowledge/program_types.yml): consistent with the topics and the NLU data,
and answering what the tables it replaced answered."""

import re
from pathlib import Path

import pytest
import yaml

from bot.knowledge.program_types import LEVELS, PROGRAM_TYPES, REGISTRY, Registry, RegistryError

ROOT = Path(__file__).resolve().parent.parent


def test_every_topic_is_in_the_topic_contract(topic_ids):
    assert {p.topic for p in REGISTRY.types.values()} <= set(topic_ids)


def test_groups_and_includes_name_catalog_types():
    for program in REGISTRY.types.values():
        assert set(program.group_of) | set(program.includes) <= PROGRAM_TYPES, program.id
        assert not (program.group_of and program.includes), program.id


def test_export_words_name_one_type_each():
    words = [w for p in REGISTRY.types.values() for w in p.words]
    assert len(words) == len(set(words))
    assert not set(words) & PROGRAM_TYPES


def test_entity_values_are_the_nlu_program_type_values():
    """Every program_type value the training data annotates is a registry entity, and each is a synonym."""
    text = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "data" / "nlu").glob("*.yml"))
    annotated = set(re.findall(r'"entity": *"program_type", *"value": *"(\w+)"', text))
    synonyms = {
        block["synonym"]
        for block in yaml.safe_load((ROOT / "data" / "nlu" / "synonyms.yml").read_text())["nlu"]
        if "synonym" in block
    }
    entities = {p.entity for p in REGISTRY.types.values() if p.entity}
    assert annotated == entities
    assert entities <= synonyms


def test_levels_and_grades():
    assert {"elementary", "middle", "high", "span", "early_education"} == LEVELS
    assert [REGISTRY.level_of_grade(g) for g in ("tk", "kindergarten", "5", "6", "8", "9", "12", "high")] == [
        "elementary",
        "elementary",
        "elementary",
        "middle",
        "middle",
        "high",
        "high",
        "high",
    ]
    assert REGISTRY.level_of_grade("span") == "span" and REGISTRY.level_of_grade(None) is None


# What the tables the registry replaced said (bot/catalog.py ENTITY_TYPES, bot/dialogue.py PROGRAM_TOPICS,
# bot/knowledge/importer.py TYPE_WORDS, actions/find_school.py LIST_LABEL).
ENTITY_TYPES = {
    "magnet": {"magnet", "gifted_magnet", "highly_gifted_magnet"},
    "gifted_magnet": {"gifted_magnet", "highly_gifted_magnet"},
    "sas": {"sas"},
    "pilot": {"pilot"},
    "charter": {"charter_independent", "charter_affiliated"},
    "community_school": {"community_school"},
    "dual_language": {"dual_language"},
    "heet": {"heet"},
    "pwt": {"pwt_receiving"},
    "gate": {"gifted_magnet", "highly_gifted_magnet", "sas"},
}
PROGRAM_TOPICS = {
    "magnet": "magnet_programs",
    "gifted_magnet": "gifted_magnets",
    "sas": "sas",
    "pilot": "pilot_schools",
    "charter": "charter_schools",
    "community_school": "community_schools",
    "dual_language": "dual_language",
    "gate": "gate",
    "pwt": "permits_with_transportation",
    "heet": "heet",
}
TYPE_WORDS = {
    "magnet": "magnet",
    "gifted magnet": "gifted_magnet",
    "gifted/high ability magnet": "gifted_magnet",
    "highly gifted magnet": "highly_gifted_magnet",
    "sas": "sas",
    "school for advanced studies": "sas",
    "pilot": "pilot",
    "independent charter": "charter_independent",
    "affiliated charter": "charter_affiliated",
    "community school": "community_school",
    "dual language": "dual_language",
    "dle": "dual_language",
    "heet": "heet",
    "pwt": "pwt_receiving",
    "newcomer": "newcomer",
}


@pytest.mark.parametrize("value", [*ENTITY_TYPES, "newcomer", "highly_gifted_magnet", "nonsense"])
def test_entity_values_mean_the_same_types_and_topics(value):
    assert REGISTRY.meant_by(value) == ENTITY_TYPES.get(value, {value})
    assert REGISTRY.topic_of_entity(value) == PROGRAM_TOPICS.get(value)
    assert REGISTRY.meant_by(None) == set() and REGISTRY.meant_by("") == set()


def test_export_names():
    for word, type_id in TYPE_WORDS.items():
        assert REGISTRY.from_export(f" {word.upper()} ") == type_id
    assert REGISTRY.from_export("charter") is None and REGISTRY.from_export("gate") is None  # groups
    assert {REGISTRY.from_export(t) for t in PROGRAM_TYPES} == PROGRAM_TYPES


def test_list_headings():
    assert REGISTRY.heading("pwt", "en") == REGISTRY.types["pwt_receiving"].many["en"]
    assert REGISTRY.heading("gate", "es") == REGISTRY.types["gifted_magnet"].many["es"]
    assert REGISTRY.heading("charter", "en") == "Charter schools"
    assert REGISTRY.heading("newcomer", "en") == "Newcomer programs" and REGISTRY.heading("x_y", "en") == "x_y"


def test_a_malformed_registry_is_named_with_its_file(tmp_path):
    path = tmp_path / "program_types.yml"
    path.write_text("program_types:\n  magnet: {topic: magnet_programs, many: {en: Magnets}}\nlevels: {}\n")
    with pytest.raises(RegistryError, match=r"program_types.yml: magnet: 'one' needs a text in each of en, es"):
        Registry.read(path)


def test_topic_names_name_known_topics_once_each(topic_ids):
    from bot.knowledge.program_types import REGISTRY
    from bot.language import fold

    assert set(REGISTRY.topic_names) <= set(topic_ids)
    names = [fold(n) for items in REGISTRY.topic_names.values() for n in items]
    assert len(names) == len(set(names)), "a name spells out one topic only"
