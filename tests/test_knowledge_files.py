"""The loader reports every problem with its file and entry, never a stack trace."""

from pathlib import Path

from bot.knowledge.files import load_knowledge

BROKEN = Path(__file__).parent / "fixtures" / "broken_kb"


def messages():
    return [str(p) for p in load_knowledge(BROKEN).problems]


def has(fragment):
    return any(fragment in m for m in messages()), messages()


def test_missing_language_is_reported_with_file_and_entry():
    assert has("magnet_points.yml: title: 'title' has no Spanish text (es)")
    assert has("magnet_points.yml: magnet_points.overview: 'answer' has no Spanish text (es)")


def test_bad_url_and_school_year():
    assert has("magnet_points.overview: source is not a well-formed http(s) URL: 'not a url'")
    assert has("magnet_points.overview: 'as_of' must be a school year like 2025-26, not '2025'")
    assert has("gate.wrong_prefix: 'as_of' must be a school year like 2025-26, not '2025-27'")


def test_entry_rules():
    assert has("gate.wrong_prefix: id must start with 'magnet_points.'")
    assert has("gate.wrong_prefix: en answer has")
    assert has("gate.wrong_prefix: 'changes_yearly' must be true or false")
    assert has("magnet_points.yml: magnet_points.overview: duplicate entry id")


def test_unknown_topic_and_invalid_yaml():
    assert has("unknown.yml: unknown topic id 'weather'")
    assert has("gate.yml: is not valid YAML at line")


def test_catalog_problems():
    assert has("schools.yml: dorsey_hs: unknown or missing program types: ['castle']")
    assert has("schools.yml: dorsey_hs: unknown level 'university'")
    assert has("schools.yml: dorsey_hs: source is not a well-formed http(s) URL: 'ftp://example.org/x'")
    assert has("schools.yml: dorsey_hs: duplicate school id")


def test_cli_validate_reports_and_fails(monkeypatch, capsys):
    from bot.cli import main

    monkeypatch.setenv("CAMINO_KNOWLEDGE_DIR", str(BROKEN))
    assert main(["kb", "validate"]) == 1
    out = capsys.readouterr().out
    assert "problem(s) in the knowledge files" in out and "Traceback" not in out


def test_cli_build_refuses_broken_files(monkeypatch, capsys, tmp_path):
    from bot.cli import main

    monkeypatch.setenv("CAMINO_KNOWLEDGE_DIR", str(BROKEN))
    monkeypatch.setenv("CAMINO_DB_URL", f"sqlite:///{tmp_path / 'kb.db'}")
    assert main(["kb", "build"]) == 1
    assert "not built" in capsys.readouterr().out
    assert not (tmp_path / "kb.db").exists()
