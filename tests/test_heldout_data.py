"""The held-out sets are well-formed, sourced, and never trained on."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "tests" / "data" / "real_heldout.yml"


def training_texts():
    texts = set()
    for path in (ROOT / "data" / "nlu").glob("*.yml"):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            for line in (block.get("examples") or "").splitlines():
                if line.strip().startswith("- "):
                    texts.add(re.sub(r"\[([^\]]+)\](\([^)]*\)|\{[^}]*\})", r"\1", line.strip()[2:]).lower().strip())
    return texts


def test_real_questions_are_sourced_labelled_and_never_trained_on(topic_ids):
    data = yaml.safe_load(REAL.read_text(encoding="utf-8"))
    known = set(topic_ids) | {"out_of_scope"}
    trained = training_texts()
    items = [*data["questions"], *data["two_turn"]]
    for item in items:
        assert item["lang"] in ("en", "es") and item["topic"] in known, item
        assert item.get("alt_topic") in known | {None}, item
        assert item["source"].startswith("http"), item
        for text in (item.get("text"), item.get("first"), item.get("second")):
            assert text is None or text.lower().strip() not in trained, text
    langs = [q["lang"] for q in data["questions"]]
    assert langs.count("en") >= 150 and langs.count("es") >= 90
    assert len(data["two_turn"]) >= 30
    assert sum(q["topic"] == "out_of_scope" for q in data["questions"]) >= 20


def test_followup_conversations_are_labelled_and_not_taken_from_the_real_set(topic_ids):
    """First turns may be phrasings the model knows (they only set the context); second turns are new."""
    data = yaml.safe_load((ROOT / "tests" / "data" / "followups.yml").read_text(encoding="utf-8"))
    real = yaml.safe_load(REAL.read_text(encoding="utf-8"))
    items = [*real["questions"], *real["two_turn"]]
    real_texts = {(i.get(k) or "").lower().strip() for i in items for k in ("text", "first", "second")}
    trained = training_texts()
    for c in data["conversations"]:
        assert c["kind"] in ("stay", "switch") and c["lang"] in ("en", "es"), c
        assert c["topic"] is None or c["topic"] in topic_ids, c
        assert c["first"].lower().strip() not in real_texts, c
        assert c["second"].lower().strip() not in real_texts | trained, c


DEV = ROOT / "tests" / "data" / "real_dev.yml"


def test_dev_questions_are_sourced_labelled_and_apart_from_the_held_out_set(topic_ids):
    """The dev set (tuning, failure analysis) is real, never trained on, and shares nothing with the held-out set."""
    dev = yaml.safe_load(DEV.read_text(encoding="utf-8"))
    real = yaml.safe_load(REAL.read_text(encoding="utf-8"))
    known = set(topic_ids) | {"out_of_scope"}
    trained = training_texts()
    real_items = [*real["questions"], *real["two_turn"]]
    real_texts = {(i.get(k) or "").lower().strip() for i in real_items for k in ("text", "first", "second")} - {""}
    real_sources = {i["source"] for i in real_items}
    for item in [*dev["questions"], *dev["two_turn"]]:
        assert item["lang"] in ("en", "es") and item["topic"] in known, item
        assert item.get("alt_topic") in known | {None}, item
        assert item["source"].startswith("http") and item["source"] not in real_sources, item
        for text in (item.get("text"), item.get("first"), item.get("second")):
            if text is not None:
                assert text.lower().strip() not in trained, text
                assert text.lower().strip() not in real_texts, text
    langs = [q["lang"] for q in dev["questions"]]
    # Target was 60 Spanish; the store held only ~54 usable Spanish questions outside the held-out pages.
    assert langs.count("en") >= 60 and langs.count("es") >= 50
    assert len(dev["two_turn"]) >= 15
