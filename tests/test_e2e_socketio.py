"""A real python-socketio client against the running assistant: replies arrive with session persistence on
(the enter_room pitfall), session ids are the server's to issue, and other web sites are refused."""

import threading
import uuid

import pytest
import requests
import socketio

pytestmark = pytest.mark.e2e


class Widget:
    """One socket.io client, as the web widget would be."""

    def __init__(self, bot, headers=None):
        self.client = socketio.Client(reconnection=False)
        self.session_id, self.replies = None, []
        self.confirmed, self.replied = threading.Event(), threading.Event()
        self.client.on("session_confirm", self._on_confirm)
        self.client.on("bot_uttered", self._on_reply)
        self.client.connect(
            bot["url"], socketio_path="/socket.io", transports=["websocket"], wait_timeout=20, headers=headers or {}
        )

    def _on_confirm(self, session_id):
        self.session_id = session_id
        self.confirmed.set()

    def _on_reply(self, data):
        self.replies.append(data)
        self.replied.set()

    def start(self, session_id=None):
        self.confirmed.clear()
        self.client.emit("session_request", {"session_id": session_id})
        assert self.confirmed.wait(20), "no session_confirm"
        return self.session_id

    def say(self, text, language="en", session_id=None):
        self.replied.clear()
        self.client.emit(
            "user_uttered",
            {"message": text, "session_id": session_id or self.session_id, "customData": {"language": language}},
        )

    def texts(self):
        return " ".join(r.get("text", "") for r in self.replies)

    def close(self):
        self.client.disconnect()


@pytest.fixture
def widgets(running_bot):
    opened = []

    def open_widget(**kwargs):
        opened.append(Widget(running_bot, **kwargs))
        return opened[-1]

    yield open_widget
    for widget in opened:
        widget.close()


def test_socketio_client_receives_replies(widgets):
    widget = widgets()
    guessed = uuid.uuid4().hex
    session_id = widget.start(guessed)
    assert session_id != guessed  # the server, not the client, issues session ids
    widget.say("hola", language="es")
    assert widget.replied.wait(60), "no reply arrived over socket.io"
    assert "Soy Camino" in widget.replies[0].get("text", "")


def test_answers_carry_the_payload_as_custom(widgets):
    widget = widgets()
    widget.start()
    widget.say("how do magnet points work?")
    for _ in range(10):
        if any("custom" in r for r in widget.replies) or not widget.replied.wait(30):
            break
        widget.replied.clear()
    payloads = [r["custom"]["answer"] for r in widget.replies if "custom" in r]
    assert len(payloads) == 1 and payloads[0]["topic"] == "magnet_points" and payloads[0]["lang"] == "en"
    assert payloads[0]["sources"][0] in widget.texts()


def test_a_forged_session_id_gets_a_fresh_session_and_never_anothers_replies(widgets):
    victim, intruder = widgets(), widgets()
    victims_id = victim.start()
    nonce = victims_id.split(".")[0]
    for forged in (nonce, f"{nonce}.{'0' * 32}", victims_id.upper()):
        assert intruder.start(forged) not in (victims_id, forged)
    # The intruder names the victim's session in a message: it is answered in its own session.
    intruder.say("hola", language="es", session_id=victims_id)
    assert intruder.replied.wait(60) and "Soy Camino" in intruder.texts()
    intruder.replied.clear()
    victim.say("hello")
    assert victim.replied.wait(60) and "I'm Camino" in victim.texts()
    assert not intruder.replied.wait(3)
    assert "I'm Camino" not in intruder.texts() and "Soy Camino" not in victim.texts()


def test_a_signed_session_id_resumes_the_conversation(widgets):
    first = widgets()
    session_id = first.start()
    first.close()
    assert widgets().start(session_id) == session_id


def test_other_web_sites_are_refused_and_the_widget_page_is_allowed(running_bot):
    handshake = f"{running_bot['url']}/socket.io/?EIO=4&transport=polling"
    refused = requests.get(handshake, headers={"Origin": "http://evil.example"}, timeout=10)
    assert refused.status_code == 400 and "Access-Control-Allow-Origin" not in refused.headers
    with pytest.raises(socketio.exceptions.ConnectionError):
        Widget(running_bot, headers={"Origin": "http://evil.example"})
    port = running_bot["web_url"].rsplit(":", 1)[1]
    for origin in (running_bot["web_url"], f"http://localhost:{port}"):
        allowed = requests.get(handshake, headers={"Origin": origin}, timeout=10)
        assert allowed.status_code == 200
        assert allowed.raw.headers.getlist("Access-Control-Allow-Origin") == [origin]  # one, or browsers refuse


@pytest.mark.parametrize(
    "lang,replies,total",
    [
        (
            "es",
            [
                "calcular mis puntos de magnet",
                "1",
                "/deny",
                "/deny",
                '/tool_choice{"tool_value": "phbao"}',
                "/affirm",
                '/tool_choice{"tool_value": "on_time"}',
            ],
            11,
        ),
        ("en", ["how many points would my son have?", "0", "yes", "overcrowded", "no", "on time"], 16),
    ],
)
def test_the_points_estimator_over_socketio(widgets, lang, replies, total):
    """The widget's channel: the same tool flow, buttons tapped as payloads, the result with its tool payload."""
    import time

    widget = widgets()
    widget.start()
    for reply in replies:
        before = len(widget.replies)
        widget.say(reply, language=lang)
        deadline = time.monotonic() + 60
        while len(widget.replies) == before and time.monotonic() < deadline:
            widget.replied.wait(1)
        assert len(widget.replies) > before, f"no reply to {reply!r}"
        time.sleep(0.5)  # the rest of the turn's messages
    tools = [r["custom"]["tool"] for r in widget.replies if isinstance(r.get("custom"), dict) and "tool" in r["custom"]]
    assert [(t["name"], t["lang"], t["result"]["total"]) for t in tools] == [("magnet_points", lang, total)]
