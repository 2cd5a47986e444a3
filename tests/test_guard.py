"""A failed turn (tracker store or lock store unreachable, anything raising in the agent) gets a polite
reply in the message's language on every channel, one log line without the message, and no exception."""

from __future__ import annotations

import asyncio
import logging

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot.channels import guard
from bot.knowledge.figures import phone_numbers
from bot.language import LANGUAGES


def test_the_try_again_text_exists_in_every_language_with_a_registry_phone():
    from test_contacts_in_bot_text import registry_phones

    assert set(guard.UNAVAILABLE) == set(LANGUAGES)
    assert all(text.strip() for text in guard.UNAVAILABLE.values())
    phones = [set(phone_numbers(text)) for text in guard.UNAVAILABLE.values()]
    assert phones[0] and all(p == phones[0] for p in phones) and phones[0] <= set(registry_phones())
    assert "minute" in guard.UNAVAILABLE["en"] and "minuto" in guard.UNAVAILABLE["es"]


def run(handler, message):
    return asyncio.new_event_loop().run_until_complete(handler(message))


class StoreDown(Exception):
    pass


async def failing(message):
    raise guard.StoreUnavailable("OperationalError") from StoreDown("could not connect to server")


@pytest.mark.parametrize(
    ("text", "metadata", "lang"),
    [
        ("¿cuántos puntos da un hermano?", None, "es"),
        ("1", {"language": "es"}, "es"),
        ("how many points for a sibling?", {"language": "es"}, "es"),  # the browser's language, first turn
        ("ok", None, "en"),
        ("what is GATE?", None, "en"),
    ],
)
def test_a_failed_turn_is_answered_politely_in_the_message_language(text, metadata, lang, caplog):
    out = CollectingOutputChannel()
    with caplog.at_level(logging.INFO):
        assert run(guard.guarded(failing, "rest"), UserMessage(text, out, "rest:x", metadata=metadata)) is None
    assert out.messages == [{"recipient_id": "rest:x", "text": guard.UNAVAILABLE[lang]}]
    lines = [r.getMessage() for r in caplog.records if r.name == guard.logger.name]
    assert len(lines) == 1 and "StoreUnavailable" in lines[0] and "StoreDown" in lines[0]
    assert text not in lines[0]


def test_a_good_turn_passes_through():
    async def ok(message):
        await message.output_channel.send_text_message(message.sender_id, "hi")
        return "done"

    out = CollectingOutputChannel()
    assert run(guard.guarded(ok, "rest"), UserMessage("hello", out, "rest:x")) == "done"
    assert out.messages == [{"recipient_id": "rest:x", "text": "hi"}]


def test_rasas_silent_fallback_to_memory_becomes_an_error():
    """FailSafeTrackerStore would carry on in memory; with our hook a store error fails the turn."""
    from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore
    from rasa.shared.core.domain import Domain

    class Broken(InMemoryTrackerStore):
        async def retrieve(self, sender_id):
            raise ConnectionError("database down")

    store = FailSafeTrackerStore(Broken(Domain.empty()))
    assert asyncio.new_event_loop().run_until_complete(store.retrieve("x")) is None  # Rasa's default: silence
    store._on_tracker_store_error = guard._raise
    with pytest.raises(guard.StoreUnavailable):
        asyncio.new_event_loop().run_until_complete(store.retrieve("x"))


def test_every_channel_wraps_the_agent_with_the_guard():
    from pathlib import Path

    channels = Path(guard.__file__).parent
    for name in ("rest.py", "socketio.py", "twilio.py"):
        assert "guarded(on_new_message, self.name())" in (channels / name).read_text(), name


def test_rest_and_twilio_answer_politely_with_200_when_the_agent_fails(stub_bot, phone):
    import requests
    from sms_harness import serve

    from bot.channels.rest import RestInput

    stub_bot.error = ConnectionError("lock store unreachable")
    with serve(RestInput(), stub_bot) as url:
        reply = requests.post(f"{url}/webhooks/rest/webhook", json={"sender": "a", "message": "hola, ¿qué tal?"})
    assert reply.status_code == 200
    assert reply.json() == [{"recipient_id": "rest:a", "text": guard.UNAVAILABLE["es"]}]
    phone.bot.error = ConnectionError("tracker store unreachable")
    [sms] = phone.send("what is a magnet school?")
    assert "try again in a minute" in sms


async def answers_then_store_fails(message):
    """Rasa sends a turn's messages as its actions run and stores the turn afterwards: here the store fails."""
    await message.output_channel.send_text_message(message.sender_id, "Magnet points add up over the years.")
    raise guard.StoreUnavailable("OperationalError") from StoreDown("server closed the connection")


def test_a_turn_whose_save_failed_shows_only_the_try_again_text():
    out = CollectingOutputChannel()
    assert (
        run(guard.guarded(answers_then_store_fails, "rest"), UserMessage("how do points work?", out, "rest:x")) is None
    )
    assert out.messages == [{"recipient_id": "rest:x", "text": guard.UNAVAILABLE["en"]}]


class Emitted:
    def __init__(self):
        self.events = []

    async def emit(self, event, data=None, room=None, **kwargs):
        self.events.append((event, data, room))


def test_socketio_messages_go_out_only_once_the_turn_is_stored():
    from bot.channels.socketio import TurnOutput

    sio = Emitted()
    seen_during_turn = []

    async def turn(message):
        await message.output_channel.send_text_message(message.sender_id, "first")
        await message.output_channel.send_custom_json(message.sender_id, {"answer": {"topic": "gate"}})
        seen_during_turn.extend(sio.events)  # nothing emitted before the turn is over (and stored)
        return "done"

    out = TurnOutput(sio, "bot_uttered")
    assert run(guard.guarded(turn, "socketio"), UserMessage("hello", out, "session-1")) == "done"
    assert seen_during_turn == []
    assert sio.events == [
        ("bot_uttered", {"text": "first"}, "session-1"),
        ("bot_uttered", {"custom": {"answer": {"topic": "gate"}}}, "session-1"),
    ]
    sio.events.clear()
    failed = TurnOutput(sio, "bot_uttered")
    assert run(guard.guarded(answers_then_store_fails, "socketio"), UserMessage("¿qué es GATE?", failed, "s-2")) is None
    assert sio.events == [("bot_uttered", {"text": guard.UNAVAILABLE["es"]}, "s-2")]  # the answer never went out


def test_a_turn_that_says_nothing_gets_the_try_again_text():
    """Rasa swallows a failed custom action (the action server is down) and ends the turn without a word."""
    from bot.channels.socketio import TurnOutput

    async def silent(message):
        return None

    out = CollectingOutputChannel()
    run(guard.guarded(silent, "rest"), UserMessage("¿qué es GATE?", out, "rest:x"))
    assert out.messages == [{"recipient_id": "rest:x", "text": guard.UNAVAILABLE["es"]}]
    sio = Emitted()
    run(guard.guarded(silent, "socketio"), UserMessage("what is GATE?", TurnOutput(sio, "bot_uttered"), "s-1"))
    assert sio.events == [("bot_uttered", {"text": guard.UNAVAILABLE["en"]}, "s-1")]
