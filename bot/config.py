"""Settings read from the environment, with defaults that need no server."""

from __future__ import annotations

import os
import secrets
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


def web_port() -> int:
    return int(os.environ.get("WEB_PORT", "8080"))


def allowed_origins() -> list[str]:
    """Browser origins that may open the socket.io channel: CAMINO_ALLOWED_ORIGINS (comma-separated),
    else the web server's own (http://localhost:WEB_PORT and http://127.0.0.1:WEB_PORT)."""
    configured = os.environ.get("CAMINO_ALLOWED_ORIGINS", "")
    origins = [o.strip().rstrip("/") for o in configured.split(",") if o.strip()]
    return origins or [f"http://{host}:{web_port()}" for host in ("localhost", "127.0.0.1")]


def models_dir() -> Path:
    return Path(os.environ.get("CAMINO_MODELS_DIR", ROOT / "models"))


def sender_secret() -> bytes:
    """Key that signs widget session ids and hashes SMS/WhatsApp numbers: CAMINO_SENDER_SECRET, else one
    generated once per installation and kept in the state dir (never a public default: with a known key,
    phone numbers could be recovered from their hashes). Every Rasa replica must share it."""
    configured = os.environ.get("CAMINO_SENDER_SECRET", "")
    if configured:
        return configured.encode()
    path = state_dir() / "sender_secret"
    if not path.exists():
        draft = path.with_name(f".sender_secret.{os.getpid()}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as file:
            file.write(secrets.token_hex(32))
        try:
            os.link(draft, path)  # atomic: the first process to get here wins
        except FileExistsError:
            pass
        finally:
            draft.unlink(missing_ok=True)
    return path.read_text().strip().encode()
