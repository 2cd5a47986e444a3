"""Catalog lookups by the names families type (on the fixture knowledge base's catalog)."""

import pytest

from bot.knowledge.catalog import Catalog, areas, topic_for


@pytest.fixture
def catalog(small_kb):
    return Catalog(small_kb.schools.values())


@pytest.mark.parametrize(
    "typed,school_id",
    [
        ("crenshaw high", "crenshaw_hs"),
        ("washington prep", "washington_prep_hs"),
        ("Dorsey HS", "dorsey_hs"),
        ("dorsey", "dorsey_hs"),
        ("VOCES", None),
        ("Hawkins", None),
    ],
)
def test_find_by_short_names(catalog, typed, school_id):
    matches = catalog.find(typed, limit=1)
    assert matches, typed
    if school_id:
        assert matches[0].school.id == school_id
    else:
        assert typed.lower() in (matches[0].school.name + " " + " ".join(matches[0].school.aliases)).lower()


def test_generic_words_alone_match_nothing(catalog):
    assert catalog.find("high school") == [] and catalog.find("escuela") == []


def test_mentioned_in_a_question(catalog):
    assert catalog.mentioned_in("Is Dorsey a community school?").id == "dorsey_hs"
    assert catalog.mentioned_in("¿washington prep es parte de HEET?").id == "washington_prep_hs"
    assert catalog.mentioned_in("what is a magnet school") is None


def test_filter_by_type_and_level(catalog):
    community = catalog.filter("community_school")
    assert [s.id for s in community] == ["hawkins_hs", "crenshaw_hs", "dorsey_hs"]  # by name
    heet = catalog.filter("heet", level="high")
    assert {s.id for s in heet} == {"crenshaw_hs", "dorsey_hs", "washington_prep_hs"}


def test_topic_for_program_types():
    assert topic_for(["community_school", "heet"]) == "community_schools"
    assert topic_for(["community_school", "heet"], preferred="heet") == "heet"
    assert topic_for(["charter_affiliated"]) == "charter_schools"


def test_filter_by_area_uses_sourced_addresses_and_regions(catalog):
    valley = catalog.filter(area="valley")
    assert valley and all("valley" in areas(s) for s in valley)
    assert {s.id for s in valley} == {"van_nuys_ms", "reseda_charter"}  # a Valley address; Local District Northwest
    west = {s.id for s in catalog.filter("heet", area="west")}
    assert west == {"crenshaw_hs", "dorsey_hs", "washington_prep_hs"}
