"""The web widget's socket.io channel: Rasa's, with the server issuing session ids and checking origins.

Rasa's own channel lets a client name any session id, join that conversation's room and receive its
replies, and it accepts websocket connections from any web site. Here:

- the server issues session ids, signed with HMAC-SHA256 (`CAMINO_SENDER_SECRET`, else a random secret
  kept in the state dir); a client's `session_request` id is honoured only if its signature verifies,
  otherwise `session_confirm` carries a fresh one;
- a socket speaks only for the session it was confirmed in: the `session_id` inside a message is ignored;
- only configured browser origins (`CAMINO_ALLOWED_ORIGINS`, default the web server's own) and the Rasa
  server's own origin may connect; requests without an Origin header (non-browser clients) are allowed,
  since an Origin check only protects browsers from other sites;
- the answer payload (a custom message) reaches the widget as `{"custom": {...}}`; Rasa's output passes
  it as keyword arguments to `emit`, which raises;
- a turn's messages are sent once the turn is stored (TurnOutput), so the widget never shows an answer
  that a failed save or a dying replica left out of PostgreSQL.

Registered in credentials.yml as `bot.channels.socketio.CaminoSocketIOInput`; the channel keeps the name
`socketio`, so its messages still say `input_channel: socketio`.
"""

from __future__ import annotations

import hashlib
import hmac
import inspect
import json
import logging
import re
import secrets
from collections.abc import Awaitable, Callable
from typing import Any, TypeGuard

from rasa.core.channels.channel import UserMessage, decode_bearer_token
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, Sanic, response
from socketio import AsyncServer

from bot import config
from bot.channels.guard import guarded
from bot.inputs import channel_metadata, for_nlu

logger = logging.getLogger(__name__)

_SESSION_ID = re.compile(r"^([0-9a-f]{32})\.([0-9a-f]{32})$")


class SessionIds:
    """Issues session ids `<nonce>.<signature>` (hex) and checks ones a client presents."""

    def __init__(self, secret: bytes):
        if not secret:
            raise ValueError("the session id secret is empty")
        self._secret = secret

    def _sign(self, nonce: str) -> str:
        # The purpose prefix keeps these signatures apart from other uses of the same secret (SMS sender ids).
        return hmac.new(self._secret, b"socketio-session:" + nonce.encode(), hashlib.sha256).hexdigest()[:32]

    def issue(self) -> str:
        nonce = secrets.token_hex(16)
        return f"{nonce}.{self._sign(nonce)}"

    def verify(self, session_id: object) -> TypeGuard[str]:
        match = _SESSION_ID.match(session_id) if isinstance(session_id, str) else None
        return match is not None and hmac.compare_digest(match.group(2), self._sign(match.group(1)))


class OriginCheck:
    """Allows the configured browser origins and the server's own (engine.io calls it per request)."""

    def __init__(self, allowed: list[str]):
        self.allowed = {origin.rstrip("/") for origin in allowed}

    def __call__(self, origin: str | None, environ: dict | None = None) -> bool:
        if not origin:
            return True
        if origin in self.allowed:
            return True
        environ = environ or {}
        own = f"{environ.get('wsgi.url_scheme', 'http')}://{environ.get('HTTP_HOST', '')}"
        return bool(environ.get("HTTP_HOST")) and origin == own


class _SocketBlueprint(SocketBlueprint):
    """Leaves CORS on the socket.io path to engine.io (which applies the origin check): Sanic-CORS, set up
    by Rasa's --cors, would add a second Access-Control-Allow-Origin header, which browsers reject."""

    def register(self, app: Sanic, options: dict[str, Any]) -> None:
        from sanic_cors.core import SANIC_CORS_EVALUATED

        super().register(app, options)
        path = "/" + self.ctx.socketio_path.strip("/")

        async def cors_by_engineio(request) -> None:
            if request.path == path or request.path.startswith(path + "/"):
                setattr(request.ctx, SANIC_CORS_EVALUATED, True)

        app.register_middleware(cors_by_engineio, "request")


class CaminoSocketIOOutput(SocketIOOutput):
    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        await self._send_message(recipient_id, {"custom": json_message})


