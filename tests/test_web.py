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
from bot.web import build, i18n, staff_tools
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
        used |= set(re.findall(r'data-(?:i18n|i18n-placeholder|label)="(\w+)"', text))
        used |= set(re.findall(r"\$t_(\w+)", text))
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


# --- the staff tools' API ----------------------------------------------------------------------------------

RESIDENT = {"field": "resident", "choices": "phbao, overcrowded, none, unknown"}


def post_tool(web, tool: str, body=None, headers=None, **kwargs) -> Reply:
    return web.request(
        "POST",
        f"/staff/api/tools/{tool}",
        headers=bearer() if headers is None else headers,
        **({"json": body} if body is not None else {}),
        **kwargs,
    )


@pytest.mark.parametrize("tool", ["points", "ag", "options"])
def test_staff_tools_are_off_without_a_token(web_for, tool):
    web = web_for(staff_token="")
    for headers in ({}, bearer(""), bearer("anything")):
        reply = post_tool(web, tool, {}, headers=headers)
        assert reply.status == 403 and reply.json()["error"] == i18n.both("staff_off")


@pytest.mark.parametrize("tool", ["points", "ag", "options"])
@pytest.mark.parametrize("headers", [{}, bearer("wrong"), {"Authorization": TOKEN}, bearer(TOKEN + "x")])
def test_staff_tools_need_the_token(web, tool, headers):
    reply = post_tool(web, tool, {}, headers=headers)
    assert reply.status == 401 and reply.headers["WWW-Authenticate"].startswith("Bearer")
    assert reply.json()["error"] == i18n.both("token_required")


def test_staff_points_in_both_languages(web):
    from bot.tools.points import estimate

    body = {
        "waitlist_years": 2,
        "matriculation": False,
        "sibling": True,
        "resident": "phbao",
        "late": False,
        "enrolled_in_magnet": False,
    }
    reply = post_tool(web, "points", body)
    assert reply.status == 200 and reply.headers["Cache-Control"] == "no-store"
    result = reply.json()
    assert result["tool"] == "magnet_points" and set(result) == {"tool", "en", "es", "copy"}
    assert result["en"] == estimate(**body, lang="en") and result["es"] == estimate(**body, lang="es")
    assert result["en"]["total"] == result["es"]["total"] > 0
    assert result["en"]["summary"] in result["copy"]["en"] and result["es"]["summary"] in result["copy"]["es"]
    assert "Ciclo escolar" in result["copy"]["es"] and result["en"]["sources"][0] in result["copy"]["en"]
    assert (
        post_tool(web, "points", {"waitlist_years": "3"}).json()["en"]["total"] == estimate(waitlist_years=3)["total"]
    )


def test_staff_ag_check_from_rows_and_from_a_pasted_csv(web):
    from bot.tools.ag_check import check

    rows = [
        {"area": "a", "year": 9, "grade": "B"},
        {"area": "", "year": "", "grade": ""},
        {"area": "c", "year": "10", "grade": "D", "course": "Algebra 1"},
    ]
    result = post_tool(web, "ag", {"courses": rows}).json()
    expected = [
        {"row": 1, "area": "a", "year": "9", "grade": "B"},
        {"row": 3, "area": "c", "year": "10", "grade": "D", "course": "Algebra 1"},
    ]
    assert result["tool"] == "ag_check"
    assert result["en"] == check(expected, lang="en") and result["es"] == check(expected, lang="es")
    assert any(flag["kind"] == "d_grade" and flag["row"] == 3 for flag in result["en"]["flags"])
    assert "Row 3" in result["copy"]["en"] and "Fila 3" in result["copy"]["es"]
    pasted = post_tool(web, "ag", {"csv": "area;year;grade;course\na;9;B;\nc;10;D;Algebra 1\n"}).json()
    assert pasted["en"]["summary"] == result["en"]["summary"] and pasted["es"]["areas"] == result["es"]["areas"]


def test_staff_options_in_both_languages(kb, web):
    import datetime as dt

    from bot.tools.options import find_options

    result = post_tool(
        web,
        "options",
        {"grade": "k", "outside_lausd": False, "english_learner": True, "iep": False, "gate": False, "zip": "90011"},
    ).json()
    assert result["tool"] == "options"
    expected = find_options(grade="K", zip_code="90011", english_learner=True, lang="es", today=dt.date.today())
    assert result["es"]["programs"] == expected["programs"] and result["es"]["notes"] == expected["notes"]
    assert [p["id"] for p in result["en"]["programs"]] == [p["id"] for p in result["es"]["programs"]]
    assert (
        result["en"]["notes"][0] in result["copy"]["en"]
        and result["es"]["programs"][0]["name"] in (result["copy"]["es"])
    )
    outside = post_tool(web, "options", {"grade": "9", "outside_lausd": True}).json()
    assert len(outside["en"]["programs"]) < len(post_tool(web, "options", {"grade": "9"}).json()["en"]["programs"])


