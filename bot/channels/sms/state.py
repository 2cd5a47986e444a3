"""What the SMS/WhatsApp channel remembers between messages, in a small SQL store that survives restarts.

- opt-outs, by the keyed hash of the number (STOP on either channel stops both);
- per conversation (sender id), the choices the last reply numbered and the language it was in;
- per Twilio MessageSid and sender (hashed together), the reply already given, so a retried webhook gets
  the same answer without running the bot again (kept for a day).

No phone number and no message from a family is stored here. The store is a SQLite file in the state
dir unless CAMINO_TWILIO_DB_URL names another SQLAlchemy URL (several Rasa servers must share one).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlalchemy import Column, DateTime, MetaData, String, Table, Text, create_engine, delete, exc, select
from sqlalchemy.engine import Engine

from bot import config

REPLY_TTL = timedelta(days=1)

metadata = MetaData()
optouts = Table(
    "twilio_optouts",
    metadata,
    Column("number_key", String(64), primary_key=True),
    Column("opted_out_at", DateTime, nullable=False),
)
conversations = Table(
    "twilio_conversations",
    metadata,
    Column("sender_id", String(80), primary_key=True),
    Column("choices", Text, nullable=False),  # JSON list of payloads
    Column("lang", String(8)),
    Column("updated_at", DateTime, nullable=False),
)
replies = Table(
    "twilio_replies",
    metadata,
    Column("message_sid", String(64), primary_key=True),
    Column("body", Text, nullable=False),  # the reply text; "" = an empty response
    Column("created_at", DateTime, nullable=False, index=True),
)


class SmsState:
    def __init__(self, url: str | None = None) -> None:
        # pre-pinged: a connection PostgreSQL dropped (a restart) is replaced, not lent to a turn
        self.engine: Engine = create_engine(url or config.twilio_db_url(), future=True, pool_pre_ping=True)
        try:
            metadata.create_all(self.engine)
        except exc.DBAPIError:  # another process created the tables between the check and the CREATE
            metadata.create_all(self.engine)

    def _put(self, table: Table, key: str, **values) -> None:
        """Insert or replace the row whose primary key is `key`."""
        key_column = next(iter(table.primary_key.columns))
        with self.engine.begin() as db:
            db.execute(delete(table).where(key_column == key))
            db.execute(table.insert().values({key_column.name: key, **values}))

    def _get(self, table: Table, key: str):
        key_column = next(iter(table.primary_key.columns))
        with self.engine.connect() as db:
            return db.execute(select(table).where(key_column == key)).first()

    # opt-outs
    def opted_out(self, number_key: str) -> bool:
        return self._get(optouts, number_key) is not None

    def opt_out(self, number_key: str) -> None:
        self._put(optouts, number_key, opted_out_at=datetime.utcnow())

    def opt_in(self, number_key: str) -> None:
        with self.engine.begin() as db:
            db.execute(delete(optouts).where(optouts.c.number_key == number_key))

    # the last reply of a conversation
    def save_turn(self, sender_id: str, choices: list[str], lang: str | None) -> None:
        self._put(conversations, sender_id, choices=json.dumps(choices), lang=lang, updated_at=datetime.utcnow())

    def last_choices(self, sender_id: str) -> list[str]:
        row = self._get(conversations, sender_id)
        return json.loads(row.choices) if row else []

    def last_lang(self, sender_id: str) -> str | None:
        row = self._get(conversations, sender_id)
        return row.lang if row else None

    # replies by MessageSid
    def reply_for(self, message_sid: str) -> str | None:
        row = self._get(replies, message_sid)
        return row.body if row and row.created_at > datetime.utcnow() - REPLY_TTL else None

    def remember_reply(self, message_sid: str, body: str) -> None:
        self.forget_old_replies()
        self._put(replies, message_sid, body=body, created_at=datetime.utcnow())

    def forget_old_replies(self) -> int:
        """Delete the replies past REPLY_TTL; returns how many."""
        with self.engine.begin() as db:
            return db.execute(delete(replies).where(replies.c.created_at < datetime.utcnow() - REPLY_TTL)).rowcount
