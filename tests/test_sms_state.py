"""What the channel remembers between messages (bot/channels/sms/state.py)."""

from __future__ import annotations

from sms_harness import (
    BASE,
    BUTTONS,
    TOKEN,
    Phone,
    serve,
)

from bot.channels.sms.state import SmsState
from bot.channels.twilio import TwilioInput


def test_choices_survive_a_restart(sms_state, stub_bot):
    stub_bot.script = lambda text: [{"text": "Did you mean one of these?", "buttons": BUTTONS}]
    with serve(TwilioInput(auth_token=TOKEN, public_base_url=BASE, state=sms_state), stub_bot) as url:
        Phone(url, stub_bot).send("magnet")
    restarted = SmsState(str(sms_state.engine.url))
    with serve(TwilioInput(auth_token=TOKEN, public_base_url=BASE, state=restarted), stub_bot) as url:
        Phone(url, stub_bot).send("3")
    assert stub_bot.texts == ["magnet", "/request_human"]


def test_opt_out_and_back_in(sms_state):
    assert not sms_state.opted_out("key-1")
    sms_state.opt_out("key-1")
    sms_state.opt_out("key-1")  # twice is still one opt-out
    assert sms_state.opted_out("key-1") and not sms_state.opted_out("key-2")
    sms_state.opt_in("key-1")
    assert not sms_state.opted_out("key-1")


def test_last_turn_per_conversation(sms_state):
    assert sms_state.last_choices("sms:a") == [] and sms_state.last_lang("sms:a") is None
    sms_state.save_turn("sms:a", ["/ask_gate", "/ask_sas"], "es")
    sms_state.save_turn("sms:b", [], "en")
    assert sms_state.last_choices("sms:a") == ["/ask_gate", "/ask_sas"] and sms_state.last_lang("sms:a") == "es"
    sms_state.save_turn("sms:a", [], None)
    assert sms_state.last_choices("sms:a") == [] and sms_state.last_lang("sms:b") == "en"


def test_replies_by_message_sid_are_kept_for_a_day(sms_state, monkeypatch):
    from bot.channels.sms import state as state_module

    sms_state.remember_reply("SM1", "the reply")
    sms_state.remember_reply("SM2", "")
    assert sms_state.reply_for("SM1") == "the reply" and sms_state.reply_for("SM2") == ""
    assert sms_state.reply_for("SM3") is None
    monkeypatch.setattr(state_module, "REPLY_TTL", state_module.REPLY_TTL * 0)
    assert sms_state.reply_for("SM1") is None
