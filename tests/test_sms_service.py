"""One inbound message to the one text that answers it (bot/channels/sms/service.py), through the webhook:
numbered choices, STOP/HELP/START, retried MessageSids, privacy of numbers, unreadable input, a slow or failing bot."""

from __future__ import annotations

import logging
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sms_harness import (
    BASE,
    BUTTONS,
    NUMBER,
    TOKEN,
    Phone,
    messages_of,
    serve,
    twilio_form,
)

from bot.channels.sms import inbound
from bot.channels.sms.texts import say
from bot.channels.twilio import TwilioInput


def test_buttons_become_a_numbered_list_and_a_bare_number_picks_one(phone):
    phone.bot.script = lambda text: [
        {"text": "I'm not sure I understood. Did you mean one of these?", "buttons": BUTTONS}
    ]
    [message] = phone.send("magnet stuff")
    assert message.endswith("1. Magnet points\n2. Magnet schools\n3. Talk to a person\nReply 1, 2 or 3")
    phone.bot.script = lambda text: [{"text": "Okay."}]
    phone.send(" 2. ")
    assert phone.bot.texts[-1] == "/ask_magnet_programs"
    phone.send("2")  # the last reply had no buttons: a number is just a number now
    assert phone.bot.texts[-1] == "2"


def test_choice_hint_is_in_the_conversations_language(phone):
    phone.bot.script = lambda text: [
        {"text": "No estoy seguro de haberle entendido. ¿Quiso decir alguno de estos temas?", "buttons": BUTTONS[:2]}
    ]
    [message] = phone.send("magnet")
    assert message.endswith("1. Magnet points\n2. Magnet schools\nResponda 1 o 2")


def test_a_number_out_of_range_goes_to_the_bot_as_it_is(phone):
    phone.bot.script = lambda text: [{"text": "Did you mean one of these?", "buttons": BUTTONS}]
    phone.send("magnet")
    phone.send("7")
    assert phone.bot.texts[-1] == "7"


def test_choices_are_kept_per_conversation(phone):
    phone.bot.script = lambda text: [{"text": "Did you mean one of these?", "buttons": BUTTONS}]
    phone.send("magnet")
    phone.send("1", from_="+13105550999")
    phone.send("1", from_=f"whatsapp:{NUMBER}")
    assert phone.bot.texts[1:] == ["1", "1"]


@pytest.mark.parametrize(
    "word,lang",
    [
        ("STOP", "en"),
        ("stop", "en"),
        ("Unsubscribe", "en"),
        ("cancel", "en"),
        ("END", "en"),
        ("quit", "en"),
        ("STOPALL", "en"),
        ("PARAR", "es"),
        ("Alto", "es"),
        ("cancelar", "es"),
        ("detener", "es"),
        ("BAJA", "es"),
        (" stop! ", "en"),
    ],
)
def test_stop_opts_out_and_nothing_more_is_answered(phone, word, lang):
    assert phone.send(word) == [say("stopped", lang)]
    assert phone.send("how do magnet points work?") == []
    assert phone.send("STOP") == []  # no second confirmation
    assert phone.bot.calls == []


@pytest.mark.parametrize("word,lang", [("HELP", "en"), ("info", "en"), ("AYUDA", "es"), ("Ayúda", "es")])
def test_help_says_what_camino_is_how_to_stop_and_whom_to_call(phone, word, lang):
    [message] = phone.send(word)
    assert message == say("help", lang)
    assert "Camino" in message and "(213) 241-4177" in message and ("STOP" in message or "PARAR" in message)
    assert phone.bot.calls == []


@pytest.mark.parametrize(
    "stop,start,lang",
    [
        ("STOP", "START", "en"),
        ("stop", "yes", "en"),
        ("PARAR", "COMENZAR", "es"),
        ("baja", "Iniciar", "es"),
        ("alto", "ALTA", "es"),
        ("stop", "unstop", "en"),
    ],
)
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


def test_sender_ids_are_keyed_hashes_per_channel_never_the_number(phone, sms_state, caplog):
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
    database = Path(sms_state.engine.url.database).read_bytes()
    assert b"3105550142" not in database and b"private" not in database


@pytest.mark.parametrize(
    "body,extra,nlu_text",
    [
        ("", {}, "/bad_input"),
        ("   ", {}, "/bad_input"),
        ("?!", {}, "/bad_input"),
        ("🙂🙂🙂", {}, "/affirm"),
        (
            "",
            {"NumMedia": "1", "MediaUrl0": "https://api.twilio.com/x", "MediaContentType0": "image/jpeg"},
            "/bad_input",
        ),
    ],
)
def test_messages_without_words_reach_the_bot_as_bad_input(phone, body, extra, nlu_text):
    phone.bot.script = lambda text: [{"text": "Sorry, I couldn't read that message."}]
    assert phone.send(body, **extra) == ["Sorry, I couldn't read that message."]
    assert phone.bot.texts == [nlu_text]


def test_a_huge_body_is_cut_before_nlu(phone):
    phone.send("magnet points " * 1000)
    [text] = phone.bot.texts
    assert len(text) <= inbound.MAX_INBOUND_CHARS and text.startswith("magnet points magnet")


def test_control_characters_are_dropped(phone):
    phone.send("hola\x00\x01 amigo")
    assert phone.bot.texts == ["hola   amigo"]


def test_a_slow_bot_gets_a_bilingual_please_write_again(sms_state, stub_bot):
    stub_bot.delay = 1.0
    with serve(
        TwilioInput(auth_token=TOKEN, public_base_url=BASE, state=sms_state, reply_timeout=0.2), stub_bot
    ) as url:
        assert Phone(url, stub_bot).send("hola") == [say("slow")]
    assert "Please send your message again" in say("slow") and "envíe su mensaje otra vez" in say("slow")


def test_a_failing_bot_gets_an_apology_never_a_500(phone):
    phone.bot.error = RuntimeError("boom")
    [message] = phone.send("hola")
    assert "(213) 241-4177" in message


def test_a_sender_that_is_no_phone_number_gets_an_empty_reply(phone):
    assert phone.send("hola", from_="messenger:12345") == []
    assert phone.bot.calls == []
