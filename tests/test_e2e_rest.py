"""End to end over the REST channel: trained model, action server, knowledge store, answer contract."""

import uuid

import pytest
import requests

pytestmark = pytest.mark.e2e


def say(bot, text, sender=None, metadata=None):
    body = {"sender": sender or f"test-{uuid.uuid4().hex}", "message": text}
    if metadata is not None:
        body["metadata"] = metadata
    reply = requests.post(f"{bot['url']}/webhooks/rest/webhook", json=body, timeout=60)
    assert reply.status_code == 200, reply.text
    return reply.json()


def texts(messages):
    return " ".join(m.get("text", "") for m in messages)


def answer_payloads(messages):
    return [m["custom"]["answer"] for m in messages if isinstance(m.get("custom"), dict) and "answer" in m["custom"]]


def test_hello_in_english(running_bot):
    messages = say(running_bot, "hello")
    assert "I'm Camino" in texts(messages) and answer_payloads(messages) == []


def test_hola_in_spanish(running_bot):
    messages = say(running_bot, "hola")
    assert "Soy Camino" in texts(messages) and answer_payloads(messages) == []


@pytest.mark.parametrize(
    "lang,question",
    [
        ("en", "how do magnet points work?"),
        ("en", "how many points does a sibling give for magnet?"),
        ("es", "¿cómo funcionan los puntos de magnet?"),
        ("es", "cuantos puntos da tener un hermano en la magnet"),
    ],
)
def test_magnet_points_answer_with_the_payload(running_bot, lang, question):
    messages = say(running_bot, question)
    payloads = answer_payloads(messages)
    assert len(payloads) == 1, messages
    answer = payloads[0]
    assert answer["topic"] == "magnet_points" and answer["lang"] == lang
    assert answer["sources"] and all(s.startswith("http") for s in answer["sources"])
    assert len(answer["as_of"]) == 7 and answer["as_of"][4] == "-"
    assert answer["sources"][0] in texts(messages)


def test_every_topic_is_answered_in_both_languages(running_bot, kb, topic_ids):
    wrong = []
    for topic_id in topic_ids:
        overview = kb.topics[topic_id].entries[0]
        for lang in ("en", "es"):
            question = overview.questions[lang][0]
            payloads = answer_payloads(say(running_bot, question))
            got = [(p["topic"], p["lang"]) for p in payloads]
            if got != [(topic_id, lang)]:
                wrong.append((question, topic_id, lang, got))
    assert wrong == []


def test_conversation_language_is_sticky_and_switches_on_request(running_bot):
    sender = f"test-{uuid.uuid4().hex}"
    assert "Soy Camino" in texts(say(running_bot, "buenos días", sender))
    payloads = answer_payloads(say(running_bot, "GATE", sender))
    assert all(p["lang"] == "es" for p in payloads)
    switched = say(running_bot, "English please", sender)
    assert "English" in texts(switched)
    payloads = answer_payloads(say(running_bot, "what are magnet points", sender))
    assert payloads and payloads[0]["lang"] == "en"


def test_browser_language_decides_the_first_turn(running_bot):
    messages = say(running_bot, "hi", metadata={"language": "es-MX"})
    assert "Soy Camino" in texts(messages)


@pytest.mark.parametrize(
    "text,marker", [("what's the weather tomorrow", "can't help"), ("¿va a llover mañana?", "no le puedo ayudar")]
)
def test_out_of_scope_is_honest_and_has_no_payload(running_bot, text, marker):
    messages = say(running_bot, text)
    assert marker in texts(messages) and answer_payloads(messages) == []


@pytest.mark.parametrize(
    "text,lang", [("I want to talk to a real person", "en"), ("quiero hablar con una persona", "es")]
)
def test_human_contact_comes_from_the_knowledge_base(running_bot, text, lang):
    messages = say(running_bot, text)
    assert "(213) 241-4177" in texts(messages)
    assert [(p["topic"], p["lang"]) for p in answer_payloads(messages)] == [("contact_help", lang)]


def test_help_menu_has_topic_buttons(running_bot, topic_ids):
    messages = say(running_bot, "ayuda")
    buttons = [b for m in messages for b in m.get("buttons", [])]
    from bot.tools.labels import TOOLS

    assert len(buttons) == len(topic_ids) + len(TOOLS) and "temas" in texts(messages)


@pytest.mark.parametrize("text", ["", "???", "\x00\x01"])
def test_unreadable_input_gets_a_polite_reply_in_the_conversation_language(running_bot, text):
    sender = f"test-{uuid.uuid4().hex}"
    say(running_bot, "buenas tardes", sender)
    assert "no pude leer" in texts(say(running_bot, text, sender))


def test_unclear_message_offers_did_you_mean_or_asks_again(running_bot):
    messages = say(running_bot, "asdf jkl qwerty zxcv")
    assert answer_payloads(messages) == [] and texts(messages)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "🙂🙂🙂",
        "x" * 20000,
        "\x00\x01\x02",
        "'; DROP TABLE events; --",
        "<script>alert(1)</script>",
        "{{7*7}} ${jndi:ldap://x}",
    ],
)
def test_bad_input_gets_a_reply_never_an_error(running_bot, text):
    sender = f"test-{uuid.uuid4().hex}"
    say(running_bot, "hola", sender)
    messages = say(running_bot, text, sender)
    assert texts(messages).strip() and answer_payloads(messages) == []
    # the conversation still works, in its language
    assert "Soy Camino" in texts(say(running_bot, "hola", sender))


def test_rest_cannot_impersonate_another_channel(running_bot):
    """A REST caller naming an SMS user's id or another channel lands in its own rest: conversation."""
    victim = f"sms:{uuid.uuid4().hex}"
    reply = requests.post(
        f"{running_bot['url']}/webhooks/rest/webhook",
        json={
            "sender": victim,
            "message": "hola",
            "input_channel": "twilio",
            "metadata": {"language": "es", "channel": "sms"},
        },
        timeout=60,
    ).json()
    assert reply and all(m["recipient_id"] == f"rest:{victim}" for m in reply)


@pytest.mark.parametrize("body", ['["not", "a", "dict"]', "not json", '{"sender": "x"}', '{"message": 12345}'])
def test_malformed_rest_bodies_never_500(running_bot, body):
    reply = requests.post(
        f"{running_bot['url']}/webhooks/rest/webhook",
        data=body,
        headers={"Content-Type": "application/json"},
        timeout=60,
    )
    assert reply.status_code < 500


@pytest.mark.parametrize(
    "text,marker,topic",
    [
        (
            "Is Aldama Elementary a community school?",
            "Aldama Elementary School is a community school",
            "community_schools",
        ),
        ("¿Monroe High es escuela comunitaria?", "Monroe High School es una escuela comunitaria", "community_schools"),
        (
            "is jefferson high a community school",
            "Thomas Jefferson High School is a community school",
            "community_schools",
        ),
        (
            "does Hillcrest Drive have a magnet?",
            "I don't have Hillcrest Drive Elementary School listed as a magnet",
            "magnet_programs",
        ),
    ],
)
def test_questions_naming_a_school_are_answered_about_it(running_bot, text, marker, topic):
    messages = say(running_bot, text)
    assert marker in texts(messages), texts(messages)
    assert [p["topic"] for p in answer_payloads(messages)] == [topic]
