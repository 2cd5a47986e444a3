"""The REST channel, hardened for integrations.

Rasa's RestInput lets a client pick any `sender` and any `input_channel`, so a caller could post an SMS
user's id and read or steer that conversation. Here every REST sender is namespaced (`rest:<id>`), the
channel is always "rest", metadata is limited to what the bot reads, and text is capped, so a malformed
body gets a polite reply instead of an error.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.core.channels.rest import RestInput as RasaRestInput
from sanic.request import Request

from bot.channels.guard import guarded
from bot.inputs import CONTROL_CHARS, channel_metadata, for_nlu

logger = logging.getLogger(__name__)

SENDER_PREFIX = "rest:"
MAX_SENDER_CHARS = 128


def _body(request: Request) -> dict[str, Any]:
    try:
        body = request.json
    except Exception:  # sanic raises on a body that is not JSON
        return {}
    return body if isinstance(body, dict) else {}


def namespaced_sender(raw: object) -> str:
    """`rest:<id>`; an id that is not a string or a number (a list, a deep dict) is "default"."""
    usable = isinstance(raw, (str, int)) and not isinstance(raw, bool) and raw != ""
    sender = str(raw if usable else "default")[:MAX_SENDER_CHARS]
    return SENDER_PREFIX + CONTROL_CHARS.sub("", sender)


class RestInput(RasaRestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message):
        return super().blueprint(guarded(on_new_message, self.name()))  # a failed turn: a polite reply

    async def _extract_sender(self, req: Request) -> str | None:
        return namespaced_sender(_body(req).get("sender"))

    def _extract_message(self, req: Request) -> str | None:
        raw = _body(req).get("message")
        text = for_nlu(raw)
        if text != raw:
            length = len(raw) if isinstance(raw, str) else -1  # -1: not a string at all
            logger.info("rest message normalized (length %d -> %d)", length, len(text))
        return text

    def _extract_input_channel(self, req: Request) -> str:
        return self.name()

    def get_metadata(self, request: Request) -> dict[str, Any] | None:
        return channel_metadata(_body(request).get("metadata")) or None
