"""The web server without a browser: pages, headers, static files and the staff JSON API (aiohttp's test
server, no Rasa)."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from aiohttp.test_utils import TestClient, TestServer
from yarl import URL

from bot import config, servers
from bot.web import app as web_app
from bot.web import build, i18n
from bot.web.app import Settings, create_app
from bot.web.staff import MAX_QUESTION_CHARS

TOKEN = "test-staff-token"
WEB_DIR = Path(web_app.__file__).resolve().parent


@dataclass
class Reply:
    status: int
    headers: dict
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self):
        import json

        return json.loads(self.body)


class WebClient:
    """The web app behind aiohttp's test server, driven from synchronous tests."""

    def __init__(self, settings: Settings):
        self.loop = asyncio.new_event_loop()
        self.client = TestClient(TestServer(create_app(settings)), loop=self.loop)
        self.loop.run_until_complete(self.client.start_server())

    def request(self, method: str, path: str, **kwargs) -> Reply:
        async def go() -> Reply:
            response = await self.client.request(method, URL(path, encoded=True), **kwargs)
            return Reply(response.status, dict(response.headers), await response.read())

        return self.loop.run_until_complete(go())

    def get(self, path: str, **kwargs) -> Reply:
        return self.request("GET", path, **kwargs)

    def close(self) -> None:
        self.loop.run_until_complete(self.client.close())
        self.loop.close()


@pytest.fixture
def web_for():
    clients = []

    def make(**settings) -> WebClient:
        clients.append(WebClient(Settings(**{"rasa_port": 5999, **settings})))
        return clients[-1]

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def web(web_for):
    return web_for(staff_token=TOKEN)


def bearer(token: str = TOKEN) -> dict:
    return {"Authorization": f"Bearer {token}"}


# --- the widget page -------------------------------------------------------------------------------------


def test_widget_page_is_english_by_default_and_phone_ready(web):
    reply = web.get("/")
    assert reply.status == 200 and reply.headers["Content-Type"].startswith("text/html")
    assert '<html lang="en">' in reply.text
    assert f'<title data-i18n="page_title">{i18n.text("page_title", "en")}</title>' in reply.text
    assert 'name="viewport" content="width=device-width, initial-scale=1' in reply.text
    assert 'data-rasa-port="5999"' in reply.text


@pytest.mark.parametrize(
    "headers,path,lang",
    [
        ({"Accept-Language": "es-MX,es;q=0.9,en;q=0.8"}, "/", "es"),
        ({"Accept-Language": "fr-FR, es;q=0.5"}, "/", "es"),
        ({"Accept-Language": "es-MX"}, "/?lang=en", "en"),
        ({}, "/?lang=es", "es"),
        ({"Accept-Language": "de-DE"}, "/", "en"),
    ],
)
def test_widget_page_language(web, headers, path, lang):
    page = web.get(path, headers=headers).text
    assert f'<html lang="{lang}">' in page
    assert i18n.text("page_title", lang) in page and i18n.text("privacy", lang) in page


def test_pages_load_nothing_from_other_hosts(web):
    for path in ("/", "/staff"):
        page = web.get(path).text
        for url in re.findall(r'(?:src|href)="([^"]*)"', page):
            assert url.startswith(("/", "?", "data:")), (path, url)


def test_widget_page_security_headers(web):
    headers = web.get("/", headers={"Host": "127.0.0.1:8080"}).headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "object-src 'none'" in csp
    assert "connect-src 'self' http://127.0.0.1:5999 ws://127.0.0.1:5999;" in csp
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize("host", ["evil; script-src *", "[::1", "a b", ""])
def test_a_host_header_cannot_write_into_the_csp(web, host):
    reply = web.get("/", headers={"Host": host})
    csp = reply.headers["Content-Security-Policy"]
    assert reply.status == 200 and "script-src 'self';" in csp and "evil" not in csp


def test_socket_url_for_deployments_behind_a_proxy(web_for):
    reply = web_for(socket_url="https://chat.example.org").get("/")
    assert 'data-socket-url="https://chat.example.org"' in reply.text
    assert (
        "connect-src 'self' https://chat.example.org wss://chat.example.org;"
        in (reply.headers["Content-Security-Policy"])
    )


