"""Held-out topic and reply-language accuracy from the trained model alone (no servers): a fast stand-in for
bench/eval_heldout.py when comparing training settings.

Every question of tests/data/heldout.yml and the single questions of tests/data/real_heldout.yml and
tests/data/real_dev.yml (none of them trained on; `alt_topic` also counts) is parsed by the model's NLU (the
whole pipeline, FallbackClassifier and LanguageDecider included) as the first message of a fresh
conversation, as eval_heldout.py sends it. Its topic is what the answer action would answer
(bot.dialogue.topic_for_message on the predicted intent and entities; a fallback or any non-topic intent
answers none); its reply language is the `language` entity the model emits, else the slot's initial English
(models without LanguageDecider: bot.language.decide, what action_detect_language did).

Usage: .venv/bin/python bench/eval_offline.py [--model models/camino-….tar.gz] [--json FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import yaml  # noqa: E402

from bot.dialogue import topic_for_message  # noqa: E402
from bot.language import DEFAULT, decide  # noqa: E402

SETS = {
    "heldout": ROOT / "tests" / "data" / "heldout.yml",
    "real": ROOT / "tests" / "data" / "real_heldout.yml",
    "dev": ROOT / "tests" / "data" / "real_dev.yml",  # real questions too, for tuning (never trained on)
}


def questions(path: Path) -> list[dict]:
    items = yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]
    return [
        {
            "text": q["text"],
            "lang": q["lang"],
            "topic": None if q["topic"] == "out_of_scope" else q["topic"],
            "alt_topic": q.get("alt_topic"),
        }
        for q in items
    ]


async def parse_all(model: Path, texts: list[str]) -> tuple[list[dict], bool]:
    from rasa.core.agent import Agent
    from rasa.core.channels.channel import UserMessage

    agent = Agent.load(str(model))
    has_decider = "LanguageDecider" in json.dumps(agent.processor.model_metadata.predict_schema.as_dict())
    parsed = []
    for text in texts:
        parsed.append(await agent.processor.parse_message(UserMessage(text, sender_id="eval-offline")))
    return parsed, has_decider


def score(items: list[dict], parsed: list[dict], has_decider: bool) -> tuple[dict, list[dict]]:
    stats: dict[str, dict[str, int]] = defaultdict(lambda: {"n": 0, "topic": 0, "lang": 0})
    misses = []
    for q, p in zip(items, parsed, strict=True):
        entities = p.get("entities") or []
        intent = (p.get("intent") or {}).get("name") or ""
        topic = topic_for_message(intent, [e["value"] for e in entities if e["entity"] == "program_type"], None)
        if has_decider:
            langs = [e["value"] for e in entities if e["entity"] == "language"]
            lang = langs[-1] if langs else DEFAULT
        else:
            lang = decide(q["text"], current=DEFAULT, first_turn=True).lang
        s = stats[q["lang"]]
        s["n"] += 1
        right = topic == q["topic"] or (topic is not None and topic == q["alt_topic"])
        s["topic"] += right
        s["lang"] += lang == q["lang"]
        if not right or lang != q["lang"]:
            misses.append({"text": q["text"], "lang": q["lang"], "expected": q["topic"], "got": topic, "reply": lang})
    return stats, misses


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None, help="default: the model of the current inputs (camino train)")
    parser.add_argument("--json", default=None)
    parser.add_argument("--misses", action="store_true", help="print every miss")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    from bot.training import model_path

    model = Path(args.model) if args.model else model_path()
    sets = {name: questions(path) for name, path in SETS.items()}
    texts = [q["text"] for items in sets.values() for q in items]
    started = time.monotonic()
    parsed, has_decider = asyncio.run(parse_all(model, texts))
    print(f"offline held-out evaluation of {model.name} ({len(texts)} questions, {time.monotonic() - started:.0f} s)")
    report: dict = {}
    offset = 0
    for name, items in sets.items():
        stats, misses = score(items, parsed[offset : offset + len(items)], has_decider)
        offset += len(items)
        total = {k: sum(s[k] for s in stats.values()) for k in ("n", "topic", "lang")}
        for lang, s in sorted(stats.items()) + [("all", total)]:
            print(
                f"  {name:8s} {lang:3s}: topic {s['topic'] / s['n']:6.1%} ({s['topic']}/{s['n']}), "
                f"reply language {s['lang'] / s['n']:6.1%} ({s['lang']}/{s['n']})"
            )
        if args.misses:
            for m in misses:
                print(f"    [{m['lang']}] {m['text']!r}: expected {m['expected']}, got {m['got']} (reply {m['reply']})")
        report[name] = {"stats": dict(stats), "total": total, "misses": misses}
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
