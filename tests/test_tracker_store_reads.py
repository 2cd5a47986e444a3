"""bot/tracker_store.py's fixed reads give what Rasa's SQLTrackerStore gives, on SQLite (the embedded
profile); tests/test_tracker_store.py repeats the comparison on PostgreSQL."""

from __future__ import annotations

import asyncio

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.tracker_store import ResilientSQLTrackerStore


def run(coroutine):
    return asyncio.new_event_loop().run_until_complete(coroutine)


def conversation(sender: str, sessions: int, turns: int) -> list:
    """`sessions` sessions of `turns` turns each, timestamps increasing."""
    events: list = []
    clock = 1_700_000_000.0
    for s in range(sessions):
        clock += 1
        events += [ActionExecuted("action_session_start", timestamp=clock), SessionStarted(timestamp=clock)]
        for t in range(turns):
            clock += 1
            events += [
                UserUttered(f"{sender} {s} {t}", {"name": "ask_gate", "confidence": 0.9}, timestamp=clock),
                SlotSet("language", "es", timestamp=clock),
                BotUttered("respuesta", timestamp=clock),
                ActionExecuted("action_listen", timestamp=clock),
            ]
    return events


def talk(store: SQLTrackerStore, sender: str, events: list, chunk: int = 5) -> None:
    """Save `events` as Rasa does, a few per turn: read the tracker, add the turn's events, save it."""
    for start in range(0, len(events), chunk):
        tracker = run(store.retrieve(sender)) or DialogueStateTracker(sender, store.domain.slots)
        for event in events[start : start + chunk]:
            tracker.update(event)
        run(store.save(tracker))  # Rasa saves once per turn


def compare_stores(ours: SQLTrackerStore, rasas: SQLTrackerStore) -> None:
    """Both stores: the same trackers after the same turns, for one-session, many-session and
    session-less conversations, and none for an unknown sender."""
    cases = {"one": conversation("one", 1, 3), "many": conversation("many", 3, 2), "bare": [UserUttered("hola")]}
    for sender, events in cases.items():
        for store in (ours, rasas):
            talk(store, sender, events)
        mine, theirs = run(ours.retrieve(sender)), run(rasas.retrieve(sender))
        assert list(mine.events) == list(theirs.events), sender
        full_mine, full_theirs = run(ours.retrieve_full_tracker(sender)), run(rasas.retrieve_full_tracker(sender))
        assert list(full_mine.events) == list(full_theirs.events) == events, sender
        with ours.session_scope() as session:
            assert list(ours._additional_events(session, mine)) == []
    assert run(ours.retrieve("nobody")) is None and run(rasas.retrieve("nobody")) is None


def small_domain() -> Domain:
    """A domain with the one slot the conversations set."""
    return Domain.from_yaml("version: '3.1'\nslots:\n  language:\n    type: text\n    mappings: []\n")


@pytest.fixture
def domain() -> Domain:
    return small_domain()


def test_fixed_reads_match_rasas_on_sqlite(tmp_path, domain):
    ours = ResilientSQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "ours.db"))
    rasas = SQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "rasas.db"))
    compare_stores(ours, rasas)


def test_the_latest_session_only_is_read_and_saves_do_not_duplicate(tmp_path, domain):
    store = ResilientSQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "t.db"))
    events = conversation("fam", 2, 2)
    talk(store, "fam", events, chunk=3)
    latest = run(store.retrieve("fam"))
    assert [e.text for e in latest.events if isinstance(e, UserUttered)] == ["fam 1 0", "fam 1 1"]
    assert len(run(store.retrieve_full_tracker("fam")).events) == len(events)
