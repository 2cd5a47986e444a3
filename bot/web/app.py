"""The web server (aiohttp): the widget page, the staff page and its JSON API, our static files and the
chat widget's bundle (built into vendor/ by `make`).

Pages are small templates filled from bot/web/i18n.py; their scripts pick the browser's language.
"""

from __future__ import annotations

import asyncio
import hmac
import html
import json
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from string import Template
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from bot import config
from bot.language import LANGUAGES
from bot.unanswered.store import UnansweredStore
from bot.web import fallback, i18n, staff, staff_tools

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
STATIC_DIR = HERE / "static"
TEMPLATES_DIR = HERE / "templates"
VENDOR_DIR = HERE / "vendor"  # git-ignored; bot/web/build.py copies the widget bundle here
TOKEN_HEADER_PREFIX = "bearer "
_HOSTNAME = re.compile(r"^[a-z0-9.:-]+$")  # what may go from the Host header into the CSP
MAX_REQUEST_LINE = 64 * 1024  # room for long query strings, so an oversized question gets a polite answer


@dataclass(frozen=True)
class Settings:
    staff_token: str = ""  # empty: the staff page and API refuse everything
    rasa_port: int = 5005
    socket_url: str = ""  # where browsers reach Rasa's socket.io; empty: this host, port rasa_port
    # /healthz checks these (none: it reports only the web server itself)
    dependencies: tuple[str, ...] = ()
    actions_port: int = 5055
    # the cluster's Rasa replicas, each checked on its own port (empty: one Rasa, the "rasa" dependency)
    replica_ports: tuple[int, ...] = ()

    @classmethod
    def from_env(cls) -> Settings:
        dependencies = ("rasa", "actions") + (("postgres", "redis") if config.production() else ())
        return cls(
            staff_token=config.staff_token(),
            rasa_port=config.rasa_port(),
            socket_url=config.socket_url(),
            dependencies=dependencies,
            actions_port=config.actions_port(),
            replica_ports=tuple(config.replica_ports()),
        )


SETTINGS = web.AppKey("settings", Settings)


def _socket_origin(request: web.Request) -> str:
    settings = request.app[SETTINGS]
    if settings.socket_url:
        parts = urlsplit(settings.socket_url)
        return f"{parts.scheme}://{parts.netloc}"
    # request.url would do, but this aiohttp and yarl pair fails to build it when Host carries a port
    try:
        host = urlsplit(f"//{request.host}").hostname or ""
    except ValueError:  # e.g. a malformed IPv6 literal
        host = ""
    host = host if _HOSTNAME.match(host) else "127.0.0.1"
    host = f"[{host}]" if ":" in host else host
    return f"{request.scheme}://{host}:{settings.rasa_port}"


def _content_security_policy(request: web.Request) -> str:
    socket = _socket_origin(request)
    websocket = socket.replace("https://", "wss://", 1).replace("http://", "ws://", 1)
    # The widget injects its stylesheet as <style> elements, hence 'unsafe-inline' for styles only.
    return (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        f"font-src 'self' data:; connect-src 'self' {socket} {websocket}; frame-ancestors 'self'; "
        "base-uri 'none'; form-action 'self'; object-src 'none'"
    )


def _wants_json(request: web.Request) -> bool:
    return request.path.startswith("/staff/api/") or "application/json" in request.headers.get("Accept", "")


def error_response(request: web.Request, status: int, key: str, **values: object) -> web.Response:
    """A polite error in both languages: JSON for the API, a small page otherwise."""
    messages = i18n.both(key, **values)
    if _wants_json(request):
        return web.json_response({"error": messages}, status=status)
    lang = i18n.page_language(request.query.get("lang"), request.headers.get("Accept-Language"))
    other = "es" if lang == "en" else "en"
    body = (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>Camino</title><link rel="stylesheet" href="/static/site.css"></head>'
        f'<body><main class="message"><p>{html.escape(messages[lang])}</p>'
        f'<p lang="{other}">{html.escape(messages[other])}</p></main></body></html>'
    )
    return web.Response(text=body, status=status, content_type="text/html")


