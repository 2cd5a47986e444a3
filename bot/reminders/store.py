"""Reminder subscriptions, consent records and sends, in SQL (SQLite in the state dir, or
CAMINO_REMINDERS_DB_URL / the production profile's PostgreSQL database, shared by every replica).

- a subscription is a number's keyed hash (bot.channels.sms.inbound.number_key) plus the number itself
  encrypted with Fernet under bot.config.reminders_key() (needed to send), its channel and language,
  and the deadlines chosen; it is deleted, number included, on STOP and after its last date;
- a consent record says when, on which channel, in which language and with which wording (id and a
  hash of the exact text shown) a family opted in, and when that ended; it holds no number and is kept
  CONSENT_KEEP_DAYS after it ended, as proof of consent;
- a send row, keyed by (subscription, deadline), is claimed in the database before the text goes out:
  the key makes a second send of the same reminder impossible, from any process. A failed send
  releases it for a later run, at most MAX_ATTEMPTS times.

No message text is stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from cryptography.fernet import Fernet
from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    create_engine,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from bot import config
from bot.reminders.deadlines import Deadline

MAX_ATTEMPTS = 3
RETRY_AFTER = dt.timedelta(minutes=30)
OFFER_TTL = dt.timedelta(days=1)  # offers (and the topic REMIND uses) are forgotten after this
CONSENT_KEEP_DAYS = 4 * 365
CLAIMED, SENT, FAILED = "claimed", "sent", "failed"

metadata = MetaData()
subscriptions = Table(
    "reminder_subscriptions",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("number_key", String(64), nullable=False, index=True),
    Column("channel", String(8), nullable=False),  # sms | whatsapp
    Column("number_enc", Text, nullable=False),  # Fernet token of the E.164 number
    Column("lang", String(8), nullable=False),
    Column("created_at", DateTime, nullable=False),
    UniqueConstraint("number_key", "channel", name="uq_reminder_subscription_number"),
)
chosen = Table(
    "reminder_deadlines",
    metadata,
    Column("subscription_id", String(32), primary_key=True),
    Column("deadline_id", String(48), primary_key=True),
    Column("remind_from", Date, nullable=False),
    Column("last_day", Date, nullable=False),
)
consents = Table(
    "reminder_consents",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("number_key", String(64), nullable=False, index=True),
    Column("channel", String(8), nullable=False),
    Column("via", String(16), nullable=False),  # sms keyword, sms offer, web form…
    Column("lang", String(8), nullable=False),
    Column("wording_id", String(48), nullable=False),
    Column("wording_version", String(16), nullable=False),  # sha256 of the exact text shown, first 16
    Column("deadlines", Text, nullable=False),  # JSON list of deadline ids
    Column("created_at", DateTime, nullable=False),
    Column("closed_at", DateTime),
    Column("closed_by", String(16)),  # stop | ended
)
sends = Table(
    "reminder_sends",
    metadata,
    Column("subscription_id", String(32), primary_key=True),
    Column("deadline_id", String(48), primary_key=True),
    Column("status", String(8), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("claimed_at", DateTime, nullable=False),
    Column("sent_at", DateTime),
)
offers = Table(
    "reminder_offers",
    metadata,
    Column("sender_id", String(80), primary_key=True),
    Column("topic", String(48)),
    Column("lang", String(8), nullable=False),
    Column("offered_at", DateTime, nullable=False),
    Column("open", Integer, nullable=False),  # 1 while "yes" answers it: only the very next message
)


def wording_version(text: str) -> str:
    """The version of a consent wording: a hash of the exact text shown, so any change is a new version."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Consent:
    via: str
    wording_id: str
    text: str  # the exact text shown (only its hash is stored)


@dataclass(frozen=True)
class Due:
    subscription_id: str
    deadline_id: str
    channel: str
    number: str
    number_key: str
    lang: str


def _now() -> dt.datetime:
    return dt.datetime.utcnow()


