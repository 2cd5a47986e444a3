"""The knowledge base as the bot sees it: topics, entries and search, loaded once per process."""

from __future__ import annotations

import logging
import threading

from bot import config
from bot.knowledge import store
from bot.knowledge.catalog import Catalog
from bot.knowledge.files import Entry, Knowledge, Topic, load_knowledge
from bot.knowledge.search import EntryIndex, Hit

logger = logging.getLogger(__name__)

# Below this BM25 score a sub-question match is too weak to beat the topic's overview entry.
ENTRY_MATCH_MIN_SCORE = 2.0


class KnowledgeBase:
    def __init__(self, knowledge: Knowledge):
        self.topics: dict[str, Topic] = knowledge.topics
        self.schools = knowledge.schools
        self.index = EntryIndex(knowledge.entries)
        self.catalog = Catalog(knowledge.schools.values())

    def topic(self, topic_id: str) -> Topic | None:
        return self.topics.get(topic_id)

    def entry_for(self, topic_id: str, text: str) -> Entry | None:
        """The entry of `topic_id` that best answers `text`: a matching sub-question, else the overview."""
        topic = self.topics.get(topic_id)
        if topic is None or not topic.entries:
            return None
        hits = self.index.search(text or "", limit=1, topic=topic_id)
        if hits and hits[0].score >= ENTRY_MATCH_MIN_SCORE:
            return hits[0].entry
        return topic.entries[0]

    def search(self, text: str, limit: int = 5) -> list[Hit]:
        return self.index.search(text, limit=limit)


def build_store(url: str | None = None) -> tuple[Knowledge, dict[str, int]]:
    """Validate the files and write them to the store; refuses to write when a file has problems."""
    knowledge = load_knowledge(config.knowledge_dir())
    if knowledge.problems:
        return knowledge, {}
    return knowledge, store.build(knowledge, url or config.database_url())


_lock = threading.Lock()
_cached: KnowledgeBase | None = None


def get_kb() -> KnowledgeBase:
    """The process-wide knowledge base, read from the store on first use (built from files if empty)."""
    global _cached
    with _lock:
        if _cached is None:
            url = config.database_url()
            knowledge = store.load(url)
            if knowledge is None or not knowledge.topics:
                logger.info("knowledge store is empty; building it from the files")
                knowledge, _ = build_store(url)
                if knowledge.problems:
                    logger.error("knowledge files have %d problems; run `camino kb validate`", len(knowledge.problems))
            _cached = KnowledgeBase(knowledge)
        return _cached


def reset_cache() -> None:
    global _cached
    with _lock:
        _cached = None
