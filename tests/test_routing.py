"""The routing decision (bot/routing.py): the classifier's ranking recombined with retrieval, then the
FallbackClassifier's rule; and the names that spell out a topic."""

import pytest

from bot.routing import TopicNames, Weights, combine, retrieval_confidence, topic_names, topic_scores, verdict

W = Weights(retrieval=0.75, against_other=0.5, half_score=6.0, sharpness=1.0, spelled_name=0.7)
THRESHOLD, MARGIN = 0.5, 0.1


def decided(ranking, scores, named=()):
    return verdict(combine(ranking, scores, named, W), THRESHOLD, MARGIN).intent


def test_agreement_raises_an_unsure_classifier_above_the_threshold():
    ranking = [("ask_elop", 0.42), ("ask_tutoring", 0.2)]
    assert verdict(ranking, THRESHOLD, MARGIN).intent is None  # DIET alone: "did you mean"
    assert decided(ranking, {"elop": 12.0, "tutoring": 1.0}) == "ask_elop"


def test_clear_retrieval_overrides_an_unsure_classifier():
    ranking = [("ask_choices_application", 0.5), ("ask_charter_schools", 0.1)]
    assert decided(ranking, {"charter_schools": 25.0, "choices_application": 1.5}) == "ask_charter_schools"


def test_a_sure_classifier_stands_against_retrieval():
    ranking = [("ask_magnet_points", 0.97), ("ask_magnet_programs", 0.01)]
    assert decided(ranking, {"magnet_programs": 9.0, "magnet_points": 3.0}) == "ask_magnet_points"


def test_disagreement_with_both_weak_is_a_did_you_mean():
    ranking = [("ask_gate", 0.45), ("ask_sas", 0.3)]
    assert decided(ranking, {"sas": 3.0, "gate": 2.8}) is None


def test_strong_retrieval_lowers_an_unsure_out_of_scope():
    ranking = [("out_of_scope", 0.6), ("ask_transportation", 0.2)]
    assert decided(ranking, {"transportation": 20.0}) == "ask_transportation"
    assert decided(ranking, {}) == "out_of_scope"  # nothing found: out of scope stands


def test_a_tool_and_its_topic_share_retrievals_evidence():
    # "how many points would my son have?": retrieval finds magnet points; the classifier says "the tool"
    ranking = [("use_points_tool", 0.76), ("ask_magnet_points", 0.18), ("ask_tutoring", 0.02)]
    ranked = dict(combine(ranking, {"magnet_points": 9.9, "sas": 7.8}, [], W))
    assert ranked["use_points_tool"] > 0.76 and ranked["ask_magnet_points"] > 0.18  # both raised
    assert ranked["use_points_tool"] / ranked["ask_magnet_points"] == pytest.approx(0.76 / 0.18)  # as DIET split
    assert verdict(list(combine(ranking, {"magnet_points": 9.9}, [], W)), 0.7, 0.3).intent == "use_points_tool"
    # asked to explain, the same evidence keeps the explanation on top
    explain = [("ask_magnet_points", 0.6), ("use_points_tool", 0.3)]
    assert decided(explain, {"magnet_points": 9.9}) == "ask_magnet_points"


def test_retrieval_confidence_saturates_and_is_relative_to_the_best():
    conf = retrieval_confidence({"a": 6.0, "b": 3.0}, W)
    assert conf["a"] == pytest.approx(0.5) and conf["b"] < conf["a"] / 2
    assert retrieval_confidence({}, W) == {}


def test_topic_scores_keep_the_best_hit_per_topic():
    assert topic_scores([("a", 2.0), ("b", 5.0), ("a", 7.0)]) == {"a": 7.0, "b": 5.0}


def test_one_spelled_out_name_is_evidence_two_are_not():
    ranking = [("ask_tutoring", 0.4), ("ask_elop", 0.35)]
    assert decided(ranking, {}, ["elop"]) == "ask_elop"
    assert decided(ranking, {}, ["elop", "tutoring"]) is None


def test_a_name_floor_lets_one_spelled_out_name_answer_against_an_unsure_classifier():
    # "¿Qué es una escuela autónoma?": DIET unsure and elsewhere, the message names charter schools only
    floor = Weights(retrieval=0.75, half_score=6.0, sharpness=2.0, spelled_name=0.5, name_floor=0.9)
    ranking = [("ask_community_schools", 0.18), ("use_options_tool", 0.11)]
    assert verdict(combine(ranking, {"community_schools": 0.9}, ["charter_schools"], floor), 0.7, 0.3).intent == (
        "ask_charter_schools"
    )
    without = Weights(retrieval=0.75, half_score=6.0, sharpness=2.0, spelled_name=0.5, name_floor=0.0)
    assert verdict(combine(ranking, {"community_schools": 0.9}, ["charter_schools"], without), 0.7, 0.3).intent is None
    # a sure classifier on another topic stays a rival: "did you mean", not the name's topic
    sure = [("ask_contact_help", 0.95), ("ask_choices_application", 0.02)]
    assert verdict(combine(sure, {}, ["choices_application"], floor), 0.7, 0.3).intent is None
    # two names are no evidence, so no floor either
    assert verdict(combine(ranking, {}, ["charter_schools", "gate"], floor), 0.7, 0.3).intent is None
    # the floor goes to the named topic's leading intent, which may be its tool
    tool = [("use_points_tool", 0.6), ("ask_magnet_points", 0.1), ("ask_gate", 0.2)]
    assert combine(tool, {}, ["magnet_points"], floor)[0] == ("use_points_tool", 0.9)


def test_without_retrieval_weight_the_ranking_is_the_classifiers():
    ranking = [("ask_gate", 0.8), ("greet", 0.1)]
    assert combine(ranking, {"sas": 30.0}, ["sas"], Weights(retrieval=0, against_other=0, name_floor=0)) == [
        ("ask_gate", 0.8),
        ("greet", 0.1),
        ("ask_sas", 0.0),
    ]


def test_verdict_follows_threshold_and_margin():
    assert verdict([("a", 0.7), ("b", 0.65)], 0.5, 0.1).intent is None
    assert verdict([("a", 0.7), ("b", 0.5)], 0.5, 0.1).intent == "a"
    assert verdict([("a", 0.4)], 0.5, 0.1).intent is None and verdict([], 0.5, 0.1).intent is None


@pytest.mark.parametrize(
    "text,topics",
    [
        ("What is the Expanded Learning Program?", ["elop"]),
        ("how do Schools for Advanced Studies pick students", ["sas"]),
        ("when is intellectual testing done", ["gate"]),
        ("¿Qué es el programa de oportunidades de aprendizaje ampliado?", ["elop"]),
        ("requisitos de graduación", ["graduation_requirements"]),
        ("gifted magnet or SAS?", ["gifted_magnets", "sas"]),
        ("gatekeeper", []),
        ("my neighbor's cat", []),
        ("What does E.L.L. mean?", ["english_learners"]),  # dotted acronyms are the acronym
        ("¿Qué es una escuela autónoma?", ["charter_schools"]),  # the Spanish name of charter schools
        ("who do i call about the school bus", ["transportation"]),
        ("el niño de mi vecina", []),  # the Spanish article is not the acronym EL(L)
    ],
)
def test_topic_names_in_the_registry(text, topics):
    assert topic_names().found(text) == topics


def test_the_longest_name_wins():
    names = TopicNames({"magnet_programs": ["magnet"], "gifted_magnets": ["gifted magnet"]})
    assert names.found("a Gifted Magnet near us") == ["gifted_magnets"]
    assert names.found("a magnet near us") == ["magnet_programs"]
    assert TopicNames({}).found("anything") == []