_STATUS_KEYS = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 413: "too_large"}


@web.middleware
async def errors(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]):
    try:
        return await handler(request)
    except web.HTTPException as error:
        if error.status in _STATUS_KEYS:
            return error_response(request, error.status, _STATUS_KEYS[error.status])
        raise
    except Exception:
        logger.exception("unexpected error on %s", request.path)  # the path only: queries may hold family data
        return error_response(request, 500, "server_error")


@web.middleware
async def security_headers(request: web.Request, handler):
    response = await handler(request)
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    if response.content_type == "text/html":
        headers.setdefault("Content-Security-Policy", _content_security_policy(request))
    if request.path.startswith("/staff"):
        headers["Cache-Control"] = "no-store"
        headers["X-Robots-Tag"] = "noindex"
    elif request.path.startswith(("/static/", "/vendor/")):
        headers.setdefault("Cache-Control", "no-cache")
    return response


def _strings_json() -> str:
    """Every page string in both languages, safe to embed in a <script type="application/json">."""
    return json.dumps(i18n.STRINGS, ensure_ascii=False).replace("<", "\\u003c")


def render(template: str, request: web.Request, **values: str) -> web.Response:
    lang = i18n.page_language(request.query.get("lang"), request.headers.get("Accept-Language"))
    fields = {f"t_{key}": html.escape(texts[lang]) for key, texts in i18n.STRINGS.items()}
    fields.update({key: html.escape(value) for key, value in values.items()})
    page = Template((TEMPLATES_DIR / template).read_text(encoding="utf-8")).substitute(
        lang=lang, other_lang="es" if lang == "en" else "en", strings=_strings_json(), **fields
    )
    return web.Response(text=page, content_type="text/html")


