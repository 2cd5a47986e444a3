"""The deadline reminders page: GET /reminders shows a small form (phone number, language, an unchecked
consent box with the disclosure) only for this; POST /reminders subscribes the number and sends the
confirmation text. Only the number's keyed hash and the number encrypted are stored (bot/reminders/).

The POST must come from one of our origins (this host or CAMINO_ALLOWED_ORIGINS), is at most
MAX_BODY_BYTES, and every refusal is a polite page that says nothing was saved.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from string import Template
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from aiohttp import web

from bot import config
from bot.language import LANGUAGES, normalize_code
from bot.reminders import deadlines as dl
from bot.reminders import messages
from bot.reminders.optin import today_in_los_angeles
from bot.reminders.store import Consent, ReminderStore
from bot.reminders.twilio_rest import SendError, TwilioSender
from bot.web import i18n

logger = logging.getLogger(__name__)
MAX_BODY_BYTES = 4096
WORDING = "reminders_consent"  # the disclosure next to the box (bot/web/i18n.py); its hash is the version
_NANP = re.compile(r"^1?([2-9]\d{2}[2-9]\d{6})$")


def us_number(raw: str) -> str | None:
    """A U.S. number as E.164 (+1XXXXXXXXXX), from what people type ("(213) 555-0123", "+1 213…"); else None."""
    digits = re.sub(r"[\s().\-+]", "", raw or "")
    match = _NANP.match(digits) if digits.isdigit() else None
    return f"+1{match.group(1)}" if match else None


@dataclass
class WebOptIn:
    """What the page needs, injectable: the store, the dated deadlines, today, the sender, the opt-outs."""

    store: ReminderStore | None = None
    deadlines: Callable[[], list[dl.Deadline]] = dl.load
    today: Callable[[], dt.date] = today_in_los_angeles
    sender: Callable[[], TwilioSender | None] = TwilioSender.from_config
    opted_out: Callable[[str], bool] | None = None

    def get_store(self) -> ReminderStore:
        if self.store is None:
            self.store = ReminderStore()
        return self.store

    def is_opted_out(self, number_key: str) -> bool:
        if self.opted_out is None:
            from bot.channels.sms.state import SmsState

            self.opted_out = SmsState().opted_out
        return self.opted_out(number_key)

    def ahead(self, topic: str | None) -> list[dl.Deadline]:
        return dl.upcoming(self.deadlines(), self.today(), topic)


REMINDERS = web.AppKey("reminders", WebOptIn)


def _topic(value: str | None) -> str | None:
    return value if value in dl.TOPIC_KINDS else None


def _page(lang: str, status: int = 200, **values: str) -> web.Response:
    fields = {f"t_{key}": html.escape(texts[lang]) for key, texts in i18n.STRINGS.items()}
    defaults = {"dates": "", "message": "", "error": "", "phone": "", "topic": "", "form": "hidden", "notice": ""}
    defaults.update(values)
    fields.update({key: html.escape(value) for key, value in defaults.items()})
    fields["error_hidden"] = "" if values.get("error") else "hidden"
    fields["message_hidden"] = "" if values.get("message") else "hidden"
    fields["form_hidden"] = "" if values.get("form") == "shown" else "hidden"
    for code in LANGUAGES:
        fields[f"selected_{code}"] = "selected" if code == values.get("sms_lang", lang) else ""
    from bot.web.app import TEMPLATES_DIR

    page = Template((TEMPLATES_DIR / "reminders.html").read_text(encoding="utf-8")).substitute(
        lang=lang, other_lang="es" if lang == "en" else "en", **fields
    )
    return web.Response(text=page, status=status, content_type="text/html")


def _dates(deadlines: list[dl.Deadline], lang: str) -> str:
    return "; ".join(f"{messages.when(d, lang)}: {i18n_label(d, lang)}" for d in deadlines)


def i18n_label(deadline: dl.Deadline, lang: str) -> str:
    from bot.channels.sms.texts import say

    label = say(f"deadline_{deadline.kind}", lang)
    return label[:1].upper() + label[1:]


async def page(request: web.Request) -> web.Response:
    lang = i18n.page_language(request.query.get("lang"), request.headers.get("Accept-Language"))
    topic = _topic(request.query.get("topic"))
    optin = request.app[REMINDERS]
    ahead = optin.ahead(topic)
    if not ahead:
        return _page(lang, message=i18n.text("reminders_none", lang))
    return _page(lang, form="shown", dates=_dates(ahead, lang), topic=topic or "")


def _origin_ok(request: web.Request) -> bool:
    origin = request.headers.get("Origin", "").rstrip("/")
    if not origin or origin == "null":
        return False
    if origin in config.allowed_origins():
        return True
    return urlsplit(origin).netloc == request.host


async def subscribe(request: web.Request) -> web.Response:
    lang = i18n.page_language(request.query.get("lang"), request.headers.get("Accept-Language"))
    if not _origin_ok(request):
        logger.info("reminder form refused: origin not allowed")
        return _page(lang, 403, message=i18n.text("reminders_bad_origin", lang))
    if (request.content_length or 0) > MAX_BODY_BYTES:
        return _page(lang, 413, message=i18n.text("too_large", lang))
    raw = await request.read()
    if len(raw) > MAX_BODY_BYTES:
        return _page(lang, 413, message=i18n.text("too_large", lang))
    form = dict(parse_qsl(raw.decode("utf-8", errors="replace"), keep_blank_values=True))
    sms_lang = normalize_code(form.get("lang")) or lang
    lang = sms_lang  # the page answers in the language the family chose for the texts
    topic = _topic(form.get("topic"))
    optin = request.app[REMINDERS]
    ahead = optin.ahead(topic)
    if not ahead:
        return _page(lang, message=i18n.text("reminders_none", lang))
    again = {"form": "shown", "dates": _dates(ahead, lang), "topic": topic or "", "sms_lang": sms_lang}
    number = us_number(form.get("phone", ""))
    if number is None:
        return _page(lang, 400, error=i18n.text("reminders_bad_number", lang), **again)
    if form.get("consent") not in ("yes", "on", "1", "true"):
        return _page(lang, 400, error=i18n.text("reminders_need_consent", lang), phone=form.get("phone", ""), **again)
    loop = asyncio.get_running_loop()
    outcome = await loop.run_in_executor(None, _sign_up, optin, number, sms_lang, ahead)
    if outcome == "ok":
        return _page(lang, message=i18n.text("reminders_done", lang, last4=number[-4:]))
    if outcome == "already":
        return _page(lang, message=i18n.text("reminders_already", lang))
    status = {"opted_out": 409, "unavailable": 503, "send_failed": 502}[outcome]
    return _page(lang, status, message=i18n.text(f"reminders_{outcome}", lang))


def _sign_up(optin: WebOptIn, number: str, lang: str, ahead: list[dl.Deadline]) -> str:
    """Send the confirmation, then store the subscription (so a failed text leaves nothing stored)."""
    from bot.channels.sms.inbound import number_key

    key = number_key(number)
    if optin.is_opted_out(key):
        return "opted_out"
    have = set(optin.get_store().deadlines_of(key))
    if all(d.id in have for d in ahead):
        return "already"  # no second confirmation: the form cannot be used to text a number again and again
    sender = optin.sender()
    if sender is None:
        logger.warning("reminder form: no Twilio sender configured (TWILIO_ACCOUNT_SID, CAMINO_TWILIO_FROM)")
        return "unavailable"
    try:
        sender.send("sms", number, messages.confirmation(ahead, lang))
    except SendError as error:
        logger.warning("reminder confirmation failed: %s", error)
        return "send_failed"
    store = optin.get_store()
    store.subscribe(number, key, "sms", lang, ahead, Consent("web", WORDING, i18n.text(WORDING, lang)))
    logger.info("reminder opt-in from the web form: %d date(s), lang=%s", len(ahead), lang)
    return "ok"


def staff_counts(optin: WebOptIn) -> dict[str, Any]:
    """Subscribed families per deadline and language, for the staff page (no numbers)."""
    store = optin.get_store()
    counts, families = store.counts(), store.families()
    known = dl.by_id(optin.deadlines())
    rows = []
    for deadline_id in sorted(counts, key=lambda i: (known[i].day.isoformat() if i in known else "9999", i)):
        deadline = known.get(deadline_id)
        rows.append(
            {
                "deadline": deadline_id,
                "label": {lang: i18n_label(deadline, lang) for lang in LANGUAGES} if deadline else None,
                "when": {lang: messages.when(deadline, lang) for lang in LANGUAGES} if deadline else None,
                "families": sum(counts[deadline_id].values()),
                "by_language": {lang: counts[deadline_id].get(lang, 0) for lang in LANGUAGES},
            }
        )
    return {"families": families, "deadlines": rows}


def add_routes(app: web.Application, optin: WebOptIn | None = None) -> None:
    app[REMINDERS] = optin or WebOptIn()
    app.router.add_get("/reminders", page)
    app.router.add_post("/reminders", subscribe)
