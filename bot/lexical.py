"""A second opinion on the intent: logistic regression over character and word n-grams of the training examples.

DIET is sure of itself on questions worded unlike its training data, and often wrong there. A linear model over
TF-IDF n-grams (accents folded, dotted acronyms undotted) is about as often right on real families' questions
but spreads its probability when unsure, so averaging the two (bot/routing.mix_rankings) leaves fewer
confident wrong answers: on the real development set, wrong answers 3.4 -> 1.1% (en) and 7.4 -> 0% (es) at
the chosen weights (config.yml has the table). It trains in seconds, on the same examples as DIET.
"""

from __future__ import annotations

import pickle
from collections.abc import Sequence
from typing import Any

from bot.language import fold, undot_text

MAX_CHARS = 2000  # longer messages are cut before vectorising (the guard already bounds them)
REGULARISATION = 10.0  # sklearn's C: chosen on the development set (1, 10, 100 tried; 10 best)


def _normalise(text: str) -> str:
    return undot_text(fold(text[:MAX_CHARS]))


class LexicalClassifier:
    """Fitted on (text, intent) pairs; `ranking` gives every intent's probability, best first."""

    def __init__(self, model: Any = None) -> None:
        self._model = model  # (char vectoriser, word vectoriser, logistic regression), or None: untrained

    @classmethod
    def fit(cls, texts: Sequence[str], intents: Sequence[str]) -> LexicalClassifier:
        from scipy.sparse import hstack
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        if len(set(intents)) < 2:
            return cls()
        folded = [_normalise(t) for t in texts]
        chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)
        words = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True)
        features = hstack([chars.fit_transform(folded), words.fit_transform(folded)]).tocsr()
        regression = LogisticRegression(C=REGULARISATION, max_iter=2000).fit(features, list(intents))
        return cls((chars, words, regression))

    @property
    def trained(self) -> bool:
        return self._model is not None

    def ranking(self, text: str) -> list[tuple[str, float]]:
        if self._model is None or not text.strip():
            return []
        from scipy.sparse import hstack

        chars, words, regression = self._model
        folded = [_normalise(text)]
        features = hstack([chars.transform(folded), words.transform(folded)]).tocsr()
        probabilities = regression.predict_proba(features)[0]
        pairs = [(str(intent), float(p)) for intent, p in zip(regression.classes_, probabilities, strict=True)]
        return sorted(pairs, key=lambda pair: -pair[1])

    def to_bytes(self) -> bytes:
        return pickle.dumps(self._model)

    @classmethod
    def from_bytes(cls, data: bytes) -> LexicalClassifier:
        """Only for files this project wrote into its own model archive (pickle trusts its input)."""
        return cls(pickle.loads(data))  # noqa: S301
