"""A second opinion on the intent: logistic regression over character and word n-grams of the training examples.

DIET is sure of itself on questions worded unlike its training data, and often wrong there. A linear model over
TF-IDF n-grams (accents folded, dotted acronyms undotted) is about as often right on real families' questions
but spreads its probability when unsure, so averaging the two (bot/routing.mix_rankings) leaves fewer
confident wrong answers on real families' questions (config.yml has the measurements). It trains in under a
minute on the same examples as DIET.
"""

from __future__ import annotations

import pickle
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.language import fold, undot_text

MAX_CHARS = 2000  # longer messages are cut before vectorising (the guard already bounds them)


@dataclass(frozen=True)
class LexicalSettings:
    """The model's shape (config.yml sets it, so a change retrains; the table there says how it was chosen)."""

    char_ngrams: tuple[int, int] = (2, 5)
    word_min_count: int = 2  # words seen fewer times are left out
    regularisation: float = 10.0  # sklearn's C
    iterations: int = 200
    balanced: bool = False  # weigh every intent alike, however many examples it has

    @classmethod
    def from_config(cls, config: dict) -> LexicalSettings:
        fields = {f: config[f] for f in cls.__dataclass_fields__ if f in config}
        if "char_ngrams" in fields:
            low, high = fields["char_ngrams"]
            fields["char_ngrams"] = (int(low), int(high))
        return cls(**fields)


def _normalise(text: str) -> str:
    return undot_text(fold(text[:MAX_CHARS]))


class LexicalClassifier:
    """Fitted on (text, intent) pairs; `ranking` gives every intent's probability, best first."""

    def __init__(self, model: Any = None) -> None:
        # (char vectoriser, word vectoriser, classes, coefficients, intercepts), or None: untrained
        self._model = model

    @classmethod
    def fit(
        cls, texts: Sequence[str], intents: Sequence[str], settings: LexicalSettings = LexicalSettings()
    ) -> LexicalClassifier:
        import numpy as np
        from scipy.sparse import hstack
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        if len(set(intents)) < 2:
            return cls()
        folded = [_normalise(t) for t in texts]
        chars = TfidfVectorizer(analyzer="char_wb", ngram_range=settings.char_ngrams, sublinear_tf=True, min_df=2)
        words = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, min_df=settings.word_min_count)
        features = hstack([chars.fit_transform(folded), words.fit_transform(folded)]).tocsr()
        regression = LogisticRegression(
            C=settings.regularisation,
            max_iter=settings.iterations,
            tol=1e-3,
            class_weight="balanced" if settings.balanced else None,
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)  # few iterations score as well as many (config.yml)
            regression.fit(features, intents)
        classes = [str(c) for c in regression.classes_]
        weights = np.ascontiguousarray(regression.coef_.T, dtype="float32")  # one row per feature
        return cls((chars, words, classes, weights, regression.intercept_))

    @property
    def trained(self) -> bool:
        return self._model is not None

    def ranking(self, text: str) -> list[tuple[str, float]]:
        if self._model is None or not text.strip():
            return []
        import numpy as np

        chars, words, classes, weights, intercepts = self._model
        folded = [_normalise(text)]
        char_features, word_features = chars.transform(folded), words.transform(folded)
        # predict_proba's sum, over the message's few features only (a sparse-dense product took 3 ms)
        scores = char_features.data @ weights[char_features.indices]
        scores = scores + word_features.data @ weights[len(chars.vocabulary_) + word_features.indices] + intercepts
        scores = np.exp(scores - scores.max())
        probabilities = scores / scores.sum()
        pairs = [(intent, float(p)) for intent, p in zip(classes, probabilities, strict=True)]
        return sorted(pairs, key=lambda pair: -pair[1])

    def to_bytes(self) -> bytes:
        return pickle.dumps(self._model)

    @classmethod
    def from_bytes(cls, data: bytes) -> LexicalClassifier:
        """Only for files this project wrote into its own model archive (pickle trusts its input)."""
        return cls(pickle.loads(data))  # noqa: S301