class ReminderStore:
    def __init__(self, url: str | None = None, key: bytes | None = None) -> None:
        self.engine: Engine = create_engine(url or config.reminders_db_url(), future=True)
        metadata.create_all(self.engine)
        self._fernet = Fernet(key or config.reminders_key())

    def dispose(self) -> None:
        self.engine.dispose()

    # subscribing and stopping
    def subscribe(
        self, number: str, number_key: str, channel: str, lang: str, deadlines: Iterable[Deadline], consent: Consent
    ) -> str:
        """Subscribe the number to `deadlines` (added to what it already has on that channel), record the
        consent; returns the subscription id."""
        deadlines = list(deadlines)
        for attempt in range(2):  # two opt-ins at once: the second finds the first one's row
            try:
                with self.engine.begin() as db:
                    return self._subscribe(db, number, number_key, channel, lang, deadlines, consent)
            except IntegrityError:
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def _subscribe(self, db, number, number_key, channel, lang, deadlines, consent) -> str:
        now = _now()
        row = db.execute(
            select(subscriptions.c.id).where(
                subscriptions.c.number_key == number_key, subscriptions.c.channel == channel
            )
        ).first()
        token = self._fernet.encrypt(number.encode()).decode()
        if row:
            sub_id = row.id
            db.execute(update(subscriptions).where(subscriptions.c.id == sub_id).values(lang=lang, number_enc=token))
        else:
            sub_id = uuid.uuid4().hex
            db.execute(
                insert(subscriptions).values(
                    id=sub_id, number_key=number_key, channel=channel, number_enc=token, lang=lang, created_at=now
                )
            )
        have = {
            r.deadline_id for r in db.execute(select(chosen.c.deadline_id).where(chosen.c.subscription_id == sub_id))
        }
        for deadline in deadlines:
            if deadline.id not in have:
                db.execute(
                    insert(chosen).values(
                        subscription_id=sub_id,
                        deadline_id=deadline.id,
                        remind_from=deadline.remind_from,
                        last_day=deadline.last_day,
                    )
                )
        db.execute(
            insert(consents).values(
                number_key=number_key,
                channel=channel,
                via=consent.via,
                lang=lang,
                wording_id=consent.wording_id,
                wording_version=wording_version(consent.text),
                deadlines=json.dumps([d.id for d in deadlines]),
                created_at=now,
            )
        )
        return sub_id

    def cancel(self, number_key: str) -> int:
        """STOP: every subscription of the number (all channels) deleted with its number, its consents
        closed, its pending offers dropped; returns how many subscriptions there were."""
        with self.engine.begin() as db:
            ids = [r.id for r in db.execute(select(subscriptions.c.id).where(subscriptions.c.number_key == number_key))]
            self._delete(db, ids)
            db.execute(
                update(consents)
                .where(consents.c.number_key == number_key, consents.c.closed_at.is_(None))
                .values(closed_at=_now(), closed_by="stop")
            )
            db.execute(delete(offers).where(offers.c.sender_id.in_([f"sms:{number_key}", f"whatsapp:{number_key}"])))
            return len(ids)

    @staticmethod
    def _delete(db, ids: list[str]) -> None:
        if ids:
            db.execute(delete(sends).where(sends.c.subscription_id.in_(ids)))
            db.execute(delete(chosen).where(chosen.c.subscription_id.in_(ids)))
            db.execute(delete(subscriptions).where(subscriptions.c.id.in_(ids)))

    def deadlines_of(self, number_key: str) -> list[str]:
        with self.engine.connect() as db:
            rows = db.execute(
                select(chosen.c.deadline_id)
                .join(subscriptions, subscriptions.c.id == chosen.c.subscription_id)
                .where(subscriptions.c.number_key == number_key)
                .order_by(chosen.c.last_day)
            )
            return list(dict.fromkeys(r.deadline_id for r in rows))

    def stopped_before(self, number_key: str) -> bool:
        """Whether the number once had reminders and stopped them (START then says how to get them back)."""
        with self.engine.connect() as db:
            return (
                db.execute(
                    select(consents.c.id).where(consents.c.number_key == number_key, consents.c.closed_by == "stop")
                ).first()
                is not None
            )

    # offers made after a deadline answer
    def offer(self, sender_id: str, topic: str | None, lang: str) -> None:
        with self.engine.begin() as db:
            db.execute(delete(offers).where(offers.c.sender_id == sender_id))
            db.execute(insert(offers).values(sender_id=sender_id, topic=topic, lang=lang, offered_at=_now(), open=1))

    def pending_offer(self, sender_id: str) -> tuple[str | None, str] | None:
        """(topic, language) of an offer made to this conversation in the last OFFER_TTL, if any."""
        with self.engine.connect() as db:
            row = db.execute(select(offers).where(offers.c.sender_id == sender_id)).first()
        if row is None or not row.open or row.offered_at < _now() - OFFER_TTL:
            return None
        return row.topic, row.lang

    def last_topic(self, sender_id: str) -> str | None:
        with self.engine.connect() as db:
            row = db.execute(select(offers.c.topic).where(offers.c.sender_id == sender_id)).first()
        return row.topic if row else None

    def close_offer(self, sender_id: str) -> None:
        """The offer is no longer the last thing said: a later "yes" answers something else. Its topic
        stays, for a later REMIND."""
        with self.engine.begin() as db:
            db.execute(update(offers).where(offers.c.sender_id == sender_id, offers.c.open == 1).values(open=0))

    # sending
    def due(self, today: dt.date) -> list[Due]:
        """Reminders whose week has come on `today` and that are neither sent, being sent, nor out of tries."""
        done = (
            select(sends.c.subscription_id)
            .where(
                sends.c.subscription_id == chosen.c.subscription_id,
                sends.c.deadline_id == chosen.c.deadline_id,
                (sends.c.status != FAILED) | (sends.c.attempts >= MAX_ATTEMPTS),
            )
            .exists()
        )
        query = (
            select(chosen.c.subscription_id, chosen.c.deadline_id, subscriptions)
            .join(subscriptions, subscriptions.c.id == chosen.c.subscription_id)
            .where(chosen.c.remind_from <= today, chosen.c.last_day >= today, ~done)
            .order_by(chosen.c.last_day, subscriptions.c.created_at)
        )
        with self.engine.connect() as db:
            rows = db.execute(query).all()
        return [
            Due(r.subscription_id, r.deadline_id, r.channel, self._decrypt(r.number_enc), r.number_key, r.lang)
            for r in rows
        ]

    def _decrypt(self, token: str) -> str:
        return self._fernet.decrypt(token.encode()).decode()

    def claim(self, subscription_id: str, deadline_id: str) -> bool:
        """Take the reminder for sending; False when another run has it, sent it, or it is out of tries
        (a failed one becomes claimable again after RETRY_AFTER)."""
        now = _now()
        try:
            with self.engine.begin() as db:
                db.execute(
                    insert(sends).values(
                        subscription_id=subscription_id,
                        deadline_id=deadline_id,
                        status=CLAIMED,
                        attempts=1,
                        claimed_at=now,
                    )
                )
            return True
        except IntegrityError:
            pass
        with self.engine.begin() as db:  # compare and set: only one run turns a failed row into its claim
            taken = db.execute(
                update(sends)
                .where(
                    sends.c.subscription_id == subscription_id,
                    sends.c.deadline_id == deadline_id,
                    sends.c.status == FAILED,
                    sends.c.attempts < MAX_ATTEMPTS,
                    sends.c.claimed_at <= now - RETRY_AFTER,
                )
                .values(status=CLAIMED, attempts=sends.c.attempts + 1, claimed_at=now)
            )
            return taken.rowcount == 1

    def _set(self, subscription_id: str, deadline_id: str, **values) -> None:
        with self.engine.begin() as db:
            db.execute(
                update(sends)
                .where(sends.c.subscription_id == subscription_id, sends.c.deadline_id == deadline_id)
                .values(**values)
            )

    def mark_sent(self, subscription_id: str, deadline_id: str) -> None:
        self._set(subscription_id, deadline_id, status=SENT, sent_at=_now())

    def release(self, subscription_id: str, deadline_id: str) -> None:
        """A failed send: a later run may try again (bounded by MAX_ATTEMPTS)."""
        self._set(subscription_id, deadline_id, status=FAILED)

    # the end of reminders
    def end_past(self, today: dt.date) -> int:
        """Delete, number included, the subscriptions whose last date is before `today`; close their
        consents. Returns how many."""
        with self.engine.begin() as db:
            last = (
                select(chosen.c.subscription_id, func.max(chosen.c.last_day).label("last"))
                .group_by(chosen.c.subscription_id)
                .subquery()
            )
            rows = db.execute(
                select(subscriptions.c.id, subscriptions.c.number_key, last.c.last).join(
                    last, last.c.subscription_id == subscriptions.c.id, isouter=True
                )
            ).all()
            ended = [r for r in rows if r.last is None or r.last < today]
            self._delete(db, [r.id for r in ended])
            remaining = {
                r.number_key for r in db.execute(select(subscriptions.c.number_key))
            }  # another channel may still be subscribed
            for key in {r.number_key for r in ended} - remaining:
                db.execute(
                    update(consents)
                    .where(consents.c.number_key == key, consents.c.closed_at.is_(None))
                    .values(closed_at=_now(), closed_by="ended")
                )
            return len(ended)

    def forget_old_consents(self, days: int = CONSENT_KEEP_DAYS) -> int:
        with self.engine.begin() as db:
            cutoff = _now() - dt.timedelta(days=days)
            return db.execute(
                delete(consents).where(and_(consents.c.closed_at.is_not(None), consents.c.closed_at < cutoff))
            ).rowcount

    def forget_old_offers(self) -> int:
        with self.engine.begin() as db:
            return db.execute(delete(offers).where(offers.c.offered_at < _now() - OFFER_TTL)).rowcount

    # counts for staff
    def counts(self) -> dict[str, dict[str, int]]:
        """Subscribed families per deadline and language: {deadline_id: {lang: n}}; no numbers."""
        query = (
            select(chosen.c.deadline_id, subscriptions.c.lang, func.count(func.distinct(subscriptions.c.number_key)))
            .join(subscriptions, subscriptions.c.id == chosen.c.subscription_id)
            .group_by(chosen.c.deadline_id, subscriptions.c.lang)
        )
        result: dict[str, dict[str, int]] = {}
        with self.engine.connect() as db:
            for deadline_id, lang, count in db.execute(query):
                result.setdefault(deadline_id, {})[lang] = int(count)
        return result

    def families(self) -> int:
        with self.engine.connect() as db:
            return int(db.execute(select(func.count(func.distinct(subscriptions.c.number_key)))).scalar() or 0)
