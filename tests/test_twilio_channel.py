"""The Twilio SMS/WhatsApp channel: signature, TwiML, formatting, numbered choices, keywords, retries, privacy.

The channel's blueprint runs in a real Sanic server (in a thread) in front of a stub bot that answers with
canned messages through Rasa's CollectingOutputChannel, exactly as the agent would; requests are signed
like Twilio signs them. No trained model is needed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import socket
import threading
import uuid
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Optional

import pytest
import requests
import yaml
from twilio.request_validator import RequestValidator

from bot.channels import sms_format, sms_input
from bot.channels.sms_format import MAX_CHARS, SMS_AIM, render
from bot.channels.sms_state import SmsState
from bot.channels.sms_text import TEXT_FILE, say, texts
from bot.channels.twilio import TwilioInput

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "test-twilio-auth-token"
BASE = "https://camino.example.org"
PATH = "/webhooks/twilio/webhook"
NUMBER = "+13105550142"
SOURCE = "https://example.org/magnet-points"
PAYLOAD_EN = {"answer": {"topic": "magnet_points", "lang": "en", "sources": [SOURCE], "as_of": "2025-26"}}
PAYLOAD_ES = {"answer": {**PAYLOAD_EN["answer"], "lang": "es"}}
BUTTONS = [{"title": "Magnet points", "payload": "/ask_magnet_points"},
           {"title": "Magnet schools", "payload": "/ask_magnet_programs"},
           {"title": "Talk to a person", "payload": "/request_human"}]


# ---------------------------------------------------------------------------------------------- harness

class StubBot:
    """Stands in for the Rasa agent: records each UserMessage and sends canned messages to its output
    channel with OutputChannel.send_response, as the agent does."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self.script: Callable[[str], list[dict[str, Any]]] = lambda text: [{"text": "Hi! I'm Camino."}]
        self.delay = 0.0
        self.error: Optional[Exception] = None

    async def __call__(self, message) -> None:
        self.calls.append({"text": message.text, "sender_id": message.sender_id, "metadata": message.metadata,
                           "input_channel": message.input_channel})
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
        Sanic.test_mode = test_mode


def twilio_form(body: str, from_: str = NUMBER, sid: Optional[str] = None, **extra: str) -> dict[str, str]:
    """A realistic inbound-message webhook form, blank fields included (Twilio signs those too)."""
    whatsapp = from_.startswith("whatsapp:")
    form = {"ToCountry": "US", "ToState": "CA", "SmsMessageSid": "", "NumMedia": "0", "ToCity": "",
            "FromZip": "", "SmsSid": "", "FromState": "CA", "SmsStatus": "received", "FromCity": "",
            "Body": body, "FromCountry": "US", "To": ("whatsapp:" if whatsapp else "") + "+12135550199",
            "ToZip": "", "NumSegments": "1", "MessageSid": "", "AccountSid": "AC" + "0" * 32,
            "From": from_, "ApiVersion": "2010-04-01"}
    sid = sid or "SM" + uuid.uuid4().hex
    form.update(SmsMessageSid=sid, SmsSid=sid, MessageSid=sid, **extra)
    return form


class Phone:
    """Posts signed Twilio webhooks to the served channel and reads the TwiML back."""

    def __init__(self, url: str, bot: StubBot) -> None:
        self.url, self.bot = url, bot

    def post(self, form: dict[str, str], token: Optional[str] = TOKEN, signed_url: Optional[str] = None,
             query: str = "") -> requests.Response:
        headers = {}
        if token is not None:
            headers["X-Twilio-Signature"] = RequestValidator(token).compute_signature(
                signed_url or f"{BASE}{PATH}{query}", form)
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


@pytest.fixture
def state(tmp_path):
    return SmsState(f"sqlite:///{tmp_path / 'twilio.db'}")


@pytest.fixture
def bot():
    return StubBot()


@pytest.fixture
def phone(state, bot):
    with serve(TwilioInput(auth_token=TOKEN, public_base_url=BASE, state=state, reply_timeout=5), bot) as url:
        yield Phone(url, bot)


