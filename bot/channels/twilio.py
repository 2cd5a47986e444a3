"""Twilio SMS and WhatsApp at /webhooks/twilio/webhook, replacing Rasa 3.6's `twilio` connector.

A thin edge: it checks X-Twilio-Signature (403 unless it matches; 403 too while TWILIO_AUTH_TOKEN or
PUBLIC_BASE_URL is unset), turns the form into an Inbound, lets bot.channels.sms.service decide the
reply, and answers in the webhook's own response as TwiML: no Twilio REST call, nothing that blocks the
event loop, one <Message> per turn. Register it in credentials.yml as `bot.channels.twilio.TwilioInput:`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from bot import config
from bot.channels.guard import guarded
from bot.channels.sms.inbound import sender_secret
from bot.channels.sms.service import REPLY_TIMEOUT_S, Inbound, SmsService
from bot.channels.sms.state import SmsState
from bot.channels.sms.texts import say
from bot.reminders.optin import ReminderDesk

logger = logging.getLogger(__name__)


class FormParams(dict):
    """A form as name -> list of values, blank values included (Twilio signs them too)."""

    @classmethod
    def parse(cls, body: bytes) -> FormParams:
        params = cls()
        for name, value in parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True):
            params.setdefault(name, []).append(value)
        return params

    def getall(self, name: str) -> list[str]:  # what RequestValidator uses for repeated names
        return self[name]

    def first(self) -> dict[str, str]:
        return {name: values[0] for name, values in self.items()}


class TwilioCollector(CollectingOutputChannel):
    """Collects the turn's messages; named "twilio" so domain responses can have SMS variations."""

    @classmethod
    def name(cls) -> str:
        return "twilio"


def twiml(text: str) -> HTTPResponse:
    reply = MessagingResponse()
    if text:
        reply.message(text)
    return response.text(str(reply), content_type="text/xml; charset=utf-8")


class TwilioInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "twilio"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> TwilioInput:
        return cls()  # settings come from the environment, never from credentials.yml

    def __init__(
        self,
        auth_token: str | None = None,
        public_base_url: str | None = None,
        state: SmsState | None = None,
        reply_timeout: float = REPLY_TIMEOUT_S,
        reminders: ReminderDesk | None = None,
    ) -> None:
        self.auth_token = auth_token if auth_token is not None else config.twilio_auth_token()
        base = public_base_url if public_base_url is not None else config.public_base_url()
        self.public_base_url = base.rstrip("/")
        self.state = state
        self.reply_timeout = reply_timeout
        self.reminders = reminders
        if not (self.auth_token and self.public_base_url):
            logger.warning(
                "TWILIO_AUTH_TOKEN and PUBLIC_BASE_URL must both be set: every Twilio webhook will "
                "be refused (403) until they are"
            )

    def public_url(self, request: Request) -> str:
        """The URL Twilio signed: the public base plus this request's path and query."""
        query = f"?{request.query_string}" if request.query_string else ""
        return f"{self.public_base_url}{request.path}{query}"

    def signed(self, request: Request, params: FormParams) -> bool:
        if not (self.auth_token and self.public_base_url):
            logger.error("Twilio webhook refused: TWILIO_AUTH_TOKEN or PUBLIC_BASE_URL is not set")
            return False
        signature = request.headers.get("X-Twilio-Signature", "")
        if signature and RequestValidator(self.auth_token).validate(self.public_url(request), params, signature):
            return True
        logger.warning("Twilio webhook refused: %s X-Twilio-Signature", "bad" if signature else "missing")
        return False

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        on_new_message = guarded(on_new_message, self.name())  # a failed turn: a polite reply

        async def ask_bot(text: str, sender_id: str, metadata: dict) -> list[dict[str, Any]]:
            collector = TwilioCollector()
            await on_new_message(UserMessage(text, collector, sender_id, input_channel=self.name(), metadata=metadata))
            return collector.messages

        sender_secret()  # at start-up: creates the installation secret if there is none yet
        service = SmsService(ask_bot, self.state or SmsState(), self.reply_timeout, self.reminders or ReminderDesk())
        webhook = Blueprint("camino_twilio_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                params = FormParams.parse(request.body or b"")
                signed = self.signed(request, params)
            except Exception as error:  # fail closed
                logger.warning("Twilio webhook refused: unreadable request (%s)", type(error).__name__)
                signed = False
            if not signed:
                return response.text("", status=403)
            try:
                return twiml(await service.reply_once(Inbound.from_form(params.first())))
            except Exception as error:  # never a 500: Twilio would retry, the family would get nothing
                logger.error("Twilio webhook failed: %s", type(error).__name__)
                return twiml(say("error"))

        return webhook
