"""Test harness for the SMS/WhatsApp channel: a stub bot, the Twilio channel served by a real Sanic server,
and signed Twilio webhooks (the `sms_state`, `stub_bot` and `phone` fixtures are in conftest.py).

The channel's blueprint runs in a real Sanic server (in a thread) in front of a stub bot that answers with
canned messages through Rasa's CollectingOutputChannel, exactly as the agent would; requests are signed
like Twilio signs them. No trained model is needed.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests
from twilio.request_validator import RequestValidator

from bot.channels.twilio import TwilioInput

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "test-twilio-auth-token"
BASE = "https://camino.example.org"
PATH = "/webhooks/twilio/webhook"
NUMBER = "+13105550142"
SOURCE = "https://example.org/magnet-points"
PAYLOAD_EN = {"answer": {"topic": "magnet_points", "lang": "en", "sources": [SOURCE], "as_of": "2025-26"}}
PAYLOAD_ES = {"answer": {**PAYLOAD_EN["answer"], "lang": "es"}}
BUTTONS = [
    {"title": "Magnet points", "payload": "/ask_magnet_points"},
    {"title": "Magnet schools", "payload": "/ask_magnet_programs"},
    {"title": "Talk to a person", "payload": "/request_human"},
]


class StubBot:
    """Stands in for the Rasa agent: records each UserMessage and sends canned messages to its output
    channel with OutputChannel.send_response, as the agent does."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self.script: Callable[[str], list[dict[str, Any]]] = lambda text: [{"text": "Hi! I'm Camino."}]
        self.delay = 0.0
        self.error: Exception | None = None

    async def __call__(self, message) -> None:
        self.calls.append(
            {
                "text": message.text,
                "sender_id": message.sender_id,
                "metadata": message.metadata,
                "input_channel": message.input_channel,
            }
        )
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.error:
            raise self.error
        for reply in self.script(message.text):
            await message.output_channel.send_response(message.sender_id, dict(reply))

    @property
    def texts(self) -> list[str]:
        return [call["text"] for call in self.calls]


@contextlib.contextmanager
def serve(channel: TwilioInput, bot: StubBot):
    """The channel's blueprint in a Sanic server on a free port, in a thread with its own event loop."""
    from sanic import Sanic

    test_mode, Sanic.test_mode = Sanic.test_mode, True  # lets several apps start in one process
    app = Sanic(f"twilio_test_{uuid.uuid4().hex}")
    app.blueprint(channel.blueprint(bot), url_prefix=f"/webhooks/{channel.url_prefix()}")
    try:
        with serve_app(app) as url:
            yield url
    finally:
        Sanic.test_mode = test_mode


@contextlib.contextmanager
def serve_app(app):
    """A Sanic app on a free port, in a thread with its own event loop."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    async def start():
        server = await app.create_server(sock=sock, return_asyncio_server=True, access_log=False)
        await server.startup()
        return server

    server = asyncio.run_coroutine_threadsafe(start(), loop).result(timeout=10)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:

        async def stop():
            server.close()
            await server.wait_closed()

        asyncio.run_coroutine_threadsafe(stop(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        sock.close()


def twilio_form(body: str, from_: str = NUMBER, sid: str | None = None, **extra: str) -> dict[str, str]:
    """A realistic inbound-message webhook form, blank fields included (Twilio signs those too)."""
    whatsapp = from_.startswith("whatsapp:")
    form = {
        "ToCountry": "US",
        "ToState": "CA",
        "SmsMessageSid": "",
        "NumMedia": "0",
        "ToCity": "",
        "FromZip": "",
        "SmsSid": "",
        "FromState": "CA",
        "SmsStatus": "received",
        "FromCity": "",
        "Body": body,
        "FromCountry": "US",
        "To": ("whatsapp:" if whatsapp else "") + "+12135550199",
        "ToZip": "",
        "NumSegments": "1",
        "MessageSid": "",
        "AccountSid": "AC" + "0" * 32,
        "From": from_,
        "ApiVersion": "2010-04-01",
    }
    sid = sid or "SM" + uuid.uuid4().hex
    form.update(SmsMessageSid=sid, SmsSid=sid, MessageSid=sid, **extra)
    return form


class Phone:
    """Posts signed Twilio webhooks to the served channel and reads the TwiML back."""

    def __init__(self, url: str, bot: StubBot) -> None:
        self.url, self.bot = url, bot

    def post(
        self, form: dict[str, str], token: str | None = TOKEN, signed_url: str | None = None, query: str = ""
    ) -> requests.Response:
        headers = {}
        if token is not None:
            headers["X-Twilio-Signature"] = RequestValidator(token).compute_signature(
                signed_url or f"{BASE}{PATH}{query}", form
            )
        return requests.post(f"{self.url}{PATH}{query}", data=form, headers=headers, timeout=30)

    def send(self, body: str, from_: str = NUMBER, **extra: str) -> list[str]:
        """The <Message> texts of the reply to a signed message."""
        reply = self.post(twilio_form(body, from_, **extra))
        assert reply.status_code == 200, reply.text
        return messages_of(reply)


def messages_of(reply: requests.Response) -> list[str]:
    assert reply.headers["content-type"].startswith("text/xml")
    root = ET.fromstring(reply.content)
    assert root.tag == "Response"
    return [message.text or "" for message in root.findall("Message")]


def long_answer(lang: str = "en") -> list[dict[str, Any]]:
    sentence = {
        "en": "Magnet points decide who gets a seat and the lottery breaks ties between equal points.",
        "es": "Los puntos de magnet deciden quién obtiene un lugar y el sorteo desempata.",
    }[lang]
    body = " ".join([sentence] * 6) + "\n\n- " + "\n- ".join([sentence] * 8)
    source_line = {"en": "Source (2025-26 school year)", "es": "Fuente (ciclo escolar 2025-26)"}[lang]
    return [{"text": f"{body}\n\n{source_line}: {SOURCE}"}, {"custom": PAYLOAD_EN if lang == "en" else PAYLOAD_ES}]
