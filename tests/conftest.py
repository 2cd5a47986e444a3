"""Shared fixtures: the domain, a CollectingDispatcher, tracker factories, an isolated knowledge store,
and (for e2e tests) the whole assistant started with `camino up` on free ports."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
TEST_STATE = Path(tempfile.mkdtemp(prefix="camino-test-state-"))

# Every test run gets its own state dir (knowledge store, tracker store, pids): the developer's
# .camino/ is never touched and nothing leaks between runs.
os.environ["CAMINO_STATE_DIR"] = str(TEST_STATE)
os.environ.pop("CAMINO_DB_URL", None)
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")


def pytest_sessionfinish(session, exitstatus):
    import shutil

    shutil.rmtree(TEST_STATE, ignore_errors=True)


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def topic_ids() -> list[str]:
    return list(yaml.safe_load((ROOT / "knowledge" / "topics.yml").read_text(encoding="utf-8"))["topics"])


@pytest.fixture(scope="session")
def kb():
    from bot.knowledge.base import build_store, get_kb, reset_cache

    knowledge, _ = build_store()
    assert not knowledge.problems, [str(p) for p in knowledge.problems]
    reset_cache()
    return get_kb()


SMALL_KB = ROOT / "tests" / "fixtures" / "kb"


@pytest.fixture(scope="session")
def small_kb_url(tmp_path_factory) -> str:
    """A knowledge store built from the small fixture knowledge base (tests/fixtures/kb)."""
    from bot.knowledge import store
    from bot.knowledge.files import load_knowledge

    knowledge = load_knowledge(SMALL_KB)
    assert not knowledge.problems, [str(p) for p in knowledge.problems]
    url = f"sqlite:///{tmp_path_factory.mktemp('small-kb') / 'knowledge.db'}"
    store.build(knowledge, url)
    return url


@pytest.fixture
def small_kb(small_kb_url, monkeypatch):
    """The small fixture knowledge base as the process's knowledge base (what the actions' get_kb() returns),
    for unit tests that must not depend on the real content."""
    from bot.knowledge.base import get_kb, reset_cache

    monkeypatch.setenv("CAMINO_DB_URL", small_kb_url)
    reset_cache()
    yield get_kb()
    reset_cache()  # the next get_kb() reads the real store again


@pytest.fixture(scope="session")
def small_topic_ids() -> list[str]:
    return list(yaml.safe_load((SMALL_KB / "topics.yml").read_text(encoding="utf-8"))["topics"])


@pytest.fixture
def dispatcher():
    from rasa_sdk.executor import CollectingDispatcher

    return CollectingDispatcher()


def make_tracker(
    text: str = "",
    intent: str | None = None,
    slots: dict | None = None,
    entities: list | None = None,
    metadata: dict | None = None,
    history: list[dict] | None = None,
    intent_ranking: list | None = None,
):
    """A rasa_sdk Tracker whose latest user message is `text` (with its NLU result)."""
    from rasa_sdk import Tracker

    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0 if intent else 0.0},
        "entities": entities or [],
        "intent_ranking": intent_ranking or [],
    }
    user_event = {"event": "user", "text": text, "parse_data": latest, "metadata": metadata or {}}
    events = [
        {"event": "action", "name": "action_session_start"},
        {"event": "session_started"},
        *(history or []),
        user_event,
    ]
    return Tracker(
        "test-user",
        {"language": "en", "last_topic": None, **(slots or {})},
        latest,
        events,
        False,
        None,
        {},
        "action_listen",
    )


@pytest.fixture
def tracker_for():
    return make_tracker


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def running_bot(kb):
    """The real assistant (trained model, action server, Rasa server, web server) started by `camino up`."""
    env = dict(
        os.environ,
        RASA_PORT=str(free_port()),
        ACTIONS_PORT=str(free_port()),
        WEB_PORT=str(free_port()),
        STAFF_TOKEN="e2e-staff-token",
        CAMINO_READY_TIMEOUT="420",
        TWILIO_AUTH_TOKEN="e2e-twilio-auth-token",
        PUBLIC_BASE_URL="https://camino.example.org",
    )
    camino = str(Path(sys.executable).with_name("camino"))
    up = subprocess.run([camino, "up"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    if up.returncode != 0:
        logs = "\n".join(p.read_text(errors="replace")[-3000:] for p in (TEST_STATE / "logs").glob("*.log"))
        pytest.fail(f"camino up failed:\n{up.stdout}\n{up.stderr}\n{logs}")
    try:
        yield {
            "rasa_port": int(env["RASA_PORT"]),
            "actions_port": int(env["ACTIONS_PORT"]),
            "url": f"http://127.0.0.1:{env['RASA_PORT']}",
            "web_url": f"http://127.0.0.1:{env['WEB_PORT']}",
            "staff_token": env["STAFF_TOKEN"],
        }
    finally:
        down = subprocess.run([camino, "down"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        assert down.returncode == 0, down.stderr


# The SMS/WhatsApp channel tests (tests/sms_harness.py): the channel's store, a stub bot, and a phone that posts
# signed webhooks to the channel served in front of that bot.
@pytest.fixture
def sms_state(tmp_path):
    from bot.channels.sms.state import SmsState

    return SmsState(f"sqlite:///{tmp_path / 'twilio.db'}")


@pytest.fixture
def stub_bot():
    from sms_harness import StubBot

    return StubBot()


@pytest.fixture
def phone(sms_state, stub_bot):
    from sms_harness import BASE, TOKEN, Phone, serve

    from bot.channels.twilio import TwilioInput

    with serve(TwilioInput(auth_token=TOKEN, public_base_url=BASE, state=sms_state, reply_timeout=5), stub_bot) as url:
        yield Phone(url, stub_bot)
