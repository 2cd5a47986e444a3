"""One inbound SMS/WhatsApp message to the one text that answers it, independent of Twilio and Rasa.

In order: a retried MessageSid (from the same sender) gets the reply it already got; STOP/HELP/START
keywords are answered here (an opted-out number gets nothing but the answer to START or HELP); a bare "2"
after a numbered list becomes that choice's payload; everything else goes to the bot as bot.inputs makes it (an empty,
emoji-only or media-only message becomes the `bad_input` intent, which the bot answers politely). The
bot has `timeout` seconds (Twilio waits 15) before the family is asked to write again. Nothing logged
here names a number or repeats a message.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bot.channels.sms import inbound as sms_input
from bot.channels.sms.inbound import HELP, START, STOP, Sender
from bot.channels.sms.outbound import answer_payload, render
from bot.channels.sms.state import SmsState
from bot.channels.sms.texts import say
from bot.inputs import for_nlu
from bot.reminders.optin import ReminderDesk

logger = logging.getLogger(__name__)

REPLY_TIMEOUT_S = 10.0
# (text, sender id, metadata) -> the bot's messages for that turn, as CollectingOutputChannel dicts
AskBot = Callable[[str, str, dict], Awaitable[list[dict[str, Any]]]]


@dataclass(frozen=True)
class Inbound:
    from_: str
    body: str
    message_sid: str | None = None

    @classmethod
    def from_form(cls, form: dict[str, str]) -> Inbound:
        """From Twilio's webhook form; a picture without text arrives as an empty Body."""
        return cls(
            form.get("From") or "", form.get("Body") or "", form.get("MessageSid") or form.get("SmsMessageSid") or None
        )


class SmsService:
    def __init__(
        self, ask_bot: AskBot, state: SmsState, timeout: float = REPLY_TIMEOUT_S, reminders: ReminderDesk | None = None
    ) -> None:
        self.ask_bot = ask_bot
        self.state = state
        self.timeout = timeout
        self.reminders = reminders  # deadline reminders (bot/reminders/optin.py); None: not offered
        self._in_flight: dict[str, asyncio.Future] = {}
        self._background: set[asyncio.Task] = set()

    async def reply_once(self, inbound: Inbound) -> str:
        """The reply to `inbound` ("" for none); a MessageSid seen before from the same sender gets the same
        reply again (keyed by both: another number naming that Sid gets its own answer, never this one)."""
        sender = sms_input.parse_sender(inbound.from_)
        if not inbound.message_sid or sender is None:
            return await self.reply(inbound)
        key = reply_key(inbound.message_sid, sender)
        earlier = self.state.reply_for(key)
        if earlier is not None:
            logger.info("twilio retry for %s: same reply, bot not asked again", _short(sender))
            return earlier
        if key in self._in_flight:
            logger.info("twilio retry for %s while it is answered: waiting for that reply", _short(sender))
            return await asyncio.shield(self._in_flight[key])
        future = asyncio.get_running_loop().create_future()
        self._in_flight[key] = future
        try:
            body = await self.reply(inbound)
            self.state.remember_reply(key, body)
            future.set_result(body)
            return body
        except BaseException:
            future.set_result(say("error"))
            raise
        finally:
            del self._in_flight[key]

    async def reply(self, inbound: Inbound) -> str:
        sender = sms_input.parse_sender(inbound.from_)
        if sender is None:
            logger.warning("twilio message from an address that is neither SMS nor WhatsApp: ignored")
            return ""
        previous_lang = self.state.last_lang(sender.sender_id)
        keyword = sms_input.keyword(inbound.body)
        if keyword:
            if keyword.kind == STOP and self.reminders:
                self.reminders.stop(sender)  # at once, even from a number already opted out
            answered = self._keyword(keyword, sender, keyword.lang or previous_lang)
            if answered is not None:
                return answered
        opted_out = self.state.opted_out(sender.number_key)
        if self.reminders:
            answered = self.reminders.opt_in(inbound.body, inbound.from_, sender, previous_lang, opted_out)
            if answered is not None:
                return answered
        if opted_out:
            logger.info("twilio message from opted-out %s: not answered", _short(sender))
            return ""
        text = sms_input.clean_body(inbound.body)
        choices = self.state.last_choices(sender.sender_id)
        number = sms_input.choice_number(text, len(choices))
        text = for_nlu(choices[number - 1] if number else text)  # empty, emoji-only: the bot's polite note
        if self.reminders:
            self.reminders.close_offer(sender)  # "yes" from now on answers the bot, not the offer
        try:
            messages = await self._ask(text, sender)
        except asyncio.TimeoutError:
            logger.warning("bot took over %.0f s for %s: asked to write again", self.timeout, _short(sender))
            return say("slow")
        except Exception as error:  # the family gets an apology, never a 500
            logger.error("bot failed for %s: %s", _short(sender), type(error).__name__)
            return say("error", previous_lang)
        offer = self.reminders.offer(sender, answer_payload(messages)) if self.reminders else ""
        reply = render(messages, sender.channel, previous_lang, footer=offer)
        self.state.save_turn(sender.sender_id, reply.choices, reply.lang)
        logger.info(
            "twilio reply to %s: channel=%s lang=%s chars=%d choices=%d",
            _short(sender),
            sender.channel,
            reply.lang,
            len(reply.text),
            len(reply.choices),
        )
        return reply.text

    def _keyword(self, keyword: sms_input.Keyword, sender: Sender, lang: str | None) -> str | None:
        """The answer to a keyword, or None when the message should go on as an ordinary one."""
        opted_out = self.state.opted_out(sender.number_key)
        if keyword.kind == HELP:
            logger.info("twilio HELP from %s", _short(sender))
            reminders_help = self.reminders.help(sender, lang or "en") if self.reminders else None
            return reminders_help or say("help", lang or "en")
        if keyword.kind == STOP:
            if opted_out:
                return ""
            self.state.opt_out(sender.number_key)
            logger.info("twilio opt-out recorded for %s", _short(sender))
            return say("stopped", lang or "en")
        if keyword.kind == START and opted_out:
            self.state.opt_in(sender.number_key)
            logger.info("twilio opt-in recorded for %s", _short(sender))
            note = self.reminders.restart_note(sender, lang or "en") if self.reminders else ""
            return " ".join(part for part in (say("started", lang or "en"), note) if part)
        return None  # START from a subscribed number ("yes") is an ordinary message

    async def _ask(self, text: str, sender: Sender) -> list[dict[str, Any]]:
        """The bot's messages, or TimeoutError after `timeout` s; the bot still finishes that turn."""
        task = asyncio.ensure_future(self.ask_bot(text, sender.sender_id, {"channel": sender.channel}))
        self._background.add(task)
        task.add_done_callback(self._finished)
        return await asyncio.wait_for(asyncio.shield(task), self.timeout)

    def _finished(self, task: asyncio.Task) -> None:
        self._background.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.debug("bot turn ended with %s", type(task.exception()).__name__)


def reply_key(message_sid: str, sender: Sender) -> str:
    """What a remembered reply is filed under: the MessageSid and the (hashed) sender together, hashed."""
    return hashlib.sha256(f"{sender.sender_id}\0{message_sid}".encode()).hexdigest()


def _short(sender: Sender) -> str:
    """A sender as logs may name it: channel and the start of the keyed hash."""
    return f"{sender.channel}:{sender.number_key[:12]}"
