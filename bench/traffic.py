"""Conversations for the benches (load.py, faults.py): REST, signed Twilio and socket.io clients through the
proxy, each turn classified as answered, polite (the try-again text), error (HTTP error, exception) or
silence (200 with nothing in it, or no socket.io reply), and the check of PostgreSQL's events afterwards.
Traffic goes to 127.0.0.1 only; every loop is bounded in count and time."""

from __future__ import annotations

import contextlib
import threading
import time
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import requests
import socketio
from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parent.parent

from bot.channels.guard import UNAVAILABLE  # noqa: E402
from bot.channels.sms.inbound import parse_sender  # noqa: E402
from bot.channels.sms.texts import say as sms_say  # noqa: E402

TURNS = {
    "en": ["hello", "how do magnet points work?", "what is GATE?", "how do I apply to a magnet school?"],
    "es": ["hola", "¿cuántos puntos da un hermano?", "¿qué es GATE?", "¿cómo solicito una escuela magnet?"],
}
# "try again" texts, and SMS's "that took too long, write again" (not an answer either)
POLITE = set(UNAVAILABLE.values()) | {sms_say(key, lang) for key in ("error", "slow") for lang in ("en", "es")}
REPLY_TIMEOUT = 60.0


@dataclass
class Turn:
    channel: str
    lang: str
    text: str
    started: float
    seconds: float
    outcome: str  # answered | polite | error | silence
    upstream: str = ""


@dataclass
class Conversation:
    channel: str
    lang: str
    sender_id: str = ""  # as the tracker store names it
    turns: list[Turn] = field(default_factory=list)


def _outcome(texts: list[str]) -> str:
    joined = " ".join(t for t in texts if t)
    if not joined.strip():
        return "silence"
    return "polite" if any(p in joined for p in POLITE) else "answered"


class RestClient:
    def __init__(self, url: str, lang: str):
        self.url, self.lang = url, lang
        self.name = f"load-{uuid.uuid4().hex[:10]}"
        self.conversation = Conversation("rest", lang, f"rest:{self.name}")

    def ask(self, text: str) -> Turn:
        start = time.time()
        try:
            reply = requests.post(
                self.url + "/webhooks/rest/webhook",
                json={"sender": self.name, "message": text, "metadata": {"language": self.lang}},
                timeout=REPLY_TIMEOUT,
            )
            outcome = _outcome([m.get("text") or "" for m in reply.json()]) if reply.ok else "error"
        except (requests.RequestException, ValueError):
            outcome = "error"
        return Turn("rest", self.lang, text, start, time.time() - start, outcome)

    def close(self) -> None:
        pass


class TwilioClient:
    PATH = "/webhooks/twilio/webhook"

    def __init__(self, url: str, lang: str, token: str, public_base: str, secret: bytes):
        self.url, self.lang, self.token, self.public_base = url, lang, token, public_base
        self.number = f"+1310555{uuid.uuid4().int % 10000:04d}"
        sender = parse_sender(self.number, secret)
        assert sender is not None
        self.conversation = Conversation("twilio", lang, sender.sender_id)

    def ask(self, text: str) -> Turn:
        form = {"From": self.number, "To": "+12135550100", "Body": text, "MessageSid": f"SM{uuid.uuid4().hex}"}
        signature = RequestValidator(self.token).compute_signature(self.public_base + self.PATH, form)
        start = time.time()
        try:
            reply = requests.post(
                self.url + self.PATH, data=form, headers={"X-Twilio-Signature": signature}, timeout=REPLY_TIMEOUT
            )
            if reply.ok:
                messages = [m.text or "" for m in ET.fromstring(reply.text).iter("Message")]
                outcome = _outcome(messages)
            else:
                outcome = "error"
        except (requests.RequestException, ET.ParseError):
            outcome = "error"
        return Turn("twilio", self.lang, text, start, time.time() - start, outcome)

    def close(self) -> None:
        pass


