"""Sending one text through Twilio's REST API with the twilio library's Client, under a timeout.

CAMINO_TWILIO_API_URL replaces https://api.twilio.com (tests point it at tests/fake_twilio.py on
loopback). The library's own request logging, which would show numbers and text, is silenced; our logs
name only the error's kind and code.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from bot import config

TWILIO_API = "https://api.twilio.com"
SEND_TIMEOUT_S = 10.0
# Twilio error codes after which trying again is pointless: the recipient replied STOP to the sender
# (21610), or the number cannot receive texts (21211, 21614, 63003).
UNSUBSCRIBED = 21610
PERMANENT = {UNSUBSCRIBED, 21211, 21614, 63003}

_quiet = logging.getLogger("bot.reminders.twilio_http")
_quiet.propagate = False
_quiet.addHandler(logging.NullHandler())


class SendError(Exception):
    """A send that failed; `permanent` when retrying cannot help, `unsubscribed` when Twilio says STOP."""

    def __init__(self, kind: str, code: int | None = None) -> None:
        super().__init__(f"{kind}{f' {code}' if code else ''}")
        self.code = code
        self.permanent = code in PERMANENT
        self.unsubscribed = code == UNSUBSCRIBED


class _BaseUrlHttpClient(TwilioHttpClient):
    """Twilio's HTTP client, with requests to api.twilio.com sent to another base URL."""

    def __init__(self, base_url: str, timeout: float) -> None:
        super().__init__(timeout=timeout, logger=_quiet)
        self.base_url = base_url
        if self.session is not None and base_url:
            self.session.trust_env = False  # a local fake: no proxy from the environment

    def request(self, method, url, *args, **kwargs):
        if self.base_url and url.startswith(TWILIO_API):
            url = self.base_url + url[len(TWILIO_API) :]
        return super().request(method, url, *args, **kwargs)


@dataclass
class TwilioSender:
    account_sid: str
    auth_token: str
    sms_from: str
    whatsapp_from: str
    api_url: str = ""
    timeout: float = SEND_TIMEOUT_S

    @classmethod
    def from_config(cls) -> TwilioSender | None:
        """The sender bot.config describes; None when the account, token or sender number is missing."""
        sender = cls(
            config.twilio_account_sid(),
            config.twilio_auth_token(),
            config.twilio_sms_from(),
            config.twilio_whatsapp_from(),
            config.twilio_api_url(),
        )
        return sender if sender.account_sid and sender.auth_token and sender.sms_from else None

    def client(self) -> Client:
        # environment: a mapping of our own, so the library reads nothing from os.environ
        return Client(
            self.account_sid,
            self.auth_token,
            http_client=_BaseUrlHttpClient(self.api_url, self.timeout),
            environment={"TWILIO_EDGE": "", "TWILIO_REGION": ""},
        )

    def send(self, channel: str, number: str, body: str) -> str:
        """Send `body` to `number` on `channel` (sms | whatsapp); returns Twilio's message SID."""
        source = self.whatsapp_from if channel == "whatsapp" else self.sms_from
        params: dict[str, str] = {"to": f"whatsapp:{number}" if channel == "whatsapp" else number, "body": body}
        if source.startswith("MG"):
            params["messaging_service_sid"] = source
        else:
            params["from_"] = f"whatsapp:{source}" if channel == "whatsapp" else source
        try:
            message = self.client().messages.create(**params)
        except TwilioRestException as error:
            raise SendError("twilio", error.code) from None
        except Exception as error:  # timeouts, refused connections: a later run tries again
            raise SendError(type(error).__name__) from None
        return str(message.sid)
