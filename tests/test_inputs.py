"""bot.inputs.for_nlu, every channel's one entry point: personal data redacted, odd input made safe,
metadata reduced to the language (issue #10)."""

import json

import pytest

from bot import logs
from bot.inputs import BAD_INPUT, MAX_TEXT_CHARS, channel_metadata, clean_text, for_nlu, payload

PLANTED = ["(213) 555-0147", "ana.lopez@example.com", "123456789", "1234 W Olympic Blvd"]


def test_personal_data_never_reaches_the_nlu():
    text = for_nlu("my phone is (213) 555-0147, email ana.lopez@example.com, student id 123456789, 1234 W Olympic Blvd")
    assert not any(value in text for value in PLANTED), text
    assert "[phone]" in text and "[email]" in text and "[address]" in text


def test_zip_codes_and_years_stay():
    assert for_nlu("options for 90011 in 2025-26") == "options for 90011 in 2025-26"


def test_payload_entity_values_are_redacted_too():
    text = for_nlu('/tool_choice{"tool_value": "call 213-555-0147"}')
    assert "555-0147" not in text and json.loads(text[len("/tool_choice") :]) == {"tool_value": "call [phone]"}


def test_lone_surrogates_and_control_characters_are_replaced():
    assert "\ud800" not in clean_text("hola \ud800 \udfff")
    clean_text("hola \ud800").encode("utf-8")  # storable and sendable
    assert for_nlu("\ud800") == BAD_INPUT and for_nlu("\udfff\udfff") == BAD_INPUT


@pytest.mark.parametrize(
    "typed,expected",
    [
        ('/ask_gate{"school": {"a": 1}}', "/ask_gate"),  # a dict entity: dropped
        ('/ask_gate{"school": ["x"]}', "/ask_gate"),
        ('/ask_gate{"school": true}', "/ask_gate"),
        ('/ask_gate{"nope": "x"}', "/ask_gate"),  # not an entity of the domain
        ('/ask_gate{"school": "x", oops}', "/ask_gate"),  # not JSON: no entities
        ("/ask_gate{not closed", "ask_gate{not closed"),  # not a payload: ordinary text
        ('/ask_gate{"school": "' + "x" * 500 + '"}', "/ask_gate"),
        ('/ask_gate{"school": "Dorsey"}', '/ask_gate{"school": "Dorsey"}'),
        ('/ask_gate{"grade": 5}', '/ask_gate{"grade": 5}'),
        ('/tool_choice{"value": "late"}', '/tool_choice{"value": "late"}'),  # the tools' buttons
        ('/tool_choice{"value": {"$gt": ""}}', "/tool_choice"),
        ('/ask_gate{"grade": NaN}', "/ask_gate"),
        ("/ask_gate" + "{" * 5000 + "}" * 5000, None),  # deep JSON: cut to MAX_TEXT_CHARS, still safe
    ],
)
def test_typed_payloads_keep_only_what_the_bot_can_use(typed, expected):
    text = for_nlu(typed)
    if expected is not None:
        assert text == expected
    assert len(text) <= MAX_TEXT_CHARS


def test_payloads_of_unknown_intents_are_ordinary_text():
    assert payload("/no_such_intent") is None
    assert for_nlu("/no_such_intent") == "no_such_intent"
    assert for_nlu('/session_start{"x": 1}').startswith("session_start")
    assert for_nlu("/ask_gate") == "/ask_gate"


@pytest.mark.parametrize(
    "raw,expected",
    [
        ({"language": "es-MX"}, {"language": "es"}),
        ({"language": "EN"}, {"language": "en"}),
        ({"language": "x" * 100_000}, {}),
        ({"language": "fr"}, {}),
        ({"language": {"a": 1}}, {}),
        ({"other": "es"}, {}),
        ("es", {}),
        (None, {}),
    ],
)
def test_metadata_is_reduced_to_a_language_we_serve(raw, expected):
    assert channel_metadata(raw) == expected


def test_what_a_channel_received_is_remembered_for_the_log_filter():
    logs.forget_all()
    for_nlu("a question nobody else would write")
    assert logs.scrub("Parsed 'a question nobody else would write'") == "Parsed '[text]'"


def test_structures_are_not_messages():
    deep: list = []
    for _ in range(100_000):
        deep = [deep]
    assert for_nlu(deep) == BAD_INPUT and for_nlu({"a": 1}) == BAD_INPUT and for_nlu(True) == BAD_INPUT
    assert for_nlu(12345) == "12345"
