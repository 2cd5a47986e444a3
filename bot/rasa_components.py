"""Custom Rasa NLU components (kept tiny: the logic they call lives in plain modules)."""

from __future__ import annotations

import json
import logging
import pickle
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.core.events import SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, METADATA, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.language import fold, language_change, undot

logger = logging.getLogger(__name__)

LANGUAGE_ENTITY = "language"  # the `language` slot maps from it (domain.yml)
ROUTING_KEY = "routing"  # the parse result's record of what the router combined
LEXICAL_KEY = "lexical_ranking"  # LexicalIntentClassifier's ranking, for RetrievalRouter (not in the output)
LEXICAL_RANKING_LENGTH = 10  # as DIET's ranking: the rest carries no weight, and the parse record stays small
RETRIEVAL_HITS = 30  # entries retrieval scores per message (the best per topic counts)
INTENT_PREFIX = "/"  # button payloads and the widget's init payload: "/greet", '/tool_choice{"tool_value": "2"}'


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER], is_trainable=False)
class FoldingTokenizer(WhitespaceTokenizer):
    """Whitespace tokens, lower-cased with accents folded: "aplicación" and "aplicacion" are one feature;
    dotted acronyms without their dots ("g.a.t.e" is "gate").

    Parents often type Spanish without accents; offsets stay those of the original text, so entity
    extraction is unaffected.
    """

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        tokens = super().tokenize(message, attribute)
        for token in tokens:
            token.text = undot(fold(token.text))
        return tokens


def first_turn(tracker: DialogueStateTracker | None) -> bool:
    """True when the message being parsed is its session's first: Rasa has already started the session
    (action_session_start) but not yet logged this message, so no user message follows the session start."""
    if tracker is None:
        return True
    for event in reversed(tracker.events):
        if isinstance(event, SessionStarted):
            return True
        if isinstance(event, UserUttered):
            return False
    return True


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class LanguageDecider(GraphComponent):
    """The conversation's language, decided inside Rasa (no action-server round trip per message).

    Emits a `language` entity only when bot.language says this message sets or changes the language (an
    explicit request, text clearly in the other language, or the browser language on a session's first
    turn); the `language` slot maps from that entity and otherwise keeps its value. The entities DIET
    predicts under that name are dropped, so bot.language alone decides.

    Button payloads ("/intent…") never change the language. On a session's first turn, the browser
    language of a payload's metadata (the widget's "/greet") still sets it: Rasa's RegexMessageHandler
    keeps only the entities a payload spells out, so the entity is written into the payload.
    """

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LanguageDecider:
        return cls()

    def process(self, messages: list[Message], tracker: DialogueStateTracker | None = None) -> list[Message]:
        first = first_turn(tracker)
        current = tracker.get_slot(LANGUAGE_ENTITY) if tracker is not None else None
        for message in messages:
            self._decide(message, current, first)
        return messages

    def _decide(self, message: Message, current: object, first: bool) -> None:
        text = message.get(TEXT) or ""
        metadata = message.get(METADATA) or {}
        metadata_lang = metadata.get("language") if isinstance(metadata, dict) else None
        entities = [e for e in message.get(ENTITIES, []) if e.get("entity") != LANGUAGE_ENTITY]
        is_payload = text.lstrip().startswith(INTENT_PREFIX)
        decision = language_change(text, current, metadata_lang, first, payload=is_payload)
        if decision:  # never log the message text: families type phone numbers and student ids
            logger.info("language=%s reason=%s", decision.lang, decision.reason)
        if decision and is_payload:
            message.set(TEXT, _with_payload_entity(text, LANGUAGE_ENTITY, decision.lang), add_to_output=True)
        elif decision:
            entities.append(
                {
                    "entity": LANGUAGE_ENTITY,
                    "value": decision.lang,
                    "start": 0,
                    "end": 0,
                    "extractor": type(self).__name__,
                }
            )
        message.set(ENTITIES, entities, add_to_output=True)


def _with_payload_entity(payload: str, entity: str, value: str) -> str:
    """'/greet' -> '/greet{"language": "es"}' (an existing entity dictionary is kept and extended)."""
    payload = payload.strip()
    brace = payload.find("{")
    if brace < 0:
        return f"{payload}{json.dumps({entity: value})}"
    try:
        values = json.loads(payload[brace:])
    except ValueError:
        return payload
    if not isinstance(values, dict):
        return payload
    values.setdefault(entity, value)  # a payload that names the language itself keeps it
    return f"{payload[:brace]}{json.dumps(values, ensure_ascii=False)}"


class StoredComponent(GraphComponent):
    """A trainable component whose learned state is one file in the model archive; a model without the file
    (trained before the component existed) loads with an empty state and a warning, never a crash."""

    FILE = ""
    MISSING = ""  # the warning logged when the model has no such file

    def __init__(
        self, model_storage: ModelStorage, resource: Resource, state: Any = None, config: dict | None = None
    ) -> None:
        self._model_storage = model_storage
        self._resource = resource
        self.config = dict(config or {})
        self.state = state if state is not None else self.empty()

    @classmethod
    def empty(cls) -> Any:
        raise NotImplementedError

    @classmethod
    def decode(cls, data: bytes) -> Any:
        raise NotImplementedError

    def encode(self) -> bytes:
        raise NotImplementedError

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> StoredComponent:
        return cls(model_storage, resource, config=config)

    def store(self, state: Any) -> Resource:
        self.state = state
        with self._model_storage.write_to(self._resource) as directory:
            (directory / self.FILE).write_bytes(self.encode())
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> StoredComponent:
        try:
            with model_storage.read_from(resource) as directory:
                data = (directory / cls.FILE).read_bytes()
            return cls(model_storage, resource, cls.decode(data), config)
        except (ValueError, FileNotFoundError, EOFError, pickle.UnpicklingError):
            logger.warning(cls.MISSING)
            return cls(model_storage, resource, config=config)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True)
