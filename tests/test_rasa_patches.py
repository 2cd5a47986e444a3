"""bot.rasa_patches: the same answers as the Rasa methods they replace, for less work per turn; a turn whose
action server failed is not stored."""

from __future__ import annotations

import asyncio
import contextlib

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from rasa.shared.utils.common import all_subclasses

from bot import rasa_patches

RASAS_RESOLVE = Event.resolve_by_type


def action(result: dict) -> bool:
    return rasa_patches.validate_action_result(object(), result)


def test_a_valid_action_reply_passes():
    reply = {
        "events": [{"event": "slot", "name": "language", "value": "es", "timestamp": None}],
        "responses": [{"text": "Hola", "buttons": [{"title": "Sí", "payload": "/affirm"}]}],
    }
    assert action(reply) is True
    assert action({"events": [], "responses": []}) is True


@pytest.mark.parametrize(
    "reply",
    [
        {"events": [{"event": "no_such_event"}]},
        {"events": [{"event": "slot"}]},  # a slot event without its name
        {"events": "not a list"},
        {"responses": [42]},
        [],
    ],
)
def test_an_invalid_action_reply_is_refused_with_rasas_message(reply):
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        action(reply)


def test_the_validator_is_built_once():
    assert rasa_patches.action_reply_validator() is rasa_patches.action_reply_validator()


def test_every_event_name_resolves_to_the_class_rasas_search_finds():
    names = {cls.type_name for cls in all_subclasses(Event)}
    assert {"user", "bot", "slot", "action", "session_started"} <= names
    resolve = rasa_patches.event_resolver(RASAS_RESOLVE)
    for name in names:
        assert resolve(name) is RASAS_RESOLVE(name), name


def test_an_unknown_event_name_goes_to_rasas_lookup():
    calls = []

    def rasas(name, default=None):
        calls.append(name)
        return default

    resolve = rasa_patches.event_resolver(rasas)
    assert resolve("user") is UserUttered
    assert resolve("no_such_event", BotUttered) is BotUttered
    assert calls == ["no_such_event"]


def run(coroutine):
    return asyncio.new_event_loop().run_until_complete(coroutine)


def test_a_turn_whose_action_server_failed_is_not_saved_and_the_next_turn_is():
    saved = []

    async def rasas_save(processor, tracker):
        saved.append(tracker.sender_id)

    async def rasas_run(action, output_channel, nlg, tracker, domain):
        if action:
            raise action
        return [SlotSet("language", "es")]

    run_action = rasa_patches.remote_run(rasas_run)
    save = rasa_patches.save_unless_failed(rasas_save)

    async def rasas_handle(processor, raises):
        """A turn as Rasa's handle_message runs it: the action on a copy of the tracker, errors swallowed."""
        tracker = DialogueStateTracker(f"after {type(raises).__name__}", [])
        with contextlib.suppress(RasaException):
            await run_action(raises, None, None, tracker.copy(), None)
        await save(processor, tracker)

    handle = rasa_patches.turn_scope(rasas_handle)
    run(handle(None, None))
    run(handle(None, ActionExecutionRejection("validate_tool_form")))  # a form said no: Rasa's normal flow
    with pytest.raises(rasa_patches.ActionServerUnavailable):
        run(handle(None, RasaException("Couldn't connect to the server")))  # the action server is down
    run(handle(None, None))  # the next turn is saved
    assert saved == ["after NoneType", "after ActionExecutionRejection", "after NoneType"]


def test_install_replaces_the_methods_and_events_still_round_trip(monkeypatch):
    monkeypatch.setattr(RemoteAction, "_validate_action_result", RemoteAction._validate_action_result)
    monkeypatch.setattr(RemoteAction, "run", RemoteAction.run)
    monkeypatch.setattr(MessageProcessor, "save_tracker", MessageProcessor.save_tracker)
    monkeypatch.setattr(MessageProcessor, "handle_message", MessageProcessor.handle_message)
    monkeypatch.setattr(Event, "resolve_by_type", staticmethod(RASAS_RESOLVE))
    monkeypatch.setattr(rasa_patches, "_installed", False)
    rasas_run = RemoteAction.run
    rasa_patches.install()
    rasa_patches.install()  # idempotent: not wrapped twice
    assert RemoteAction._validate_action_result is rasa_patches.validate_action_result
    assert RemoteAction.run.__qualname__.startswith("remote_run") and RemoteAction.run is not rasas_run
    assert MessageProcessor.save_tracker.__qualname__.startswith("save_unless_failed")
    assert MessageProcessor.handle_message.__qualname__.startswith("turn_scope")
    events = [UserUttered("hola", {"name": "greet"}), SlotSet("language", "es"), ActionExecuted("action_listen")]
    again = [Event.from_parameters(event.as_dict()) for event in events]
    assert again == events
    with pytest.raises(ValidationError):
        RemoteAction("action_answer_question", None)._validate_action_result({"events": [{"event": "x"}]})


def test_the_rasa_server_process_installs_the_patches(monkeypatch):
    from bot import serve

    installed = []
    monkeypatch.setattr(rasa_patches, "install", lambda: installed.append(True))
    monkeypatch.setattr(serve.logs, "setup", lambda name: None)
    monkeypatch.setattr("rasa.__main__.main", lambda: None)
    serve.main(["rasa", "--version"])
    assert installed == [True]
