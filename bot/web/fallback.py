"""The polite answer when no Rasa replica can: nginx (bot/cluster.py) hands a /webhooks/ request here,
with its URI and body, when every replica refused it or the one that had it died mid-turn. The family
gets "try again in a minute" in their language and in their channel's format (REST JSON, TwiML), with
HTTP 200: never a 502 and never silence. Nothing is stored: the turn did not happen.

A Twilio request is answered only if its signature verifies, as the channel itself does (403 otherwise).
"""

from __future__ import annotations

import logging
from types import SimpleNamespace
from urllib.parse import parse_qsl
from xml.sax.saxutils import escape

from aiohttp import web

from bot import config
from bot.channels.guard import language_of, unavailable_text
from bot.channels.sms.texts import say as sms_say
from bot.inputs import channel_metadata, for_nlu

logger = logging.getLogger(__name__)

REST_PATH = "/webhooks/rest/webhook"
TWILIO_PATH = "/webhooks/twilio/webhook"


def _lang(text: object, metadata: object = None) -> str:
    return language_of(SimpleNamespace(text=for_nlu(text), metadata=channel_metadata(metadata)))


async def rest(request: web.Request) -> web.Response:
    try:
        body = await request.json()
    except Exception:  # not JSON (or too large): still a polite answer
        body = {}
    body = body if isinstance(body, dict) else {}
    sender = body.get("sender")
    recipient = sender if isinstance(sender, (str, int)) and not isinstance(sender, bool) else "default"
    lang = _lang(body.get("message"), body.get("metadata"))
    logger.warning("no Rasa replica answered a rest message: sent the try-again message")
    return web.json_response([{"recipient_id": str(recipient)[:128], "text": unavailable_text(lang)}])


def _twilio_signed(request: web.Request, params: dict[str, list[str]]) -> bool:
    from twilio.request_validator import RequestValidator

    token, base = config.twilio_auth_token(), config.public_base_url()
    signature = request.headers.get("X-Twilio-Signature", "")
    if not (token and base and signature):
        return False
    query = f"?{request.query_string}" if request.query_string else ""
    return bool(RequestValidator(token).validate(f"{base}{request.path}{query}", params, signature))


class _Form(dict):
    def getall(self, name: str) -> list[str]:  # what RequestValidator uses for repeated names
        return self[name]


async def twilio(request: web.Request) -> web.Response:
    form = _Form()
    for name, value in parse_qsl((await request.read()).decode("utf-8", errors="replace"), keep_blank_values=True):
        form.setdefault(name, []).append(value)
    if not _twilio_signed(request, form):
        return web.Response(text="", status=403)
    lang = _lang((form.get("Body") or [""])[0])
    logger.warning("no Rasa replica answered a twilio message: sent the try-again message")
    text = escape(sms_say("error", lang))
    return web.Response(
        text=f'<?xml version="1.0" encoding="UTF-8"?><Response><Message>{text}</Message></Response>',
        content_type="text/xml",
        charset="utf-8",
    )


def add_routes(app: web.Application) -> None:
    app.router.add_post(REST_PATH, rest)
    app.router.add_post(TWILIO_PATH, twilio)