class TurnOutput(CaminoSocketIOOutput):
    """One turn's output, held back until the turn is stored (bot.channels.guard calls flush or discard).

    Rasa sends each message as its action runs and stores the turn afterwards; if the store failed then,
    or the replica died, the widget had shown an answer PostgreSQL does not hold."""

    def __init__(self, sio: Any, bot_message_evt: str) -> None:
        super().__init__(sio, bot_message_evt)
        self.held: list[tuple[str, Any]] = []

    async def _send_message(self, socket_id: str, message: Any) -> None:
        self.held.append((socket_id, message))

    def discard(self) -> None:
        self.held.clear()

    async def flush(self) -> None:
        held, self.held = self.held, []
        for socket_id, message in held:
            await self.sio.emit(self.bot_message_evt, message, room=socket_id)


def _metadata(data: dict, key: str) -> dict:
    """The message metadata the bot reads (the browser language), from the widget's customData."""
    value = data.get(key)
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):
            value = None
    return channel_metadata(value)


async def _maybe_await(result: Any) -> None:
    """python-socketio made enter_room/leave_room coroutines in 5.10; accept both."""
    if inspect.isawaitable(result):
        await result


class CaminoSocketIOInput(SocketIOInput):
    """Rasa's socket.io channel with server-issued, signed session ids and an origin check."""

    @classmethod
    def name(cls) -> str:
        return "socketio"

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.session_ids = SessionIds(config.sender_secret())
        self.origin_check = OriginCheck(config.allowed_origins())
        self.sessions: dict[str, str] = {}  # socket id -> the session id it was confirmed in

    def get_output_channel(self) -> CaminoSocketIOOutput | None:
        return CaminoSocketIOOutput(self.sio, self.bot_message_evt) if self.sio else super().get_output_channel()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        on_new_message = guarded(on_new_message, self.name())  # a failed turn: a polite reply
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=self.origin_check)
        self.sio = sio
        socketio_webhook = _SocketBlueprint(sio, self.socketio_path, "socketio_webhook", __name__)

        @socketio_webhook.route("/", methods=["GET"])
        async def health(_request):
            return response.json({"status": "ok"})

        @sio.on("connect", namespace=self.namespace)
        async def connect(sid: str, environ: dict, auth: dict | None = None) -> bool:
            # engine.io already refused other origins; this also covers a namespace-only connect.
            if not self.origin_check(environ.get("HTTP_ORIGIN"), environ):
                logger.info("socket.io connection refused: origin not allowed")
                return False
            if self.jwt_key:  # as Rasa's channel: with jwt_key set, a valid token is required
                token = auth.get("token") if isinstance(auth, dict) else None
                return bool(token and decode_bearer_token(token, self.jwt_key, self.jwt_algorithm))
            return True

        @sio.on("disconnect", namespace=self.namespace)
        async def disconnect(sid: str) -> None:
            self.sessions.pop(sid, None)

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: Any = None) -> None:
            requested = data.get("session_id") if isinstance(data, dict) else None
            session_id = requested if self.session_ids.verify(requested) else self.session_ids.issue()
            if requested and requested != session_id:
                logger.info("socket.io session id not issued here: a fresh one was given")
            previous = self.sessions.get(sid)
            if self.session_persistence and previous and previous != session_id:
                await _maybe_await(sio.leave_room(sid, previous, namespace=self.namespace))
            self.sessions[sid] = session_id
            if self.session_persistence:
                await _maybe_await(sio.enter_room(sid, session_id, namespace=self.namespace))
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: str, data: Any = None) -> None:
            session_id = self.sessions.get(sid)
            if session_id is None:
                logger.warning("socket.io message before session_request: ignored")
                return
            if not isinstance(data, dict):  # not the widget's shape: answered as an unreadable message
                data = {}
            if data.get("session_id") not in (None, session_id):
                logger.info("socket.io message names another session id: answered in its own session")
            message = UserMessage(
                for_nlu(data.get("message")),
                TurnOutput(sio, self.bot_message_evt),
                session_id if self.session_persistence else sid,
                input_channel=self.name(),
                metadata=_metadata(data, self.metadata_key),
            )
            await on_new_message(message)

        return socketio_webhook
