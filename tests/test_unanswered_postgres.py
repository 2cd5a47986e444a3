"""The unanswered-questions store on PostgreSQL (the production profile's database), on a throwaway server:
the same behaviour as on SQLite, and a server that goes away costs the question, never the reply.

Skipped, with the reason, where PostgreSQL's server binaries are absent."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import pytest
from services import ThrowawayPostgres

from actions.record_question import ActionRecordQuestion
from bot.retention import purge_unanswered
from bot.unanswered import report
from bot.unanswered.recording import Recorder
from bot.unanswered.store import UnansweredStore


@pytest.fixture(scope="module")
def pg():
    missing = ThrowawayPostgres.missing()
    if missing:
        pytest.skip(missing)
    server = ThrowawayPostgres().start()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def store(pg):
    store = UnansweredStore(f"postgresql://postgres@127.0.0.1:{pg.port}/postgres")
    yield store
    with store.engine.begin() as db:
        db.exec_driver_sql("DELETE FROM unanswered_questions")
    store.close()


def test_store_report_and_purge_on_postgresql(store):
    now = datetime.utcnow()
    store.add("¿hay GATE? mi correo es ana@example.org, vivo en 456 calle Olympic", "es", "no_answer", "gate",
              now - timedelta(days=1))  # fmt: skip
    store.add("who won the game", "en", "out_of_scope", None, now - timedelta(days=2))
    store.add("old question", "en", "fallback", "sas", now - timedelta(days=40))
    result = report.recent(30, store)
    assert (result["total"], result["by_language"]) == (2, {"en": 1, "es": 1})
    assert result["groups"][0]["examples"]["es"] == ["¿hay GATE? mi correo es [email], vivo en [address]"]
    assert purge_unanswered(30, store._url) == 1
    assert [q.text for q in store.recent(365)] == [
        "who won the game",
        "¿hay GATE? mi correo es [email], vivo en [address]",
    ]


def test_a_server_that_goes_away_costs_the_question_not_the_reply(pg, store, dispatcher, tracker_for, domain, caplog):
    recorder = Recorder(store)
    action = ActionRecordQuestion(recorder)
    action.run(dispatcher, tracker_for("is there school on mars", intent="out_of_scope"), domain)
    assert recorder.wait(10)
    pg.stop()
    try:
        with caplog.at_level(logging.WARNING, logger="bot.unanswered.recording"):
            assert action.run(dispatcher, tracker_for("lost question", intent="out_of_scope"), domain) == []
            assert recorder.wait(30)
        assert "unanswered question not stored: OperationalError" in caplog.text
        assert "lost question" not in caplog.text
    finally:
        pg.start()
    action.run(dispatcher, tracker_for("back again", intent="out_of_scope"), domain)
    assert recorder.wait(10)
    assert [q.text for q in store.recent(1)] == ["is there school on mars", "back again"]
