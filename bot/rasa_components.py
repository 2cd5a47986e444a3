"""Custom Rasa NLU components (kept tiny: the logic they call lives in plain modules)."""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message

from bot.language import fold


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER], is_trainable=False)
class FoldingTokenizer(WhitespaceTokenizer):
    """Whitespace tokens, lower-cased with accents folded: "aplicación" and "aplicacion" are one feature.

    Parents often type Spanish without accents; offsets stay those of the original text, so entity
    extraction is unaffected.
    """

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        tokens = super().tokenize(message, attribute)
        for token in tokens:
            token.text = fold(token.text)
        return tokens
