"""The production tracker store (bot/tracker_store.py) on a throwaway PostgreSQL that is restarted under it:
the first read and the first save after the restart work, where Rasa's own SQLTrackerStore fails a turn.

Skipped, with the reason, where PostgreSQL's server binaries are absent.
"""

from __future__ import annotations

import asyncio

import psycopg2
import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from services import ThrowawayPostgres

from bot.tracker_store import ResilientSQLTrackerStore, once_more_on_disconnect

pytestmark = pytest.mark.skipif(ThrowawayPostgres.missing() is not None, reason=str(ThrowawayPostgres.missing()))


@pytest.fixture(scope="module")
def postgres():
    pg = ThrowawayPostgres().start()
    try:
        conn = psycopg2.connect(host="127.0.0.1", port=pg.port, dbname="postgres", user="postgres")
        conn.autocommit = True
        with conn.cursor() as cursor:
            cursor.execute("CREATE DATABASE camino_store_test")
        conn.close()
        yield pg
    finally:
        pg.close()


def store(cls, pg: ThrowawayPostgres):
    return cls(
        Domain.empty(), dialect="postgresql", host="127.0.0.1", port=pg.port, db="camino_store_test",
        username="postgres",
    )  # fmt: skip


def run(coroutine):
    return asyncio.new_event_loop().run_until_complete(coroutine)


def tracker(sender: str, *texts: str) -> DialogueStateTracker:
    t = DialogueStateTracker(sender, [])
    for text in texts:
        t.update(UserUttered(text, {"name": "greet", "confidence": 1.0}))
        t.update(ActionExecuted("action_listen"))
    return t


def test_reads_and_saves_work_right_after_a_postgres_restart(postgres):
    ours, rasas = store(ResilientSQLTrackerStore, postgres), store(SQLTrackerStore, postgres)
    run(ours.save(tracker("family-a", "hola")))
    assert run(ours.retrieve("family-a")) is not None and run(rasas.retrieve("family-a")) is not None
    postgres.restart()  # every pooled connection is now dead
    with pytest.raises(sa.exc.OperationalError):  # Rasa's store fails the first turn after the restart
        run(rasas.retrieve("family-a"))
    again = run(ours.retrieve("family-a"))
    assert again is not None and [e.text for e in again.events if isinstance(e, UserUttered)] == ["hola"]
    postgres.restart()
    run(ours.save(tracker("family-a", "hola", "¿qué es GATE?")))  # the save after a restart, too
    stored = run(ours.retrieve("family-a"))
    assert [e.text for e in stored.events if isinstance(e, UserUttered)] == ["hola", "¿qué es GATE?"]  # once each


def test_only_a_dropped_connection_is_retried_and_only_once():
    calls = []

    def dropped() -> sa.exc.DBAPIError:
        error = sa.exc.OperationalError("SELECT 1", {}, Exception("server closed the connection"))
        error.connection_invalidated = True
        return error

    async def flaky():
        calls.append(1)
        if len(calls) == 1:
            raise dropped()
        return "stored"

    assert run(once_more_on_disconnect(flaky, "a save")) == "stored" and len(calls) == 2

    async def always_dropped():
        calls.append(1)
        raise dropped()

    calls.clear()
    with pytest.raises(sa.exc.OperationalError):
        run(once_more_on_disconnect(always_dropped, "a save"))
    assert len(calls) == 2

    async def bad_sql():
        calls.append(1)
        raise sa.exc.ProgrammingError("SELECT x", {}, Exception("no such column"))

    calls.clear()
    with pytest.raises(sa.exc.ProgrammingError):
        run(once_more_on_disconnect(bad_sql, "a read"))
    assert len(calls) == 1


def test_fixed_reads_match_rasas_on_postgres(postgres):
    from test_tracker_store_reads import compare_stores, small_domain

    domain = small_domain()
    conn = psycopg2.connect(host="127.0.0.1", port=postgres.port, dbname="postgres", user="postgres")
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("CREATE DATABASE camino_reads_ours")
        cursor.execute("CREATE DATABASE camino_reads_rasas")
    conn.close()

    def on(cls, db):
        return cls(domain, dialect="postgresql", host="127.0.0.1", port=postgres.port, db=db, username="postgres")

    compare_stores(on(ResilientSQLTrackerStore, "camino_reads_ours"), on(SQLTrackerStore, "camino_reads_rasas"))
