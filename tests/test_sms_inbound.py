"""What comes in from a phone (bot/channels/sms/inbound.py): keyed-hash senders, keywords, choices, clean text."""

from __future__ import annotations

import pytest
from sms_harness import NUMBER

from bot.channels.sms import inbound


def test_sender_id_depends_on_the_secret(monkeypatch):
    one = inbound.parse_sender(NUMBER, b"secret-one")
    two = inbound.parse_sender(NUMBER, b"secret-two")
    assert one.sender_id != two.sender_id and one.channel == two.channel == "sms"


def test_without_a_configured_secret_one_is_generated_and_kept(monkeypatch, tmp_path):
    monkeypatch.delenv("CAMINO_SENDER_SECRET", raising=False)
    monkeypatch.setenv("CAMINO_STATE_DIR", str(tmp_path))
    inbound.sender_secret.cache_clear()
    try:
        first = inbound.sender_secret()
        assert len(first) == 64 and (tmp_path / "sender_secret").read_text().strip().encode() == first
        inbound.sender_secret.cache_clear()
        assert inbound.sender_secret() == first  # the same key after a restart
        monkeypatch.setenv("CAMINO_SENDER_SECRET", "production-secret")
        inbound.sender_secret.cache_clear()
        assert inbound.sender_secret() == b"production-secret"
    finally:
        inbound.sender_secret.cache_clear()


@pytest.mark.parametrize(
    "from_,channel",
    [
        ("+13105550142", "sms"),
        ("whatsapp:+13105550142", "whatsapp"),
        ("WhatsApp:+1 310 555 0142", "whatsapp"),
        ("+44 20 7946 0958", "sms"),
    ],
)
def test_parse_sender(from_, channel):
    sender = inbound.parse_sender(from_, b"k")
    assert sender.channel == channel and sender.sender_id == f"{channel}:{sender.number_key}"


@pytest.mark.parametrize(
    "from_", ["", "13105550142", "client:alice", "messenger:123", "+1", "whatsapp:", "+0123456789"]
)
def test_parse_sender_refuses_what_is_not_a_number(from_):
    assert inbound.parse_sender(from_, b"k") is None


def test_every_listed_keyword_is_recognized():
    words = {
        "stop": "STOP STOPALL UNSUBSCRIBE CANCEL END QUIT PARAR ALTO CANCELAR DETENER BAJA",
        "help": "HELP INFO AYUDA",
        "start": "START UNSTOP YES COMENZAR INICIAR ALTA",
    }
    for kind, listed in words.items():
        for word in listed.split():
            for variant in (word, word.lower(), word.title(), f"  {word}. "):
                assert inbound.keyword(variant).kind == kind, variant
    assert inbound.keyword("Detén") is None and inbound.keyword("please stop") is None
    assert inbound.keyword("DETÉNER").kind == "stop"


@pytest.mark.parametrize(
    "text,count,expected",
    [
        ("2", 3, 2),
        (" 3. ", 3, 3),
        ("1)", 3, 1),
        ("#2", 3, 2),
        ("2\ufe0f\u20e3", 3, 2),
        ("4", 3, None),
        ("0", 3, None),
        ("2 please", 3, None),
        ("2", 0, None),
        ("12", 23, 12),
    ],
)
def test_choice_number(text, count, expected):
    assert inbound.choice_number(text, count) == expected


def test_clean_body_cuts_at_a_word_and_keeps_every_character():
    assert inbound.clean_body("¡Hola! ¿Cómo está? ñ 🙂") == "¡Hola! ¿Cómo está? ñ 🙂"
    cut = inbound.clean_body("palabra " * 500)
    assert len(cut) <= 1600 and cut.endswith("palabra")