class VocabularyEntityExtractor(StoredComponent, EntityExtractorMixin):
    """Entities by lookup of the surface forms the training data annotates and its synonyms (bot/entities.py),
    so DIET only classifies intents (its entity head was a large share of training time).

    The `language` entity is left to LanguageDecider. Button payloads ("/intent{...}") are left to Rasa.
    """

    FILE = "vocabulary.json"
    MISSING = "entity vocabulary missing from the model: no entities extracted"

    @classmethod
    def empty(cls) -> Any:
        from bot.entities import Vocabulary

        return Vocabulary({})

    @classmethod
    def decode(cls, data: bytes) -> Any:
        from bot.entities import Vocabulary

        return Vocabulary.from_json(json.loads(data.decode("utf-8")))

    def encode(self) -> bytes:
        return json.dumps(self.state.to_json()).encode("utf-8")

    @property
    def vocabulary(self) -> Any:
        return self.state

    def train(self, training_data: TrainingData) -> Resource:
        from bot.entities import Vocabulary

        annotations = [
            (str(e["entity"]), text[e["start"] : e["end"]], str(e.get("value", "")))
            for example in training_data.entity_examples
            for text in [example.get(TEXT) or ""]
            for e in example.get(ENTITIES, [])
            if "start" in e and "end" in e
        ]
        return self.store(Vocabulary.learn(annotations, training_data.entity_synonyms, skip=[LANGUAGE_ENTITY]))

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text.lstrip().startswith(INTENT_PREFIX):
                continue
            found = self.add_extractor_name(self.vocabulary.find(text))
            message.set(ENTITIES, message.get(ENTITIES, []) + found, add_to_output=True)
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class LexicalIntentClassifier(StoredComponent):
    """A second intent ranking (bot/lexical.py) that RetrievalRouter mixes with DIET's; it sets no intent itself.

    Trained on the same intent examples as DIET and stored in the model. Button payloads are skipped.
    """

    FILE = "lexical.pkl"
    MISSING = "lexical classifier missing from the model: DIET's ranking stands alone"

    @classmethod
    def empty(cls) -> Any:
        from bot.lexical import LexicalClassifier

        return LexicalClassifier()

    @classmethod
    def decode(cls, data: bytes) -> Any:
        from bot.lexical import LexicalClassifier

        return LexicalClassifier.from_bytes(data)

    def encode(self) -> bytes:
        return self.state.to_bytes()

    @property
    def classifier(self) -> Any:
        return self.state

    def train(self, training_data: TrainingData) -> Resource:
        from bot.lexical import LexicalClassifier, LexicalSettings

        examples = [(m.get(TEXT) or "", m.get(INTENT)) for m in training_data.intent_examples]
        examples = [(text, str(intent)) for text, intent in examples if text and intent]
        settings = LexicalSettings.from_config(self.config)
        return self.store(LexicalClassifier.fit([t for t, _ in examples], [i for _, i in examples], settings))

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if not self.classifier.trained or text.lstrip().startswith(INTENT_PREFIX):
                continue
            message.set(LEXICAL_KEY, self.classifier.ranking(text)[:LEXICAL_RANKING_LENGTH])
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class RetrievalRouter(GraphComponent):
    """DIET's intent ranking recombined with knowledge retrieval (bot/routing.py), before the FallbackClassifier.

    The knowledge base is loaded on the first message, not when the model loads. The classifier's own
    ranking and the retrieval scores are kept in the parse result under `routing` (for the benches).
    Button payloads ("/intent…") are left as they are.
    """

    def __init__(self, weights: Any) -> None:
        self.weights = weights

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> RetrievalRouter:
        from bot.routing import Weights

        return cls(Weights.from_config(config))

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text.lstrip().startswith(INTENT_PREFIX) or not message.get(INTENT):
                continue
            self._route(message, text)
        return messages

    def _route(self, message: Message, text: str) -> None:
        from bot.knowledge.base import get_kb
        from bot.routing import combine, mix_rankings, topic_names, topic_scores

        diet = [(r["name"], float(r["confidence"])) for r in message.get(INTENT_RANKING_KEY) or []]
        if not diet:
            intent = message.get(INTENT)
            diet = [(intent["name"], float(intent.get("confidence") or 0.0))]
        lexical = message.get(LEXICAL_KEY) or []
        scores = topic_scores((hit.entry.topic, hit.score) for hit in get_kb().search(text, limit=RETRIEVAL_HITS))
        named = topic_names().found(text)
        ranking = combine(mix_rankings(diet, lexical, self.weights.lexical), scores, named, self.weights)
        items = [{"name": name, "confidence": confidence} for name, confidence in ranking]
        message.set(INTENT, items[0], add_to_output=True)
        message.set(INTENT_RANKING_KEY, items, add_to_output=True)
        top_scores = sorted(scores.items(), key=lambda item: -item[1])[:3]
        message.set(
            ROUTING_KEY,
            {"diet": diet, "lexical": lexical, "retrieval": [list(s) for s in top_scores], "named": named},
            add_to_output=True,
        )