# ---------------------------------------------------------------------------------------------- signature

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
        reply = requests.post(f"{phone.url}{PATH}", data={**form, "Body": "STOP"},
                              headers={"X-Twilio-Signature": signature}, timeout=30)
    assert reply.status_code == 403 and phone.bot.calls == []


def test_query_string_is_part_of_the_signed_url(phone):
    assert phone.post(twilio_form("hi"), query="?site=la").status_code == 200
    assert phone.post(twilio_form("hi"), query="?site=la", signed_url=f"{BASE}{PATH}").status_code == 403


@pytest.mark.parametrize("token,base", [("", BASE), (TOKEN, "")])
def test_fails_closed_without_token_or_public_url(state, bot, caplog, token, base):
    with caplog.at_level(logging.ERROR), \
            serve(TwilioInput(auth_token=token, public_base_url=base, state=state), bot) as url:
        reply = Phone(url, bot).post(twilio_form("hola"), token=token)
    assert reply.status_code == 403 and bot.calls == []
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


# ---------------------------------------------------------------------------------------------- TwiML

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


def test_answer_payload_becomes_a_source_line_not_json(phone):
    phone.bot.script = lambda text: [{"text": "Los puntos deciden quién entra."}, {"custom": PAYLOAD_ES}]
    [message] = phone.send("puntos")
    assert message == f"Los puntos deciden quién entra.\n\nFuente: {SOURCE}"
    assert "{" not in message and "as_of" not in message


def test_source_already_in_the_text_is_not_repeated(phone):
    phone.bot.script = lambda text: [{"text": f"Points decide.\n\nSource (2025-26 school year): {SOURCE}"},
                                     {"custom": PAYLOAD_EN}]
    [message] = phone.send("points")
    assert message.count(SOURCE) == 1


def long_answer(lang: str = "en") -> list[dict[str, Any]]:
    sentence = {"en": "Magnet points decide who gets a seat and the lottery breaks ties between equal points.",
                "es": "Los puntos de magnet deciden quién obtiene un lugar y el sorteo desempata."}[lang]
    body = " ".join([sentence] * 6) + "\n\n- " + "\n- ".join([sentence] * 8)
    source_line = {"en": "Source (2025-26 school year)", "es": "Fuente (ciclo escolar 2025-26)"}[lang]
    return [{"text": f"{body}\n\n{source_line}: {SOURCE}"}, {"custom": PAYLOAD_EN if lang == "en" else PAYLOAD_ES}]


def test_sms_aims_for_320_characters_and_keeps_the_source(phone):
    phone.bot.script = lambda text: long_answer()
    [message] = phone.send("points")
    assert len(message) <= SMS_AIM and message.endswith(SOURCE)
    assert message.startswith("Magnet points decide who gets a seat") and "  " not in message


def test_whatsapp_may_be_longer_but_never_over_1600(phone):
    phone.bot.script = lambda text: long_answer()
    [message] = phone.send("points", from_=f"whatsapp:{NUMBER}")
    assert SMS_AIM < len(message) <= MAX_CHARS and message.endswith(SOURCE)


@pytest.mark.parametrize("from_", [NUMBER, f"whatsapp:{NUMBER}"])
def test_a_huge_single_sentence_is_cut_to_1600(phone, from_):
    phone.bot.script = lambda text: [{"text": "word " * 2000}, {"custom": PAYLOAD_EN}]
    [message] = phone.send("points", from_=from_)
    assert len(message) <= MAX_CHARS and SOURCE in message and "…" in message


# ---------------------------------------------------------------------------------------------- choices

def test_buttons_become_a_numbered_list_and_a_bare_number_picks_one(phone):
    phone.bot.script = lambda text: [{"text": "I'm not sure I understood. Did you mean one of these?",
                                      "buttons": BUTTONS}]
    [message] = phone.send("magnet stuff")
    assert message.endswith("1. Magnet points\n2. Magnet schools\n3. Talk to a person\nReply 1, 2 or 3")
    phone.bot.script = lambda text: [{"text": "Okay."}]
    phone.send(" 2. ")
    assert phone.bot.texts[-1] == "/ask_magnet_programs"
    phone.send("2")  # the last reply had no buttons: a number is just a number now
    assert phone.bot.texts[-1] == "2"


