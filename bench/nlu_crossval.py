"""NLU cross-validation with figures per language: intent accuracy and macro F1, entity F1.

`rasa test nlu --cross-validation` reports one mix of both languages; families are judged per language,
so this runs the same k-fold scheme (stratified by intent, same config.yml) and splits every figure by
the language of the example (bot.language). It also sweeps the FallbackClassifier threshold on the
held-out predictions, to choose it from data: see `fallback` in the output.

Usage: .venv/bin/python bench/nlu_crossval.py [--folds 3] [--json results.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from bot.language import clear_language  # noqa: E402


def language_of(text: str) -> str:
    return clear_language(text) or "en"


def f1_by_label(pairs: list[tuple[str, str]]) -> float:
    labels = {g for g, _ in pairs}
    scores = []
    for label in labels:
        tp = sum(1 for g, p in pairs if g == label and p == label)
        fp = sum(1 for g, p in pairs if g != label and p == label)
        fn = sum(1 for g, p in pairs if g == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return sum(scores) / len(scores) if scores else 0.0


def entity_f1(rows: list[dict]) -> float:
    tp = fp = fn = 0
    for row in rows:
        gold, pred = Counter(row["gold_entities"]), Counter(row["pred_entities"])
        tp += sum((gold & pred).values())
        fp += sum((pred - gold).values())
        fn += sum((gold - pred).values())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def folds_of(examples, k: int, seed: int = 7):
    by_intent = defaultdict(list)
    for example in examples:
        by_intent[example.get("intent")].append(example)
    folds = [[] for _ in range(k)]
    rng = random.Random(seed)
    for items in by_intent.values():
        rng.shuffle(items)
        for index, example in enumerate(items):
            folds[index % k].append(example)
    return folds


async def predict(model_path: str, examples) -> list[dict]:
    from rasa.core.agent import Agent

    agent = Agent.load(model_path)
    rows = []
    for example in examples:
        text = example.get("text")
        parsed = await agent.parse_message(text)
        rows.append(
            {
                "text": text,
                "lang": language_of(text),
                "gold": example.get("intent"),
                "pred": parsed["intent"]["name"],
                "confidence": parsed["intent"].get("confidence", 0.0),
                # the prediction before the FallbackClassifier replaced it, for the threshold sweep
                "raw_pred": next(
                    (r["name"] for r in parsed.get("intent_ranking", []) if r["name"] != "nlu_fallback"),
                    parsed["intent"]["name"],
                ),
                "raw_confidence": next(
                    (r["confidence"] for r in parsed.get("intent_ranking", []) if r["name"] != "nlu_fallback"), 0.0
                ),
                # DIET's whole ranking (the routing sweep, bench/routing_sweep.py, recombines it with retrieval)
                "ranking": [
                    (r["name"], r["confidence"])
                    for r in parsed.get("intent_ranking", [])
                    if r["name"] != "nlu_fallback"
                ],
                "gold_entities": [(e["entity"], str(e.get("value"))) for e in example.get("entities") or []],
                "pred_entities": [
                    (e["entity"], str(e.get("value")))
                    for e in parsed.get("entities") or []
                    if e.get("extractor") != "RegexEntityExtractor"
                ],
            }
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--json", default=None)
    parser.add_argument("--config", default=str(ROOT / "config.yml"), help="pipeline to evaluate")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    from rasa.model_training import train_nlu
    from rasa.shared.importers.importer import TrainingDataImporter
    from rasa.shared.nlu.training_data.training_data import TrainingData

    importer = TrainingDataImporter.load_from_dict(
        training_data_paths=[str(ROOT / "data")], domain_path=str(ROOT / "domain.yml")
    )
    data = importer.get_nlu_data()
    examples = [e for e in data.intent_examples]
    folds = folds_of(examples, args.folds)
    rows: list[dict] = []
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        for index, test in enumerate(folds):
            train = [e for i, fold in enumerate(folds) if i != index for e in fold]
            train_data = TrainingData(
                training_examples=train,
                entity_synonyms=data.entity_synonyms,
                regex_features=data.regex_features,
                lookup_tables=data.lookup_tables,
            )
            nlu_file = Path(tmp) / f"fold{index}.yml"
            nlu_file.write_text(train_data.nlu_as_yaml(), encoding="utf-8")
            model = train_nlu(args.config, str(nlu_file), str(Path(tmp) / "models"), fixed_model_name=f"fold{index}")
            rows += asyncio.run(predict(model, test))
            print(f"fold {index + 1}/{args.folds} done ({time.monotonic() - started:.0f} s)", flush=True)
    print(
        f"\nNLU cross-validation, {args.folds} folds, {len(rows)} examples, {Path(args.config).name}, "
        f"{time.monotonic() - started:.0f} s in all:"
    )
    for lang in ("en", "es"):
        subset = [r for r in rows if r["lang"] == lang]
        accuracy = sum(r["gold"] == r["pred"] for r in subset) / len(subset)
        print(
            f"  {lang}: {len(subset)} examples; intent accuracy {accuracy:.1%}, "
            f"intent macro-F1 {f1_by_label([(r['gold'], r['pred']) for r in subset]):.3f}, "
            f"entity F1 {entity_f1(subset):.3f}"
        )
    print("\nFallbackClassifier threshold sweep (share of examples answered, and accuracy of those answered):")
    for threshold in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7):
        kept = [r for r in rows if r["raw_confidence"] >= threshold]
        right = sum(r["gold"] == r["raw_pred"] for r in kept)
        print(
            f"  {threshold:.1f}: answered {len(kept) / len(rows):.1%}, accurate {right / max(1, len(kept)):.1%}, "
            f"wrong answers {len(kept) - right}"
        )
    confusions = Counter((r["gold"], r["pred"]) for r in rows if r["gold"] != r["pred"])
    print("\nmost frequent confusions:")
    for (gold, pred), count in confusions.most_common(12):
        print(f"  {count:3} {gold} -> {pred}")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
