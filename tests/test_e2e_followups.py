"""Two-turn conversations end to end (REST, trained model, action server): an under-specified follow-up is
answered on the topic just answered; a message that names another topic moves to it; an out-of-scope
message after an answer gets no answer. The conversations are in tests/data/followups.yml (written by us).

Leaving the old topic when the family asks about another one must always work (a stuck topic is a confident
wrong answer). Staying on it is measured: with the model of this branch 21/25 English and 15/20 Spanish
follow-ups stayed (bench/context_eval.py gives the same figures offline); STAY_FLOOR guards against losing
that."""

import uuid
from pathlib import Path

import pytest
import yaml
from test_e2e_rest import answer_payloads, say

pytestmark = pytest.mark.e2e

CONVERSATIONS = yaml.safe_load((Path(__file__).parent / "data" / "followups.yml").read_text(encoding="utf-8"))[
    "conversations"
]
STAY_FLOOR = 0.7


def second_reply(bot, conversation):
    sender = f"test-{uuid.uuid4().hex}"
    say(bot, conversation["first"], sender)
    return [(p["topic"], p["lang"]) for p in answer_payloads(say(bot, conversation["second"], sender))]


def expected(conversation):
    return [(conversation["topic"], conversation["lang"])] if conversation["topic"] else []


def test_the_set_has_enough_conversations_in_both_languages():
    langs = [c["lang"] for c in CONVERSATIONS]
    assert len(CONVERSATIONS) >= 40 and langs.count("en") >= 20 and langs.count("es") >= 20


@pytest.mark.parametrize(
    "conversation",
    [c for c in CONVERSATIONS if c["kind"] == "switch"],
    ids=lambda c: f"{c['lang']}-{c['second'][:30]}",
)
def test_naming_another_topic_leaves_the_last_one(running_bot, conversation):
    assert second_reply(running_bot, conversation) == expected(conversation)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_under_specified_follow_ups_stay_on_the_last_topic(running_bot, lang):
    stays = [c for c in CONVERSATIONS if c["kind"] == "stay" and c["lang"] == lang]
    misses = [(c["first"], c["second"], got) for c in stays if (got := second_reply(running_bot, c)) != expected(c)]
    assert len(stays) - len(misses) >= STAY_FLOOR * len(stays), misses
