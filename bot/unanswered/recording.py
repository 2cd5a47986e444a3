"""Recording an unanswered question without touching the reply: the text is redacted at once, then one
background thread writes it through a bounded queue. A store that is down, slow or full costs a log line
(no text) and the question, never the family's reply or its time.

The likely topic is what the action already knows (the "did you mean" topics, the intent's topic, the
topic just answered), else the classifier's top topic intent, else the knowledge search's best topic
(likely_topic, under a millisecond, in the action with the knowledge base it holds). An out-of-scope
question gets none: the search matches a word of almost anything, and such a question has no topic.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.dialogue import TOPIC_INTENT_PREFIX
from bot.unanswered.store import KINDS, UnansweredStore, clean_text

if TYPE_CHECKING:
    from bot.knowledge.base import KnowledgeBase

logger = logging.getLogger(__name__)

MAX_PENDING = 500  # questions waiting for the store; past that they are dropped (one log line each)
REPHRASE_WINDOW_S = 180.0  # "that's not it" this soon after an answer says the answer missed
ANSWER_ACTIONS = frozenset({"action_answer_question", "action_find_school"})


def classifier_topic(intent_ranking: Iterable[Mapping[str, Any]], topics: Iterable[str]) -> str | None:
    """The topic of the classifier's highest-ranked topic intent, however unsure, or None."""
    known = set(topics)
    for item in intent_ranking:
        name = str(item.get("name") or "")
        if name.startswith(TOPIC_INTENT_PREFIX) and name[len(TOPIC_INTENT_PREFIX) :] in known:
            return name[len(TOPIC_INTENT_PREFIX) :]
    return None


def likely_topic(kb: KnowledgeBase, text: str, intent_ranking: Iterable[Mapping[str, Any]] = ()) -> str | None:
    """The classifier's top topic, else the topic of the knowledge search's best match, else None."""
    topic = classifier_topic(intent_ranking, kb.topics)
    if topic is None and text.strip():
        hits = kb.search(text, limit=1)
        topic = hits[0].entry.topic if hits else None
    return topic


class Recorder:
    """Takes questions on the reply path (never blocks) and writes them in its own thread."""

    def __init__(self, store: UnansweredStore | None = None, max_pending: int = MAX_PENDING) -> None:
        self._store = store
        self._queue: queue.Queue[tuple[str, str, str, str | None, datetime]] = queue.Queue(max_pending)
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def store(self) -> UnansweredStore:
        if self._store is None:
            self._store = UnansweredStore()
        return self._store

    def record(self, text: str, lang: str, kind: str, topic: str | None = None) -> bool:
        """Queue one question; False when it was not kept (no text, or too many waiting)."""
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}")
        cleaned = clean_text(text)  # nothing unredacted waits in memory either
        if not cleaned:
            return False
        try:
            self._queue.put_nowait((cleaned, lang, kind, topic, datetime.utcnow()))
        except queue.Full:
            logger.warning("unanswered question not kept: %d already waiting for the store", self._queue.qsize())
            return False
        self._start()
        return True

    def wait(self, timeout: float = 5.0) -> bool:
        """True once every queued question has been written (or given up on): for tests and shutdown."""
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    def _start(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="unanswered-writer", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            text, lang, kind, topic, asked_at = self._queue.get()
            try:
                self._write(text, lang, kind, topic, asked_at)
            finally:
                self._queue.task_done()

    def _write(self, text: str, lang: str, kind: str, topic: str | None, asked_at: datetime) -> None:
        try:
            self.store.add(text, lang, kind, topic, asked_at)
        except Exception as error:
            logger.warning("unanswered question not stored: %s", type(error).__name__)
        else:
            logger.info("unanswered question stored kind=%s topic=%s lang=%s", kind, topic, lang)


_default: Recorder | None = None
_default_lock = threading.Lock()


def get_recorder() -> Recorder:
    """The process's recorder over the configured store, made on first use."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Recorder()
        return _default


def rephrased_question(events: Iterable[Mapping[str, Any]], window_s: float = REPHRASE_WINDOW_S) -> str | None:
    """The question just answered, when the latest user message ("no, that's not it") came right after that
    answer (no other turn between, within `window_s` when the events carry times); else None."""
    events = list(events)
    users = [i for i, event in enumerate(events) if event.get("event") == "user"]
    if len(users) < 2:
        return None
    previous, latest = users[-2], users[-1]
    between = events[previous + 1 : latest]
    actions = [e.get("name") for e in between if e.get("event") == "action" and e.get("name") != "action_listen"]
    if not actions or actions[-1] not in ANSWER_ACTIONS:
        return None
    replied = [float(e["timestamp"]) for e in between if e.get("event") == "bot" and e.get("timestamp")]
    said = events[latest].get("timestamp")
    if replied and said and float(said) - replied[-1] > window_s:
        return None
    text = events[previous].get("text")
    return str(text) if text else None
