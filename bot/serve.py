"""The server processes `camino run`/`up` start, each with private logging (bot.logs) first:

- `python -m bot.serve rasa run …`: Rasa's own command line, with bot.rasa_patches installed (per-turn costs);
- `python -m bot.serve actions --host H --port P`: the rasa_sdk action server for `actions/`, listening on
  CAMINO_ACTIONS_HOST (127.0.0.1) only, answering only calls that carry the shared token
  (X-Camino-Token, which Rasa sends from endpoints*.yml; /health needs none), with bounded request
  bodies, and never answering with the conversation: an action that fails answers "please say it
  another way" (so the family is never left without a reply) and is logged by its type only.
"""

from __future__ import annotations

import argparse
import contextlib
import hmac
import json
import logging
import sys
from typing import Any

from bot import config, logs

TOKEN_HEADER = "X-Camino-Token"
# Rasa sends the whole conversation on every action call: room for long ones, far below Sanic's 100 MB.
ACTIONS_MAX_REQUEST_BYTES = 8 * 1024 * 1024
# The Rasa server's channels take one message (REST, socket.io polling, a Twilio form) per request.
RASA_MAX_REQUEST_BYTES = 256 * 1024
FALLBACK_RESPONSE = "utter_rephrase"

logger = logging.getLogger(__name__)


def _remember_user_texts(body: Any) -> None:
    """The family's messages in an action call, so that no log line of this process quotes them."""
    tracker = body.get("tracker") if isinstance(body, dict) else None
    events = tracker.get("events") if isinstance(tracker, dict) else None
    for event in events if isinstance(events, list) else []:
        if isinstance(event, dict) and event.get("event") == "user" and isinstance(event.get("text"), str):
            logs.remember(event["text"])


def action_app(token: str, package: str = "actions"):
    """rasa_sdk's Sanic app with the token check, a body limit and an error handler that dumps nothing."""
    from rasa_sdk.endpoint import create_app
    from sanic import response
    from sanic.exceptions import SanicException

    if not token:
        raise ValueError("the action server needs a token")
    app = create_app(package, cors_origins=None)
    app.config.REQUEST_MAX_SIZE = ACTIONS_MAX_REQUEST_BYTES

    @app.middleware("request")
    async def authorize(request):
        if request.path == "/health":
            return None
        given = request.headers.get(TOKEN_HEADER, "")
        if not (given and hmac.compare_digest(given.encode(), token.encode())):
            logger.warning("action server call refused: %s token", "wrong" if given else "no")
            return response.json({"error": "unauthorized"}, status=401)
        if request.path == "/webhook":
            with contextlib.suppress(ValueError, UnicodeDecodeError, RecursionError):
                _remember_user_texts(json.loads(request.body or b"null"))
        return None

    async def failed(request, exception: Exception):
        if isinstance(exception, SanicException):
            return response.json({"error": type(exception).__name__}, status=getattr(exception, "status_code", 500))
        logger.error("action failed: %s", logs.exception_summary(type(exception), exception.__traceback__))
        return response.json({"events": [], "responses": [{"response": FALLBACK_RESPONSE}]})

    app.error_handler.add(Exception, failed)
    return app


def _actions(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bot.serve actions")
    parser.add_argument("--host", default=config.actions_host())
    parser.add_argument("--port", type=int, default=config.actions_port())
    parser.add_argument("--actions", default="actions")
    args = parser.parse_args(argv)
    logs.setup("actions")
    app = action_app(config.actions_token(), args.actions)
    logger.info("action server on %s:%d", args.host, args.port)
    app.run(host=args.host, port=args.port, workers=1, access_log=False, motd=False)


def _rasa(argv: list[str]) -> None:
    logs.setup("rasa")
    from rasa.__main__ import main

    from bot import rasa_patches

    rasa_patches.install()

    sys.argv = ["rasa", *argv]
    main()


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in ("rasa", "actions"):
        raise SystemExit("usage: python -m bot.serve rasa … | actions [--host H] [--port P]")
    (_rasa if argv[0] == "rasa" else _actions)(argv[1:])


if __name__ == "__main__":
    main()
