"""The knowledge store: SQLAlchemy tables that a build fills from the files and the bot reads from.

SQLite by default; any SQLAlchemy URL (PostgreSQL in production) through CAMINO_DB_URL. The files stay
the source of truth for curated content; `origin` tells curated rows from imported ones so an import
never overwrites what people wrote.
"""

from __future__ import annotations

import json

from sqlalchemy import JSON, Boolean, Column, Integer, MetaData, String, Table, Text, create_engine, event, select
from sqlalchemy.engine import Engine

from bot.knowledge.model import Entry, Knowledge, School, Topic

metadata = MetaData()

topics_table = Table(
    "topics",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("position", Integer, nullable=False),  # order of topics.yml (menus follow it)
    Column("title_en", Text, nullable=False),
    Column("title_es", Text, nullable=False),
)

entries_table = Table(
    "entries",
    metadata,
    Column("id", String(128), primary_key=True),
    Column("topic", String(64), nullable=False, index=True),
    Column("position", Integer, nullable=False),
    Column("questions", JSON, nullable=False),  # {"en": [...], "es": [...]}
    Column("answer", JSON, nullable=False),  # {"en": ..., "es": ...}
    Column("details", JSON, nullable=False),
    Column("next_step", JSON, nullable=False),
    Column("sources", JSON, nullable=False),
    Column("as_of", String(7), nullable=False),
    Column("changes_yearly", Boolean, nullable=False),
    Column("facts", JSON, nullable=False),  # {"figure": "source URL"}
    Column("review_by", String(10)),  # ISO date
    Column("cycle", String(7)),
    Column("cycle_ends", String(10)),
    Column("confirm", JSON, nullable=False),  # {"en": "Office, phone", "es": ...}
)

schools_table = Table(
    "schools",
    metadata,
    Column("id", String(128), primary_key=True),
    Column("name", Text, nullable=False),
    Column("aliases", JSON, nullable=False),
    Column("types", JSON, nullable=False),
    Column("level", String(32)),
    Column("sources", JSON, nullable=False),
    Column("as_of", String(7), nullable=False),
    Column("extra", JSON, nullable=False),
    Column("origin", String(16), nullable=False, default="curated"),  # curated | imported
)


def engine_for(url: str) -> Engine:
    engine = create_engine(url, future=True, pool_pre_ping=True)  # survives a database restart
    if engine.dialect.name == "sqlite":
        # pysqlite opens transactions only before DML, so DROP/CREATE would commit on their own; let
        # SQLAlchemy issue BEGIN itself so that a build is one transaction on SQLite too.
        @event.listens_for(engine, "connect")
        def _no_pysqlite_transactions(dbapi_connection, _record):
            dbapi_connection.isolation_level = None

        @event.listens_for(engine, "begin")
        def _begin(conn):
            conn.exec_driver_sql("BEGIN")

    return engine


def _school_row(school: School, origin: str) -> dict:
    return {
        "id": school.id,
        "name": school.name,
        "aliases": list(school.aliases),
        "types": list(school.types),
        "level": school.level,
        "sources": list(school.sources),
        "as_of": school.as_of,
        "extra": json.loads(json.dumps(school.extra, default=str)),
        "origin": origin,
    }


