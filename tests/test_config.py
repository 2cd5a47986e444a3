"""Settings: every one is read in bot/config.py, and the README's Configuration tables name exactly those."""

import ast
import re
from pathlib import Path

from bot import config

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "bot" / "config.py"
# bot/training.py hands the whole environment (plus Rasa's quiet settings) to the Rasa subprocesses.
COPIES_THE_ENVIRONMENT = {ROOT / "bot" / "training.py"}


def _is_os_environ(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "environ"
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
    )


def environment_reads(path: Path) -> list[ast.AST]:
    """Every use of os.environ / os.getenv / `from os import environ, getenv` in a module."""
    found: list[ast.AST] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            _is_os_environ(node)
            or (isinstance(node, ast.Attribute) and node.attr in ("getenv", "getenvb"))
            or isinstance(node, ast.ImportFrom)
            and node.module == "os"
            and {a.name for a in node.names} & {"environ", "getenv", "environb", "getenvb"}
        ):
            found.append(node)
    return found


def variables_read_by_config() -> set[str]:
    """The names bot/config.py reads: os.environ.get("NAME", …) and os.environ["NAME"], literal names only."""
    names = set()
    for node in ast.walk(ast.parse(CONFIG.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and _is_os_environ(node.func.value):
            key = node.args[0] if node.args else None
        elif isinstance(node, ast.Subscript) and _is_os_environ(node.value):
            key = node.slice
        else:
            continue
        assert isinstance(key, ast.Constant) and isinstance(key.value, str), (
            f"bot/config.py line {node.lineno}: read settings by their literal name"
        )
        names.add(key.value)
    return names


def readme_variables() -> set[str]:
    """The names in the first column of the README's `| variable | …` tables."""
    names: set[str] = set()
    in_table = False
    for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.startswith("|") else None
        if cells is None:
            in_table = False
        elif cells[0] == "variable":
            in_table = True
        elif in_table and not set(cells[0]) <= set("-: "):
            found = re.findall(r"`([A-Z][A-Z0-9_]+)`", cells[0])
            assert found, f"README: no variable named in {line!r}"
            names.update(found)
    return names


def test_only_bot_config_reads_the_environment():
    modules = sorted((ROOT / "bot").rglob("*.py")) + sorted((ROOT / "actions").rglob("*.py"))
    readers = {}
    for path in modules:
        if path == CONFIG:
            continue
        reads = environment_reads(path)
        if path in COPIES_THE_ENVIRONMENT:
            source = path.read_text(encoding="utf-8")
            assert len(reads) == source.count("dict(os.environ)") == 1, path
            continue
        if reads:
            readers[str(path.relative_to(ROOT))] = [node.lineno for node in reads]
    assert readers == {}, "read settings through bot/config.py"


def test_the_readme_names_exactly_the_settings_config_reads():
    read = variables_read_by_config()
    documented = readme_variables()
    assert len(read) > 20  # the scan found the settings
    assert sorted(read - documented) == [], "settings missing from the README's Configuration tables"
    assert sorted(documented - read) == [], "README documents settings that bot/config.py does not read"


def test_reading_the_state_dir_creates_nothing(monkeypatch, tmp_path):
    target = tmp_path / "state"
    monkeypatch.setenv("CAMINO_STATE_DIR", str(target))
    monkeypatch.delenv("CAMINO_DB_URL", raising=False)
    assert config.state_dir() == target and not target.exists()
    assert config.ensure_state_dir() == target and target.is_dir()
    assert config.database_url() == f"sqlite:///{target / 'knowledge.db'}"


def test_production_profile_settings(monkeypatch):
    monkeypatch.setenv("CAMINO_PROFILE", "production")
    monkeypatch.setenv("CAMINO_PG_PASSWORD", "s3cret")
    monkeypatch.setenv("CAMINO_PG_HOST", "db.internal")
    assert config.production() and config.production_settings()["CAMINO_REDIS_PORT"] == "6379"
    assert config.tracker_store_url() == "postgresql://postgres:s3cret@db.internal:5432/camino"
    monkeypatch.setenv("CAMINO_PROFILE", "embedded")
    assert not config.production() and config.tracker_store_url().endswith("/tracker.db")
