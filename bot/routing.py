"""Which intent a message gets: the classifier's ranking and knowledge retrieval decided together.

DIET alone guesses wrong with confidence on questions worded unlike its training data, while BM25 over every
knowledge entry's phrasings (bot/knowledge/search.py, both languages) often finds the topic from the words
the family used. Each topic intent's confidence is therefore recombined with retrieval's confidence in that
topic (a noisy-or: agreement raises it, a clear retrieval winner can overtake an unsure classifier), and
strong retrieval lowers the confidence of non-topic intents (out of scope, greetings…). The recombined
ranking then goes to Rasa's FallbackClassifier, whose threshold and ambiguity margin turn "both weak" or
"two topics close" into a "did you mean". A message that spells out exactly one topic's name ("Expanded
Learning Program", "Schools for Advanced Studies", "intellectual testing") counts as retrieval evidence
for that topic. The weights and thresholds are chosen by bench/routing_sweep.py (see config.yml).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from bot.dialogue import TOPIC_INTENT_PREFIX
from bot.knowledge.program_types import REGISTRY
from bot.language import fold, undot_text


@dataclass(frozen=True)
class Weights:
    """How much retrieval counts (defaults: the values chosen in config.yml, which sets them explicitly)."""

    retrieval: float = 0.75  # share of a topic's retrieval confidence added to its classifier confidence
    against_other: float = 0.0  # how much strong retrieval lowers non-topic intents (out of scope, greet…)
    half_score: float = 6.0  # BM25 score at which retrieval is 50% sure of a topic
    sharpness: float = 4.0  # exponent on a topic's score relative to the best one (1: proportional)
    spelled_name: float = 0.5  # retrieval confidence of a topic whose name the message spells out
    name_floor: float = 0.8  # least combined confidence of the one topic a message spells out (0: no floor)
    lexical: float = 0.9  # share of the lexical classifier (bot/lexical.py) in the mixed ranking (0: DIET alone)

    @classmethod
    def from_config(cls, config: dict) -> Weights:
        fields = {f: float(config[f]) for f in cls.__dataclass_fields__ if f in config}
        return cls(**fields)


def topic_of_intent(intent: str) -> str | None:
    return intent[len(TOPIC_INTENT_PREFIX) :] if intent.startswith(TOPIC_INTENT_PREFIX) else None


def mix_rankings(
    diet: Sequence[tuple[str, float]], lexical: Sequence[tuple[str, float]], weight: float
) -> list[tuple[str, float]]:
    """DIET's ranking and the lexical classifier's averaged with `weight` on the lexical one, best first;
    without a lexical ranking (an older model, or weight 0) DIET's stands alone."""
    if not lexical or weight <= 0:
        return list(diet)
    mixed: dict[str, float] = {}
    for intent, p in diet:
        mixed[intent] = mixed.get(intent, 0.0) + (1 - weight) * p
    for intent, p in lexical:
        mixed[intent] = mixed.get(intent, 0.0) + weight * p
    return sorted(mixed.items(), key=lambda item: -item[1])


def topic_scores(hits: Iterable[tuple[str, float]]) -> dict[str, float]:
    """The best retrieval score per topic, from (topic, score) hits."""
    best: dict[str, float] = {}
    for topic, score in hits:
        if score > best.get(topic, 0.0):
            best[topic] = score
    return best


def retrieval_confidence(scores: dict[str, float], weights: Weights) -> dict[str, float]:
    """Per topic, how sure retrieval is: saturating in its score, scaled by how close it is to the best."""
    if not scores:
        return {}
    top = max(scores.values())
    return {
        topic: (score / (score + weights.half_score)) * (score / top) ** weights.sharpness
        for topic, score in scores.items()
        if score > 0
    }


