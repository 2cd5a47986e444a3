"""Logs hold no message text and no personal data, one line per record, rotated; old ones purged (#10)."""

import logging
import os
import time
import warnings

from bot import logs


def test_scrub_masks_received_texts_redacts_and_keeps_one_line():
    logs.forget_all()
    logs.remember("mi hija se llama Ana y tiene 9 años")
    line = logs.scrub("Received 'mi hija se llama Ana y tiene 9 años'\nFAKE ERROR injected\u2028x call 213-555-0147")
    assert "Ana" not in line and "555-0147" not in line and "[text]" in line and "[phone]" in line
    assert "\n" not in line and "\u2028" not in line
    logs.remember("quoted ñ text")
    assert "quoted" not in logs.scrub('{"text": "quoted \\u00f1 text"}')  # JSON-escaped copies too


def test_records_become_single_scrubbed_lines_without_exception_messages(tmp_path, monkeypatch):
    logs.forget_all()
    logs.remember("the family's own question")
    monkeypatch.setattr(logging, "getLogRecordFactory", logging.getLogRecordFactory)
    previous = logging.getLogRecordFactory()
    logging.setLogRecordFactory(logs._record_factory)
    try:
        handler = logs.RotatingLog(tmp_path / "x.log")
        handler.setFormatter(logging.Formatter(logs.FORMAT))
        logger = logging.getLogger("test.logs")
        logger.addHandler(handler)
        logger.propagate = False
        try:
            raise ValueError("the family's own question with ana@example.com")
        except ValueError:
            logger.exception("failed on %s", "the family's own question")
        logger.warning("two\nlines")
        handler.close()
    finally:
        logging.setLogRecordFactory(previous)
    text = (tmp_path / "x.log").read_text()
    assert text.count("\n") == 2, text
    assert "family" not in text and "ana@example.com" not in text
    assert "ValueError at test_logs.py:" in text and "two | lines" in text
    assert oct(os.stat(tmp_path / "x.log").st_mode & 0o777) == "0o600"


def test_line_stream_logs_each_line_and_never_loops(tmp_path):
    handler = logs.RotatingLog(tmp_path / "out.log")
    logger = logging.getLogger("test.stream")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    stream = logs.LineStream(logger, logging.INFO)
    stream.write("first line\nsecond ")
    stream.write("half\n")
    stream.flush()
    handler.close()
    assert (tmp_path / "out.log").read_text().splitlines() == ["first line", "second half"]


def test_logs_rotate_at_start_and_by_age(tmp_path, monkeypatch):
    path = tmp_path / "rasa.log"
    path.write_text("an old line\n")
    handler = logs.RotatingLog(path)  # a fresh file per process
    assert (tmp_path / "rasa.log.1").read_text() == "an old line\n" and path.stat().st_size == 0
    handler.started -= logs.ROTATE_EVERY_S + 1
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "a new day", (), None)
    assert handler.shouldRollover(record)
    handler.close()


def test_rotated_logs_past_retention_are_removed(tmp_path, monkeypatch):
    monkeypatch.setenv("CAMINO_STATE_DIR", str(tmp_path))
    directory = tmp_path / "logs"
    directory.mkdir()
    old, recent, current = directory / "rasa.log.3", directory / "rasa.log.1", directory / "rasa.log"
    for path in (old, recent, current):
        path.write_text("x")
    month_ago = time.time() - 31 * 86400
    os.utime(old, (month_ago, month_ago))
    os.utime(current, (month_ago, month_ago))
    assert logs.remove_old(30) == 1
    assert not old.exists() and recent.exists() and current.exists()


def test_warnings_quoting_a_message_are_scrubbed(tmp_path):
    logs.forget_all()
    logs.remember("/ask_gate typed by someone")
    record = logs._record_factory(
        "py.warnings", logging.WARNING, __file__, 1, "UserWarning: Parsed '%s'", ("/ask_gate typed by someone",), None
    )
    assert record.getMessage() == "UserWarning: Parsed '[text]'"
    warnings.resetwarnings()
