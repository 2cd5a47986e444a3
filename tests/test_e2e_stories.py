"""`rasa test` runs the end-to-end test stories in tests/stories/ against the trained model."""

import subprocess
import sys
from pathlib import Path

import pytest

from bot import config
from bot.training import latest_model, rasa_env

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parent.parent


def test_end_to_end_stories(running_bot, tmp_path):
    env = rasa_env()
    env["ACTIONS_PORT"] = str(running_bot["actions_port"])
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(
        f'action_endpoint:\n  url: "http://127.0.0.1:{running_bot["actions_port"]}/webhook"\n'
        f'  headers:\n    X-Camino-Token: "{config.actions_token()}"\n'
    )
    rasa = str(Path(sys.executable).with_name("rasa"))
    result = subprocess.run(
        [
            rasa,
            "test",
            "core",
            "--model",
            str(latest_model()),
            "--stories",
            str(ROOT / "tests" / "stories"),
            "--endpoints",
            str(endpoints),
            "--out",
            str(tmp_path / "results"),
            "--no-plot",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
    failed = (tmp_path / "results" / "failed_test_stories.yml").read_text()
    assert "stories:" not in failed or failed.strip().endswith("stories: []"), failed
