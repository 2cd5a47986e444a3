"""The unanswered-questions table: redacted text, language, kind, likely topic and time; nothing else
(no sender id, no conversation, no channel), so a row cannot be traced back to a family.

A SQLite file in the state dir unless config.unanswered_db_url() names another SQLAlchemy URL (the
production profile's PostgreSQL database). Rows older than the retention period go with `camino purge`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, create_engine, delete, select
from sqlalchemy.engine import Engine

from bot import config
from bot.language import LANGUAGES
from bot.privacy import redact

MAX_TEXT_CHARS = 300  # enough to see what was asked; a pasted essay is cut
MAX_SCAN_CHARS = 2000  # what is read of a message at all (redaction runs on this much)
KINDS = ("fallback", "did_you_mean", "no_answer", "school_not_found", "out_of_scope", "rephrase")
CONNECT_TIMEOUT_S = 3
STATEMENT_TIMEOUT_MS = 5000  # a PostgreSQL that accepts the connection and then hangs gives up too

metadata = MetaData()
unanswered = Table(
    "unanswered_questions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("text", String(MAX_TEXT_CHARS), nullable=False),
    Column("lang", String(8), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("topic", String(64)),  # None: nothing in the knowledge base looked close
    Column("asked_at", DateTime, nullable=False, index=True),  # UTC
)


@dataclass(frozen=True)
class Question:
    text: str
    lang: str
    kind: str
    topic: str | None
    asked_at: datetime


def clean_text(raw: str) -> str:
    """The text as it may be stored: personal data replaced by placeholders, then cut to MAX_TEXT_CHARS.
    Redaction comes first so a cut never splits a phone number into a part the patterns miss; a message
    longer than MAX_SCAN_CHARS is cut at a space before redaction (bounded work) and its last word dropped."""
    text = " ".join(str(raw or "").split())
    if len(text) > MAX_SCAN_CHARS:
        text = text[:MAX_SCAN_CHARS].rsplit(" ", 2)[0]
    text = redact(text)
    if len(text) > MAX_TEXT_CHARS:
        text = text[: MAX_TEXT_CHARS - 1].rstrip() + "…"
    return text


def _engine(url: str) -> Engine:
    connect_args: dict[str, object] = {}
    if url.startswith("postgresql"):
        connect_args = {"connect_timeout": CONNECT_TIMEOUT_S, "options": f"-c statement_timeout={STATEMENT_TIMEOUT_MS}"}
    return create_engine(url, future=True, pool_pre_ping=True, connect_args=connect_args)


class UnansweredStore:
    """The table over one SQLAlchemy URL; the engine and the table are made on first use."""

    def __init__(self, url: str | None = None) -> None:
        self._url = url
        self._engine: Engine | None = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = _engine(self._url or config.unanswered_db_url())
            metadata.create_all(self._engine)
        return self._engine

    def add(self, text: str, lang: str, kind: str, topic: str | None, asked_at: datetime | None = None) -> bool:
        """Store one question (redacted and cut here, whatever the caller did); False when there is no text."""
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}")
        cleaned = clean_text(text)
        if not cleaned:
            return False
        row = {
            "text": cleaned,
            "lang": lang if lang in LANGUAGES else "en",
            "kind": kind,
            "topic": (topic or None) and str(topic)[:64],
            "asked_at": asked_at or datetime.utcnow(),
        }
        with self.engine.begin() as db:
            db.execute(unanswered.insert().values(row))
        return True

    def since(self, cutoff: datetime) -> list[Question]:
        """Every question asked at or after `cutoff` (UTC), oldest first."""
        query = select(unanswered).where(unanswered.c.asked_at >= cutoff).order_by(unanswered.c.asked_at)
        with self.engine.connect() as db:
            return [Question(r.text, r.lang, r.kind, r.topic, r.asked_at) for r in db.execute(query)]

    def recent(self, days: int, now: datetime | None = None) -> list[Question]:
        return self.since((now or datetime.utcnow()) - timedelta(days=days))

    def forget_older_than(self, days: int, now: datetime | None = None) -> int:
        """Delete the questions asked more than `days` ago; how many were deleted."""
        cutoff = (now or datetime.utcnow()) - timedelta(days=days)
        with self.engine.begin() as db:
            return db.execute(delete(unanswered).where(unanswered.c.asked_at < cutoff)).rowcount or 0

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
