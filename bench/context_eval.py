"""The context rules (bot/context.py) measured on the model alone (no servers), as the actions apply them.

Two figures: (1) the written two-turn conversations of tests/data/followups.yml (the first message sets the
last topic to what it is answered on; the second is scored); (2) harm: every question of tests/data/heldout.yml
asked after an answer on another topic, which must still get its own topic (a follow-up rule that is too
eager would keep the old one). Never run on tests/data/real_heldout.yml (the final test).

Usage: .venv/bin/python bench/context_eval.py [--model models/….tar.gz] [--misses]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
import os
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import yaml  # noqa: E402

from bot.context import RULES, ContextRules, in_context  # noqa: E402
from bot.dialogue import TOPIC_INTENT_PREFIX, topic_for_message  # noqa: E402
from bot.menu import likely_topics  # noqa: E402

FALLBACK = "nlu_fallback"
HARM_COST = 2.0  # a full question stuck on the old topic is a confident wrong answer: it costs more


def answered(kb, parse: dict, last_topic: str | None, rules: ContextRules = RULES) -> str | None:
    """The topic the answer and "did you mean" actions answer a parsed message on (None: no answer)."""
    intent = (parse.get("intent") or {}).get("name") or ""
    entities = [str(e["value"]) for e in parse.get("entities") or [] if e.get("entity") == "program_type"]
    routed = topic_for_message(intent, entities, last_topic)
    if intent.startswith(TOPIC_INTENT_PREFIX) or intent == FALLBACK:
        text = parse.get("text") or ""
        candidates = likely_topics(kb, parse.get("intent_ranking") or [], text) if intent == FALLBACK else []
        return in_context(kb, routed, text, last_topic, entities, rules, candidates).topic
    return routed


def measure(kb, conversations, questions, parsed, rules: ContextRules, misses: bool) -> tuple[Counter, Counter]:
    stats: Counter = Counter()
    for c in conversations:
        last = answered(kb, parsed[c["first"]], None, rules)
        got = answered(kb, parsed[c["second"]], last, rules)
        key = (c["kind"], c["lang"])
        stats[key + ("n",)] += 1
        stats[key + ("right",)] += got == c["topic"]
        if got != c["topic"] and misses:
            print(f"  miss [{c['lang']} {c['kind']}] {c['first']!r} -> {c['second']!r}: got {got}, want {c['topic']}")
    golds = [None if q["topic"] in (None, "out_of_scope") else q["topic"] for q in questions]
    others = [t for t in dict.fromkeys(golds) if t]
    harm: Counter = Counter()
    for index, (q, gold) in enumerate(zip(questions, golds, strict=True)):
        last = next(t for t in others[index % len(others) :] + others if t != gold)
        alone = answered(kb, parsed[q["text"]], None, rules)
        after = answered(kb, parsed[q["text"]], last, rules)
        harm[(q["lang"], "n")] += 1
        harm[(q["lang"], "right alone")] += alone == gold
        harm[(q["lang"], "right after another topic")] += after == gold
        if alone == gold and after != gold and misses:
            print(f"  harm [{q['lang']}] after {last}: {q['text']!r} -> {after}, want {gold}")
    return stats, harm


async def _parse_all(model: Path, texts: list[str]) -> dict[str, dict]:
    from rasa.core.agent import Agent
    from rasa.core.channels.channel import UserMessage

    agent = Agent.load(str(model))
    out = {}
    for text in dict.fromkeys(texts):
        out[text] = await agent.processor.parse_message(UserMessage(text, sender_id="context-eval"))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None)
    parser.add_argument("--misses", action="store_true")
    parser.add_argument("--sweep", action="store_true", help="try a grid of bot.context.ContextRules")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    from bot.knowledge.base import get_kb
    from bot.training import latest_model

    kb = get_kb()
    conversations = yaml.safe_load((ROOT / "tests" / "data" / "followups.yml").read_text("utf-8"))["conversations"]
    questions = yaml.safe_load((ROOT / "tests" / "data" / "heldout.yml").read_text("utf-8"))["questions"]
    texts = [c["first"] for c in conversations] + [c["second"] for c in conversations] + [q["text"] for q in questions]
    parsed = asyncio.run(_parse_all(Path(args.model) if args.model else latest_model(), texts))
    if args.sweep:
        import functools

        import bot.context

        bot.context.best_score = functools.lru_cache(maxsize=None)(bot.context.best_score)  # type: ignore[assignment]
        rows = []
        for tied, words, ratio, least in itertools.product(
            (1.0, 2.0, 3.0, 4.0), (1, 2, 3, 4), (1.0, 1.25, 1.5, 2.0), (2.0, 3.0, 4.0, 6.0)
        ):
            rules = ContextRules(tied, words, ratio, least)
            stats, harm = measure(kb, conversations, questions, parsed, rules, misses=False)
            stay = sum(stats[("stay", lang, "right")] / stats[("stay", lang, "n")] for lang in ("en", "es")) / 2
            after = sum(harm[(lang, "right after another topic")] / harm[(lang, "n")] for lang in ("en", "es")) / 2
            rows.append((stay + HARM_COST * after, stay, after, rules))
        rows.sort(key=lambda r: -r[0])
        for score, stay, after, rules in rows[:10]:
            print(f"  {score:.3f}  stay {stay:.1%}  right after another topic {after:.1%}  {rules}")
        return 0
    stats, harm = measure(kb, conversations, questions, parsed, RULES, misses=args.misses)
    print("two-turn conversations (tests/data/followups.yml):")
    for kind in ("stay", "switch"):
        for lang in ("en", "es"):
            n = stats[(kind, lang, "n")]
            if n:
                print(f"  {kind:6} {lang}: {stats[(kind, lang, 'right')]}/{n} right")
    print("written held-out questions asked after an answer on another topic (tests/data/heldout.yml):")
    for lang in ("en", "es"):
        n = harm[(lang, "n")]
        print(
            f"  {lang}: right alone {harm[(lang, 'right alone')] / n:.1%}, "
            f"right after another topic {harm[(lang, 'right after another topic')] / n:.1%} (n={n})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