def test_choice_hint_is_in_the_conversations_language(phone):
    phone.bot.script = lambda text: [{"text": "No estoy seguro de haberle entendido. ¿Quiso decir alguno de estos temas?",
                                      "buttons": BUTTONS[:2]}]
    [message] = phone.send("magnet")
    assert message.endswith("1. Magnet points\n2. Magnet schools\nResponda 1 o 2")


def test_a_number_out_of_range_goes_to_the_bot_as_it_is(phone):
    phone.bot.script = lambda text: [{"text": "Did you mean one of these?", "buttons": BUTTONS}]
    phone.send("magnet")
    phone.send("7")
    assert phone.bot.texts[-1] == "7"


def test_choices_survive_a_restart(state, bot):
    bot.script = lambda text: [{"text": "Did you mean one of these?", "buttons": BUTTONS}]
    with serve(TwilioInput(auth_token=TOKEN, public_base_url=BASE, state=state), bot) as url:
        Phone(url, bot).send("magnet")
    restarted = SmsState(str(state.engine.url))
    with serve(TwilioInput(auth_token=TOKEN, public_base_url=BASE, state=restarted), bot) as url:
        Phone(url, bot).send("3")
    assert bot.texts == ["magnet", "/request_human"]


def test_choices_are_kept_per_conversation(phone):
    phone.bot.script = lambda text: [{"text": "Did you mean one of these?", "buttons": BUTTONS}]
    phone.send("magnet")
    phone.send("1", from_="+13105550999")
    phone.send("1", from_=f"whatsapp:{NUMBER}")
    assert phone.bot.texts[1:] == ["1", "1"]


# ---------------------------------------------------------------------------------------------- keywords

@pytest.mark.parametrize("word,lang", [("STOP", "en"), ("stop", "en"), ("Unsubscribe", "en"), ("cancel", "en"),
                                       ("END", "en"), ("quit", "en"), ("STOPALL", "en"), ("PARAR", "es"),
                                       ("Alto", "es"), ("cancelar", "es"), ("detener", "es"), ("BAJA", "es"),
                                       (" stop! ", "en")])
def test_stop_opts_out_and_nothing_more_is_answered(phone, word, lang):
    assert phone.send(word) == [say("stopped", lang)]
    assert phone.send("how do magnet points work?") == []
    assert phone.send("STOP") == []  # no second confirmation
    assert phone.bot.calls == []


@pytest.mark.parametrize("word,lang", [("HELP", "en"), ("info", "en"), ("AYUDA", "es"), ("Ayúda", "es")])
def test_help_says_what_camino_is_how_to_stop_and_whom_to_call(phone, word, lang):
    [message] = phone.send(word)
    assert message == say("help", lang)
    assert "Camino" in message and "(213) 241-6572" in message and ("STOP" in message or "PARAR" in message)
    assert phone.bot.calls == []


@pytest.mark.parametrize("stop,start,lang", [("STOP", "START", "en"), ("stop", "yes", "en"),
                                             ("PARAR", "COMENZAR", "es"), ("baja", "Iniciar", "es"),
                                             ("alto", "ALTA", "es"), ("stop", "unstop", "en")])
def test_start_opts_back_in(phone, stop, start, lang):
    phone.send(stop)
    assert phone.send("hola") == []
    assert phone.send(start) == [say("started", lang)]
    assert phone.send("hola") == ["Hi! I'm Camino."]
    assert phone.bot.texts == ["hola"]


def test_help_is_answered_while_opted_out(phone):
    phone.send("STOP")
    assert phone.send("HELP") == [say("help", "en")]


def test_neutral_keywords_answer_in_the_conversations_language(phone):
    phone.bot.script = lambda text: [{"text": "¡Hola! Soy Camino. ¿Qué le gustaría saber?"}]
    phone.send("hola")
    assert phone.send("STOP") == [say("stopped", "es")]


