"""Every user-visible string exists in English and Spanish."""

from pathlib import Path

import pytest

from bot.knowledge.files import load_knowledge
from bot.knowledge.program_types import REGISTRY

ROOT = Path(__file__).resolve().parent.parent


def _is_spanish(variation):
    return any(c.get("name") == "language" and c.get("value") == "es" for c in variation.get("condition") or [])


def _channel(variation):
    return variation.get("channel")


def test_every_response_has_english_and_spanish(domain):
    missing = []
    for name, variations in domain["responses"].items():
        for channel in {_channel(v) for v in variations}:
            of_channel = [v for v in variations if _channel(v) == channel]
            if not any(_is_spanish(v) for v in of_channel):
                missing.append(f"{name} ({channel or 'any channel'}): no Spanish variation")
            if not any(not _is_spanish(v) for v in of_channel):
                missing.append(f"{name} ({channel or 'any channel'}): no English variation")
    assert missing == []


def test_button_titles_exist_in_both_languages(domain):
    for name, variations in domain["responses"].items():
        counts = {_is_spanish(v): len(v.get("buttons") or []) for v in variations}
        assert counts.get(True, 0) == counts.get(False, 0), name


def test_placeholders_match_between_languages(domain):
    import re

    for name, variations in domain["responses"].items():
        fields = {_is_spanish(v): set(re.findall(r"{(\w+)}", v.get("text", ""))) for v in variations}
        assert fields[True] == fields[False], name


def test_spanish_variations_are_spanish(domain):
    import re

    from bot.language import clear_language

    for name, variations in domain["responses"].items():
        for v in variations:
            text = re.sub(r"{\w+}", "", v["text"])
            expected = "es" if _is_spanish(v) else "en"
            assert clear_language(text) in (expected, None), f"{name}: {v['text'][:60]}"


def test_knowledge_texts_built_into_messages_are_bilingual():
    """Topic titles (buttons), program-type labels (catalog answers) and every entry."""
    knowledge = load_knowledge(ROOT / "knowledge")
    assert not knowledge.problems
    for topic in knowledge.topics.values():
        assert topic.title.get("en") and topic.title.get("es"), topic.id
    for program in REGISTRY.types.values():
        assert program.many.get("en") and program.many.get("es"), (program.id, "many")
        if program.in_catalog:  # groups (charter, gate) are never a school's type: they need only a heading
            assert program.one.get("en") and program.one.get("es"), (program.id, "one")
    assert REGISTRY.cohort["en"] and REGISTRY.cohort["es"]


@pytest.mark.parametrize("path", sorted((ROOT / "actions").glob("*.py")) + sorted((ROOT / "bot").rglob("*.py")))
def test_no_user_text_is_hard_coded_in_code(path):
    """Actions send responses by name; user-visible text lives in domain.yml or knowledge/."""
    source = path.read_text(encoding="utf-8")
    assert "utter_message(text=" not in source, path
