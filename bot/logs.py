"""Logs that never hold what a family wrote, one line per record, rotated and kept no longer than
conversations.

Every server process (Rasa, the action server, the web server) calls setup() first:
- a log-record factory turns every record into its final one-line text at once: the texts a channel
  received (remember()) are masked as "[text]", personal data is redacted (bot.privacy.redact_log, which
  keeps pids, ports, time stamps and sizes), line breaks and terminal escapes are replaced, and an
  exception becomes its type and frames, never its message (Rasa's warnings quote messages, its errors
  quote action server replies);
- Python warnings go through logging; stdout and stderr (Rasa's own handlers, prints) are replaced by
  streams that pass every line through the same scrubbing into `<state>/logs/<name>.log`;
- that file is rotated at start-up, daily and at 10 MB; `camino purge` deletes rotated logs older than
  the retention period (bot.retention).
"""

from __future__ import annotations

import io
import json
import logging
import logging.handlers
import os
import re
import sys
import threading
import time
import traceback
from collections import OrderedDict
from pathlib import Path
from types import TracebackType

from bot import config
from bot.privacy import redact_log

MAX_BYTES = 10 * 1024 * 1024
BACKUPS = 60  # rotated files (daily at least): more than the retention period
ROTATE_EVERY_S = 86400
MAX_LINE_CHARS = 4000
MIN_REMEMBERED_CHARS = 4
REMEMBERED = 1024
TEXT = "[text]"
LINE_BREAKS = re.compile(r"[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]+")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

_recent: OrderedDict[str, None] = OrderedDict()
_lock = threading.Lock()


def remember(text: str) -> None:
    """A message text this process received: masked wherever a log line would quote it."""
    text = (text or "").strip()
    if len(text) < MIN_REMEMBERED_CHARS:
        return
    variants = {text, json.dumps(text)[1:-1], repr(text)[1:-1], json.dumps(text, ensure_ascii=False)[1:-1]}
    with _lock:
        for variant in variants:
            _recent[variant] = None
            _recent.move_to_end(variant)
        while len(_recent) > REMEMBERED:
            _recent.popitem(last=False)


def forget_all() -> None:
    with _lock:
        _recent.clear()


def scrub(message: str) -> str:
    """A log message as it may be written: one line, no family text, no personal data."""
    message = ANSI.sub("", str(message))
    with _lock:
        remembered = [t for t in _recent if t in message]
    for text in sorted(remembered, key=len, reverse=True):
        message = message.replace(text, TEXT)
    message = LINE_BREAKS.sub(" | ", message)
    message = CONTROL.sub(" ", message)
    if len(message) > MAX_LINE_CHARS:
        message = message[:MAX_LINE_CHARS] + " [cut]"
    return redact_log(message)


def exception_summary(exc_type: type[BaseException] | None, tb: TracebackType | None) -> str:
    """An exception as its type and innermost frames, without its message (which may quote a family)."""
    frames = traceback.extract_tb(tb)[-6:] if tb else []
    where = " <- ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(frames))
    name = exc_type.__name__ if exc_type else "Exception"
    return f"{name}" + (f" at {where}" if where else "")


_base_factory = logging.getLogRecordFactory()


def _record_factory(*args, **kwargs) -> logging.LogRecord:
    record = _base_factory(*args, **kwargs)
    try:
        message = record.getMessage()
    except Exception:  # a bad format string: keep what there is
        message = str(record.msg)
    if record.exc_info and record.exc_info[0] is not None:
        message = f"{message} | {exception_summary(record.exc_info[0], record.exc_info[2])}"
    record.msg, record.args = scrub(message), ()
    record.exc_info, record.exc_text, record.stack_info = None, None, None
    return record


class RotatingLog(logging.handlers.RotatingFileHandler):
    """Rotated at start-up (a fresh file per process), every day and at MAX_BYTES; files mode 600."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        super().__init__(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=False)
        self.started = time.time()
        if path.stat().st_size > 0:
            self.doRollover()
        os.chmod(path, 0o600)

    def shouldRollover(self, record: logging.LogRecord) -> int:
        if time.time() - self.started >= ROTATE_EVERY_S:
            return 1
        return super().shouldRollover(record)

    def doRollover(self) -> None:
        super().doRollover()
        self.started = time.time()
        os.chmod(self.baseFilename, 0o600)


class LineStream(io.TextIOBase):
    """A text stream whose every line is scrubbed and logged (what replaces stdout and stderr)."""

    def __init__(self, logger: logging.Logger, level: int):
        self.logger, self.level = logger, level
        self._buffer = ""
        self._lock = threading.Lock()
        self._local = threading.local()

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:
        if getattr(self._local, "busy", False):  # logging's own error report: never loop
            return len(text)
        with self._lock:
            self._buffer += text
            *lines, self._buffer = self._buffer.split("\n")
            if len(self._buffer) > MAX_LINE_CHARS:
                lines.append(self._buffer)
                self._buffer = ""
        self._emit(lines)
        return len(text)

    def flush(self) -> None:
        with self._lock:
            lines, self._buffer = [self._buffer], ""
        self._emit(lines)

    def _emit(self, lines: list[str]) -> None:
        self._local.busy = True
        try:
            for line in lines:
                if line.strip():
                    self.logger.log(self.level, line)
        finally:
            self._local.busy = False


def log_dir() -> Path:
    return config.state_dir() / "logs"


def setup(name: str, level: int = logging.INFO) -> Path:
    """Install the scrubbing record factory, the rotating `<name>.log` and the scrubbing stdout/stderr."""
    os.umask(0o077)  # every file this process creates (stores, logs) is the owner's only
    path = log_dir() / f"{name}.log"
    handler = RotatingLog(path)
    handler.setFormatter(logging.Formatter("%(message)s"))  # lines come formatted (FORMAT, or Rasa's)
    logging.setLogRecordFactory(_record_factory)
    logging.captureWarnings(True)
    output = logging.getLogger("camino.output")
    output.propagate = False
    output.handlers[:] = [handler]
    output.setLevel(logging.DEBUG)
    # Handlers installed later (Rasa's, Sanic's) write to these streams, so they are scrubbed too.
    sys.stdout = LineStream(output, logging.INFO)
    sys.stderr = LineStream(output, logging.WARNING)
    root = logging.getLogger()
    root.handlers[:] = [logging.StreamHandler(sys.stderr)]
    root.handlers[0].setFormatter(logging.Formatter(FORMAT))
    root.setLevel(level)
    return path


def remove_old(days: int, now: float | None = None) -> int:
    """Delete rotated logs last written more than `days` ago; returns how many."""
    cutoff = (now if now is not None else time.time()) - days * 86400
    removed = 0
    directory = log_dir()
    if not directory.is_dir():
        return 0
    for path in directory.iterdir():
        rotated = re.search(r"\.(log|out)\.\d+$", path.name)
        if rotated and path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
