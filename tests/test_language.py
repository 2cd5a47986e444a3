"""Language detection on short, real-looking messages (tests/data/language_samples.yml, never tuned on
at training time): clear messages are recognized, ambiguous ones keep the conversation's language,
explicit requests switch, and the widget's browser language decides the first turn."""

from pathlib import Path

import pytest
import yaml

from bot.language import clear_language, decide, explicit_request, fold, normalize_code, undot, undot_text

SAMPLES = yaml.safe_load((Path(__file__).parent / "data" / "language_samples.yml").read_text(encoding="utf-8"))
OTHER = {"en": "es", "es": "en"}
# Measured: 1.00 (en) and 1.00 (es) on a first turn; room for a few new hard samples, not for a regression.
MIN_FIRST_TURN_ACCURACY = 0.98
# Switching *away* from the current language needs a clear message; a few very short ones ("help") keep it.
# Measured 0.993 (en) and 1.00 (es).
MIN_SWITCH_ACCURACY = 0.97


def accuracy(messages, expected, **context):
    wrong = [m for m in messages if decide(m, **context).lang != expected]
    return 1 - len(wrong) / len(messages), wrong


@pytest.mark.parametrize("lang", ["en", "es"])
def test_sample_sets_are_large_enough(lang):
    assert len(SAMPLES[lang]) >= 200


@pytest.mark.parametrize("lang", ["en", "es"])
def test_first_turn_accuracy(lang):
    score, wrong = accuracy(SAMPLES[lang], lang, first_turn=True)
    assert score >= MIN_FIRST_TURN_ACCURACY, wrong


@pytest.mark.parametrize("lang", ["en", "es"])
def test_same_language_conversation_never_flips(lang):
    score, wrong = accuracy(SAMPLES[lang], lang, current=lang)
    assert score == 1.0, wrong


@pytest.mark.parametrize("lang", ["en", "es"])
def test_clear_message_in_the_other_language_switches(lang):
    score, wrong = accuracy(SAMPLES[lang], lang, current=OTHER[lang])
    assert score >= MIN_SWITCH_ACCURACY, wrong


@pytest.mark.parametrize("current", ["en", "es"])
def test_neutral_messages_keep_the_language(current):
    changed = [m for m in SAMPLES["neutral"] if decide(m, current=current).lang != current]
    assert changed == []


@pytest.mark.parametrize("section,target", [("switch_to_es", "es"), ("switch_to_en", "en")])
def test_explicit_requests_switch(section, target):
    missed = [m for m in SAMPLES[section] if decide(m, current=OTHER[target]).lang != target]
    assert len(missed) <= 1, missed


def test_questions_that_merely_name_a_language_do_not_switch():
    assert explicit_request("Is there a dual language program in Spanish?") is None
    assert explicit_request("do they speak spanish at the school") is None
    assert explicit_request("my kid is still an english learner") is None
    assert decide("Is there a dual language program in Spanish?", current="en").lang == "en"


@pytest.mark.parametrize(
    "text",
    [
        "hola",
        "buenos días",
        "necesito ayuda",
        "que es gate",
        "mi hijo necesita tutoring",
        "el after school es gratis?",
        "como aplico al magnet",
    ],
)
def test_clearly_spanish_first_message_is_answered_in_spanish(text):
    assert decide(text, first_turn=True).lang == "es"


@pytest.mark.parametrize("text", ["ok", "GATE", "A-G", "no", "7", "👍", "", "   "])
def test_no_signal_defaults_to_english_and_keeps_spanish(text):
    assert decide(text, first_turn=True).lang == "en"
    assert decide(text, current="es").lang == "es"


def test_metadata_decides_the_first_turn_only():
    spanish = decide("hello", first_turn=True, metadata_lang="es")
    assert decide("hello", first_turn=True, metadata_lang="es-MX") == spanish
    assert decide("hello", first_turn=True, metadata_lang="es-MX").lang == "es"
    assert decide("ok", first_turn=True, metadata_lang="es").reason == "metadata"
    # later turns: a clear message wins over the browser language
    assert decide("what are magnet points", current="es", metadata_lang="es").lang == "en"


def test_explicit_request_beats_metadata():
    assert decide("English please", first_turn=True, metadata_lang="es").lang == "en"


def test_detection_is_deterministic():
    text = "quisiera saber sobre los programas despues de clases para mi hija"
    assert len({clear_language(text) for _ in range(20)}) == 1


def test_helpers():
    assert fold("¿Cuándo CIERRA la aplicación? Niño") == "¿cuando cierra la aplicacion? niño"
    assert normalize_code("ES_mx") == "es" and normalize_code("fr") is None and normalize_code(None) is None


@pytest.mark.parametrize("payload", ['/tool_choice{"tool_value": "unknown"}', "/affirm", "/ask_gate", "/deny"])
@pytest.mark.parametrize("current", ["en", "es"])
def test_a_tapped_button_keeps_the_conversation_language(payload, current):
    assert decide(payload, current=current).lang == current


def test_the_widgets_first_payload_follows_the_browser_language():
    assert decide("/greet", current="en", metadata_lang="es-MX", first_turn=True).lang == "es"
    assert decide("/greet", current="es", metadata_lang="en", first_turn=False).lang == "es"


@pytest.mark.parametrize(
    "word,expected",
    [("g.a.t.e.", "gate"), ("I.E.P", "IEP"), ("u.s.", "us"), ("gate", "gate"), ("st.", "st."), ("3.5", "3.5"),
     ("x.", "x."), ("e.l.l", "ell")],
)  # fmt: skip
def test_undot_writes_dotted_acronyms_without_dots(word, expected):
    assert undot(word) == expected


def test_undot_text_keeps_other_words():
    assert undot_text("what does g.a.t.e. mean, e.g. for 3.5 kids") == "what does gate mean, eg for 3.5 kids"
