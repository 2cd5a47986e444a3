"""One Spanish glossary (knowledge/glossary.yml), applied to every Spanish string the bot can show."""

import re
from pathlib import Path

import pytest
import yaml

from bot.knowledge.files import load_knowledge

ROOT = Path(__file__).resolve().parent.parent
URL = re.compile(r"https?://\S+|\b[\w.-]+\.(?:org|net|gov|edu|com)\S*")


def glossary():
    return yaml.safe_load((ROOT / "knowledge" / "glossary.yml").read_text(encoding="utf-8"))["terms"]


def spanish_strings():
    """(where, text) for every Spanish string shown to families (parents' own phrasings excluded)."""
    knowledge = load_knowledge(ROOT / "knowledge")
    for topic in knowledge.topics.values():
        yield f"{topic.id}.title", topic.title.get("es", "")
        for entry in topic.entries:
            for field in ("answer", "details", "next_step"):
                yield f"{entry.id}.{field}", getattr(entry, field).get("es", "")
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    for name, variations in domain["responses"].items():
        for variation in variations:
            if any(c.get("value") == "es" for c in variation.get("condition") or []):
                yield (
                    name,
                    variation.get("text", "") + " " + " ".join(b["title"] for b in variation.get("buttons") or []),
                )
    for path in ROOT.glob("bot/**/sms_text.yml"):
        for key, texts in yaml.safe_load(path.read_text(encoding="utf-8")).items():
            yield f"sms_text.{key}", texts.get("es", "")
    from bot.web.i18n import STRINGS

    for key, texts in STRINGS.items():
        yield f"i18n.{key}", texts.get("es", "")
    programs = yaml.safe_load((ROOT / "knowledge" / "program_types.yml").read_text(encoding="utf-8"))
    for key, names in programs["program_types"].items():
        for form in ("one", "many"):
            if isinstance(names.get(form), dict):
                yield f"program_types.{key}.{form}", names[form].get("es", "")


def test_glossary_terms_are_complete():
    for term in glossary():
        assert term.get("en") and term.get("es"), term


@pytest.mark.parametrize("term", [t for t in glossary() if t.get("avoid_es")], ids=lambda t: t["en"])
def test_spanish_texts_avoid_the_variants_the_glossary_rules_out(term):
    patterns = [re.compile(rf"(?<!\w){p}(?!\w)", re.IGNORECASE) for p in term["avoid_es"]]
    offenders = [
        f"{where}: {m.group(0)!r}"
        for where, text in spanish_strings()
        for pattern in patterns
        for m in [pattern.search(URL.sub(" ", text))]
        if m
    ]
    assert offenders == [], f"use {term['es']!r}"


def test_standard_exceeded_is_explained_in_spanish():
    rule = next(t["must_explain_es"] for t in glossary() if t.get("must_explain_es"))
    explanation = re.compile(rule["explanation"], re.IGNORECASE)
    unexplained = [where for where, text in spanish_strings() if rule["term"] in text and not explanation.search(text)]
    assert unexplained == []


def test_the_glossary_check_would_catch_a_banned_variant():
    patterns = [re.compile(rf"(?<!\w){p}(?!\w)", re.IGNORECASE) for t in glossary() for p in t.get("avoid_es", [])]
    for sample in ("Las escuelas charter son gratis", "Solicite a los magnet", "Para matricular a su hijo"):
        assert any(p.search(sample) for p in patterns), sample
    assert not any(p.search("Las escuelas chárter y la magnet; puntos de matriculación") for p in patterns)
