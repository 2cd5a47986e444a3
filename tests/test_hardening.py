"""Issue #10 hardening: the action server's token, interface and body limit; exact CORS origins; replies by
(MessageSid, sender); private state files; bounded school-name matching; the daily purge."""

import asyncio
import os
import stat
import time

import pytest
import requests
from sanic_cors.core import try_match_any

from bot import config, servers
from bot.serve import ACTIONS_MAX_REQUEST_BYTES, RASA_MAX_REQUEST_BYTES, TOKEN_HEADER

# --- the action server ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def action_server():
    from sanic import Sanic
    from sms_harness import serve_app

    from bot.serve import action_app

    test_mode, Sanic.test_mode = Sanic.test_mode, True
    app = action_app("the-token", "tests.failing_actions")
    try:
        with serve_app(app) as url:
            yield url
    finally:
        Sanic.test_mode = test_mode


def call(url, action="action_that_fails", token="the-token", **kwargs):
    headers = {TOKEN_HEADER: token} if token is not None else {}
    body = {"next_action": action, "sender_id": "x", "tracker": {"sender_id": "x", "events": [], "slots": {}}}
    body["tracker"]["events"].append({"event": "user", "text": "planted 213-555-0147 question"})
    return requests.post(f"{url}/webhook", json=body, headers=headers, timeout=10, **kwargs)


def test_the_action_server_answers_only_calls_with_the_token(action_server):
    assert call(action_server, token=None).status_code == 401
    assert call(action_server, token="wrong").status_code == 401
    assert requests.get(f"{action_server}/actions", timeout=10).status_code == 401
    assert requests.get(f"{action_server}/health", timeout=10).status_code == 200
    assert call(action_server, action="action_that_works").json()["events"] == []


def test_a_failing_action_answers_politely_and_dumps_nothing(action_server):
    reply = call(action_server)
    assert reply.status_code == 200
    assert reply.json() == {"events": [], "responses": [{"response": "utter_rephrase"}]}
    assert "555" not in reply.text


def test_the_action_server_refuses_big_bodies(action_server):
    reply = requests.post(
        f"{action_server}/webhook",
        data=b"x" * (ACTIONS_MAX_REQUEST_BYTES + 1),
        headers={TOKEN_HEADER: "the-token"},
        timeout=30,
    )
    assert reply.status_code == 413


def test_servers_are_started_bound_tokened_and_bounded(tmp_path, monkeypatch):
    monkeypatch.delenv("CAMINO_ACTIONS_HOST", raising=False)
    monkeypatch.delenv("CAMINO_CORS_ORIGINS", raising=False)
    ports = servers.Ports(rasa=5101, actions=5102, web=5103)
    commands = servers.commands(tmp_path / "model.tar.gz", ports)
    actions = commands["actions"]
    assert actions[:4] == [*servers.SERVE, "actions"] and actions[actions.index("--host") + 1] == "127.0.0.1"
    rasa = commands["rasa"]
    assert rasa[rasa.index("--cors") + 1 :] == ["http://localhost:5103", "http://127.0.0.1:5103"]
    env = servers.server_env(ports)
    assert env["CAMINO_ACTIONS_TOKEN"] == config.actions_token() and len(env["CAMINO_ACTIONS_TOKEN"]) >= 32
    assert env["SANIC_REQUEST_MAX_SIZE"] == str(RASA_MAX_REQUEST_BYTES)
    for name in ("endpoints.yml", "endpoints.production.yml"):
        assert "X-Camino-Token: ${CAMINO_ACTIONS_TOKEN}" in (config.ROOT / name).read_text()


# --- CORS ----------------------------------------------------------------------------------------------


def test_cors_origins_are_exact(monkeypatch):
    monkeypatch.setenv("CAMINO_CORS_ORIGINS", "http://localhost:*, https://camino.example.org/, ^http://.*")
    origins = config.cors_origins()
    assert origins == ["https://camino.example.org"]
    assert try_match_any("https://camino.example.org", origins)
    for evil in ("http://localhost.evil.example", "https://camino.example.org.evil.example", "http://localhost"):
        assert not try_match_any(evil, origins)
    monkeypatch.delenv("CAMINO_CORS_ORIGINS")
    assert not try_match_any("http://localhost.evil.example", config.cors_origins())


# --- SMS replies by (MessageSid, sender) -----------------------------------------------------------------


