"""Settings read from the environment, with defaults that need no server."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def state_dir() -> Path:
    """Where local state lives (knowledge store, tracker store, pids, logs); git ignores it."""
    path = Path(os.environ.get("CAMINO_STATE_DIR", ROOT / ".camino"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def knowledge_dir() -> Path:
    return Path(os.environ.get("CAMINO_KNOWLEDGE_DIR", ROOT / "knowledge"))


def database_url() -> str:
    """SQLAlchemy URL of the knowledge store: a SQLite file unless CAMINO_DB_URL names another."""
    return os.environ.get("CAMINO_DB_URL") or f"sqlite:///{state_dir() / 'knowledge.db'}"


def rasa_port() -> int:
    return int(os.environ.get("RASA_PORT", "5005"))


def actions_port() -> int:
    return int(os.environ.get("ACTIONS_PORT", "5055"))


def models_dir() -> Path:
    return Path(os.environ.get("CAMINO_MODELS_DIR", ROOT / "models"))