def test_every_string_is_bilingual():
    for key, texts in i18n.STRINGS.items():
        assert set(texts) == {"en", "es"} and all(t.strip() for t in texts.values()), key
    assert "¿" in i18n.text("search_placeholder", "es") and "Á" in i18n.text("page_title", "es")


def test_pages_and_scripts_use_only_known_strings():
    used = set()
    for template in (WEB_DIR / "templates").glob("*.html"):
        text = template.read_text(encoding="utf-8")
        used |= set(re.findall(r'data-i18n(?:-placeholder)?="(\w+)"', text)) | set(re.findall(r"\$t_(\w+)", text))
    for script in (WEB_DIR / "static").glob("*.js"):
        used |= set(re.findall(r'\bt\("(\w+)"', script.read_text(encoding="utf-8")))
    assert used and not used - set(i18n.STRINGS)


def test_static_files_and_health(web):
    script = web.get("/static/widget.js")
    assert script.status == 200 and "javascript" in script.headers["Content-Type"]
    assert web.get("/static/site.css").status == 200
    assert web.get("/healthz").json() == {"status": "ok"}


def test_the_widget_bundle_when_built(web):
    if not (web_app.VENDOR_DIR / "webchat.js").is_file():
        pytest.skip("the widget bundle is not built (make assets)")
    bundle = web.get("/vendor/webchat.js")
    assert bundle.status == 200 and b"fonts.googleapis.com" not in bundle.body


def test_build_copies_the_bundle_without_the_web_font_import(tmp_path):
    package = tmp_path / "rasa-webchat"
    (package / "lib").mkdir(parents=True)
    (package / "lib" / "index.js").write_text(
        'x.push([e.i,"@import url(https://fonts.googleapis.com/css?family=Inter:400,500,700&display=swap);",""]);'
    )
    (package / "LICENSE").write_text("Apache-2.0")
    written = build.build(package, tmp_path / "vendor")
    assert sorted(p.name for p in written) == ["webchat.LICENSE", "webchat.js"]
    assert (tmp_path / "vendor" / "webchat.js").read_text() == 'x.push([e.i,"",""]);'


def test_unknown_pages_and_methods_are_polite(web):
    missing = web.get("/nothing-here")
    assert missing.status == 404
    assert i18n.text("not_found", "en") in missing.text and i18n.text("not_found", "es") in missing.text
    refused = web.request("POST", "/staff/api/ask", headers=bearer())
    assert refused.status == 405 and refused.json()["error"] == i18n.both("method_not_allowed")


# --- the staff page and API ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/staff", "/staff/api/ask?q=magnet", "/staff/api/check"])
def test_staff_lookup_is_off_without_a_token(web_for, path):
    web = web_for(staff_token="")
    for headers in ({}, bearer(""), bearer("anything")):
        reply = web.get(path, headers=headers)
        assert reply.status == 403, (path, headers)
        assert i18n.text("staff_off", "en") in reply.text or reply.json()["error"] == i18n.both("staff_off")


@pytest.mark.parametrize(
    "headers",
    [
        {},
        bearer("wrong"),
        {"Authorization": TOKEN},
        {"Authorization": f"Basic {TOKEN}"},
        bearer(TOKEN + "x"),
        bearer(" "),
    ],
)
def test_staff_api_needs_the_token(web, headers):
    for path in ("/staff/api/ask?q=magnet", "/staff/api/check"):
        reply = web.get(path, headers=headers)
        assert reply.status == 401 and reply.headers["WWW-Authenticate"].startswith("Bearer")
        assert reply.json()["error"] == i18n.both("token_required")


def test_staff_page_is_served_and_never_cached(web):
    reply = web.get("/staff")
    assert reply.status == 200 and 'id="token-form"' in reply.text and 'id="answer-es"' in reply.text
    assert reply.headers["Cache-Control"] == "no-store" and reply.headers["X-Robots-Tag"] == "noindex"
    assert web.get("/staff/api/check", headers=bearer()).json() == {"ok": True}


