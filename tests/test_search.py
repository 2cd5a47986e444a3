"""Free-text search and the choice of the entry that answers the question asked (on the fixture knowledge base)."""

import pytest

from bot.knowledge.search import terms


def test_terms_fold_accents_lemmatize_and_drop_stop_words():
    assert "aplicacion" in terms("¿Cuándo cierra la aplicación?")
    assert "escuela" in terms("las escuelas")
    assert "school" in terms("the schools")
    assert "la" not in terms("la escuela") and "the" not in terms("the school")


@pytest.mark.parametrize(
    "topic,question,entry",
    [
        ("magnet_points", "how many points does a sibling give?", "magnet_points.sibling_points"),
        ("magnet_points", "cuantos puntos da el hermano", "magnet_points.sibling_points"),
        ("magnet_points", "se pierden los puntos si rechazo la oferta", "magnet_points.losing_points"),
        ("charter_schools", "¿el charter cuesta?", "charter_schools.cost"),
        ("charter_schools", "do charters cost money", "charter_schools.cost"),
        ("elop", "is it free", "elop.cost"),
    ],
)
def test_entry_for_answers_the_sub_question(small_kb, topic, question, entry):
    assert small_kb.entry_for(topic, question).id == entry


def test_entry_for_falls_back_to_the_overview(small_kb):
    assert small_kb.entry_for("magnet_points", "/ask_magnet_points").id == "magnet_points.overview"
    assert small_kb.entry_for("magnet_points", "").id == "magnet_points.overview"
    assert small_kb.entry_for("no_such_topic", "points") is None


def test_search_across_topics_in_both_languages(small_kb):
    assert small_kb.search("reclasificacion ELPAC", limit=1)[0].entry.topic == "english_learners"
    assert small_kb.search("how many years of math for UC", limit=3)[0].entry.topic == "a_g_requirements"
    assert small_kb.search("🙂🙂🙂") == [] and small_kb.search("") == []