@pytest.mark.parametrize(
    "tool,body,key,values",
    [
        ("points", [], "tool_not_an_object", {}),
        ("points", "hello", "tool_not_an_object", {}),
        ("points", {"waitlist_years": 21}, "tool_bad_years", {}),
        ("points", {"waitlist_years": -1}, "tool_bad_years", {}),
        ("points", {"waitlist_years": 2.5}, "tool_bad_years", {}),
        ("points", {"waitlist_years": True}, "tool_bad_years", {}),
        ("points", {"waitlist_years": "two"}, "tool_bad_years", {}),
        ("points", {"waitlist_years": 10**40}, "tool_bad_years", {}),
        ("points", {"sibling": "yes"}, "tool_not_yes_no", {"field": "sibling"}),
        ("points", {"resident": "castle"}, "tool_bad_choice", RESIDENT),
        ("points", {"resident": ["phbao"]}, "tool_bad_choice", RESIDENT),
        (
            "points",
            {"siblings": True},
            "tool_unknown_field",
            {"field": "siblings", "allowed": ", ".join(staff_tools.POINTS_FIELDS)},
        ),
        ("ag", {}, "tool_no_courses", {}),
        ("ag", {"courses": []}, "tool_no_courses", {}),
        ("ag", {"courses": [{"area": "", "year": "", "grade": ""}]}, "tool_no_courses", {}),
        ("ag", {"courses": "a,9,B"}, "tool_no_courses", {}),
        ("ag", {"courses": [[1, 2]]}, "tool_bad_course_row", {"row": 1}),
        ("ag", {"courses": [{"area": {"x": 1}, "year": 9, "grade": "A"}]}, "tool_not_text", {"field": "area"}),
        (
            "ag",
            {"courses": [{"area": "a", "year": 9, "grade": "A", "teacher": "x"}]},
            "tool_unknown_field",
            {"field": "teacher", "allowed": ", ".join(staff_tools.AG_ROW_FIELDS)},
        ),
        ("ag", {"courses": [{"area": "a", "year": 9, "grade": "A\u0000"}]}, "tool_unreadable", {"field": "grade"}),
        ("ag", {"courses": [{"area": "a", "year": 9, "grade": "A"}] * 81}, "tool_too_many_courses", {"max": 80}),
        (
            "ag",
            {"courses": [{"area": "a", "year": 9, "grade": "A", "course": "x" * 121}]},
            "tool_too_long",
            {"field": "course", "max": 120},
        ),
        ("ag", {"csv": 42}, "tool_not_text", {"field": "csv"}),
        ("options", {}, "tool_bad_grade", {}),
        ("options", {"grade": "13"}, "tool_bad_grade", {}),
        ("options", {"grade": True}, "tool_not_text", {"field": "grade"}),
        ("options", {"grade": "5", "zip": "9001"}, "tool_bad_zip", {}),
        ("options", {"grade": "5", "zip": "my house"}, "tool_bad_zip", {}),
        ("options", {"grade": "5", "gate": 1}, "tool_not_yes_no", {"field": "gate"}),
    ],
)
def test_staff_tools_bad_input_is_a_polite_400(kb, web, tool, body, key, values):
    reply = post_tool(web, tool, body)
    assert reply.status == 400, reply.text
    assert reply.json()["error"] == i18n.both(key, **values)


@pytest.mark.parametrize(
    "rows,en,es",
    [
        ([{"area": "z", "year": 9, "grade": "A"}], "Row 1: ", "Fila 1: "),
        ([{"area": "a", "year": 9, "grade": "A"}, {"area": "b", "year": 13, "grade": "A"}], "Row 2: ", "Fila 2: "),
        ([{"area": "a", "year": 9, "grade": "Q"}], "Row 1: ", "Fila 1: "),
    ],
)
def test_staff_ag_check_says_which_row_is_wrong_in_both_languages(web, rows, en, es):
    error = post_tool(web, "ag", {"courses": rows}).json()["error"]
    assert error["en"].startswith(en) and error["es"].startswith(es)


@pytest.mark.parametrize("csv_text", ["nothing,useful\n1,2", "area,year,grade\n", "area,year,grade\nq,9,A"])
def test_staff_ag_check_explains_a_bad_csv_in_both_languages(web, csv_text):
    reply = post_tool(web, "ag", {"csv": csv_text})
    assert reply.status == 400 and reply.json()["error"]["en"] != reply.json()["error"]["es"]


@pytest.mark.parametrize("data", [b"", b"{", b"[" * 30000, b"\xff\xfe{}", b'{"grade": NaN', b"\x00"])
def test_staff_tools_unreadable_bodies_are_a_polite_400(web, data):
    reply = post_tool(web, "options", data=data)
    assert reply.status == 400 and reply.json()["error"] == i18n.both("tool_not_json")


def test_staff_tools_limit_the_request_size(web):
    big = {"csv": "area,year,grade\n" + "a,9,A\n" * 6000}
    reply = post_tool(web, "ag", big)
    assert reply.status == 413 and reply.json()["error"] == i18n.both("too_large")
    huge = post_tool(web, "ag", data=b"x" * (200 * 1024))
    assert huge.status == 413 and huge.json()["error"] == i18n.both("too_large")


def test_staff_tools_unknown_tool_and_method(web):
    assert post_tool(web, "lottery", {}).status == 404
    wrong = web.get("/staff/api/tools/points", headers=bearer())
    assert wrong.status == 405 and wrong.json()["error"] == i18n.both("method_not_allowed")


@pytest.mark.parametrize("lang", ["en", "es"])
def test_staff_page_has_the_three_tool_forms_in_its_language(web, lang):
    page = web.get(f"/staff?lang={lang}").text
    for form in ("points-form", "ag-form", "options-form"):
        assert f'id="{form}"' in page
    for key in ("points_title", "ag_title", "options_title", "points_button", "ag_csv_label", "options_zip"):
        assert i18n.text(key, lang) in page.replace("&#x27;", "'"), key
    # the lookup's, each tool's and the unanswered report's, there before anything is said
    assert page.count('role="status"') == 5


def test_pages_run_no_inline_script(web):
    """The CSP allows only our own script files: every <script> either has a src or is JSON data."""
    for path in ("/", "/staff"):
        page = web.get(path).text
        scripts = re.findall(r"<script\b([^>]*)>", page)
        assert scripts and all("src=" in attrs or 'type="application/json"' in attrs for attrs in scripts), path
        assert not re.search(r"\son[a-z]+=", page), path  # no inline event handlers either