@pytest.mark.parametrize(
    "question", ["how many points does a sibling give for magnet?", "¿cuántos puntos da un hermano en la magnet?"]
)
def test_staff_api_answers_in_both_languages_with_sources(kb, web, question):
    reply = web.get(f"/staff/api/ask?q={quote(question)}", headers=bearer())
    assert reply.status == 200 and reply.headers["Cache-Control"] == "no-store"
    result = reply.json()
    answer = result["answer"]
    assert answer["topic"] == "magnet_points"
    assert answer["text"]["en"] and answer["text"]["es"] and answer["text"]["en"] != answer["text"]["es"]
    assert answer["title"] == dict(kb.topics["magnet_points"].title)
    assert re.fullmatch(r"\d{4}-\d{2}", answer["as_of"])
    assert answer["sources"] and all(s.startswith("http") for s in answer["sources"])
    assert len(result["more"]) <= 2 and all(set(m["question"]) == {"en", "es"} for m in result["more"])
    assert answer["sources"][0] in result["copy"]["en"] and answer["as_of"] in result["copy"]["es"]
    assert "Ciclo escolar" in result["copy"]["es"] and "School year" in result["copy"]["en"]


def test_staff_api_without_a_match(kb, web):
    result = web.get("/staff/api/ask?q=zzxqv%20qqwv", headers=bearer()).json()
    assert result["answer"] is None and result["more"] == [] and result["message"] == i18n.both("no_match")


@pytest.mark.parametrize(
    "query,key",
    [
        ("", "empty_question"),
        ("?q=", "empty_question"),
        ("?q=%20%20%0A", "empty_question"),
        ("?q=" + "a" * (MAX_QUESTION_CHARS + 1), "long_question"),
        ("?q=" + "ab%20" * 8000, "long_question"),
        ("?q=%00%01%02", "unreadable_question"),
        ("?q=magnet%00points", "unreadable_question"),
        ("?q=%FF%FE%FD", "unreadable_question"),
        ("?q=%ED%A0%80", "unreadable_question"),
    ],
)
def test_staff_api_bad_input_is_a_polite_400(kb, web, query, key):
    reply = web.get(f"/staff/api/ask{query}", headers=bearer())
    assert reply.status == 400, reply.text
    assert reply.json()["error"] == i18n.both(key, max=MAX_QUESTION_CHARS)


@pytest.mark.parametrize(
    "query",
    [
        "?q=%3Cscript%3Ealert(1)%3C/script%3E",
        "?q=%27;%20DROP%20TABLE%20x;--",
        "?q=%F0%9F%99%82%F0%9F%99%82",
        "?q=a&q=b",
        "?q=%25%25%25",
        "?q[]=x",
    ],
)
def test_staff_api_odd_input_never_fails(kb, web, query):
    reply = web.get(f"/staff/api/ask{query}", headers=bearer())
    assert reply.status in (200, 400) and ("answer" in reply.json() or "error" in reply.json())


# --- the process `camino run`/`up` start -----------------------------------------------------------------


def test_camino_starts_the_web_server_as_a_third_process(tmp_path):
    ports = servers.Ports(rasa=5101, actions=5102, web=5103)
    command = servers.commands(tmp_path / "model.tar.gz", ports)["web"]
    assert command == [sys.executable, "-m", "bot.web", "--host", config.host(), "--port", "5103"]
    env = servers.server_env(ports)
    assert (env["WEB_PORT"], env["RASA_PORT"]) == ("5103", "5101")


def test_the_web_server_process_serves_and_logs_no_questions(tmp_path):
    from conftest import free_port

    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "STAFF_TOKEN"}
    env["CAMINO_STATE_DIR"] = str(tmp_path)
    log = tmp_path / "logs" / "web.log"  # bot.logs: the server writes its own scrubbed, rotated log
    with open(tmp_path / "web.out", "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.web", "--port", str(port)],
            cwd=config.ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while not servers.web_answers(port):
            assert process.poll() is None and time.monotonic() < deadline, (tmp_path / "web.out").read_text()
            time.sleep(0.2)
        refused = requests.get(f"http://127.0.0.1:{port}/staff/api/ask?q=my-phone-is-5551234", timeout=10)
        assert refused.status_code == 403  # STAFF_TOKEN unset: fail closed
        assert requests.get(f"http://127.0.0.1:{port}/", timeout=10).status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=20)
    logged = log.read_text()
    assert "GET /staff/api/ask 403" in logged and "5551234" not in logged
