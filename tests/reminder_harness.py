"""Shared pieces of the reminder tests: the fixture cycle's deadlines, a Twilio channel with a reminder
desk on its own store, and the environment a `camino reminders` subprocess needs (store, key, fake API)."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

from bot.reminders import deadlines as dl

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_KNOWLEDGE = ROOT / "tests" / "fixtures" / "reminders"  # invented future dates, tests only
CAMINO = str(Path(sys.executable).with_name("camino"))
TODAY = dt.date(2026, 12, 2)
ACCOUNT = "AC" + "1" * 32
KEY = "test-reminders-key"
SECRET = "test-sender-secret"
FROM = "+12135550100"


def fixture_deadlines() -> list[dl.Deadline]:
    return dl.load(FIXTURE_KNOWLEDGE)


def fixture_knowledge_dir(where: Path) -> Path:
    """A knowledge dir for a subprocess: the fixture's cycles plus the registry every process reads."""
    import shutil

    where.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURE_KNOWLEDGE / "cycles.yml", where / "cycles.yml")
    shutil.copy(ROOT / "knowledge" / "program_types.yml", where / "program_types.yml")
    return where


def subprocess_env(db_url: str, sms_db_url: str, api_url: str, state_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        CAMINO_STATE_DIR=str(state_dir),
        CAMINO_REMINDERS_DB_URL=db_url,
        CAMINO_TWILIO_DB_URL=sms_db_url,
        CAMINO_KNOWLEDGE_DIR=str(fixture_knowledge_dir(state_dir / "knowledge")),
        CAMINO_REMINDERS_KEY=KEY,
        CAMINO_SENDER_SECRET=SECRET,
        TWILIO_ACCOUNT_SID=ACCOUNT,
        TWILIO_AUTH_TOKEN="test-twilio-auth-token",
        CAMINO_TWILIO_FROM=FROM,
        CAMINO_TWILIO_API_URL=api_url,
    )
    env.pop("CAMINO_PROFILE", None)
    return env
