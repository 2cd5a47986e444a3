"""The few texts the SMS/WhatsApp channel says itself, in English and Spanish (texts.yml)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from bot.language import LANGUAGES

TEXT_FILE = Path(__file__).with_name("texts.yml")


@lru_cache(maxsize=1)
def texts() -> dict[str, dict[str, str]]:
    return yaml.safe_load(TEXT_FILE.read_text(encoding="utf-8"))


def say(key: str, lang: str | None = None, **values: object) -> str:
    """The text `key` in `lang`; with no known language, the English text then the Spanish one."""
    if lang in LANGUAGES:
        return texts()[key][lang].format(**values).strip()
    return "\n\n".join(say(key, code, **values) for code in LANGUAGES)
