"""What a channel does when a turn fails: a polite "try again in a minute" in the conversation's language,
one log line without the message, and an ordinary answer (200), never a 500 and never silence.

Every channel (rest.py, socketio.py, twilio.py) wraps the agent's `on_new_message` with `guarded()`.
A family sees a turn's answer only once Rasa has stored it: REST and Twilio collect the messages and
answer after the turn, and socket.io's output holds them back until then (`flush`); a turn that fails
drops what it had collected (`discard`) and says only "try again", so an answer is never shown for a
turn PostgreSQL does not hold.
A turn fails when the tracker store (PostgreSQL) or the lock store (Redis) is unreachable, or when
anything else in the agent raises; a turn that ends without a single message (Rasa logs a failed custom
action, e.g. the action server is down, and carries on) gets the same reply rather than silence.
For a store error to reach us, Rasa's silent fallback is turned off: Rasa wraps the tracker store in a
FailSafeTrackerStore which, on an error, carries on with an empty in-memory tracker and saves the turn
only in memory (the family's conversation would be lost without a word). Its error hook is set to raise
instead, so the turn fails, nothing is written anywhere else, and what PostgreSQL already holds stays as
it was.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from bot.language import decide

logger = logging.getLogger(__name__)

# The reply when a turn cannot be completed (texts in every language of bot.language.LANGUAGES: a test).
UNAVAILABLE = {
    "en": (
        "Sorry, Camino cannot answer right now. Please try again in a minute, or call Student Integration "
        "Services at (213) 241-4177."
    ),
    "es": (
        "Disculpe, Camino no puede responder en este momento. Intente de nuevo en un minuto o llame a "
        "Student Integration Services al (213) 241-4177."
    ),
}


class StoreUnavailable(RuntimeError):
    """The tracker store failed; raised instead of Rasa's fallback to an in-memory store."""


def _raise(error: Exception) -> None:
    raise StoreUnavailable(type(error).__name__) from error


def no_silent_fallback() -> None:
    """Makes the running agent's FailSafeTrackerStore raise on a tracker store error (idempotent)."""
    try:
        from rasa.core.tracker_store import FailSafeTrackerStore
        from sanic import Sanic

        agent = getattr(Sanic.get_app().ctx, "agent", None)
    except Exception:  # no Sanic app (unit tests) or no agent yet
        return
    store = getattr(agent, "tracker_store", None)
    if isinstance(store, FailSafeTrackerStore) and store._on_tracker_store_error is not _raise:
        store._on_tracker_store_error = _raise


def language_of(message: Any) -> str:
    """The language to apologise in: the message's own (explicit or clear), else the channel's metadata,
    else English. (The conversation's slot is in the tracker store, which may be what failed.)"""
    metadata = getattr(message, "metadata", None) or {}
    return decide(getattr(message, "text", "") or "", None, metadata.get("language"), first_turn=True).lang


def unavailable_text(lang: str) -> str:
    return UNAVAILABLE.get(lang, UNAVAILABLE["en"])


def guarded(on_new_message: Callable[[Any], Awaitable[Any]], channel: str) -> Callable[[Any], Awaitable[Any]]:
    """`on_new_message` that answers politely when the turn fails instead of raising."""

    async def handle(message: Any) -> Any:
        no_silent_fallback()
        output = getattr(message, "output_channel", None)
        try:
            result = await on_new_message(message)
        except Exception as error:
            discard(output)  # what the failed turn had said so far was never stored: not shown either
            cause = error.__cause__ or error.__context__
            logger.error(
                "turn failed on %s: %s%s; answered with the try-again message",
                channel,
                type(error).__name__,
                f" ({type(cause).__name__})" if cause is not None else "",
            )
            lang = language_of(message)
            try:
                await message.output_channel.send_text_message(message.sender_id, unavailable_text(lang))
            except Exception as send_error:  # e.g. the socket went away
                logger.error("could not send the try-again message on %s: %s", channel, type(send_error).__name__)
            await flush(output)
            return None
        if output is not None and said_nothing(output):  # e.g. the action server is down: Rasa carries on
            logger.error("turn on %s produced no reply; answered with the try-again message", channel)
            await output.send_text_message(message.sender_id, unavailable_text(language_of(message)))
        await flush(output)  # the turn is stored: its messages may go out
        return result

    return handle


def said_nothing(output: Any) -> bool:
    """True when a collecting or buffered output holds no message at the end of a turn (other outputs
    send as they go and cannot tell)."""
    for name in ("messages", "held"):
        collected = getattr(output, name, None)
        if isinstance(collected, list):
            return not collected
    return False


def discard(output: Any) -> None:
    """Drops the messages a turn collected (a collecting channel's list, or a buffered channel's)."""
    messages = getattr(output, "messages", None)
    if isinstance(messages, list):
        messages.clear()
    dropped = getattr(output, "discard", None)
    if callable(dropped):
        dropped()


async def flush(output: Any) -> None:
    """Sends what a buffered channel (socket.io) held back until the turn was stored or had failed."""
    send = getattr(output, "flush", None)
    if callable(send):
        try:
            await send()
        except Exception as error:  # e.g. the socket went away (the turn itself is stored)
            logger.error("could not send a turn's messages: %s", type(error).__name__)