def test_opt_out_holds_for_the_number_on_both_channels(phone):
    phone.send("STOP")
    assert phone.send("hola", from_=f"whatsapp:{NUMBER}") == []
    assert phone.bot.calls == []


def test_keywords_only_match_the_whole_message(phone):
    phone.send("stop sending me the magnet list")
    phone.send("yes")  # START from a subscribed number is an ordinary message ("yes" answers a question)
    assert phone.bot.texts == ["stop sending me the magnet list", "yes"]


# ---------------------------------------------------------------------------------------------- retries

def test_a_retried_message_sid_gets_the_same_twiml_without_a_second_bot_turn(phone):
    form = twilio_form("hola")
    first = phone.post(form)
    phone.bot.script = lambda text: [{"text": "a different answer"}]
    second = phone.post(form)
    assert first.status_code == second.status_code == 200
    assert second.content == first.content and len(phone.bot.calls) == 1


def test_a_retry_while_the_first_is_answered_waits_for_that_answer(phone):
    phone.bot.delay = 0.5
    form = twilio_form("hola")
    with ThreadPoolExecutor(2) as pool:
        replies = list(pool.map(lambda _: phone.post(form), range(2)))
    assert [r.content for r in replies] == [replies[0].content] * 2 and len(phone.bot.calls) == 1
    assert messages_of(replies[0]) == ["Hi! I'm Camino."]


def test_a_retried_keyword_is_not_answered_twice_differently(phone):
    form = twilio_form("STOP")
    assert messages_of(phone.post(form)) == [say("stopped", "en")]
    assert messages_of(phone.post(form)) == [say("stopped", "en")]


# ---------------------------------------------------------------------------------------------- privacy

def test_sender_ids_are_keyed_hashes_per_channel_never_the_number(phone, state, caplog):
    caplog.set_level(logging.DEBUG)
    phone.send("my number is private")
    phone.send("my number is private", from_=f"whatsapp:{NUMBER}")
    phone.send("my number is private", from_="+1 (310) 555-0142")
    sms, whatsapp, spaced = [c["sender_id"] for c in phone.bot.calls]
    assert re.fullmatch(r"sms:[0-9a-f]{64}", sms) and re.fullmatch(r"whatsapp:[0-9a-f]{64}", whatsapp)
    assert sms.split(":")[1] == whatsapp.split(":")[1] and spaced == sms
    digits = NUMBER.lstrip("+")
    for sender_id in (sms, whatsapp):
        assert digits not in sender_id and "3105550142" not in sender_id
    assert digits not in caplog.text and "3105550142" not in caplog.text and "private" not in caplog.text
    database = Path(state.engine.url.database).read_bytes()
    assert b"3105550142" not in database and b"private" not in database


def test_sender_id_depends_on_the_secret(monkeypatch):
    one = sms_input.parse_sender(NUMBER, b"secret-one")
    two = sms_input.parse_sender(NUMBER, b"secret-two")
    assert one.sender_id != two.sender_id and one.channel == two.channel == "sms"


def test_without_a_configured_secret_one_is_generated_and_kept(monkeypatch, tmp_path):
    monkeypatch.delenv("CAMINO_SENDER_SECRET", raising=False)
    monkeypatch.setenv("CAMINO_STATE_DIR", str(tmp_path))
    sms_input.sender_secret.cache_clear()
    try:
        first = sms_input.sender_secret()
        assert len(first) == 64 and (tmp_path / "sender_secret").read_text().strip().encode() == first
        sms_input.sender_secret.cache_clear()
        assert sms_input.sender_secret() == first  # the same key after a restart
        monkeypatch.setenv("CAMINO_SENDER_SECRET", "production-secret")
        sms_input.sender_secret.cache_clear()
        assert sms_input.sender_secret() == b"production-secret"
    finally:
        sms_input.sender_secret.cache_clear()


# ---------------------------------------------------------------------------------------------- bad input

