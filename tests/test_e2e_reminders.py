"""End to end over the Twilio channel of the real assistant: on 2026-12-02 no 2027-28 Choices date is
sourced, so REMIND / RECORDAR get the plain "no confirmed date yet" reply and a deadline answer carries no
offer (the paths with dates ahead are covered by tests/test_reminders.py with fixture cycles)."""

import random

import pytest
from test_e2e_twilio import text_message

from bot.channels.sms.texts import say

pytestmark = pytest.mark.e2e


def test_remind_with_no_sourced_date_ahead_says_so_in_the_familys_language(running_bot):
    number = f"+1626555{random.randrange(10000):04d}"
    assert text_message(running_bot, number, "REMIND") == [say("reminders_none", "en")]
    assert text_message(running_bot, number, "Recordar") == [say("reminders_none", "es")]
    [answer] = text_message(running_bot, number, "when is the choices application deadline?")
    assert say("reminders_offer", "en") not in answer and say("reminders_offer", "es") not in answer
