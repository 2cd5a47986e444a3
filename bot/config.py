"""Every setting, read from the environment, with defaults that need no server.

This is the only module that reads os.environ (tests/test_config.py checks it, and that the README's
Configuration tables name exactly the variables read here). Settings are read when asked for, never
cached, so a changed environment (a test, a subprocess) is seen at once.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


# ------------------------------------------------------------------------------------------ files and stores


def state_dir() -> Path:
    """Where local state lives (knowledge store, tracker store, pids, logs); git ignores it. Reading it
    creates nothing: whatever writes there calls ensure_state_dir()."""
    return Path(os.environ.get("CAMINO_STATE_DIR", ROOT / ".camino"))


def ensure_state_dir() -> Path:
    """The state dir, created if it is missing; only its owner may enter it (mode 700)."""
    path = state_dir()
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _state_sqlite(name: str) -> str:
    """A SQLite URL for a file in the state dir (created: SQLite makes the file but not its directory)."""
    return f"sqlite:///{ensure_state_dir() / name}"


def knowledge_dir() -> Path:
    return Path(os.environ.get("CAMINO_KNOWLEDGE_DIR", ROOT / "knowledge"))


def database_url() -> str:
    """SQLAlchemy URL of the knowledge store: CAMINO_DB_URL, else the production profile's PostgreSQL
    database (the tracker store's), else a SQLite file in the state dir."""
    return os.environ.get("CAMINO_DB_URL") or (tracker_store_url() if production() else _state_sqlite("knowledge.db"))


def models_dir() -> Path:
    return Path(os.environ.get("CAMINO_MODELS_DIR", ROOT / "models"))


def production() -> bool:
    """CAMINO_PROFILE=production: PostgreSQL tracker store and Redis lock store (endpoints.production.yml)."""
    return os.environ.get("CAMINO_PROFILE") == "production"


def production_settings() -> dict[str, str]:
    """The production profile's servers, as endpoints.production.yml reads them from the environment."""
    return {
        "CAMINO_PG_HOST": os.environ.get("CAMINO_PG_HOST", "127.0.0.1"),
        "CAMINO_PG_PORT": os.environ.get("CAMINO_PG_PORT", "5432"),
        "CAMINO_PG_DB": os.environ.get("CAMINO_PG_DB", "camino"),
        "CAMINO_PG_USER": os.environ.get("CAMINO_PG_USER", "postgres"),
        "CAMINO_PG_PASSWORD": os.environ.get("CAMINO_PG_PASSWORD", ""),
        "CAMINO_REDIS_HOST": os.environ.get("CAMINO_REDIS_HOST", "127.0.0.1"),
        "CAMINO_REDIS_PORT": os.environ.get("CAMINO_REDIS_PORT", "6379"),
    }


def postgres_url(database: str | None = None) -> str:
    """A SQLAlchemy URL for a database on the production profile's PostgreSQL server (default: CAMINO_PG_DB)."""
    from urllib.parse import quote

    pg = production_settings()
    password = pg["CAMINO_PG_PASSWORD"]
    auth = quote(pg["CAMINO_PG_USER"], safe="") + (f":{quote(password, safe='')}" if password else "")
    name = database or pg["CAMINO_PG_DB"]
    return f"postgresql://{auth}@{pg['CAMINO_PG_HOST']}:{pg['CAMINO_PG_PORT']}/{name}"


def tracker_store_url() -> str:
    """The tracker store of the active profile (endpoints.yml / endpoints.production.yml)."""
    return postgres_url() if production() else _state_sqlite("tracker.db")


def twilio_db_url() -> str:
    """Where the SMS/WhatsApp channel keeps opt-outs, numbered choices and replies by MessageSid:
    CAMINO_TWILIO_DB_URL, else the production profile's PostgreSQL database (its tables are named
    twilio_*), else a SQLite file in the state dir."""
    return os.environ.get("CAMINO_TWILIO_DB_URL") or (postgres_url() if production() else _state_sqlite("twilio.db"))


def unanswered_db_url() -> str:
    """Where the questions the assistant could not answer are kept (redacted, for `camino report
    unanswered`): CAMINO_UNANSWERED_DB_URL, else the production profile's PostgreSQL database (table
    unanswered_questions), else a SQLite file in the state dir."""
    return os.environ.get("CAMINO_UNANSWERED_DB_URL") or (
        postgres_url() if production() else _state_sqlite("unanswered.db")
    )


def reminders_db_url() -> str:
    """Deadline reminders (subscriptions, consent records, sends): CAMINO_REMINDERS_DB_URL, else the
    production profile's PostgreSQL database (tables reminder_*), else a SQLite file in the state dir.
    Every process that sends must share it: its unique keys are what stop a reminder going out twice."""
    return os.environ.get("CAMINO_REMINDERS_DB_URL") or (
        postgres_url() if production() else _state_sqlite("reminders.db")
    )


# ------------------------------------------------------------------------------------------ servers


def host() -> str:
    """The interface the Rasa server and the web server listen on."""
    return os.environ.get("CAMINO_HOST", "127.0.0.1")


def rasa_port() -> int:
    return int(os.environ.get("RASA_PORT", "5005"))


def actions_port() -> int:
    return int(os.environ.get("ACTIONS_PORT", "5055"))


def actions_host() -> str:
    """The interface the action server listens on (only Rasa calls it, with actions_token())."""
    return os.environ.get("CAMINO_ACTIONS_HOST", "127.0.0.1")


def actions_token() -> str:
    """The shared token Rasa sends the action server on every call (endpoints*.yml, X-Camino-Token):
    CAMINO_ACTIONS_TOKEN, else one generated once per installation (state dir, mode 600)."""
    return os.environ.get("CAMINO_ACTIONS_TOKEN", "") or _installation_secret("actions_token")


def web_port() -> int:
    return int(os.environ.get("WEB_PORT", "8080"))


def proxy_port() -> int:
    """`camino up-cluster`: the port nginx listens on (widget page, REST, socket.io, Twilio webhook)."""
    return int(os.environ.get("CAMINO_PROXY_PORT", "8088"))


def replica_ports() -> list[int]:
    """The Rasa replicas' ports (set by `camino up-cluster` for the web server's /healthz); empty: one Rasa."""
    raw = os.environ.get("CAMINO_REPLICA_PORTS", "")
    return [int(part) for part in raw.split(",") if part.strip().isdigit()]


def lock_lifetime() -> int:
    """Production: seconds a conversation's Redis lock outlives a replica that died holding it (Rasa's
    TICKET_LOCK_LIFETIME, 60 by default). The next message of that conversation waits this long; a turn
    that runs longer loses its exclusivity, so keep it above the slowest turn (SMS gives up at 10 s)."""
    return int(os.environ.get("CAMINO_LOCK_LIFETIME", "15"))


def nginx_executable() -> str:
    """`camino up-cluster`: the nginx binary (Debian's package: /usr/sbin/nginx)."""
    return os.environ.get("CAMINO_NGINX", "") or "nginx"


def ready_timeout() -> float:
    """Seconds `camino up` / `camino run` wait for the assistant's first end-to-end answer."""
    return float(os.environ.get("CAMINO_READY_TIMEOUT", "300"))


_EXACT_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$")


def cors_origins(of_web_port: int | None = None) -> list[str]:
    """Origins allowed to call the Rasa server's REST channel from a browser (Rasa's --cors): exact origins
    only, CAMINO_CORS_ORIGINS (comma-separated) else the socket.io ones. Anything that is not a plain
    scheme://host[:port] (a pattern such as `http://localhost:*`, which Sanic-CORS would read as an
    unanchored regular expression) is dropped."""
    configured = [o.strip().rstrip("/") for o in os.environ.get("CAMINO_CORS_ORIGINS", "").split(",") if o.strip()]
    return [origin for origin in configured or allowed_origins(of_web_port) if _EXACT_ORIGIN.match(origin)]


def allowed_origins(of_web_port: int | None = None) -> list[str]:
    """Browser origins that may open the socket.io channel: CAMINO_ALLOWED_ORIGINS (comma-separated),
    else the web server's own (http://localhost:WEB_PORT and http://127.0.0.1:WEB_PORT)."""
    configured = os.environ.get("CAMINO_ALLOWED_ORIGINS", "")
    origins = [o.strip().rstrip("/") for o in configured.split(",") if o.strip()]
    port = of_web_port or web_port()
    return origins or [f"http://{host}:{port}" for host in ("localhost", "127.0.0.1")]


def socket_url() -> str:
    """Where browsers reach Rasa's socket.io; empty: this host, port RASA_PORT."""
    return os.environ.get("CAMINO_SOCKET_URL", "").strip().rstrip("/")


def staff_token() -> str:
    """The staff page's access code; empty: the staff page and API refuse everything."""
    return os.environ.get("STAFF_TOKEN", "").strip()


# ------------------------------------------------------------------------------------------ Twilio and secrets


def twilio_auth_token() -> str:
    return os.environ.get("TWILIO_AUTH_TOKEN", "")


def public_base_url() -> str:
    """The public origin Twilio calls (plus any path prefix a proxy strips), without a trailing slash."""
    return os.environ.get("PUBLIC_BASE_URL", "").rstrip("/")


def sender_secret() -> bytes:
    """Key that signs widget session ids and hashes SMS/WhatsApp numbers: CAMINO_SENDER_SECRET, else one
    generated once per installation and kept in the state dir (never a public default: with a known key,
    phone numbers could be recovered from their hashes). Every Rasa replica must share it."""
    configured = os.environ.get("CAMINO_SENDER_SECRET", "")
    if configured:
        return configured.encode()
    return _installation_secret("sender_secret").encode()


def reminders_key() -> bytes:
    """The Fernet key that encrypts reminder subscribers' numbers: derived from CAMINO_REMINDERS_KEY,
    else from a secret generated once per installation in the state dir. Every process that sends
    reminders must share it; losing it makes the stored numbers unreadable (nobody gets reminders)."""
    import base64
    import hashlib

    secret = os.environ.get("CAMINO_REMINDERS_KEY", "") or _installation_secret("reminders_key")
    return base64.urlsafe_b64encode(hashlib.sha256(secret.encode()).digest())


def twilio_account_sid() -> str:
    """The Twilio account that sends reminders (with TWILIO_AUTH_TOKEN); empty: reminders are not sent."""
    return os.environ.get("TWILIO_ACCOUNT_SID", "").strip()


def twilio_api_url() -> str:
    """Base URL of Twilio's REST API (tests point it at a local fake); empty: Twilio's own."""
    return os.environ.get("CAMINO_TWILIO_API_URL", "").strip().rstrip("/")


def twilio_sms_from() -> str:
    """What reminders are sent from by SMS: a number (+1…) or a Messaging Service SID (MG…)."""
    return os.environ.get("CAMINO_TWILIO_FROM", "").strip()


def twilio_whatsapp_from() -> str:
    """The WhatsApp sender (+1…) for reminders to WhatsApp subscribers; empty: CAMINO_TWILIO_FROM."""
    return os.environ.get("CAMINO_TWILIO_WHATSAPP_FROM", "").strip() or twilio_sms_from()


def reminders_scheduler() -> bool:
    """Whether the web server sends due reminders by itself (CAMINO_REMINDERS_SCHEDULER=0: only cron)."""
    return os.environ.get("CAMINO_REMINDERS_SCHEDULER", "1").strip() not in ("0", "false", "no", "off")


def _installation_secret(name: str) -> str:
    """A random secret created once in the state dir (mode 600) and kept."""
    path = ensure_state_dir() / name
    if not path.exists():
        draft = path.with_name(f".{name}.{os.getpid()}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as file:
            file.write(secrets.token_hex(32))
        try:
            os.link(draft, path)  # atomic: the first process to get here wins
        except FileExistsError:
            pass
        finally:
            draft.unlink(missing_ok=True)
    return path.read_text().strip()