@pytest.mark.parametrize("body,extra,nlu_text", [
    ("", {}, "/bad_input"), ("   ", {}, "/bad_input"), ("?!", {}, "/bad_input"), ("🙂🙂🙂", {}, "/affirm"),
    ("", {"NumMedia": "1", "MediaUrl0": "https://api.twilio.com/x", "MediaContentType0": "image/jpeg"}, "/bad_input")])
def test_messages_without_words_reach_the_bot_as_bad_input(phone, body, extra, nlu_text):
    phone.bot.script = lambda text: [{"text": "Sorry, I couldn't read that message."}]
    assert phone.send(body, **extra) == ["Sorry, I couldn't read that message."]
    assert phone.bot.texts == [nlu_text]


def test_a_huge_body_is_cut_before_nlu(phone):
    phone.send("magnet points " * 1000)
    [text] = phone.bot.texts
    assert len(text) <= sms_input.MAX_INBOUND_CHARS and text.startswith("magnet points magnet")


def test_control_characters_are_dropped(phone):
    phone.send("hola\x00\x01 amigo")
    assert phone.bot.texts == ["hola   amigo"]


def test_a_slow_bot_gets_a_bilingual_please_write_again(state, bot):
    bot.delay = 1.0
    with serve(TwilioInput(auth_token=TOKEN, public_base_url=BASE, state=state, reply_timeout=0.2), bot) as url:
        assert Phone(url, bot).send("hola") == [say("slow")]
    assert "Please send your message again" in say("slow") and "envíe su mensaje otra vez" in say("slow")


def test_a_failing_bot_gets_an_apology_never_a_500(phone):
    phone.bot.error = RuntimeError("boom")
    [message] = phone.send("hola")
    assert "(213) 241-6572" in message


def test_a_sender_that_is_no_phone_number_gets_an_empty_reply(phone):
    assert phone.send("hola", from_="messenger:12345") == []
    assert phone.bot.calls == []


def test_an_unparseable_body_is_refused_not_a_500(phone):
    reply = requests.post(f"{phone.url}{PATH}", data=b"\xff\xfe%%%", timeout=30,
                          headers={"Content-Type": "application/x-www-form-urlencoded",
                                   "X-Twilio-Signature": "abc"})
    assert reply.status_code == 403


# ---------------------------------------------------------------------------------------------- texts

def test_every_channel_text_is_in_english_and_spanish():
    for key, variants in texts().items():
        assert set(variants) == {"en", "es"}, key
        assert all(isinstance(v, str) and v.strip() for v in variants.values()), key
        assert (set(re.findall(r"{(\w+)}", variants["en"])) == set(re.findall(r"{(\w+)}", variants["es"]))), key
        assert all(len(v) <= SMS_AIM for v in variants.values()), key
    assert TEXT_FILE.name == "sms_text.yml"


def test_a_text_with_no_known_language_is_given_in_both():
    assert say("slow") == f"{say('slow', 'en')}\n\n{say('slow', 'es')}"


# ---------------------------------------------------------------------------------------------- units

@pytest.mark.parametrize("from_,channel", [("+13105550142", "sms"), ("whatsapp:+13105550142", "whatsapp"),
                                           ("WhatsApp:+1 310 555 0142", "whatsapp"), ("+44 20 7946 0958", "sms")])
def test_parse_sender(from_, channel):
    sender = sms_input.parse_sender(from_, b"k")
    assert sender.channel == channel and sender.sender_id == f"{channel}:{sender.number_key}"


@pytest.mark.parametrize("from_", ["", "13105550142", "client:alice", "messenger:123", "+1", "whatsapp:", "+0123456789"])
def test_parse_sender_refuses_what_is_not_a_number(from_):
    assert sms_input.parse_sender(from_, b"k") is None


def test_every_listed_keyword_is_recognized():
    words = {"stop": "STOP STOPALL UNSUBSCRIBE CANCEL END QUIT PARAR ALTO CANCELAR DETENER BAJA",
             "help": "HELP INFO AYUDA", "start": "START UNSTOP YES COMENZAR INICIAR ALTA"}
    for kind, listed in words.items():
        for word in listed.split():
            for variant in (word, word.lower(), word.title(), f"  {word}. "):
                assert sms_input.keyword(variant).kind == kind, variant
    assert sms_input.keyword("Detén") is None and sms_input.keyword("please stop") is None
    assert sms_input.keyword("DETÉNER").kind == "stop"


