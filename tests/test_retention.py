"""`camino purge` removes whole conversations idle past the retention period, and nothing else."""

import sqlite3

from bot.retention import purge

DAY = 86400


def make_store(path, rows):
    db = sqlite3.connect(path)
    db.execute(
        "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT NOT NULL, type_name TEXT NOT NULL,"
        " timestamp REAL, intent_name TEXT, action_name TEXT, data TEXT)"
    )
    db.executemany("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, 'user', ?, '{}')", rows)
    db.commit()
    db.close()


def senders(path):
    with sqlite3.connect(path) as db:
        return sorted({row[0] for row in db.execute("SELECT sender_id FROM events")})


def test_purge_removes_idle_conversations_only(tmp_path):
    now = 1_800_000_000.0
    store = tmp_path / "tracker.db"
    make_store(
        store,
        [
            ("old", now - 40 * DAY),
            ("old", now - 35 * DAY),
            ("came_back", now - 50 * DAY),
            ("came_back", now - 2 * DAY),
            ("new", now - DAY),
        ],
    )
    assert purge(30, f"sqlite:///{store}", now=now) == 1
    assert senders(store) == ["came_back", "new"]
    assert purge(30, f"sqlite:///{store}", now=now) == 0


def test_purge_without_a_store_is_harmless(tmp_path):
    assert purge(30, f"sqlite:///{tmp_path / 'empty.db'}") == 0
