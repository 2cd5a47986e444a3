"""The cluster's nginx (the configuration `camino up-cluster` generates, bot/cluster.py) in front of stand-in
replicas, without Rasa: one that refuses connections (a killed replica), one that takes a message and
dies before answering (killed mid-turn), one that answers. A family never gets a 502: a message goes to
the other replica only when the first cannot have seen it, never twice, and otherwise the web server's
fallback (bot/web/fallback.py) answers with the polite "try again" in the channel's format and language.

Skipped, with the reason, where nginx is not installed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import subprocess
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests
from services import free_port, nginx_missing, port_open
from twilio.request_validator import RequestValidator

from bot import cluster
from bot.channels.guard import UNAVAILABLE
from bot.channels.sms.texts import say as sms_say

pytestmark = pytest.mark.skipif(nginx_missing() is not None, reason=str(nginx_missing()))

REST = "/webhooks/rest/webhook"
TWILIO = "/webhooks/twilio/webhook"
TOKEN, BASE = "proxy-test-token", "https://camino.example.org"


class Replica:
    """A stand-in Rasa replica on a free port: `answer` replies to REST messages, `die` reads the whole
    request and closes the connection without a byte (a replica killed mid-turn). Both record what they
    received."""

    def __init__(self, mode: str):
        self.mode, self.received = mode, []
        replica = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                self._reply(b'{"status": "ok"}')

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                replica.received.append(body)
                if replica.mode == "die":
                    self.connection.shutdown(socket.SHUT_RDWR)
                    self.close_connection = True
                    return
                message = json.loads(body)
                self._reply(json.dumps([{"recipient_id": message["sender"], "text": "answered"}]).encode())

            def _reply(self, data: bytes):
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class WebServer:
    """Our web server (bot.web.app) in a thread, as the proxy's fallback."""

    def __init__(self, monkeypatch):
        from aiohttp import web

        from bot.web.app import Settings, create_app

        monkeypatch.setenv("TWILIO_AUTH_TOKEN", TOKEN)
        monkeypatch.setenv("PUBLIC_BASE_URL", BASE)
        self.port = free_port()
        self.loop = asyncio.new_event_loop()
        self.runner = web.AppRunner(create_app(Settings()))
        self.loop.run_until_complete(self.runner.setup())
        self.loop.run_until_complete(web.TCPSite(self.runner, "127.0.0.1", self.port).start())
        threading.Thread(target=self.loop.run_forever, daemon=True).start()

    def close(self):
        asyncio.run_coroutine_threadsafe(self.runner.cleanup(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)


@contextlib.contextmanager
def proxy(tmp_path: Path, web_port: int, replica_ports: list[int]):
    """nginx with the generated configuration on a free port, stopped (by its own pid) afterwards."""
    ports = cluster.ClusterPorts(proxy=free_port(), actions=free_port(), web=web_port, rasa=replica_ports)
    state = tmp_path / "nginx"
    (state / "tmp").mkdir(parents=True)
    conf = state / "nginx.conf"
    conf.write_text(cluster.nginx_conf(ports, state, tmp_path / "logs", as_root=os.geteuid() == 0))
    (tmp_path / "logs").mkdir()
    process = subprocess.Popen(
        [cluster.nginx_available() or "nginx", "-c", str(conf), "-p", str(state)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while not port_open(ports.proxy):
            assert process.poll() is None, process.stderr.read().decode() if process.stderr else "nginx exited"
            assert time.monotonic() < deadline, "nginx did not listen"
            time.sleep(0.05)
        yield f"http://127.0.0.1:{ports.proxy}", tmp_path / "logs"
    finally:
        process.terminate()
        process.wait(20)


@pytest.fixture
def web_server(monkeypatch):
    server = WebServer(monkeypatch)
    yield server
    server.close()


def rest(url: str, text: str, lang: str | None = None) -> requests.Response:
    body: dict = {"sender": f"s-{uuid.uuid4().hex[:8]}", "message": text}
    if lang:
        body["metadata"] = {"language": lang}
    return requests.post(url + REST, json=body, timeout=30)


def test_a_refused_replica_is_skipped_and_each_message_reaches_the_other_once(tmp_path, web_server):
    good = Replica("answer")
    try:
        with proxy(tmp_path, web_server.port, [free_port(), good.port]) as (url, _):
            texts = [f"how do magnet points work? ({i})" for i in range(12)]
            for text in texts:
                reply = rest(url, text, "en")
                assert reply.status_code == 200 and reply.json()[0]["text"] == "answered", reply.text
            received = [json.loads(body)["message"] for body in good.received]
            assert sorted(received) == sorted(texts)  # every message, each exactly once
    finally:
        good.close()


def test_a_replica_dying_mid_turn_is_never_sent_the_message_twice_and_the_family_is_answered(tmp_path, web_server):
    dying, good = Replica("die"), Replica("answer")
    try:
        with proxy(tmp_path, web_server.port, [dying.port, good.port]) as (url, _):
            outcomes = []
            for i in range(8):
                lang = "es" if i % 2 else "en"
                text = f"¿qué es GATE? ({i})" if lang == "es" else f"what is GATE? ({i})"
                reply = rest(url, text, lang)
                assert reply.status_code == 200, reply.status_code  # never a 502
                outcomes.append((text, lang, reply.json()[0]["text"]))
            got_dying = [json.loads(body)["message"] for body in dying.received]
            got_good = [json.loads(body)["message"] for body in good.received]
            assert got_dying, "round-robin never tried the dying replica"
            assert not set(got_dying) & set(got_good)  # a message that reached a replica is not resent
            for text, lang, answer in outcomes:
                assert answer == (UNAVAILABLE[lang] if text in got_dying else "answered"), (text, answer)
    finally:
        dying.close()
        good.close()


def test_with_no_replica_every_channel_gets_the_polite_reply_in_its_format(tmp_path, web_server):
    with proxy(tmp_path, web_server.port, [free_port(), free_port()]) as (url, _):
        for text, lang, metadata in (("hola, ¿qué es GATE?", "es", None), ("hi", "en", "en"), ("hola", "es", "es")):
            reply = rest(url, text, metadata)
            assert reply.status_code == 200 and reply.json()[0]["text"] == UNAVAILABLE[lang], reply.text
        odd = requests.post(url + REST, data=b"{not json", timeout=30)
        assert odd.status_code == 200 and odd.json()[0]["text"] == UNAVAILABLE["en"]
        form = {"From": "+13105550123", "Body": "hola, ¿cuántos puntos da un hermano?", "MessageSid": "SM1"}
        signature = RequestValidator(TOKEN).compute_signature(BASE + TWILIO, form)
        sms = requests.post(url + TWILIO, data=form, headers={"X-Twilio-Signature": signature}, timeout=30)
        assert sms.status_code == 200 and sms.headers["Content-Type"].startswith("text/xml")
        assert f"<Message>{sms_say('error', 'es')}</Message>" in sms.text
        forged = requests.post(url + TWILIO, data=form, headers={"X-Twilio-Signature": "forged"}, timeout=30)
        assert forged.status_code == 403 and "<Message>" not in forged.text
