"""The bot's text tables outside domain.yml exist in English and Spanish, with the same placeholders.

domain.yml responses have their own parity test (test_bilingual.py); these tables are the texts built into
chat answers, tool results and SMS short forms by plain Python.
"""

from __future__ import annotations

import re
import string

import pytest

from bot.channels import guard
from bot.knowledge import answers
from bot.language import LANGUAGES, clear_language
from bot.tools import ag_check, labels, options, points, results

# (table name, {key: {lang: text}})
TABLES = [
    ("answers.NOTES", answers.NOTES),
    ("results.SHORT_NOTES", results.SHORT_NOTES),
    ("results.PART_LABELS", results.PART_LABELS),
    ("labels.AREAS", labels.AREAS),
    ("labels.TOOLS", labels.TOOLS),
    ("points.TEXT", points.TEXT),
    ("ag_check.TEXT", ag_check.TEXT),
    ("options.TEXT", options.TEXT),
]
# Tables of one text per language.
SINGLE = [
    ("results.LOW_GRADES", results.LOW_GRADES),
    ("results.MORE", results.MORE),
    ("guard.UNAVAILABLE", guard.UNAVAILABLE),
]
ROWS = [(f"{name}[{key}]", texts) for name, table in TABLES for key, texts in table.items()] + SINGLE


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("name,texts", ROWS, ids=[name for name, _ in ROWS])
def test_every_text_has_both_languages_and_the_same_placeholders(name, texts):
    assert set(texts) == set(LANGUAGES), name
    assert all(texts[lang].strip() for lang in LANGUAGES), name
    assert _fields(texts["en"]) == _fields(texts["es"]), name


@pytest.mark.parametrize("name,texts", ROWS, ids=[name for name, _ in ROWS])
def test_spanish_texts_are_written_as_spanish(name, texts):
    spanish = texts["es"]
    # A question in Spanish opens with ¿ and an exclamation with ¡ (a native speaker's writing).
    for sentence in re.split(r"(?<=[.:;])\s+", spanish):
        if sentence.rstrip().endswith("?"):
            assert "¿" in sentence, f"{name}: {sentence!r}"
        if sentence.rstrip().endswith("!"):
            assert "¡" in sentence, f"{name}: {sentence!r}"
    long_enough = len(re.sub(r"{\w+}", "", spanish).split()) >= 6
    if long_enough:
        assert clear_language(re.sub(r"{\w+}", "", spanish)) in ("es", None), f"{name}: {spanish[:60]}"
        assert clear_language(re.sub(r"{\w+}", "", texts["en"])) in ("en", None), f"{name}: {texts['en'][:60]}"
