"""The hardened REST channel's request parsing, and what every channel hands to the NLU."""

from bot.channels.rest import namespaced_sender
from bot.inputs import AFFIRM, BAD_INPUT, MAX_TEXT_CHARS, clean_text, for_nlu


def test_senders_are_namespaced_and_bounded():
    assert namespaced_sender("sms:abc") == "rest:sms:abc"
    assert namespaced_sender(None) == "rest:default"
    assert len(namespaced_sender("x" * 10_000)) == len("rest:") + 128
    assert "\x00" not in namespaced_sender("a\x00b")
    deep: list = []
    for _ in range(100_000):
        deep = [deep]
    assert namespaced_sender(deep) == namespaced_sender({"a": 1}) == "rest:default"  # never a RecursionError


def test_text_is_cleaned_and_capped():
    assert clean_text(None) == "" and clean_text(12345) == "12345"
    assert clean_text("hola\x00\x01") == "hola  "
    assert len(clean_text("y" * 50_000)) == MAX_TEXT_CHARS
    assert clean_text("¡Hola! ¿Qué tal? 👍") == "¡Hola! ¿Qué tal? 👍"


def test_unreadable_input_becomes_an_explicit_intent():
    for junk in ("", "   ", "???", "\x00\x01", "😡😡", "...!!!"):
        assert for_nlu(junk) == BAD_INPUT, junk
    assert for_nlu("👍") == AFFIRM
    assert for_nlu("/ask_gate") == "/ask_gate"
    assert for_nlu("7") == "7" and for_nlu("¿GATE?") == "¿GATE?"
    assert for_nlu("/ not a payload") == "/ not a payload"


def test_credentials_use_our_rest_channel_not_rasas():
    import yaml

    from bot import config

    credentials = yaml.safe_load((config.ROOT / "credentials.yml").read_text())
    assert "rest" not in credentials and "bot.channels.rest.RestInput" in credentials
