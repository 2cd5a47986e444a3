"""Before the production profile starts: PostgreSQL reachable and its database there (created if missing),
Redis answering PING. A problem stops `camino up` / `run` / `up-cluster` with a message that names the
service, its host:port and what to do, so nothing starts on a store that would lose conversations.

The same checks, quick and without side effects, answer the web server's /healthz (bot/web/app.py).
"""

from __future__ import annotations

import socket
from dataclasses import dataclass

from bot import config

CONNECT_TIMEOUT_S = 3


class PreflightError(RuntimeError):
    """A production dependency is missing; str() is the message for the operator."""


@dataclass(frozen=True)
class Postgres:
    host: str
    port: int
    database: str
    user: str
    password: str

    @classmethod
    def from_config(cls) -> Postgres:
        pg = config.production_settings()
        return cls(
            pg["CAMINO_PG_HOST"],
            int(pg["CAMINO_PG_PORT"]),
            pg["CAMINO_PG_DB"],
            pg["CAMINO_PG_USER"],
            pg["CAMINO_PG_PASSWORD"],
        )

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"

    def connect(self, database: str | None = None, timeout: float = CONNECT_TIMEOUT_S):
        import psycopg2

        return psycopg2.connect(
            host=self.host,
            port=self.port,
            dbname=database or self.database,
            user=self.user,
            password=self.password or None,
            connect_timeout=max(1, int(timeout)),
            application_name="camino-preflight",
        )


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def ensure_database(pg: Postgres | None = None) -> bool:
    """Connects to the server and creates the database when it is missing; True if it was created."""
    import psycopg2
    from psycopg2 import sql

    pg = pg or Postgres.from_config()
    try:
        admin = pg.connect("postgres")
    except psycopg2.OperationalError as error:
        reason = _first_line(error)
        if "password authentication" in reason or "no pg_hba.conf entry" in reason:
            hint = "check CAMINO_PG_USER and CAMINO_PG_PASSWORD (and the server's pg_hba.conf)"
        else:
            hint = (
                "start PostgreSQL there, or set CAMINO_PG_HOST / CAMINO_PG_PORT to where it runs "
                "(Debian: apt-get install postgresql; pg_ctlcluster 15 main start)"
            )
        raise PreflightError(f"PostgreSQL at {pg.where} is not reachable ({reason}): {hint}") from error
    try:
        admin.autocommit = True  # CREATE DATABASE cannot run inside a transaction
        with admin.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (pg.database,))
            if cursor.fetchone():
                return False
            try:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(pg.database)))
            except psycopg2.errors.DuplicateDatabase:
                return False  # another process created it meanwhile
            except psycopg2.Error as error:
                raise PreflightError(
                    f"PostgreSQL at {pg.where}: database {pg.database!r} is missing and could not be created "
                    f"({_first_line(error)}): create it (createdb -h {pg.host} -p {pg.port} -U {pg.user} "
                    f"{pg.database}) or give CAMINO_PG_USER the CREATEDB right"
                ) from error
            return True
    finally:
        admin.close()


def redis_ping(host: str, port: int, timeout: float = CONNECT_TIMEOUT_S) -> str | None:
    """None when Redis answers PING with PONG; otherwise why not (one line)."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as conn:
            conn.settimeout(timeout)
            conn.sendall(b"PING\r\n")
            answer = conn.recv(64)
    except OSError as error:
        return error.strerror or type(error).__name__
    if answer.startswith(b"+PONG"):
        return None
    return answer.decode("ascii", "replace").strip() or "no answer to PING"


def check_redis() -> None:
    settings = config.production_settings()
    host, port = settings["CAMINO_REDIS_HOST"], int(settings["CAMINO_REDIS_PORT"])
    problem = redis_ping(host, port)
    if problem:
        raise PreflightError(
            f"Redis at {host}:{port} does not answer ({problem}): start it there, or set CAMINO_REDIS_HOST / "
            "CAMINO_REDIS_PORT to where it runs (Debian: apt-get install redis-server). It is the lock store "
            "that keeps two servers from answering one conversation at the same time."
        )


def check_production() -> list[str]:
    """Runs the production profile's checks (creating the database if needed); returns what was done.
    Raises PreflightError on the first problem."""
    done = []
    pg = Postgres.from_config()
    if ensure_database(pg):
        done.append(f"created database {pg.database!r} on PostgreSQL at {pg.where}")
    check_redis()
    return done


# ------------------------------------------------------------------------------------------ health checks


def postgres_health(timeout: float = 2) -> str | None:
    """None when the tracker store's database answers a query; otherwise why not (no secrets)."""
    pg = Postgres.from_config()
    try:
        conn = pg.connect(timeout=timeout)
    except Exception as error:
        return _first_line(error)[:200]
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1")
        return None
    except Exception as error:
        return _first_line(error)[:200]
    finally:
        conn.close()


def redis_health(timeout: float = 2) -> str | None:
    settings = config.production_settings()
    return redis_ping(settings["CAMINO_REDIS_HOST"], int(settings["CAMINO_REDIS_PORT"]), timeout)
