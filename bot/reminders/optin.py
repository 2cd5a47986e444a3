"""Opting in to deadline reminders from a phone, and out again: what the SMS/WhatsApp service asks here.

- REMIND / RECORDAR (whole message, any case or accents) subscribes the number to the dates ahead for
  what the family last asked about; "yes"/"sí"/"si" does the same when it is the very next message after
  the short offer that follows a deadline answer (within a day). With no dated deadline ahead the family
  is told so and nothing is stored.
- STOP in any form cancels every reminder of the number at once (number deleted); START does not bring
  them back (the family is told to opt in again); HELP, for a subscriber, says what the program is.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from zoneinfo import ZoneInfo

from bot.channels.sms.inbound import Sender, parse_number
from bot.channels.sms.texts import say, texts
from bot.language import fold, normalize_code
from bot.reminders import deadlines as dl
from bot.reminders import messages
from bot.reminders.store import Consent, ReminderStore

logger = logging.getLogger(__name__)
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
_EDGE = " \t\r\n.,;:!?¡¿\"'()*"
REMIND_WORDS = {
    "remind": "en",
    "remind me": "en",
    "reminder": "en",
    "reminders": "en",
    "recordar": "es",
    "recordarme": "es",
    "recuerdame": "es",
    "recordatorio": "es",
    "recordatorios": "es",
}
YES_WORDS = {"yes": "en", "yes please": "en", "si": "es", "si por favor": "es", "claro": "es"}


def today_in_los_angeles() -> dt.date:
    return dt.datetime.now(LOS_ANGELES).date()


def _word(body: str) -> str:
    return " ".join(fold(body or "").strip(_EDGE).split())


class ReminderDesk:
    def __init__(
        self,
        store: ReminderStore | None = None,
        deadlines: Callable[[], list[dl.Deadline]] | None = None,
        today: Callable[[], dt.date] = today_in_los_angeles,
    ) -> None:
        self._store = store
        self.deadlines = deadlines or dl.load
        self.today = today

    @property
    def store(self) -> ReminderStore:
        if self._store is None:
            self._store = ReminderStore()
        return self._store

    def ahead(self, topic: str | None) -> list[dl.Deadline]:
        return dl.upcoming(self.deadlines(), self.today(), topic)

    # what the service asks
    def opt_in(self, body: str, from_: str, sender: Sender, lang: str | None, opted_out: bool) -> str | None:
        """The reply to REMIND/RECORDAR or to "yes" after an offer; None for any other message."""
        word = _word(body)
        if word in REMIND_WORDS:
            lang = REMIND_WORDS[word]
            topic = self.store.last_topic(sender.sender_id)
            via, wording = "keyword", "reminders_confirm"
        elif word in YES_WORDS:
            offer = self.store.pending_offer(sender.sender_id)
            if offer is None:
                return None
            topic, lang = offer
            via, wording = "offer", "reminders_offer"
        else:
            return None
        lang = normalize_code(lang) or "en"
        if opted_out:
            return say("reminders_opted_out", lang)
        chosen = self.ahead(topic)
        if not chosen:
            logger.info("reminder opt-in from %s: no dated deadline ahead, nothing stored", _short(sender))
            return say("reminders_none", lang)
        parsed = parse_number(from_)
        if parsed is None:
            return None
        shown = texts()[wording][lang]  # the wording's template in that language (its hash is the version)
        self.store.subscribe(parsed[1], sender.number_key, sender.channel, lang, chosen, Consent(via, wording, shown))
        self.store.close_offer(sender.sender_id)
        logger.info("reminder opt-in from %s: %d date(s), via %s, lang=%s", _short(sender), len(chosen), via, lang)
        return messages.confirmation(chosen, lang)

    def offer(self, sender: Sender, payload: dict | None) -> str:
        """The short offer to add after a knowledge answer about a dated step ("" for other answers or
        when nothing is ahead); remembered for the family's "yes"."""
        topic = (payload or {}).get("topic")
        if not isinstance(topic, str) or topic not in dl.TOPIC_KINDS or sender is None:
            return ""
        lang = normalize_code((payload or {}).get("lang")) or "en"
        if not self.ahead(topic):
            return ""
        have = set(self.store.deadlines_of(sender.number_key))
        if have and all(d.id in have for d in self.ahead(topic)):
            return ""  # already subscribed to all of them
        self.store.offer(sender.sender_id, topic, lang)
        return say("reminders_offer", lang)

    def close_offer(self, sender: Sender) -> None:
        """A message that goes to the bot: an offer made before it can no longer be answered by "yes"."""
        self.store.close_offer(sender.sender_id)

    def stop(self, sender: Sender) -> None:
        if self.store.cancel(sender.number_key):
            logger.info("reminders cancelled for %s (STOP)", _short(sender))

    def help(self, sender: Sender, lang: str) -> str | None:
        """HELP from a subscriber: the program, its dates and how to stop; None for anyone else."""
        ids = self.store.deadlines_of(sender.number_key)
        known = dl.by_id(self.deadlines())
        chosen = [known[i] for i in ids if i in known]
        return messages.help_text(chosen, lang) if chosen else None

    def restart_note(self, sender: Sender, lang: str) -> str:
        return say("reminders_restart", lang) if self.store.stopped_before(sender.number_key) else ""


def _short(sender: Sender) -> str:
    return f"{sender.channel}:{sender.number_key[:12]}"
