"""Retention: conversations are kept only as long as a family may come back to them (30 days by default).

Rasa's SQL tracker store never forgets; `camino purge` deletes whole conversations whose last event is
older than the retention period, so no partial conversation is left behind, the SMS replies remembered
by MessageSid past their day, rotated logs and the redacted unanswered questions (bot/unanswered)
older than the retention period, and reminder subscriptions past their last date (numbers deleted;
bot/reminders/store.py). The web server runs it
once a day by itself (run_daily); it stays a command.
"""

from __future__ import annotations

import asyncio
import logging
import time

from sqlalchemy import create_engine, text

from bot import config, logs

logger = logging.getLogger(__name__)
DAY_S = 86400

DEFAULT_DAYS = 30


def purge(days: int = DEFAULT_DAYS, url: str | None = None, now: float | None = None) -> int:
    """Delete conversations idle for more than `days`; returns how many conversations were removed."""
    cutoff = (now if now is not None else time.time()) - days * 86400
    engine = create_engine(url or config.tracker_store_url(), future=True)
    try:
        with engine.begin() as conn:
            if not engine.dialect.has_table(conn, "events"):
                return 0
            stale = [
                row[0]
                for row in conn.execute(
                    text("SELECT sender_id FROM events GROUP BY sender_id HAVING MAX(timestamp) < :cutoff"),
                    {"cutoff": cutoff},
                )
            ]
            for sender in stale:
                conn.execute(text("DELETE FROM events WHERE sender_id = :sender"), {"sender": sender})
            return len(stale)
    finally:
        engine.dispose()


def purge_all(days: int = DEFAULT_DAYS) -> dict[str, int]:
    """Everything past retention: conversations, remembered SMS replies, rotated logs; counts by kind."""
    from bot.channels.sms.state import SmsState

    state = SmsState()
    try:
        replies = state.forget_old_replies()
    finally:
        state.engine.dispose()
    counts = {
        "conversations": purge(days),
        "sms_replies": replies,
        "logs": logs.remove_old(days),
        "unanswered": purge_unanswered(days),
    }
    counts.update(_purge_reminders())
    return counts


def purge_unanswered(days: int = DEFAULT_DAYS, url: str | None = None) -> int:
    """Delete the unanswered questions (bot/unanswered) asked more than `days` ago; how many went."""
    from bot.unanswered.store import UnansweredStore

    store = UnansweredStore(url)
    try:
        return store.forget_older_than(days)
    finally:
        store.close()


def _purge_reminders() -> dict[str, int]:
    """Reminder subscriptions past their last date (numbers deleted), stale offers, old consent records."""
    from bot.reminders.optin import today_in_los_angeles
    from bot.reminders.store import ReminderStore

    store = ReminderStore()
    try:
        ended = store.end_past(today_in_los_angeles())
        store.forget_old_offers()
        return {"reminders_ended": ended, "reminder_consents": store.forget_old_consents()}
    finally:
        store.dispose()


async def run_daily(days: int = DEFAULT_DAYS, every: float = DAY_S) -> None:
    """purge_all() now and then every `every` seconds, off the event loop, for as long as the server runs."""
    loop = asyncio.get_running_loop()
    while True:
        try:
            counts = await loop.run_in_executor(None, purge_all, days)
            logger.info("retention: removed %s", ", ".join(f"{n} {kind}" for kind, n in counts.items()))
        except Exception as error:  # a store that is down: try again tomorrow
            logger.error("retention purge failed: %s", type(error).__name__)
        await asyncio.sleep(every)
