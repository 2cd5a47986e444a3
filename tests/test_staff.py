"""The staff lookup as plain Python and as `camino ask`."""

from __future__ import annotations

import re

import pytest

from bot.cli import main
from bot.web import i18n
from bot.web.staff import MAX_QUESTION_CHARS, BadQuestion, as_text, clean_question, lookup, terminal_text


@pytest.mark.parametrize(
    "raw,key",
    [
        (None, "empty_question"),
        ("", "empty_question"),
        (" \n\t ", "empty_question"),
        (42, "empty_question"),
        ("x" * (MAX_QUESTION_CHARS + 1), "long_question"),
        ("hola\x00", "unreadable_question"),
        ("\x1b[31mred", "unreadable_question"),
        ("bad \ufffd byte", "unreadable_question"),
        (b"\xff\xfe", "unreadable_question"),
        ("\ud800", "unreadable_question"),
    ],
)
def test_bad_questions_get_a_message_in_both_languages(raw, key):
    with pytest.raises(BadQuestion) as caught:
        clean_question(raw)
    assert caught.value.messages == i18n.both(key, max=MAX_QUESTION_CHARS)
    assert "¿" not in caught.value.messages["en"] and caught.value.messages["es"] != caught.value.messages["en"]


def test_a_question_is_tidied():
    assert clean_question("  how do\n magnet\tpoints   work? ") == "how do magnet points work?"
    assert clean_question(b"\xc2\xbfqu\xc3\xa9 es GATE?") == "¿qué es GATE?"
    assert clean_question("🙂 x" * 10).startswith("🙂")


def test_lookup_gives_the_best_answer_in_both_languages(kb):
    result = lookup("what is GATE", kb)
    answer = result["answer"]
    assert answer["topic"] == "gate" and result["message"] is None
    entry = next(e for e in kb.topics["gate"].entries if e.id == answer["id"])
    assert answer["sources"] == list(entry.sources) and answer["as_of"] == entry.as_of
    assert answer["text"]["en"].startswith(entry.answer["en"]) and answer["text"]["es"].startswith(entry.answer["es"])
    assert answer["question"] == {"en": entry.questions["en"][0], "es": entry.questions["es"][0]}
    assert len(result["more"]) == 2 and all(m["id"] != answer["id"] for m in result["more"])


def test_lookup_without_a_match(kb):
    assert lookup("zzxqv qqwv", kb) == {
        "query": "zzxqv qqwv",
        "answer": None,
        "more": [],
        "message": i18n.both("no_match"),
    }


def test_copy_text_in_each_language(kb):
    result = lookup("cuántos puntos da un hermano", kb)
    english, spanish = as_text(result, "en"), as_text(result, "es")
    assert result["answer"]["text"]["en"] in english and result["answer"]["text"]["es"] in spanish
    assert f"School year: {result['answer']['as_of']}" in english
    assert f"Ciclo escolar: {result['answer']['as_of']}" in spanish
    assert all(url in english and url in spanish for url in result["answer"]["sources"])


def test_camino_ask_prints_both_languages_sources_and_other_matches(kb, capsys):
    assert main(["ask", "how", "do", "magnet", "points", "work?"]) == 0
    out = capsys.readouterr().out
    result = lookup("how do magnet points work?", kb)
    answer = result["answer"]
    assert out.strip() == terminal_text(result).strip()
    assert out.index("── English") < out.index(answer["text"]["en"]) < out.index("── Español")
    assert out.index("── Español") < out.index(answer["text"]["es"])
    assert f"School year / Ciclo escolar: {answer['as_of']}" in out
    assert all(f"  {url}" in out for url in answer["sources"])
    assert "Other matches / Otras coincidencias:" in out
    assert re.search(r"^  2\. .+ / .+$", out, re.M) and re.search(r"^  3\. .+ / .+$", out, re.M)


def test_camino_ask_without_a_match_says_so_in_both_languages(kb, capsys):
    assert main(["ask", "zzxqv", "qqwv"]) == 1
    out = capsys.readouterr().out
    assert i18n.text("no_match", "en") in out and i18n.text("no_match", "es") in out


def test_camino_ask_refuses_bad_input_politely(kb, capsys):
    assert main(["ask", "\x00\x01"]) == 2
    err = capsys.readouterr().err
    assert i18n.text("unreadable_question", "en") in err and i18n.text("unreadable_question", "es") in err
