"""Throwaway PostgreSQL and Redis servers on free ports, for the production tests and the benches
(bench/load.py, bench/faults.py): they can be stopped and restarted without touching the machine's own.

- ThrowawayPostgres: a cluster made with initdb in a temporary directory (as the `postgres` user when
  run as root), trust authentication, listening on 127.0.0.1 only; fsync off (it is thrown away).
- ThrowawayRedis: redis-server on 127.0.0.1, no persistence.
- the whole production cluster started by `camino up-cluster` on free ports against them.

Each `missing()` says why the server cannot be started here (for pytest.skip), or None.
"""

from __future__ import annotations

import contextlib
import glob
import os
import random
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CAMINO = str(Path(sys.executable).with_name("camino"))


# Ports handed out by free_port, so two calls in one process never return the same one.
_HANDED_OUT: set[int] = set()
# Below the kernel's ephemeral range (32768-60999 here): outgoing connections take ports from that range,
# so a port found free there can be taken by a client socket before the server binds it.
_PORT_RANGE = (20000, 32000)


def free_port() -> int:
    """A port no other socket holds and this process has not handed out before, outside the ephemeral range."""
    rng = random.Random(os.getpid() ^ time.monotonic_ns())
    for _ in range(200):
        port = rng.randrange(*_PORT_RANGE)
        if port in _HANDED_OUT:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        _HANDED_OUT.add(port)
        return port
    raise RuntimeError("no free port")


def free_port_run(count: int) -> int:
    """The first of `count` consecutive free ports."""
    for _ in range(50):
        base = free_port()
        if base + count > _PORT_RANGE[1]:  # the run stays below the ephemeral range too
            continue
        ok = True
        for port in range(base, base + count):
            with socket.socket() as s:
                try:
                    s.bind(("127.0.0.1", port))
                except OSError:
                    ok = False
                    break
        if ok:
            _HANDED_OUT.update(range(base, base + count))
            return base
    raise RuntimeError("no run of free ports")


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=1):
        return True
    return False


def _pg_bin() -> Path | None:
    for directory in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(directory, "initdb").is_file() and Path(directory, "pg_ctl").is_file():
            return Path(directory)
    found = shutil.which("pg_ctl")
    return Path(found).parent if found and Path(found).with_name("initdb").is_file() else None


class ThrowawayPostgres:
    def __init__(self) -> None:
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="camino-pg-"))
        self.data = self.dir / "data"
        self.bin = _pg_bin()
        self.as_postgres = os.geteuid() == 0

    @staticmethod
    def missing() -> str | None:
        if _pg_bin() is None:
            return "the PostgreSQL server binaries (initdb, pg_ctl) are not installed (apt-get install postgresql)"
        if os.geteuid() == 0:
            try:
                import pwd

                pwd.getpwnam("postgres")
            except KeyError:
                return "running as root but there is no `postgres` user to run a throwaway PostgreSQL"
        return None

    def _run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess:
        argv = ["runuser", "-u", "postgres", "--", *command] if self.as_postgres else list(command)
        return subprocess.run(argv, capture_output=True, text=True, check=check, timeout=120)

    def start(self) -> ThrowawayPostgres:
        assert self.bin is not None
        if self.as_postgres:
            shutil.chown(self.dir, "postgres", "postgres")
        if not self.data.exists():
            self._run(str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                      "--no-sync")  # fmt: skip
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.dir / "log"), "-w",
                  "start")  # fmt: skip
        return self

    def stop(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)

    def restart(self) -> None:
        self.stop()
        self.start()

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class ThrowawayRedis:
    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @staticmethod
    def missing() -> str | None:
        return None if shutil.which("redis-server") else "redis-server is not installed (apt-get install redis-server)"

    def start(self) -> ThrowawayRedis:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not port_open(self.port):
            if time.monotonic() > deadline:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)

    close = stop


def nginx_missing() -> str | None:
    if shutil.which("nginx") or Path("/usr/sbin/nginx").is_file():
        return None
    return "nginx is not installed (make nginx, or apt-get install nginx)"


