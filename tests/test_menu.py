"""bot.menu.likely_topics: what a "did you mean" offers first."""

from bot.menu import likely_topics

UNSURE = [
    {"name": "nlu_fallback", "confidence": 0.7},
    {"name": "followup", "confidence": 0.69},
    {"name": "ask_magnet_points", "confidence": 0.2},
    {"name": "ask_sas", "confidence": 0.01},
]


def test_a_topic_the_message_names_comes_first(small_kb):
    assert likely_topics(small_kb, UNSURE, "What does G.A.T.E. stand for?") == ["gate", "magnet_points"]
    assert likely_topics(small_kb, UNSURE, "Is GATE the same as dual language?") == ["gate", "dual_language"]


def test_without_a_name_the_classifier_then_the_search(small_kb):
    offered = likely_topics(small_kb, UNSURE, "how are kids picked for magnets")
    assert offered[0] == "magnet_points" and "sas" not in offered  # 0.01 is below the suggestion floor
    assert len(offered) == 2  # the search fills the second button
    assert likely_topics(small_kb, [], "how many points does a sibling give", limit=1) == ["magnet_points"]
    assert likely_topics(small_kb, [], "zzqx") == []
