"""Training time against held-out accuracy for a few NLU settings (the table in config.yml's comment).

Each setting is config.yml with DIETClassifier's epochs / transformer and the char n-gram range changed; it is
trained from a clean Rasa cache (`rasa train`, NLU and dialogue, as `camino train --force` does), timed (wall
clock and CPU seconds: on a shared machine the CPU time is the steadier figure), then scored by
bench/eval_offline.py. One training at a time.

Usage: OMP_NUM_THREADS=1 TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1 \
       .venv/bin/python bench/train_sweep.py [--only NAME ...]
"""

from __future__ import annotations

import argparse
import copy
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.training import rasa_env, rasa_executable  # noqa: E402

# name: (DIET settings over config.yml's, char n-gram range[, pipeline components left out]). DIET's defaults:
# 2 transformer layers of size 256, batch sizes 64 -> 256.
NOENT = {
    "epochs": 30,
    "number_of_transformer_layers": 1,
    "transformer_size": 128,
    "batch_size": [128, 512],
    "entity_recognition": False,
}
NO_LEX = ("RegexFeaturizer", "LexicalSyntacticFeaturizer")
SETTINGS: dict[str, tuple] = {
    "e60-tf-2to4": ({"epochs": 60}, (2, 4)),
    "e40-tf-2to4": ({"epochs": 40}, (2, 4)),
    "e30-tf-2to4": ({"epochs": 30}, (2, 4)),
    "e30-notf-2to4": ({"epochs": 30, "number_of_transformer_layers": 0}, (2, 4)),
    "e30-tf-3to4": ({"epochs": 30}, (3, 4)),
    "e30-tf-2to3": ({"epochs": 30}, (2, 3)),
    "e20-tf-2to4": ({"epochs": 20}, (2, 4)),
    "e30-tf1x128-2to4": ({"epochs": 30, "number_of_transformer_layers": 1, "transformer_size": 128}, (2, 4)),
    "e30-tf1x128-2to3": ({"epochs": 30, "number_of_transformer_layers": 1, "transformer_size": 128}, (2, 3)),
    "e40-tf1x128-2to3": ({"epochs": 40, "number_of_transformer_layers": 1, "transformer_size": 128}, (2, 3)),
    "e30-tf1x128-b128-2to3": (
        {"epochs": 30, "number_of_transformer_layers": 1, "transformer_size": 128, "batch_size": [128, 512]},
        (2, 3),
    ),
    "e20-tf1x128-b128-2to3": (
        {"epochs": 20, "number_of_transformer_layers": 1, "transformer_size": 128, "batch_size": [128, 512]},
        (2, 3),
    ),
    "e20-notf-b128-2to3": ({"epochs": 20, "number_of_transformer_layers": 0, "batch_size": [128, 512]}, (2, 3)),
    # DIET classifies intents only; entities come from bot.rasa_components.VocabularyEntityExtractor
    "e30-tf1x128-b128-noent-2to3": (NOENT, (2, 3)),
    # fewer sparse feature matrices for DIET's Python batch generator to convert
    "noent-noregex": (NOENT, (2, 3), ("RegexFeaturizer",)),
    "noent-noregex-nolex": (NOENT, (2, 3), ("RegexFeaturizer", "LexicalSyntacticFeaturizer")),
    "e25-noent-noregex": ({**NOENT, "epochs": 25}, (2, 3), ("RegexFeaturizer",)),
    "e20-lr2-noent-nolex": ({**NOENT, "epochs": 20, "learning_rate": 0.002}, (2, 3), NO_LEX),
    "e15-lr3-noent-nolex": ({**NOENT, "epochs": 15, "learning_rate": 0.003}, (2, 3), NO_LEX),
}
DIET_KEYS = (
    "epochs",
    "number_of_transformer_layers",
    "transformer_size",
    "batch_size",
    "entity_recognition",
    "learning_rate",
)


def variant(base: dict, diet: dict, ngrams: tuple[int, int], dropped: tuple[str, ...] = ()) -> dict:
    config = copy.deepcopy(base)
    config["pipeline"] = [c for c in config["pipeline"] if c["name"] not in dropped]
    for component in config["pipeline"]:
        if component["name"] == "DIETClassifier":
            for key in DIET_KEYS:
                component.pop(key, None)
            component.update(diet)
        if component["name"] == "CountVectorsFeaturizer" and component.get("analyzer") == "char_wb":
            component["min_ngram"], component["max_ngram"] = ngrams
    return config


def train(config_path: Path, out: Path, name: str) -> tuple[float, float]:
    env = rasa_env()
    env["RASA_CACHE_DIRECTORY"] = str(out / "cache")  # clean cache: every step computed
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    command = [rasa_executable(), "train", "--config", str(config_path), "--domain", str(ROOT / "domain.yml")]
    command += [
        "--data",
        str(ROOT / "data"),
        "--out",
        str(out),
        "--fixed-model-name",
        name,
        "--quiet",
        "--skip-validation",
    ]
    result = subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"{name}: rasa train failed (exit {result.returncode})")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def evaluate(model: Path) -> str:
    output = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "eval_offline.py"), "--model", str(model)],
        cwd=ROOT,
        env=rasa_env(),
        capture_output=True,
        text=True,
    ).stdout
    figures = re.findall(r"(\w+)\s+(en|es|all)\s*: topic\s+([\d.]+)%.*reply language\s+([\d.]+)%", output)
    return " ".join(f"{s}/{lang} {topic}%" for s, lang, topic, _ in figures if lang != "all") or output


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=None, choices=sorted(SETTINGS))
    args = parser.parse_args()
    base = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    names = args.only or list(SETTINGS)
    print("setting            wall s   cpu s   held-out topic accuracy", flush=True)
    for name in names:
        with tempfile.TemporaryDirectory(prefix=f"sweep-{name}-") as tmp:
            out = Path(tmp)
            config_path = out / "config.yml"
            config_path.write_text(yaml.safe_dump(variant(base, *SETTINGS[name]), sort_keys=False), encoding="utf-8")
            wall, cpu = train(config_path, out, name)
            print(f"{name:17s} {wall:7.0f} {cpu:7.0f}   {evaluate(out / f'{name}.tar.gz')}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
