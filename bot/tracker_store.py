"""The production tracker store: Rasa's SQLTrackerStore whose connections survive a PostgreSQL restart.

Rasa builds its engine without `pool_pre_ping`: after PostgreSQL restarts, the pooled connections are
dead, and the first turn to check one out fails (SQLAlchemy then discards the pool's older connections).
Here the pool tests a connection before lending it (a dead one is replaced at once), and a read or a save
that still meets a dropped connection (PostgreSQL went away mid-query) is tried once more on a fresh one.
Retrying a save is safe: Rasa's save writes only the events the database does not hold yet, counted in
the same transaction, and a failed transaction wrote nothing.

Configured in endpoints.production.yml as `type: bot.tracker_store.ResilientSQLTrackerStore`; Rasa
falls back to an in-memory store if that path does not import, so a test imports it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from sqlalchemy.orm import sessionmaker

logger = logging.getLogger(__name__)

T = TypeVar("T")


def is_disconnect(error: BaseException) -> bool:
    """True when SQLAlchemy saw the database connection drop (it then discards that connection)."""
    return isinstance(error, sa.exc.DBAPIError) and bool(error.connection_invalidated)


async def once_more_on_disconnect(operation: Callable[[], Awaitable[T]], what: str) -> T:
    try:
        return await operation()
    except sa.exc.DBAPIError as error:
        if not is_disconnect(error):
            raise
        logger.warning("tracker store: connection dropped during %s; tried once more", what)
        return await operation()


class ResilientSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore with a pre-pinged pool and one retry on a dropped connection."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # creates the tables (waiting for the database, as Rasa does)
        rasas: sa.engine.Engine = getattr(self, "engine")  # noqa: B009 (Rasa leaves it untyped)
        url = rasas.url
        rasas.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sessionmaker(bind=self.engine)

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool) -> Any:
        parent = super()._retrieve
        return await once_more_on_disconnect(lambda: parent(sender_id, fetch_events_from_all_sessions), "a read")

    async def save(self, tracker: Any) -> None:
        parent = super().save
        await once_more_on_disconnect(lambda: parent(tracker), "a save")
