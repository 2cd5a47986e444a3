"""Training the Rasa model only when its inputs changed.

The model's file name carries a fingerprint of everything that shapes it (config, domain, training
data, pinned package versions), so an unchanged project finds its model and never retrains.
"""

from __future__ import annotations

import hashlib
import logging
import os
import subprocess
import sys
from pathlib import Path

from bot import config

logger = logging.getLogger(__name__)
MODEL_PREFIX = "camino-"
KEEP_MODELS = 2


def training_inputs(root: Path = config.ROOT) -> list[Path]:
    files = [
        root / "config.yml",
        root / "domain.yml",
        root / "requirements.lock",
        root / "bot" / "rasa_components.py",
        root / "bot" / "language.py",
        root / "bot" / "entities.py",  # the vocabulary the entity extractor stores in the model
        root / "bot" / "lexical.py",  # the second intent classifier stored in the model
    ]
    files += sorted((root / "data").rglob("*.yml"))
    return [f for f in files if f.is_file()]


def fingerprint(root: Path = config.ROOT) -> str:
    digest = hashlib.sha256()
    for path in training_inputs(root):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def model_path(root: Path = config.ROOT) -> Path:
    return config.models_dir() / f"{MODEL_PREFIX}{fingerprint(root)}.tar.gz"


def rasa_env() -> dict[str, str]:
    """Environment for every Rasa process: quiet, offline, no telemetry."""
    env = dict(os.environ)
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    env.setdefault("PYTHONWARNINGS", "ignore")
    env["CAMINO_STATE_DIR"] = str(config.ensure_state_dir())  # Rasa writes its tracker store there
    env.setdefault("ACTIONS_PORT", str(config.actions_port()))
    return env


def rasa_executable() -> str:
    return str(Path(sys.executable).with_name("rasa"))


def ensure_model(force: bool = False, root: Path = config.ROOT) -> Path:
    """The trained model for the current inputs, training it first if it does not exist yet."""
    target = model_path(root)
    if target.is_file() and not force:
        logger.info("model is up to date: %s", target.name)
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    print(f"training model {target.name} (inputs changed or no model yet)…", flush=True)
    command = [
        rasa_executable(),
        "train",
        "--config",
        str(root / "config.yml"),
        "--domain",
        str(root / "domain.yml"),
        "--data",
        str(root / "data"),
        "--out",
        str(target.parent),
        "--fixed-model-name",
        target.name[: -len(".tar.gz")],
        "--quiet",
        "--skip-validation",  # `make validate` / tests/test_rasa_data.py run it, failing on warnings; ~10 s saved
    ]
    result = subprocess.run(command, cwd=root, env=rasa_env())
    if result.returncode != 0 or not target.is_file():
        raise SystemExit(f"rasa train failed (exit {result.returncode})")
    _prune(target)
    return target


def _prune(keep: Path) -> None:
    models = sorted(keep.parent.glob(f"{MODEL_PREFIX}*.tar.gz"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in models[KEEP_MODELS:]:
        if old != keep:
            old.unlink(missing_ok=True)


def latest_model() -> Path | None:
    models = sorted(config.models_dir().glob(f"{MODEL_PREFIX}*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return models[-1] if models else None