@pytest.mark.parametrize("text,count,expected", [("2", 3, 2), (" 3. ", 3, 3), ("1)", 3, 1), ("#2", 3, 2),
                                                 ("2\ufe0f\u20e3", 3, 2), ("4", 3, None), ("0", 3, None),
                                                 ("2 please", 3, None), ("2", 0, None), ("12", 23, 12)])
def test_choice_number(text, count, expected):
    assert sms_input.choice_number(text, count) == expected


def test_clean_body_cuts_at_a_word_and_keeps_every_character():
    assert sms_input.clean_body("¡Hola! ¿Cómo está? ñ 🙂") == "¡Hola! ¿Cómo está? ñ 🙂"
    cut = sms_input.clean_body("palabra " * 500)
    assert len(cut) <= 1600 and cut.endswith("palabra")


def test_choices_wording():
    assert sms_format.choices_block(["A"], "en").endswith("\nReply 1")
    assert sms_format.choices_block(["A", "B"], "es").endswith("\nResponda 1 o 2")
    assert sms_format.choices_block(["A", "B", "C"], "en").endswith("\nReply 1, 2 or 3")
    assert sms_format.choices_block(list("ABCD"), "es").endswith("\nResponda 1, 2, 3 o 4")
    assert sms_format.choices_block(list("ABCDEFG"), "en").endswith("\n7. G\nReply a number from 1 to 7")
    assert sms_format.choices_block(list("ABCDEFG"), "es").endswith("\nResponda con un número del 1 al 7")


def test_reply_language_order():
    assert sms_format.reply_language({"lang": "es"}, "Hello, how are you doing?") == "es"
    assert sms_format.reply_language(None, "Estos son los temas que puedo responder") == "es"
    assert sms_format.reply_language(None, "GATE", previous="es") == "es"
    assert sms_format.reply_language(None, "GATE") == "en"


def test_render_trims_sentences_from_the_end_and_keeps_source_lines():
    reply = render(long_answer("es"), "sms")
    assert reply.lang == "es" and len(reply.text) <= SMS_AIM
    assert reply.text.endswith(f"Fuente (ciclo escolar 2025-26): {SOURCE}")
    prose = reply.text.rsplit("\n", 1)[0]
    assert prose.endswith(".") and prose.count("Los puntos") >= 2


def test_render_without_payload_keeps_lines_with_links():
    messages = [{"text": "Sentence number one is here. " * 20 + "\nMore: https://choices.lausd.net"}]
    reply = render(messages, "sms")
    assert len(reply.text) <= SMS_AIM and reply.text.endswith("More: https://choices.lausd.net")


def test_render_a_help_menu_numbers_every_topic_within_1600():
    buttons = [{"title": f"Topic number {n} with a long title", "payload": f"/ask_t{n}"} for n in range(1, 24)]
    reply = render([{"text": "These are the topics I can answer. Tap one.", "buttons": buttons}], "sms")
    assert len(reply.text) <= MAX_CHARS and reply.choices == [b["payload"] for b in buttons]
    assert "23. Topic number 23" in reply.text and reply.text.endswith("Reply a number from 1 to 23")


def test_render_caps_an_absurd_list_of_buttons():
    buttons = [{"title": "x" * 60, "payload": f"/p{n}"} for n in range(100)]
    reply = render([{"text": "Pick one.", "buttons": buttons}], "whatsapp")
    assert len(reply.text) <= MAX_CHARS and 0 < len(reply.choices) < 100
    assert reply.text.endswith(f"from 1 to {len(reply.choices)}")


def test_render_buttons_without_payload_stand_for_their_title():
    reply = render([{"text": "Which one?", "buttons": [{"title": "Yes"}, {"title": "No", "payload": ""}]}])
    assert reply.choices == ["Yes", "No"]


def test_render_nothing_is_an_empty_reply():
    assert render([]).text == "" and render([{"custom": {"other": 1}}]).text == ""