TWILIO_TOKEN = "cluster-twilio-auth-token"
PUBLIC_BASE = "https://camino.example.org"


class Cluster:
    """`camino up-cluster` (production profile) on free ports, against a throwaway PostgreSQL and Redis,
    with its own state dir and a fresh database name."""

    def __init__(self, replicas: int = 2) -> None:
        self.replicas = replicas
        self.pg = ThrowawayPostgres()
        self.redis = ThrowawayRedis()
        self.state = Path(tempfile.mkdtemp(prefix="camino-cluster-state-"))
        self.database = f"camino_test_{secrets.token_hex(4)}"
        base = free_port_run(replicas)
        self.rasa_ports = [base + i for i in range(replicas)]
        self.proxy_port = free_port()
        self.env = dict(
            os.environ,
            CAMINO_PROFILE="production",
            CAMINO_STATE_DIR=str(self.state),
            CAMINO_PG_HOST="127.0.0.1",
            CAMINO_PG_DB=self.database,
            CAMINO_REDIS_HOST="127.0.0.1",
            RASA_PORT=str(base),
            ACTIONS_PORT=str(free_port()),
            WEB_PORT=str(free_port()),
            CAMINO_PROXY_PORT=str(self.proxy_port),
            CAMINO_SENDER_SECRET=secrets.token_hex(32),
            TWILIO_AUTH_TOKEN=TWILIO_TOKEN,
            PUBLIC_BASE_URL=PUBLIC_BASE,
            CAMINO_READY_TIMEOUT="600",
            RASA_TELEMETRY_ENABLED="false",
        )
        for name in ("CAMINO_DB_URL", "CAMINO_TWILIO_DB_URL", "CAMINO_ALLOWED_ORIGINS", "CAMINO_SOCKET_URL"):
            self.env.pop(name, None)

    @staticmethod
    def missing() -> str | None:
        return ThrowawayPostgres.missing() or ThrowawayRedis.missing() or nginx_missing()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.proxy_port}"

    def replica_url(self, i: int) -> str:
        return f"http://127.0.0.1:{self.rasa_ports[i]}"

    @property
    def actions_port(self) -> int:
        return int(self.env["ACTIONS_PORT"])

    def up(self) -> subprocess.CompletedProcess:
        self.pg.start()
        self.redis.start()
        self.env["CAMINO_PG_PORT"] = str(self.pg.port)
        self.env["CAMINO_REDIS_PORT"] = str(self.redis.port)
        return subprocess.run(
            [CAMINO, "up-cluster", "--replicas", str(self.replicas)],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=1200,
        )

    def logs(self, tail: int = 3000) -> str:
        paths = sorted((self.state / "logs").glob("*.log"))
        return "\n".join(f"--- {p.name}\n" + p.read_text(errors="replace")[-tail:] for p in paths)

    def recorded_pids(self) -> dict[str, int]:
        import json

        return json.loads((self.state / "run" / "servers.json").read_text())["pids"]

    def db(self):
        import psycopg2

        conn = psycopg2.connect(host="127.0.0.1", port=self.pg.port, dbname=self.database, user="postgres")
        conn.autocommit = True
        return conn

    def events(self, sender_id: str) -> list[tuple[int, str, str | None, float]]:
        """(id, type_name, action_name or intent, timestamp) of a conversation's events, in id order."""
        conn = self.db()
        try:
            with conn.cursor() as cursor:
                cursor.execute(
                    "SELECT id, type_name, COALESCE(action_name, intent_name), timestamp FROM events "
                    "WHERE sender_id = %s ORDER BY id",
                    (sender_id,),
                )
                return list(cursor.fetchall())
        finally:
            conn.close()

    def down(self) -> None:
        with contextlib.suppress(Exception):
            subprocess.run([CAMINO, "down"], cwd=ROOT, env=self.env, capture_output=True, timeout=120)
        self.redis.close()
        self.pg.close()
        shutil.rmtree(self.state, ignore_errors=True)