def test_a_message_sid_from_another_number_gets_its_own_answer(phone):
    from sms_harness import twilio_form

    phone.bot.script = lambda text: [{"text": f"answer to {text}"}]
    first = phone.send("first question", sid="SMsame")
    other = phone.send("other question", from_="+13235550111", sid="SMsame")
    assert first == ["answer to first question"] and other == ["answer to other question"]
    assert phone.send("retry", sid="SMsame") == first  # the same sender's retry: the same reply
    assert len(phone.bot.calls) == 2 and twilio_form


# --- private state files -------------------------------------------------------------------------------


def test_state_dir_and_secrets_are_private(tmp_path, monkeypatch):
    monkeypatch.setenv("CAMINO_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.delenv("CAMINO_ACTIONS_TOKEN", raising=False)
    monkeypatch.delenv("CAMINO_SENDER_SECRET", raising=False)
    config.actions_token()
    config.sender_secret()
    assert stat.S_IMODE(os.stat(tmp_path / "state").st_mode) == 0o700
    for name in ("actions_token", "sender_secret"):
        assert stat.S_IMODE(os.stat(tmp_path / "state" / name).st_mode) == 0o600


def test_camino_creates_files_for_its_owner_only(tmp_path, monkeypatch):
    from bot import cli

    monkeypatch.setattr(os, "umask", lambda mask: seen.append(mask) or 0o022)
    seen: list[int] = []
    cli.main(["points", "--json"])
    assert seen == [0o077]


# --- bounded school-name matching ----------------------------------------------------------------------


def test_long_messages_match_school_names_in_bounded_time(small_kb):
    words = ["my", "son", "likes", "the", "magnet", "school", "near", "the", "park", "and", "art"]
    text = " ".join(f"{w}{i % 97}" if i % 3 else w for i, w in enumerate(words * 40))[:2000]
    small_kb.catalog.identifying_words()  # loaded once per process
    started = time.monotonic()
    small_kb.catalog.mentioned_in(text)
    small_kb.catalog.named_in(text)
    assert time.monotonic() - started < 1.5


def test_find_school_runs_off_the_event_loop_with_a_timeout(small_kb, monkeypatch, dispatcher, domain, tracker_for):
    import actions.find_school as find_school

    def slow(*args):
        time.sleep(0.5)
        return None

    monkeypatch.setattr(find_school, "_school_named", slow)
    monkeypatch.setattr(find_school, "MATCH_TIMEOUT_S", 0.1)
    tracker = tracker_for("is dorsey a magnet", intent="find_school")

    async def both():
        ticks = 0

        async def ticker():
            nonlocal ticks
            for _ in range(5):
                await asyncio.sleep(0.01)
                ticks += 1

        await asyncio.gather(find_school.ActionFindSchool().run(dispatcher, tracker, domain), ticker())
        return ticks

    assert asyncio.run(both()) == 5  # the loop kept turning
    assert dispatcher.messages  # and the family got an answer


# --- retention -----------------------------------------------------------------------------------------


def test_purge_all_and_the_daily_run(tmp_path, monkeypatch):
    from bot import retention

    monkeypatch.setenv("CAMINO_STATE_DIR", str(tmp_path))
    monkeypatch.delenv("CAMINO_TWILIO_DB_URL", raising=False)
    monkeypatch.delenv("CAMINO_UNANSWERED_DB_URL", raising=False)
    assert retention.purge_all(30) == {
        "conversations": 0,
        "sms_replies": 0,
        "logs": 0,
        "unanswered": 0,
        "reminders_ended": 0,
        "reminder_consents": 0,
    }
    runs = []
    monkeypatch.setattr(retention, "purge_all", lambda days: runs.append(days) or {})

    async def two_days():
        task = asyncio.ensure_future(retention.run_daily(30, every=0.05))
        await asyncio.sleep(0.08)
        task.cancel()

    asyncio.run(two_days())
    assert runs == [30, 30]


def test_the_web_server_purges_daily():
    from bot.web.app import _retention, create_app

    assert _retention in create_app(purge_daily=True).cleanup_ctx
    assert _retention not in create_app().cleanup_ctx


def test_the_web_server_sends_due_reminders_unless_told_not_to():
    from bot.web.app import _reminder_scheduler, create_app

    assert _reminder_scheduler in create_app(send_reminders=True).cleanup_ctx
    assert _reminder_scheduler not in create_app().cleanup_ctx
