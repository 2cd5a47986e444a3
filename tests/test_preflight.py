"""The production profile's pre-flight and health probes, the settings it implies, and the generated nginx
configuration. The database tests use the machine's PostgreSQL (127.0.0.1:5432) on a fresh database name
that is dropped afterwards; they skip, saying so, where it is not running."""

from __future__ import annotations

import asyncio
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from services import free_port, port_open

from bot import cluster, config, preflight

ROOT = Path(__file__).resolve().parent.parent
CAMINO = str(Path(sys.executable).with_name("camino"))


@pytest.fixture
def production(monkeypatch):
    monkeypatch.setenv("CAMINO_PROFILE", "production")
    for name in ("CAMINO_DB_URL", "CAMINO_TWILIO_DB_URL", "CAMINO_PG_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CAMINO_PG_HOST", "127.0.0.1")
    monkeypatch.setenv("CAMINO_PG_PORT", "5432")
    monkeypatch.setenv("CAMINO_REDIS_HOST", "127.0.0.1")
    monkeypatch.setenv("CAMINO_REDIS_PORT", "6379")
    return monkeypatch


@pytest.fixture
def fresh_database(production):
    if not port_open(5432):
        pytest.skip("no PostgreSQL on 127.0.0.1:5432 (apt-get install postgresql)")
    name = f"camino_preflight_{secrets.token_hex(4)}"
    production.setenv("CAMINO_PG_DB", name)
    pg = preflight.Postgres.from_config()
    yield pg
    admin = pg.connect("postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def test_production_stores_default_to_the_tracker_database(production):
    production.setenv("CAMINO_PG_DB", "camino")
    production.setenv("CAMINO_PG_PASSWORD", "p@ss/word")
    url = "postgresql://postgres:p%40ss%2Fword@127.0.0.1:5432/camino"
    assert config.tracker_store_url() == config.database_url() == config.twilio_db_url() == url
    production.setenv("CAMINO_TWILIO_DB_URL", "sqlite:///elsewhere.db")
    assert config.twilio_db_url() == "sqlite:///elsewhere.db"
    production.setenv("CAMINO_PROFILE", "embedded")
    assert config.database_url().endswith("/knowledge.db")


def test_the_database_is_created_once_and_the_stores_share_it_without_loss(fresh_database):
    assert preflight.ensure_database(fresh_database) is True
    assert preflight.ensure_database(fresh_database) is False  # idempotent
    from bot.channels.sms.state import SmsState

    SmsState().opt_out("key-1")
    assert SmsState().opted_out("key-1")  # a restart creates nothing anew and loses nothing
    assert config.twilio_db_url().endswith(f"/{fresh_database.database}")
    assert preflight.postgres_health() is None


def test_preflight_names_the_service_address_and_what_to_do(production):
    port = free_port()
    production.setenv("CAMINO_PG_PORT", str(port))
    with pytest.raises(preflight.PreflightError) as error:
        preflight.check_production()
    message = str(error.value)
    assert f"PostgreSQL at 127.0.0.1:{port} is not reachable" in message and "CAMINO_PG_PORT" in message
    assert preflight.postgres_health() is not None


def test_preflight_for_redis(fresh_database, production):
    port = free_port()
    production.setenv("CAMINO_REDIS_PORT", str(port))
    with pytest.raises(preflight.PreflightError, match=rf"Redis at 127.0.0.1:{port} does not answer"):
        preflight.check_production()
    assert preflight.redis_health() is not None
    if port_open(6379):
        assert preflight.redis_ping("127.0.0.1", 6379) is None


def test_camino_up_fails_before_starting_anything_when_the_db_host_is_wrong(tmp_path):
    port = free_port()
    env = {
        "PATH": "/usr/bin:/bin",
        "CAMINO_PROFILE": "production",
        "CAMINO_PG_HOST": "127.0.0.1",
        "CAMINO_PG_PORT": str(port),
        "CAMINO_STATE_DIR": str(tmp_path),
        "RASA_TELEMETRY_ENABLED": "false",
    }
    for command in (["up"], ["up-cluster", "--replicas", "2"]):
        done = subprocess.run([CAMINO, *command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 2, done.stdout + done.stderr
        assert f"PostgreSQL at 127.0.0.1:{port} is not reachable" in done.stderr or "nginx" in done.stderr
        assert not (tmp_path / "run" / "servers.json").exists()


def test_health_reports_each_dependency_and_503_when_one_is_down(production):
    from aiohttp.test_utils import TestClient, TestServer

    from bot.web.app import Settings, create_app

    production.setenv("CAMINO_REDIS_PORT", str(free_port()))
    settings = Settings(rasa_port=free_port(), actions_port=free_port(), dependencies=("rasa", "redis"))

    async def get():
        client = TestClient(TestServer(create_app(settings)))
        await client.start_server()
        try:
            reply = await client.get("/healthz")
            return reply.status, await reply.json()
        finally:
            await client.close()

    status, body = asyncio.new_event_loop().run_until_complete(get())
    assert status == 503 and body == {"status": "down", "dependencies": {"rasa": "down", "redis": "down"}}


def test_health_in_the_cluster_lists_each_replica(production):
    """One replica down: "degraded" with 200 (the proxy still answers through the other); names, not ports."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from aiohttp.test_utils import TestClient, TestServer

    from bot.web.app import Settings, create_app

    class Up(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args):
            pass

    up = ThreadingHTTPServer(("127.0.0.1", 0), Up)
    threading.Thread(target=up.serve_forever, daemon=True).start()
    up_port, down_port = up.server_address[1], free_port()

    def get(replicas: tuple[int, ...]):
        settings = Settings(rasa_port=up_port, dependencies=("rasa",), replica_ports=replicas)

        async def fetch():
            client = TestClient(TestServer(create_app(settings)))
            await client.start_server()
            try:
                reply = await client.get("/healthz")
                return reply.status, await reply.json()
            finally:
                await client.close()

        return asyncio.new_event_loop().run_until_complete(fetch())

    try:
        status, body = get((up_port, down_port))
        assert status == 200 and body == {
            "status": "degraded",
            "dependencies": {"rasa": "ok"},
            "replicas": {"rasa-1": "ok", "rasa-2": "down"},
        }
        assert str(down_port) not in str(body) and str(up_port) not in str(body)
        assert get((up_port, up_port)) == (200, {"status": "ok", "dependencies": {"rasa": "ok"},
                                                 "replicas": {"rasa-1": "ok", "rasa-2": "ok"}})  # fmt: skip
        assert "replicas" not in get(())[1]  # one instance: no replica list
    finally:
        up.shutdown()
        up.server_close()


def test_replica_ports_and_the_lock_lifetime_reach_the_servers(monkeypatch):
    from bot import servers

    monkeypatch.setenv("CAMINO_REPLICA_PORTS", "5005, 5006,x")
    assert config.replica_ports() == [5005, 5006]
    monkeypatch.delenv("CAMINO_LOCK_LIFETIME", raising=False)
    assert servers.server_env(servers.Ports(rasa=5005, actions=5055))["TICKET_LOCK_LIFETIME"] == "15"
    monkeypatch.setenv("CAMINO_LOCK_LIFETIME", "30")
    assert servers.server_env(servers.Ports(rasa=5005, actions=5055))["TICKET_LOCK_LIFETIME"] == "30"


def test_the_production_tracker_store_is_ours_and_imports():
    """Rasa silently falls back to an in-memory store when the `type` path does not import."""
    import yaml
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.utils.common import class_from_module_path

    endpoints = yaml.safe_load((config.ROOT / "endpoints.production.yml").read_text())
    store = class_from_module_path(endpoints["tracker_store"]["type"])
    assert issubclass(store, SQLTrackerStore) and store.__name__ == "ResilientSQLTrackerStore"


def test_the_nginx_configuration(tmp_path):
    ports = cluster.ClusterPorts(proxy=8088, actions=5055, web=8080, rasa=[5005, 5006])
    conf = cluster.nginx_conf(ports, tmp_path, tmp_path, as_root=True)
    assert conf.count("server 127.0.0.1:5005") == 2 and conf.count("server 127.0.0.1:5006") == 2
    assert "hash $camino_route consistent;" in conf and "listen 127.0.0.1:8088;" in conf
    assert "location /socket.io/" in conf and "proxy_set_header Upgrade $http_upgrade;" in conf
    assert "$request_uri" not in conf and "$args" not in conf  # the access log names paths only
    nginx = cluster.nginx_available()
    if nginx:
        (tmp_path / "tmp").mkdir()
        path = tmp_path / "nginx.conf"
        path.write_text(conf.replace("user nobody nogroup;", ""))
        check = subprocess.run([nginx, "-t", "-c", str(path), "-p", str(tmp_path)], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
