"""The channel's own texts (bot/channels/sms/texts.py, texts.yml): bilingual and SMS-sized."""

from __future__ import annotations

import re

from bot.channels.sms.outbound import SMS_AIM
from bot.channels.sms.texts import TEXT_FILE, say, texts


def test_every_channel_text_is_in_english_and_spanish():
    for key, variants in texts().items():
        assert set(variants) == {"en", "es"}, key
        assert all(isinstance(v, str) and v.strip() for v in variants.values()), key
        assert set(re.findall(r"{(\w+)}", variants["en"])) == set(re.findall(r"{(\w+)}", variants["es"])), key
        assert all(len(v) <= SMS_AIM for v in variants.values()), key
    assert TEXT_FILE.name == "texts.yml"


def test_a_text_with_no_known_language_is_given_in_both():
    assert say("slow") == f"{say('slow', 'en')}\n\n{say('slow', 'es')}"
