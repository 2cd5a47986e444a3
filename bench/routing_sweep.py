"""Chooses the router's weights and the fallback thresholds (config.yml) from data: cross-validation, the
written held-out set and the real development set, never the real held-out set (tests/data/real_heldout.yml
is the final test).

Inputs: the rows `bench/nlu_crossval.py --json FILE` writes (each fold's examples with DIET's ranking from a
model that never saw them; optional, as producing them trains three models) and DIET's and the lexical
classifier's rankings (the parse result's `routing` record) of every
question of tests/data/heldout.yml and tests/data/real_dev.yml (real families' questions kept for tuning)
from the trained model. Cross-validation examples that are a knowledge entry's own phrasing are left out:
retrieval indexes those phrasings, so it would find them word for word. Each setting of
bot.routing.Weights recombines the rankings with retrieval (bot.routing.combine) and the
FallbackClassifier's rule (threshold, ambiguity margin) decides; every outcome is scored as
bench/eval_heldout.py scores a first reply: right, wrong (an answer on another topic, or any answer to an
out-of-scope question: the worst outcome), "did you mean", other. The chosen setting maximises the mean
over the groups (cross-validation, written held-out, dev set; each en and es) of right - WRONG_COST x wrong.
The current config.yml setting is printed beside the best ones.

Usage: .venv/bin/python bench/routing_sweep.py [--crossval rows.json] [--model models/….tar.gz] [--json FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import logging
import os
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import yaml  # noqa: E402

from bot.dialogue import HUMAN_INTENT, HUMAN_TOPIC  # noqa: E402
from bot.language import fold  # noqa: E402
from bot.routing import Weights, combine, mix_rankings, topic_names, topic_of_intent, topic_scores  # noqa: E402

WRONG_COST = 3.0
HELDOUT = {"heldout": ROOT / "tests" / "data" / "heldout.yml", "dev": ROOT / "tests" / "data" / "real_dev.yml"}
GRID_FULL = {
    "retrieval": (0.0, 0.25, 0.5, 0.75, 1.0),
    "against_other": (0.0, 0.25),  # 0.5 and 0.75 never won (2026-12-03)
    "half_score": (3.0, 6.0, 10.0),
    "sharpness": (0.0, 1.0, 2.0, 4.0),
    "spelled_name": (0.0, 0.5, 0.8),
    "name_floor": (0.0, 0.8, 1.0),
    "lexical": (0.0, 0.5, 0.75),
}
GRID = GRID_FULL
THRESHOLDS = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7)
MARGINS = (0.0, 0.05, 0.1, 0.15, 0.2, 0.3)


def answered_topic(intent: str | None) -> str | None:
    if intent is None:
        return None
    return HUMAN_TOPIC if intent == HUMAN_INTENT else topic_of_intent(intent)


def outcome(gold_intent: str | None, gold_topic: str | None, intent: str | None) -> str:
    """right / wrong / did_you_mean / other, for a gold intent (cross-validation) or topic (held-out)."""
    if intent is None:
        return "did_you_mean"
    got = answered_topic(intent)
    if gold_topic is not None:
        return "right" if got == gold_topic else ("wrong" if got else "other")
    if gold_intent is not None and intent == gold_intent:
        return "right"
    return "wrong" if got else "other"  # an answer where none was asked for (out of scope, greet…)


def entry_phrasings() -> set[str]:
    from bot.knowledge.base import get_kb

    return {
        fold(q).strip() for t in get_kb().topics.values() for e in t.entries for qs in e.questions.values() for q in qs
    }


def with_retrieval(items: list[dict]) -> list[dict]:
    from bot.knowledge.base import get_kb

    kb = get_kb()
    names = topic_names()
    for item in items:
        item["scores"] = topic_scores((h.entry.topic, h.score) for h in kb.search(item["text"], limit=30))
        item["named"] = names.found(item["text"])
    return items


def crossval_items(path: Path) -> list[dict]:
    rows = json.loads(path.read_text(encoding="utf-8"))
    known = entry_phrasings()
    items = []
    for r in rows:
        if fold(r["text"]).strip() in known:
            continue
        gold = r["gold"]
        items.append(
            {
                "group": f"crossval {r['lang']}",
                "text": r["text"],
                "gold_intent": gold,
                "gold_topic": answered_topic(gold),
                "ranking": [tuple(x) for x in r["ranking"]],
            }
        )
    return items


async def _parse(model: Path, texts: list[str]) -> list[dict]:
    from rasa.core.agent import Agent
    from rasa.core.channels.channel import UserMessage

    agent = Agent.load(str(model))
    return [await agent.processor.parse_message(UserMessage(t, sender_id="routing-sweep")) for t in texts]


def heldout_items(model: Path, name: str, path: Path) -> list[dict]:
    questions = yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]
    parsed = asyncio.run(_parse(model, [q["text"] for q in questions]))
    items = []
    for q, p in zip(questions, parsed, strict=True):
        lexical = (p.get("routing") or {}).get("lexical") or []
        diet = (p.get("routing") or {}).get("diet") or [
            (r["name"], r["confidence"]) for r in p.get("intent_ranking") or [] if r["name"] != "nlu_fallback"
        ]
        topic = None if q["topic"] in (None, "out_of_scope") else q["topic"]
        items.append(
            {
                "group": f"{name} {q['lang']}",
                "text": q["text"],
                "gold_intent": f"ask_{topic}" if topic else "out_of_scope",
                "gold_topic": topic,
                "ranking": [tuple(x) for x in diet],
                "lexical": [tuple(x) for x in lexical],
            }
        )
    return items


def evaluate(items: list[dict], weights: Weights) -> dict[tuple[float, float], dict[str, dict[str, int]]]:
    """Outcome counts per (threshold, margin) and group for one setting of the weights (vectorised: the
    answer each item would get is fixed by the weights; the thresholds only decide whether it is given)."""
    import numpy as np

    tops, gaps, answers = [], [], []
    for item in items:
        mixed = mix_rankings(item["ranking"], item.get("lexical") or [], weights.lexical)
        ranking = combine(mixed, item["scores"], item["named"], weights)
        top = ranking[0][1] if ranking else 0.0
        tops.append(top)
        gaps.append(top - (ranking[1][1] if len(ranking) > 1 else 0.0))
        answers.append(outcome(item["gold_intent"], item["gold_topic"], ranking[0][0]) if ranking else "did_you_mean")
    top_a, gap_a, ans_a = np.array(tops), np.array(gaps), np.array(answers)
    groups = np.array([item["group"] for item in items])
    table: dict[tuple[float, float], dict[str, dict[str, int]]] = {}
    for threshold, margin in itertools.product(THRESHOLDS, MARGINS):
        given = (top_a >= threshold) & (gap_a >= margin)
        counts: dict[str, dict[str, int]] = {}
        for group in np.unique(groups):
            in_group = groups == group
            counts[str(group)] = {
                "n": int(in_group.sum()),
                "right": int((in_group & given & (ans_a == "right")).sum()),
                "wrong": int((in_group & given & (ans_a == "wrong")).sum()),
                "other": int((in_group & given & (ans_a == "other")).sum()),
                "did_you_mean": int((in_group & ~given).sum()),
            }
        table[(threshold, margin)] = counts
    return table


def objective(counts: dict[str, dict[str, int]]) -> float:
    groups = list(counts.values())
    return sum((g["right"] - WRONG_COST * g["wrong"]) / g["n"] for g in groups) / len(groups)


def describe(counts: dict[str, dict[str, int]]) -> str:
    parts = []
    for group in sorted(counts):
        g = counts[group]
        n = g["n"]
        parts.append(f"{group} right {g['right'] / n:.1%} wrong {g['wrong'] / n:.1%} dym {g['did_you_mean'] / n:.1%}")
    return "; ".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--crossval", default=None, help="rows written by bench/nlu_crossval.py --json")
    parser.add_argument("--model", default=None)
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    from bot.training import latest_model

    model = Path(args.model) if args.model else latest_model()
    items = crossval_items(Path(args.crossval)) if args.crossval else []
    for name, path in HELDOUT.items():
        items += heldout_items(model, name, path)
    items = with_retrieval(items)
    print(f"{len(items)} items: " + ", ".join(f"{g} {n}" for g, n in sorted(_sizes(items).items())))
    results = []
    for values in itertools.product(*GRID.values()):
        weights = Weights(**dict(zip(GRID, values, strict=True)))
        if weights.retrieval == 0 and (
            weights.against_other
            or weights.spelled_name
            or weights.name_floor
            or weights.lexical
            or weights.sharpness
            or weights.half_score != 6.0
        ):
            continue  # without retrieval the other weights do nothing: one baseline row
        for (threshold, margin), counts in evaluate(items, weights).items():
            results.append((objective(counts), weights, threshold, margin, counts))
    results.sort(key=lambda r: -r[0])
    baseline = next(r for r in results if r[1].retrieval == 0 and r[2] == 0.5 and r[3] == 0.05)
    print(
        f"\nbaseline (DIET alone, threshold 0.5, margin 0.05): objective {baseline[0]:.3f}\n  {describe(baseline[4])}"
    )
    current = _current(results)
    if current:
        setting = f"{current[1]} threshold {current[2]} margin {current[3]}"
        print(f"\ncurrent (config.yml): objective {current[0]:.3f} {setting}")
        print(f"  {describe(current[4])}")
    print("\nbest settings:")
    for score, weights, threshold, margin, counts in results[:8]:
        print(f"  {score:.3f} {weights} threshold {threshold} margin {margin}\n    {describe(counts)}")
    if args.json:
        best = results[0]
        Path(args.json).write_text(
            json.dumps(
                {"weights": best[1].__dict__, "threshold": best[2], "margin": best[3], "counts": best[4]}, indent=1
            )
        )
    return 0


def _current(results: list) -> tuple | None:
    """The row of config.yml's own router weights and fallback thresholds, when they are on the grid."""
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    parts = {c["name"]: c for c in config["pipeline"]}
    router = {k: v for k, v in parts["bot.rasa_components.RetrievalRouter"].items() if k != "name"}
    fallback = parts["FallbackClassifier"]
    for row in results:
        if row[1] == Weights.from_config(router) and (row[2], row[3]) == (
            fallback["threshold"],
            fallback["ambiguity_threshold"],
        ):
            return row
    return None


def _sizes(items: list[dict]) -> dict[str, int]:
    sizes: dict[str, int] = defaultdict(int)
    for item in items:
        sizes[item["group"]] += 1
    return sizes


if __name__ == "__main__":
    sys.exit(main())
