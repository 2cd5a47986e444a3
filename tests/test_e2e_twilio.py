"""End to end over the Twilio channel: signed webhooks in, TwiML out, from the real assistant."""

import random
import re
import uuid
import xml.etree.ElementTree as ET

import pytest
import requests
from twilio.request_validator import RequestValidator

pytestmark = pytest.mark.e2e

TOKEN = "e2e-twilio-auth-token"  # the running_bot fixture's TWILIO_AUTH_TOKEN and PUBLIC_BASE_URL
PUBLIC_URL = "https://camino.example.org/webhooks/twilio/webhook"


def text_message(bot, number, body):
    sid = "SM" + uuid.uuid4().hex
    form = {
        "MessageSid": sid,
        "SmsMessageSid": sid,
        "AccountSid": "AC" + "0" * 32,
        "From": number,
        "To": "+12135550199",
        "Body": body,
        "NumMedia": "0",
        "FromCity": "",
        "ToState": "CA",
    }
    signature = RequestValidator(TOKEN).compute_signature(PUBLIC_URL, form)
    reply = requests.post(
        f"{bot['url']}/webhooks/twilio/webhook", data=form, headers={"X-Twilio-Signature": signature}, timeout=30
    )
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"].startswith("text/xml")
    return [m.text for m in ET.fromstring(reply.content).findall("Message")]


def test_sms_conversation_in_spanish_then_english_with_a_source_link(running_bot):
    number = f"+1310555{random.randrange(10000):04d}"
    [greeting] = text_message(running_bot, number, "hola")
    assert "Soy Camino" in greeting and len(greeting) <= 320
    [answer] = text_message(running_bot, number, "how do magnet points work?")
    assert "points" in answer and "Source" in answer and len(answer) <= 1600
    assert re.search(r"https?://\S*lausd", answer), answer


def test_sms_help_is_a_short_numbered_menu_and_a_number_picks_a_topic(running_bot):
    number = f"+1213555{random.randrange(10000):04d}"
    text_message(running_bot, number, "buenas tardes")
    [menu] = text_message(running_bot, number, "menu de temas por favor")
    options = re.findall(r"^\s*(\d+)\.", menu, flags=re.M)
    assert "Algunos temas" in menu and 2 <= len(options) <= 8, menu
    [answer] = text_message(running_bot, number, "1")
    assert "Fuente" in answer, answer


@pytest.mark.parametrize(
    "replies,expect",
    [
        (["calcular mis puntos de magnet", "0", "2", "1", "1", "1"], "Puntos de magnet estimados: 7"),
        (["how many points would my son have?", "1", "no", "no", "4", "no", "on time"], "Estimated magnet points: 4"),
    ],
)
def test_sms_points_estimator_with_numbered_replies(running_bot, replies, expect):
    """SMS: the same tool flow, taps become numbered replies ("1" = the first option), each message short."""
    number = f"+1323555{random.randrange(10000):04d}"
    messages = [text_message(running_bot, number, body) for body in replies]
    assert all(messages), "every text got an answer"
    final = " ".join(messages[-1])
    assert expect in final and "http" in final, messages[-1]
    assert all(len(m) <= 320 for turn in messages[1:-1] for m in turn), messages