def build(knowledge: Knowledge, url: str) -> dict[str, int]:
    """Replace the curated content of the store with `knowledge`, in one transaction.

    Imported schools survive a rebuild unless a curated record now has the same id.
    """
    engine = engine_for(url)
    with engine.begin() as conn:
        # Curated tables are rebuilt from the files every time (so a schema change needs no migration);
        # the schools table keeps its imported rows. All of it in this one transaction: a failed build
        # leaves the previous store as it was (PostgreSQL and SQLite both roll back DDL).
        entries_table.drop(conn, checkfirst=True)
        topics_table.drop(conn, checkfirst=True)
        metadata.create_all(conn)
        conn.execute(schools_table.delete().where(schools_table.c.origin == "curated"))
        if knowledge.schools:
            conn.execute(schools_table.delete().where(schools_table.c.id.in_(list(knowledge.schools))))
        for position, topic in enumerate(knowledge.topics.values()):
            conn.execute(
                topics_table.insert().values(
                    id=topic.id,
                    position=position,
                    title_en=topic.title.get("en", ""),
                    title_es=topic.title.get("es", ""),
                )
            )
            for entry in topic.entries:
                conn.execute(
                    entries_table.insert().values(
                        id=entry.id,
                        topic=entry.topic,
                        position=entry.position,
                        questions={k: list(v) for k, v in entry.questions.items()},
                        answer=entry.answer,
                        details=entry.details,
                        next_step=entry.next_step,
                        sources=list(entry.sources),
                        as_of=entry.as_of,
                        changes_yearly=entry.changes_yearly,
                        facts=entry.facts,
                        review_by=entry.review_by,
                        cycle=entry.cycle,
                        cycle_ends=entry.cycle_ends,
                        confirm=entry.confirm,
                    )
                )
        for school in knowledge.schools.values():
            conn.execute(schools_table.insert().values(**_school_row(school, "curated")))
    engine.dispose()
    return {"topics": len(knowledge.topics), "entries": len(knowledge.entries), "schools": len(knowledge.schools)}


def upsert_imported(schools: list[School], url: str) -> dict[str, int]:
    """Add or refresh imported schools; a curated record with the same id is never touched."""
    engine = engine_for(url)
    metadata.create_all(engine)
    counts = {"added": 0, "updated": 0, "unchanged": 0, "kept_curated": 0}
    with engine.begin() as conn:
        for school in schools:
            existing = conn.execute(select(schools_table).where(schools_table.c.id == school.id)).first()
            row = _school_row(school, "imported")
            if existing is None:
                conn.execute(schools_table.insert().values(**row))
                counts["added"] += 1
            elif existing.origin == "curated":
                counts["kept_curated"] += 1
            elif {k: existing._mapping[k] for k in row} == row:
                counts["unchanged"] += 1
            else:
                conn.execute(schools_table.update().where(schools_table.c.id == school.id).values(**row))
                counts["updated"] += 1
    engine.dispose()
    return counts


def load(url: str) -> Knowledge | None:
    """Read the whole store back into memory (it is small), or None when it has not been built."""
    engine = engine_for(url)
    try:
        from sqlalchemy import inspect

        inspector = inspect(engine)
        if not inspector.has_table("entries"):
            return None
        if {c.name for c in entries_table.columns} - {c["name"] for c in inspector.get_columns("entries")}:
            return None  # built by an older version: the caller rebuilds it from the files
        with engine.connect() as conn:
            entries: dict[str, list[Entry]] = {}
            for row in conn.execute(select(entries_table).order_by(entries_table.c.topic, entries_table.c.position)):
                entries.setdefault(row.topic, []).append(
                    Entry(
                        row.id,
                        row.topic,
                        row.position,
                        {k: tuple(v) for k, v in row.questions.items()},
                        dict(row.answer),
                        dict(row.details),
                        dict(row.next_step),
                        tuple(row.sources),
                        row.as_of,
                        bool(row.changes_yearly),
                        dict(row.facts),
                        row.review_by,
                        row.cycle,
                        row.cycle_ends,
                        dict(row.confirm),
                    )
                )
            topics = {
                row.id: Topic(row.id, {"en": row.title_en, "es": row.title_es}, tuple(entries.get(row.id, ())))
                for row in conn.execute(select(topics_table).order_by(topics_table.c.position))
            }
            schools = {
                row.id: School(
                    row.id,
                    row.name,
                    tuple(row.aliases),
                    tuple(row.types),
                    row.level,
                    tuple(row.sources),
                    row.as_of,
                    dict(row.extra),
                )
                for row in conn.execute(select(schools_table).order_by(schools_table.c.id))
            }
    finally:
        engine.dispose()
    return Knowledge(topics, schools, [])
