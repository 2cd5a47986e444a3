"""The Twilio edge (bot/channels/twilio.py): signatures, settings, TwiML, one message per turn."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import requests
import yaml
from sms_harness import (
    BASE,
    NUMBER,
    PATH,
    TOKEN,
    Phone,
    messages_of,
    serve,
    twilio_form,
)
from twilio.request_validator import RequestValidator

from bot.channels.twilio import TwilioInput

ROOT = Path(__file__).resolve().parent.parent


def test_missing_signature_is_refused(phone):
    reply = phone.post(twilio_form("hola"), token=None)
    assert reply.status_code == 403 and phone.bot.calls == []


@pytest.mark.parametrize("how", ["wrong token", "other url", "http instead of https", "tampered body"])
def test_bad_signature_is_refused(phone, how):
    form = twilio_form("hola")
    if how == "wrong token":
        reply = phone.post(form, token="not-the-token")
    elif how == "other url":
        reply = phone.post(form, signed_url=f"https://evil.example.org{PATH}")
    elif how == "http instead of https":
        reply = phone.post(form, signed_url=f"http://camino.example.org{PATH}")
    else:
        signature = RequestValidator(TOKEN).compute_signature(f"{BASE}{PATH}", form)
        reply = requests.post(
            f"{phone.url}{PATH}", data={**form, "Body": "STOP"}, headers={"X-Twilio-Signature": signature}, timeout=30
        )
    assert reply.status_code == 403 and phone.bot.calls == []


def test_query_string_is_part_of_the_signed_url(phone):
    assert phone.post(twilio_form("hi"), query="?site=la").status_code == 200
    assert phone.post(twilio_form("hi"), query="?site=la", signed_url=f"{BASE}{PATH}").status_code == 403


@pytest.mark.parametrize("token,base", [("", BASE), (TOKEN, "")])
def test_fails_closed_without_token_or_public_url(sms_state, stub_bot, caplog, token, base):
    with (
        caplog.at_level(logging.ERROR),
        serve(TwilioInput(auth_token=token, public_base_url=base, state=sms_state), stub_bot) as url,
    ):
        reply = Phone(url, stub_bot).post(twilio_form("hola"), token=token)
    assert reply.status_code == 403 and stub_bot.calls == []
    assert "TWILIO_AUTH_TOKEN" in caplog.text


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "from-env")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://camino.example.org/")
    channel = TwilioInput.from_credentials(None)
    assert channel.name() == "twilio" and channel.url_prefix() == "twilio"
    assert channel.auth_token == "from-env" and channel.public_base_url == "https://camino.example.org"


def test_registered_in_credentials():
    credentials = yaml.safe_load((ROOT / "credentials.yml").read_text(encoding="utf-8"))
    assert "bot.channels.twilio.TwilioInput" in credentials


def test_health(phone):
    assert requests.get(f"{phone.url}/webhooks/twilio/", timeout=10).json() == {"status": "ok"}


def test_reply_is_escaped_twiml_and_keeps_inverted_marks(phone):
    phone.bot.script = lambda text: [{"text": '¡Hola! <b>Tom & Jerry</b> "quoted" ¿sí?'}]
    reply = phone.post(twilio_form("¡Hola! ¿Qué tal?"))
    assert reply.status_code == 200 and reply.headers["content-type"].startswith("text/xml")
    raw = reply.content.decode("utf-8")
    assert "&lt;b&gt;Tom &amp; Jerry&lt;/b&gt;" in raw and "<b>" not in raw
    assert messages_of(reply) == ['¡Hola! <b>Tom & Jerry</b> "quoted" ¿sí?']
    assert phone.bot.texts == ["¡Hola! ¿Qué tal?"]  # no "@" for "¡", unlike Rasa's twilio connector


def test_one_message_per_turn(phone):
    phone.bot.script = lambda text: [{"text": "First.\n\nSecond paragraph."}, {"text": "Third message."}]
    assert phone.send("hi") == ["First.\n\nSecond paragraph.\n\nThird message."]


def test_metadata_and_input_channel(phone):
    phone.send("hi")
    phone.send("hi", from_=f"whatsapp:{NUMBER}")
    assert [c["metadata"] for c in phone.bot.calls] == [{"channel": "sms"}, {"channel": "whatsapp"}]
    assert {c["input_channel"] for c in phone.bot.calls} == {"twilio"}


def test_an_unparseable_body_is_refused_not_a_500(phone):
    reply = requests.post(
        f"{phone.url}{PATH}",
        data=b"\xff\xfe%%%",
        timeout=30,
        headers={"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": "abc"},
    )
    assert reply.status_code == 403
