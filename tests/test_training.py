"""The model is cached by a fingerprint of everything that shapes it."""

import shutil
from pathlib import Path

from bot import training

ROOT = Path(__file__).resolve().parent.parent


def copy_inputs(tmp_path: Path) -> Path:
    for name in ("config.yml", "domain.yml", "requirements.lock"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "data", tmp_path / "data")
    return tmp_path


def test_fingerprint_is_stable_and_tracks_every_input(tmp_path):
    root = copy_inputs(tmp_path)
    first = training.fingerprint(root)
    assert training.fingerprint(root) == first
    for relative in ("config.yml", "domain.yml", "requirements.lock", "data/nlu/basics.yml"):
        path = root / relative
        original = path.read_bytes()
        path.write_bytes(original + b"\n# changed\n")
        assert training.fingerprint(root) != first, relative
        path.write_bytes(original)
    assert training.fingerprint(root) == first
    (root / "data" / "nlu" / "new.yml").write_text('version: "3.1"\n')
    assert training.fingerprint(root) != first


def test_existing_model_is_reused_without_training(tmp_path, monkeypatch):
    root = copy_inputs(tmp_path)
    monkeypatch.setenv("CAMINO_MODELS_DIR", str(tmp_path / "models"))
    target = training.model_path(root)
    target.parent.mkdir()
    target.write_bytes(b"model")
    calls = []
    monkeypatch.setattr(training.subprocess, "run", lambda *a, **k: calls.append(a))
    assert training.ensure_model(root=root) == target
    assert calls == []
