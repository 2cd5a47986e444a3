"""Phone numbers come from one registry (knowledge/contacts.yml): topic files may not write any (the
validator refuses them), and the few the bot says outside knowledge answers must be registry numbers."""

from pathlib import Path

import yaml

from bot.knowledge.figures import phone_numbers
from bot.knowledge.files import load_knowledge

ROOT = Path(__file__).resolve().parent.parent


def registry_phones():
    return {c.phone: c.id for c in load_knowledge(ROOT / "knowledge").contacts.values()}


def bot_texts():
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    for name, variations in domain["responses"].items():
        for variation in variations:
            yield f"domain.yml {name}", variation.get("text", "")
    for path in ROOT.glob("bot/**/*.yml"):
        yield str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")
    from bot.web.i18n import STRINGS

    for key, texts in STRINGS.items():
        for lang, text in texts.items():
            yield f"i18n {key} {lang}", text


def test_every_phone_the_bot_says_is_in_the_registry():
    known = registry_phones()
    unknown = [(where, phone) for where, text in bot_texts() for phone in phone_numbers(text) if phone not in known]
    assert unknown == []


def test_fallback_replies_send_families_to_the_choices_main_line():
    known = registry_phones()
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    phones = {phone for v in domain["responses"]["utter_no_answer"] for phone in phone_numbers(v["text"])}
    assert {known[p] for p in phones} == {"student_integration_services"}


def test_no_topic_or_tool_file_writes_a_phone_number():
    for path in [*(ROOT / "knowledge" / "topics").glob("*.yml"), *(ROOT / "knowledge" / "tools").glob("*.yml")]:
        assert phone_numbers(path.read_text(encoding="utf-8")) == [], path.name


def test_tool_texts_fill_phones_from_the_registry():
    from bot.tools.options import load_rules

    load_rules.cache_clear() if hasattr(load_rules, "cache_clear") else None
    text = str(load_rules())
    assert "{phone:" not in text and "(213) 241-6572" in text


def test_the_bots_own_texts_send_families_to_the_main_line_not_the_pwt_check():
    """(213) 241-6572 is only for the PWT eligibility check: knowledge answers say when to call it."""
    pwt = next(c.phone for c in load_knowledge(ROOT / "knowledge").contacts.values() if c.id == "pwt_eligibility")
    assert [where for where, text in bot_texts() if pwt in text and "contacts.yml" not in where] == []
    for path in (ROOT / "bot").glob("**/*.py"):
        assert pwt not in path.read_text(encoding="utf-8"), path