def combine(
    ranking: Sequence[tuple[str, float]],
    scores: dict[str, float],
    named: Iterable[str],
    weights: Weights,
) -> list[tuple[str, float]]:
    """The intent ranking with retrieval folded in, best first.

    `ranking` is the classifier's (intent, confidence) list, `scores` the best BM25 score per topic and
    `named` the topics the message spells out; only a single named topic counts (two names: no evidence).
    Topics that retrieval finds but the classifier did not rank join the ranking. A topic's evidence raises
    its intent and its tools' intents together (noisy-or on their summed confidence, shared out as the
    classifier shared it): retrieval cannot tell "explain magnet points" from "work out my points", so it
    never turns one into a rival of the other. With a `name_floor`, the single named topic's leading intent
    is lifted to at least that confidence: on real questions a lone spelled-out name is the right topic far
    more often than an unsure classifier is, while a sure classifier on another topic still stays a rival.
    """
    from bot.tools.labels import TOOL_TOPICS

    confidence = retrieval_confidence(scores, weights)
    named = list(dict.fromkeys(named))
    if len(named) == 1:
        confidence[named[0]] = max(confidence.get(named[0], 0.0), weights.spelled_name)
    strongest = max(confidence.values(), default=0.0)
    groups: dict[str, list[tuple[str, float]]] = {}
    combined: dict[str, float] = {}
    for intent, p in ranking:
        topic = topic_of_intent(intent) or TOOL_TOPICS.get(intent)
        if topic is None:
            combined[intent] = p * (1 - weights.against_other * strongest)
        else:
            groups.setdefault(topic, []).append((intent, p))
    only_named = named[0] if len(named) == 1 else None
    if only_named is not None and weights.name_floor > 0:
        groups.setdefault(only_named, [(f"{TOPIC_INTENT_PREFIX}{only_named}", 0.0)])
    for topic, members in groups.items():
        mass = sum(p for _, p in members)
        raised = 1 - (1 - mass) * (1 - weights.retrieval * confidence.get(topic, 0.0))
        for intent, p in members:
            combined[intent] = raised if len(members) == 1 else raised * p / mass if mass > 0 else 0.0
        if topic == only_named:
            lead = max(members, key=lambda member: member[1])[0]
            combined[lead] = max(combined[lead], weights.name_floor)
    for topic, r in confidence.items():
        intent = f"{TOPIC_INTENT_PREFIX}{topic}"
        if intent not in combined:
            combined[intent] = weights.retrieval * r
    return sorted(combined.items(), key=lambda item: -item[1])


@dataclass(frozen=True)
class Verdict:
    """What the FallbackClassifier will make of a combined ranking (used by the sweep and the tests)."""

    intent: str | None  # None: "did you mean"
    confidence: float


def verdict(ranking: Sequence[tuple[str, float]], threshold: float, ambiguity: float) -> Verdict:
    """The FallbackClassifier's rule: below `threshold`, or the top two closer than `ambiguity`, is a fallback."""
    if not ranking:
        return Verdict(None, 0.0)
    intent, top = ranking[0]
    second = ranking[1][1] if len(ranking) > 1 else 0.0
    if top < threshold or top - second < ambiguity:
        return Verdict(None, top)
    return Verdict(intent, top)


class TopicNames:
    """Names that spell out a topic (knowledge/program_types.yml `topic_names`), found on word boundaries,
    accents folded; the longest name wins where two overlap ("gifted magnet" over "magnet")."""

    def __init__(self, names: Mapping[str, Iterable[str]]):
        table = {fold(name).strip(): topic for topic, items in names.items() for name in items if name.strip()}
        self.topic_of = table
        alternatives = sorted(table, key=len, reverse=True)
        self.pattern = (
            re.compile(r"(?<![\w-])(" + "|".join(re.escape(n) for n in alternatives) + r")(?![\w-])")
            if alternatives
            else None
        )

    def found(self, text: str) -> list[str]:
        """The topics named in `text`, in order of appearance, each once."""
        if self.pattern is None or not text:
            return []
        folded = undot_text(fold(text))
        return list(dict.fromkeys(self.topic_of[m.group(1)] for m in self.pattern.finditer(folded)))


@cache
def topic_names() -> TopicNames:
    """The registry's topic names, compiled once per process (on first use, not on import)."""
    return TopicNames(REGISTRY.topic_names)
