"""Retention: conversations are kept only as long as a family may come back to them (30 days by default).

Rasa's SQL tracker store never forgets; `camino purge` deletes whole conversations whose last event is
older than the retention period, so no partial conversation is left behind.
"""

from __future__ import annotations

import time

from sqlalchemy import create_engine, text

from bot import config

DEFAULT_DAYS = 30


def purge(days: int = DEFAULT_DAYS, url: str | None = None, now: float | None = None) -> int:
    """Delete conversations idle for more than `days`; returns how many conversations were removed."""
    cutoff = (now if now is not None else time.time()) - days * 86400
    engine = create_engine(url or config.tracker_store_url(), future=True)
    try:
        with engine.begin() as conn:
            if not engine.dialect.has_table(conn, "events"):
                return 0
            stale = [
                row[0]
                for row in conn.execute(
                    text("SELECT sender_id FROM events GROUP BY sender_id HAVING MAX(timestamp) < :cutoff"),
                    {"cutoff": cutoff},
                )
            ]
            for sender in stale:
                conn.execute(text("DELETE FROM events WHERE sender_id = :sender"), {"sender": sender})
            return len(stale)
    finally:
        engine.dispose()