class SocketClient:
    """A widget: websocket (or polling, through nginx's sticky route cookie), one session. Like the widget's
    socket.io client, it notices at once when its connection drops (a turn waiting then is a silence:
    nobody answered it) and reconnect() resumes the same signed session, possibly on another replica."""

    def __init__(self, url: str, lang: str, transports: list[str]):
        self.url, self.lang, self.transports = url, lang, transports
        self.replies: list[str] = []
        self.confirmed, self.replied = threading.Event(), threading.Event()
        self.session_id = ""
        self.dropped = False
        self._connect(None)
        self.conversation = Conversation("socketio", lang, self.session_id)

    def _connect(self, session_id: str | None) -> None:
        self.http = requests.Session()
        self.client = socketio.Client(reconnection=False, http_session=self.http)
        self.client.on("session_confirm", self._confirm)
        self.client.on("bot_uttered", self._reply)
        self.client.on("disconnect", self._drop)
        self.confirmed.clear()
        self.client.connect(self.url, socketio_path="/socket.io", transports=self.transports, wait_timeout=30)
        self.dropped = False
        self.client.emit("session_request", {"session_id": session_id})
        if not self.confirmed.wait(30):
            raise RuntimeError("no session_confirm")

    def reconnect(self) -> None:
        """A fresh connection in the same session (the handlers stay this object's)."""
        self.close()
        self._connect(self.session_id)

    def _confirm(self, session_id):
        self.session_id = session_id
        self.confirmed.set()

    def _reply(self, data):
        self.replies.append((data or {}).get("text") or "")
        self.replied.set()

    def _drop(self, *args):
        self.dropped = True
        self.replied.set()  # a turn waiting on this socket will get no answer

    def ask(self, text: str) -> Turn:
        self.replies.clear()
        self.replied.clear()
        start = time.time()
        try:
            if self.dropped:
                raise ConnectionError("the socket is closed")
            self.client.emit("user_uttered", {"message": text, "customData": {"language": self.lang}})
            got = self.replied.wait(REPLY_TIMEOUT) and bool(self.replies)
            time.sleep(0.3)  # the rest of the turn's messages
            outcome = _outcome(list(self.replies)) if got else "silence"
        except Exception:
            outcome = "error"
        seconds = time.time() - start - (0.3 if self.replied.is_set() else 0)
        return Turn("socketio", self.lang, text, start, seconds, outcome)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.client.disconnect()


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def stored_user_texts(cluster, sender_ids: list[str]) -> dict[str, list[tuple[int, float, str]]]:
    """sender id -> its user events (id, timestamp, text) in id order, from PostgreSQL."""
    conn = cluster.db()
    try:
        with conn.cursor() as cursor:
            cursor.execute(
                "SELECT sender_id, id, timestamp, data::json->>'text' FROM events "
                "WHERE type_name = 'user' AND sender_id = ANY(%s) ORDER BY sender_id, id",
                (sender_ids,),
            )
            rows: dict[str, list[tuple[int, float, str]]] = {s: [] for s in sender_ids}
            for sender, event_id, stamp, text in cursor.fetchall():
                rows[sender].append((event_id, stamp, text))
            return rows
    finally:
        conn.close()


def check_events(cluster, conversations: list[Conversation]) -> dict[str, int]:
    """Compares what each conversation was answered with what PostgreSQL holds.

    lost: an answered turn with no user event; duplicated: a turn stored more than once; out_of_order: a
    conversation whose stored turns are not in the order sent; extra: stored turns that got no answer
    (a polite or failed turn that still left an event)."""
    stored = stored_user_texts(cluster, [c.sender_id for c in conversations])
    PROBLEMS.clear()
    figures = {"conversations": len(conversations), "complete": 0, "lost": 0, "duplicated": 0, "out_of_order": 0}
    figures["extra"] = 0
    for conversation in conversations:
        events = stored[conversation.sender_id]
        texts = [text for _, _, text in events]
        answered = [t.text for t in conversation.turns if t.outcome == "answered"]
        ids = [e[0] for e in events]
        stamps = [e[1] for e in events]
        for text in set(answered) | set(texts):
            sent_answered, kept = answered.count(text), texts.count(text)
            sent = sum(1 for t in conversation.turns if t.text == text)
            figures["lost"] += max(0, sent_answered - kept)
            figures["duplicated"] += max(0, kept - sent)
            figures["extra"] += max(0, min(kept, sent) - sent_answered)
        sent_order = [t.text for t in conversation.turns]
        in_order = ids == sorted(ids) and stamps == sorted(stamps) and _is_subsequence(texts, sent_order)
        figures["out_of_order"] += 0 if in_order else 1
        if texts == answered and in_order:
            figures["complete"] += 1
        elif len(PROBLEMS) < 6:
            PROBLEMS.append(f"{conversation.channel} {conversation.lang}: answered {answered}, stored {texts}")
    return figures


PROBLEMS: list[str] = []  # a few incomplete conversations, for the report


def _is_subsequence(items: list[str], sequence: list[str]) -> bool:
    iterator = iter(sequence)
    return all(any(item == candidate for candidate in iterator) for item in items)
