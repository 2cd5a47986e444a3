"""Two-turn conversations end to end (REST, trained model, action server): an under-specified follow-up is
answered on the topic just answered; a message that names another topic moves to it; an out-of-scope
message after an answer gets no answer. The conversations are in tests/data/followups.yml (written by us)."""

import uuid
from pathlib import Path

import pytest
import yaml
from test_e2e_rest import answer_payloads, say

pytestmark = pytest.mark.e2e

CONVERSATIONS = yaml.safe_load((Path(__file__).parent / "data" / "followups.yml").read_text(encoding="utf-8"))[
    "conversations"
]


def test_the_set_has_enough_conversations_in_both_languages():
    langs = [c["lang"] for c in CONVERSATIONS]
    assert len(CONVERSATIONS) >= 40 and langs.count("en") >= 20 and langs.count("es") >= 20


@pytest.mark.parametrize("conversation", CONVERSATIONS, ids=lambda c: f"{c['kind']}-{c['lang']}-{c['second'][:30]}")
def test_second_turn_is_read_in_context(running_bot, conversation):
    sender = f"test-{uuid.uuid4().hex}"
    first = answer_payloads(say(running_bot, conversation["first"], sender))
    second = answer_payloads(say(running_bot, conversation["second"], sender))
    expected = conversation["topic"]
    got = [(p["topic"], p["lang"]) for p in second]
    assert got == ([(expected, conversation["lang"])] if expected else []), (first, second)
