"""A turn's messages as one text message (bot/channels/sms/outbound.py): trimmed for SMS or WhatsApp, sourced,
with numbered choices; through the webhook, then unit by unit."""

from __future__ import annotations

import pytest
from sms_harness import (
    NUMBER,
    PAYLOAD_EN,
    PAYLOAD_ES,
    SOURCE,
    long_answer,
)

from bot.channels.sms import outbound
from bot.channels.sms.outbound import MAX_CHARS, SMS_AIM, render


def test_answer_payload_becomes_a_source_line_not_json(phone):
    phone.bot.script = lambda text: [{"text": "Los puntos deciden quién entra."}, {"custom": PAYLOAD_ES}]
    [message] = phone.send("puntos")
    assert message == f"Los puntos deciden quién entra.\n\nFuente: {SOURCE}"
    assert "{" not in message and "as_of" not in message


def test_source_already_in_the_text_is_not_repeated(phone):
    phone.bot.script = lambda text: [
        {"text": f"Points decide.\n\nSource (2025-26 school year): {SOURCE}"},
        {"custom": PAYLOAD_EN},
    ]
    [message] = phone.send("points")
    assert message.count(SOURCE) == 1


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


def test_choices_wording():
    assert outbound.choices_block(["A"], "en").endswith("\nReply 1")
    assert outbound.choices_block(["A", "B"], "es").endswith("\nResponda 1 o 2")
    assert outbound.choices_block(["A", "B", "C"], "en").endswith("\nReply 1, 2 or 3")
    assert outbound.choices_block(list("ABCD"), "es").endswith("\nResponda 1, 2, 3 o 4")
    assert outbound.choices_block(list("ABCDEFG"), "en").endswith("\n7. G\nReply a number from 1 to 7")
    assert outbound.choices_block(list("ABCDEFG"), "es").endswith("\nResponda con un número del 1 al 7")


def test_reply_language_order():
    assert outbound.reply_language({"lang": "es"}, "Hello, how are you doing?") == "es"
    assert outbound.reply_language(None, "Estos son los temas que puedo responder") == "es"
    assert outbound.reply_language(None, "GATE", previous="es") == "es"
    assert outbound.reply_language(None, "GATE") == "en"


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
