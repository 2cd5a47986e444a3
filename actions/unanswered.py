"""What the actions that could not answer share: noting the question for `camino report unanswered`.

The recorder is passed in (tests) or the process's own, looked up on first use (nothing at import time).
Noting never raises and never waits: bot/unanswered/recording.py writes in its own thread.
"""

from __future__ import annotations

import logging

from bot.unanswered.recording import Recorder, get_recorder

logger = logging.getLogger(__name__)


class NotesUnanswered:
    def __init__(self, recorder: Recorder | None = None) -> None:
        self._recorder = recorder

    def note_unanswered(self, text: str, lang: str, kind: str, topic: str | None = None) -> None:
        try:
            if self._recorder is None:
                self._recorder = get_recorder()
            self._recorder.record(text, lang, kind, topic)
        except Exception as error:  # the reply goes out whatever happens here
            logger.warning("unanswered question not noted: %s", type(error).__name__)