async def widget_page(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    return render("index.html", request, socket_url=settings.socket_url, rasa_port=str(settings.rasa_port))


def _staff_refusal(request: web.Request, *, api: bool) -> web.Response | None:
    """None when the request may use the staff lookup; otherwise the 403 (turned off) or 401 to send."""
    token = request.app[SETTINGS].staff_token
    if not token:
        return error_response(request, 403, "staff_off")
    if not api:
        return None
    header = request.headers.get("Authorization", "")
    given = header[len(TOKEN_HEADER_PREFIX) :].strip() if header.lower().startswith(TOKEN_HEADER_PREFIX) else ""
    if given and hmac.compare_digest(given.encode(), token.encode()):
        return None
    refusal = error_response(request, 401, "token_required")
    refusal.headers["WWW-Authenticate"] = 'Bearer realm="camino-staff"'
    return refusal


# (A response is an empty mapping, hence false: test refusals against None.)
async def staff_page(request: web.Request) -> web.Response:
    refusal = _staff_refusal(request, api=False)
    return refusal if refusal is not None else render("staff.html", request)


async def staff_check(request: web.Request) -> web.Response:
    refusal = _staff_refusal(request, api=True)
    return refusal if refusal is not None else web.json_response({"ok": True})


async def staff_ask(request: web.Request) -> web.Response:
    refusal = _staff_refusal(request, api=True)
    if refusal is not None:
        return refusal
    try:
        question = staff.clean_question(request.query.get("q"))
        loop = asyncio.get_running_loop()
        result = await loop.run_in_executor(None, staff.lookup, question)
    except staff.BadQuestion as error:
        return web.json_response({"error": error.messages}, status=400)
    result["copy"] = {lang: staff.as_text(result, lang) for lang in LANGUAGES}
    return web.json_response(result)


async def staff_tool(request: web.Request) -> web.Response:
    """POST /staff/api/tools/{points,ag,options}: a JSON body in, {"tool", "en", "es", "copy"} out."""
    refusal = _staff_refusal(request, api=True)
    if refusal is not None:
        return refusal
    tool = request.match_info["tool"]
    if tool not in staff_tools.TOOLS:
        return error_response(request, 404, "not_found")
    if (request.content_length or 0) > staff_tools.MAX_BODY_BYTES:
        return error_response(request, 413, "too_large")
    raw = await request.read()  # aiohttp refuses (413) bodies over client_max_size as they arrive
    if len(raw) > staff_tools.MAX_BODY_BYTES:
        return error_response(request, 413, "too_large")
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return web.json_response({"error": i18n.both("tool_not_json")}, status=400)
    try:
        loop = asyncio.get_running_loop()
        result = await loop.run_in_executor(None, staff_tools.run, tool, body)
    except staff_tools.BadInput as error:
        return web.json_response({"error": error.messages}, status=400)
    return web.json_response(result)


MAX_REPORT_DAYS = 365
UNANSWERED = web.AppKey("unanswered", UnansweredStore)  # a store passed in (tests); absent: the configured one


async def staff_unanswered(request: web.Request) -> web.Response:
    """GET /staff/api/unanswered?days=N: what Camino could not answer (bot/unanswered/report.py), as JSON."""
    refusal = _staff_refusal(request, api=True)
    if refusal is not None:
        return refusal
    from bot.unanswered import report

    raw = request.query.get("days", str(report.DEFAULT_DAYS)).strip()
    days = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 4 else 0
    if not 1 <= days <= MAX_REPORT_DAYS:
        return web.json_response({"error": i18n.both("bad_days", max=MAX_REPORT_DAYS)}, status=400)
    store = request.app.get(UNANSWERED)
    try:
        result = await asyncio.get_running_loop().run_in_executor(None, report.recent, days, store)
        result = report.with_titles(
            result, await asyncio.get_running_loop().run_in_executor(None, report.knowledge_titles)
        )
    except Exception as error:  # the store is down: say so, in both languages
        logger.warning("unanswered report failed: %s", type(error).__name__)
        return web.json_response({"error": i18n.both("report_unavailable")}, status=503)
    return web.json_response(result)


HEALTH_TIMEOUT_S = 3.0


async def _http_check(url: str) -> str | None:
    from aiohttp import ClientSession, ClientTimeout

    try:
        async with ClientSession(timeout=ClientTimeout(total=HEALTH_TIMEOUT_S)) as session, session.get(url) as reply:
            return None if reply.status == 200 else f"HTTP {reply.status}"
    except Exception as error:
        return type(error).__name__


async def _check(settings: Settings, name: str) -> str | None:
    """None when the dependency answers; otherwise why not (for the log, never for the response)."""
    from bot import preflight

    local = "127.0.0.1" if config.host() in ("0.0.0.0", "::", "") else config.host()
    if name == "rasa":
        return await _http_check(f"http://{local}:{settings.rasa_port}/webhooks/rest/")
    if name == "actions":
        return await _http_check(f"http://127.0.0.1:{settings.actions_port}/health")
    probe = {"postgres": preflight.postgres_health, "redis": preflight.redis_health}[name]
    loop = asyncio.get_running_loop()
    try:
        return await asyncio.wait_for(loop.run_in_executor(None, probe, 2.0), HEALTH_TIMEOUT_S)
    except asyncio.TimeoutError:
        return "timeout"


_last_down: dict[str, str | None] = {}


async def health(request: web.Request) -> web.Response:
    """Each dependency ok or down (no addresses, no errors, no secrets: those go to the log), and 200 only
    when all are ok, else 503. In the cluster, each replica too (`rasa-1`, `rasa-2`, … by their order, not
    their ports): one replica down is "degraded" with 200, since the proxy still answers through the
    others ("rasa" is checked through the proxy, so it is down only when no replica answers)."""
    settings = request.app[SETTINGS]
    if not settings.dependencies:
        return web.json_response({"status": "ok"})
    replicas = [f"rasa-{i}" for i in range(1, len(settings.replica_ports) + 1)]
    checks = [_check(settings, name) for name in settings.dependencies]
    checks += [_replica_check(port) for port in settings.replica_ports]
    problems = await asyncio.gather(*checks)
    report = {}
    for name, problem in zip([*settings.dependencies, *replicas], problems, strict=True):
        report[name] = "ok" if problem is None else "down"
        if _last_down.get(name) != problem:  # log changes only: load balancers poll this often
            if problem is None:
                logger.info("health: %s is back", name)
            else:
                logger.warning("health: %s is down (%s)", name, problem)
            _last_down[name] = problem
    ok = all(report[name] == "ok" for name in settings.dependencies)
    body: dict = {"status": "ok" if ok else "down", "dependencies": {n: report[n] for n in settings.dependencies}}
    if replicas:
        body["replicas"] = {name: report[name] for name in replicas}
        if ok and "down" in body["replicas"].values():
            body["status"] = "degraded"
    return web.json_response(body, status=200 if ok else 503)


async def _replica_check(port: int) -> str | None:
    local = "127.0.0.1" if config.host() in ("0.0.0.0", "::", "") else config.host()
    return await _http_check(f"http://{local}:{port}/webhooks/rest/")


async def _warm_up(app: web.Application) -> None:
    """Load the knowledge base and the tokenizers before the first staff question."""
    from bot.knowledge.base import get_kb

    def warm() -> None:
        try:
            get_kb().search("magnet")
        except Exception:  # a broken store shows up on the first question instead
            logger.exception("could not load the knowledge base")

    asyncio.get_running_loop().run_in_executor(None, warm)


async def _retention(app: web.Application):
    """`camino purge` once a day for as long as the server runs (the long-running process that is ours)."""
    from bot.retention import run_daily

    task = asyncio.ensure_future(run_daily())
    yield
    task.cancel()


async def staff_reminders(request: web.Request) -> web.Response:
    """GET /staff/api/reminders: subscribed families per deadline and language (counts only)."""
    refusal = _staff_refusal(request, api=True)
    if refusal is not None:
        return refusal
    from bot.web.reminders import REMINDERS, staff_counts

    loop = asyncio.get_running_loop()
    return web.json_response(await loop.run_in_executor(None, staff_counts, request.app[REMINDERS]))


async def _reminder_scheduler(app: web.Application):
    """Due reminders sent every few minutes, 8 a.m. to 8 p.m. Los Angeles time (bot/reminders/sending.py)."""
    from bot.reminders.sending import run_scheduler

    task = asyncio.ensure_future(run_scheduler())
    yield
    task.cancel()


def create_app(
    settings: Settings | None = None,
    warm_up: bool = False,
    purge_daily: bool = False,
    unanswered: UnansweredStore | None = None,
    reminders: Any = None,
    send_reminders: bool = False,
) -> web.Application:
    app = web.Application(
        middlewares=[security_headers, errors],
        client_max_size=64 * 1024,
        handler_args={"max_line_size": MAX_REQUEST_LINE, "max_field_size": MAX_REQUEST_LINE},
    )
    app[SETTINGS] = settings or Settings.from_env()
    if unanswered is not None:
        app[UNANSWERED] = unanswered
    app.router.add_get("/", widget_page)
    app.router.add_get("/healthz", health)
    app.router.add_get("/staff", staff_page)
    app.router.add_get("/staff/api/check", staff_check)
    app.router.add_get("/staff/api/ask", staff_ask)
    app.router.add_post("/staff/api/tools/{tool}", staff_tool)
    app.router.add_get("/staff/api/unanswered", staff_unanswered)
    app.router.add_get("/staff/api/reminders", staff_reminders)
    from bot.web.reminders import add_routes as add_reminder_routes

    add_reminder_routes(app, reminders)
    fallback.add_routes(app)  # nginx sends /webhooks/ here when no Rasa replica answers (bot/cluster.py)
    app.router.add_static("/static/", STATIC_DIR)
    if VENDOR_DIR.is_dir():
        app.router.add_static("/vendor/", VENDOR_DIR)
    else:
        logger.warning("the chat widget is not built (%s is missing): run `make assets`", VENDOR_DIR)
    if warm_up:
        # aiohttp 3.9 declares its signals in aiosignal's pre-1.4 generic form, which aiosignal 1.4 reads differently
        app.on_startup.append(_warm_up)  # type: ignore[arg-type]
    if purge_daily:
        app.cleanup_ctx.append(_retention)
    if send_reminders:
        app.cleanup_ctx.append(_reminder_scheduler)
    return app
