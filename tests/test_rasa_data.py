"""`rasa data validate` passes, and the training data covers every topic in both languages."""

import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
MIN_EXAMPLES_PER_LANGUAGE = 25


def test_rasa_data_validate():
    rasa = str(Path(sys.executable).with_name("rasa"))
    result = subprocess.run(
        [rasa, "data", "validate", "--quiet"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**__import__("os").environ, "RASA_TELEMETRY_ENABLED": "false"},
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    # Responses sent only by custom actions are "not used in any story": that warning is expected for
    # them, and only for them. Any other warning (conflicting examples, unknown intents…) fails.
    senders = [
        *(ROOT / "actions").glob("*.py"),
        *(ROOT / "bot" / "tools").glob("*.py"),
        ROOT / "bot/knowledge/school_answer.py",
    ]
    sent_by_actions = set(re.findall(r"\"(utter_\w+)\"", "".join(p.read_text() for p in senders)))
    warnings = [line for line in output.splitlines() if "UserWarning" in line]
    unexpected = [
        w
        for w in warnings
        if not (m := re.search(r"The utterance '(\w+)' is not used", w)) or m.group(1) not in sent_by_actions
    ]
    assert unexpected == []


def _examples():
    by_intent = {}
    for path in (ROOT / "data" / "nlu").glob("*.yml"):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            if "intent" in block:
                lines = [e[2:].strip() for e in block["examples"].splitlines() if e.strip().startswith("- ")]
                by_intent.setdefault(block["intent"], []).extend(lines)
    return by_intent


def test_every_topic_intent_has_enough_examples_in_each_language(topic_ids):
    from bot.language import clear_language

    examples = _examples()
    for topic in topic_ids:
        texts = [re.sub(r"\[([^\]]+)\](\([^)]*\)|\{[^}]*\})", r"\1", t) for t in examples.get(f"ask_{topic}", [])]
        langs = [clear_language(t) for t in texts]
        # counted by the language bot.language recognizes; an ambiguous example counts for neither
        assert langs.count("en") >= MIN_EXAMPLES_PER_LANGUAGE, (topic, langs.count("en"))
        assert langs.count("es") >= MIN_EXAMPLES_PER_LANGUAGE, (topic, langs.count("es"))


def test_rules_answer_every_topic_intent(domain, topic_ids):
    rules = yaml.safe_load((ROOT / "data" / "stories" / "rules_topics.yml").read_text())["rules"]
    answered = {r["steps"][0]["intent"] for r in rules if r["steps"][1] == {"action": "action_answer_question"}}
    assert answered == {f"ask_{t}" for t in topic_ids}
    assert {f"ask_{t}" for t in topic_ids} <= set(domain["intents"])


def test_knowledge_questions_are_in_sync_with_the_training_data():
    from bot.nlu_sync import render, target_path

    assert target_path().read_text(encoding="utf-8") == render(), "run `camino nlu sync`"
