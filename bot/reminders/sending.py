"""What is due when: `camino reminders send-due` (cron) and the web server's loop both run send_due().

Texts go out only between 8 a.m. and 8 p.m. Los Angeles time. Each due reminder is claimed in the
database before it is sent (bot/reminders/store.py), so two runs at once, on two machines, send it once.
Subscriptions past their last date are deleted on every run, quiet hours or not.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.reminders import deadlines as dl
from bot.reminders import messages
from bot.reminders.optin import LOS_ANGELES
from bot.reminders.store import ReminderStore
from bot.reminders.twilio_rest import SendError, TwilioSender

logger = logging.getLogger(__name__)
FIRST_HOUR, LAST_HOUR = 8, 20  # sending from 8:00 to 19:59 Los Angeles time
EVERY_S = 15 * 60


@dataclass
class Report:
    sent: int = 0
    failed: int = 0
    skipped: int = 0  # opted out (cancelled now) or already taken by another run
    ended: int = 0
    quiet: bool = False
    configured: bool = True
    errors: list[str] = field(default_factory=list)  # error kinds and codes only


def sending_hours(now: dt.datetime) -> bool:
    return FIRST_HOUR <= now.astimezone(LOS_ANGELES).hour < LAST_HOUR


def parse_now(text: str | None) -> dt.datetime:
    """`--now`: an ISO time; without an offset it is Los Angeles time. None: now."""
    if not text:
        return dt.datetime.now(dt.timezone.utc)
    moment = dt.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=LOS_ANGELES)


def send_due(
    now: dt.datetime | None = None,
    store: ReminderStore | None = None,
    sender: TwilioSender | None = None,
    opted_out: Callable[[str], bool] | None = None,
    deadlines: list[dl.Deadline] | None = None,
) -> Report:
    now = now or dt.datetime.now(dt.timezone.utc)
    today = now.astimezone(LOS_ANGELES).date()
    own_store = store is None
    store = store or ReminderStore()
    try:
        report = Report(ended=store.end_past(today))
        if not sending_hours(now):
            report.quiet = True
            return report
        sender = sender or TwilioSender.from_config()
        if sender is None:
            report.configured = False
            return report
        sms_state = None
        if opted_out is None:
            from bot.channels.sms.state import SmsState

            sms_state = SmsState()  # STOP to the bot (bot/channels/sms/state.py) stops reminders too
            opted_out = sms_state.opted_out
        try:
            _send(today, store, sender, opted_out, deadlines, report)
        finally:
            if sms_state is not None:
                sms_state.engine.dispose()
        return report
    finally:
        if own_store:
            store.dispose()


def _send(
    today: dt.date,
    store: ReminderStore,
    sender: TwilioSender,
    is_opted_out: Callable[[str], bool],
    deadlines: list[dl.Deadline] | None,
    report: Report,
) -> None:
    """Each due reminder: skipped if opted out or taken, else claimed, sent, and marked or released."""
    known = dl.by_id(deadlines if deadlines is not None else dl.load())
    for due in store.due(today):
        deadline = known.get(due.deadline_id)
        if deadline is None or not deadline.remind_from <= today <= deadline.last_day:
            continue  # the knowledge base no longer dates it so: nothing to say
        if is_opted_out(due.number_key):
            store.cancel(due.number_key)
            report.skipped += 1
            continue
        if not store.claim(due.subscription_id, due.deadline_id):
            report.skipped += 1
            continue
        try:
            sender.send(due.channel, due.number, messages.reminder(deadline, due.lang))
        except SendError as error:
            report.failed += 1
            report.errors.append(str(error))
            logger.warning("reminder send failed: %s (%s)", error, due.channel)
            if error.unsubscribed:
                store.cancel(due.number_key)  # Twilio holds a STOP for this number
            elif error.permanent:
                pass  # left claimed: never retried
            else:
                store.release(due.subscription_id, due.deadline_id)
            continue
        store.mark_sent(due.subscription_id, due.deadline_id)
        report.sent += 1


async def run_scheduler(every: float = EVERY_S) -> None:
    """send_due() now and then every `every` seconds, off the event loop, while the server runs."""
    loop = asyncio.get_running_loop()
    warned = False
    while True:
        try:
            report = await loop.run_in_executor(None, send_due)
            if not report.configured and not warned:
                logger.warning(
                    "reminders are not sent: TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and CAMINO_TWILIO_FROM are needed"
                )
                warned = True
            elif report.sent or report.failed or report.ended:
                logger.info("reminders: %d sent, %d failed, %d ended", report.sent, report.failed, report.ended)
        except Exception as error:  # a store that is down: the next round tries again
            logger.error("reminder round failed: %s", type(error).__name__)
        await asyncio.sleep(every)
