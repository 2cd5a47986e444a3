"""Deadline reminders (bot/reminders/): opting in over signed Twilio webhooks in both languages (keyword and
"yes" to the offer), consent records, STOP in any form, the no-date reply, `send-due` against a local fake
Twilio API (inside and outside sending hours, twice, from two processes at once), retries, `list` and purge."""

from __future__ import annotations

import asyncio
import datetime as dt
import subprocess

import pytest
from fake_twilio import FakeTwilio
from reminder_harness import (
    ACCOUNT,
    CAMINO,
    FROM,
    KEY,
    ROOT,
    TODAY,
    fixture_deadlines,
    subprocess_env,
)
from sms_harness import BASE, NUMBER, PAYLOAD_EN, PAYLOAD_ES, TOKEN, Phone, long_answer, serve
from sqlalchemy import select

from bot.channels.sms.inbound import number_key
from bot.channels.sms.outbound import SMS_AIM
from bot.channels.sms.texts import say, texts
from bot.channels.twilio import TwilioInput
from bot.reminders import messages, sending
from bot.reminders import store as reminder_store
from bot.reminders.optin import LOS_ANGELES, ReminderDesk
from bot.reminders.store import Consent, ReminderStore
from bot.reminders.twilio_rest import TwilioSender

OTHER = "+13235550177"


def at(hour: int, day: dt.date = dt.date(2026, 12, 3)) -> dt.datetime:
    """A Los Angeles time on `day` (default: the first day of the fixture's on-time reminder week)."""
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=LOS_ANGELES)


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("CAMINO_REMINDERS_KEY", KEY)
    url = f"sqlite:///{tmp_path / 'reminders.db'}"
    monkeypatch.setenv("CAMINO_REMINDERS_DB_URL", url)
    s = ReminderStore(url)
    yield s
    s.dispose()


@pytest.fixture
def desk(store):
    return ReminderDesk(store, deadlines=fixture_deadlines, today=lambda: TODAY)


@pytest.fixture
def rphone(sms_state, stub_bot, desk):
    channel = TwilioInput(auth_token=TOKEN, public_base_url=BASE, state=sms_state, reply_timeout=5, reminders=desk)
    with serve(channel, stub_bot) as url:
        yield Phone(url, stub_bot)


@pytest.fixture
def fake():
    with FakeTwilio() as api:
        yield api


def sender_for(fake: FakeTwilio) -> TwilioSender:
    return TwilioSender(ACCOUNT, "test-twilio-auth-token", FROM, FROM, fake.url, timeout=5)


def run_due(store, sms_state, fake, now, **kw):
    return sending.send_due(
        now, store, sender_for(fake), opted_out=sms_state.opted_out, deadlines=fixture_deadlines(), **kw
    )


def rows(store, table):
    with store.engine.connect() as db:
        return db.execute(select(table)).all()


# ------------------------------------------------------------------------------------------ opting in by SMS


@pytest.mark.parametrize(
    "word,lang,rates",
    [
        ("REMIND", "en", "Msg & data rates may apply"),
        ("remind me", "en", "Msg & data rates may apply"),
        ("Recordar", "es", "Pueden aplicarse tarifas de mensajes y datos"),
        ("RECUÉRDAME!", "es", "Pueden aplicarse tarifas de mensajes y datos"),
    ],
)
def test_keyword_opt_in_confirms_in_the_familys_language_and_records_consent(rphone, store, word, lang, rates):
    [reply] = rphone.send(word)
    assert reply == messages.confirmation(fixture_deadlines(), lang) and len(reply) <= SMS_AIM
    assert rates in reply and "STOP" in reply and ("HELP" in reply if lang == "en" else "AYUDA" in reply)
    assert ("Camino deadline reminders" if lang == "en" else "Recordatorios de fechas de Camino") in reply
    assert ("December 10, 2026" if lang == "en" else "10 de diciembre de 2026") in reply
    assert rphone.bot.calls == []  # the keyword is ours, not the bot's
    [consent] = rows(store, reminder_store.consents)
    assert (consent.via, consent.lang, consent.channel, consent.wording_id) == (
        "keyword",
        lang,
        "sms",
        "reminders_confirm",
    )
    assert consent.wording_version == reminder_store.wording_version(texts()["reminders_confirm"][lang])
    assert consent.created_at is not None and consent.closed_at is None
    [sub] = rows(store, reminder_store.subscriptions)
    assert sub.number_key == number_key(NUMBER) and sub.lang == lang
    assert NUMBER not in sub.number_enc and NUMBER[2:] not in sub.number_enc
    assert store.due(dt.date(2026, 12, 3))[0].number == NUMBER  # decryptable for sending
    assert {r.deadline_id for r in rows(store, reminder_store.chosen)} == {d.id for d in fixture_deadlines()}


def test_no_number_or_message_text_is_written_to_the_store(rphone, store, tmp_path):
    rphone.send("REMIND")
    raw = (tmp_path / "reminders.db").read_bytes()
    assert NUMBER[2:].encode() not in raw and b"REMIND" not in raw


@pytest.mark.parametrize(
    "payload,yes,lang,expect",
    [
        (PAYLOAD_EN, "yes", "en", {"2027-28:on_time_deadline", "2027-28:late_opens"}),
        (PAYLOAD_ES, "Sí", "es", {"2027-28:on_time_deadline", "2027-28:late_opens"}),
        ({"answer": {**PAYLOAD_ES["answer"], "topic": "choices_results"}}, "si", "es", {"2027-28:accept_by"}),
    ],
)
def test_yes_to_the_offer_after_a_deadline_answer_subscribes_to_that_topics_dates(
    rphone, store, payload, yes, lang, expect
):
    answer = long_answer(lang)[0]["text"]
    rphone.bot.script = lambda text: [{"text": answer}, {"custom": payload}]
    [reply] = rphone.send("when is the deadline?")
    assert reply.endswith(say("reminders_offer", lang)) and len(reply) <= SMS_AIM
    assert "http" in reply  # the source line is kept
    [confirmation] = rphone.send(yes)
    assert confirmation.startswith(texts()["reminders_confirm"][lang].split(":")[0])
    assert {r.deadline_id for r in rows(store, reminder_store.chosen)} == expect
    [consent] = rows(store, reminder_store.consents)
    assert (consent.via, consent.wording_id, consent.lang) == ("offer", "reminders_offer", lang)
    assert rphone.bot.texts == ["when is the deadline?"]


def test_yes_without_an_offer_is_an_ordinary_message(rphone, store):
    rphone.send("yes")
    assert rphone.bot.texts == ["yes"] and rows(store, reminder_store.subscriptions) == []


def test_answers_about_undated_topics_carry_no_offer(rphone):
    rphone.bot.script = lambda text: [
        {"text": "A-G courses…"},
        {"custom": {"answer": {**PAYLOAD_EN["answer"], "topic": "a_g_requirements"}}},
    ]
    [reply] = rphone.send("what is a-g?")
    assert say("reminders_offer", "en") not in reply


@pytest.mark.parametrize("word,lang", [("REMIND", "en"), ("recordar", "es")])
def test_with_no_dated_deadline_ahead_the_family_is_told_and_nothing_is_stored(sms_state, stub_bot, store, word, lang):
    """The real knowledge base on 2026-12-02: no 2027-28 date is sourced."""
    real = ReminderDesk(store, today=lambda: TODAY)
    assert real.ahead(None) == []
    channel = TwilioInput(auth_token=TOKEN, public_base_url=BASE, state=sms_state, reply_timeout=5, reminders=real)
    with serve(channel, stub_bot) as url:
        phone = Phone(url, stub_bot)
        assert phone.send(word) == [say("reminders_none", lang)]
        assert "choices.lausd.net" in say("reminders_none", lang)
        stub_bot.script = lambda text: [{"text": "The deadline was Nov. 14, 2025."}, {"custom": PAYLOAD_EN}]
        [reply] = phone.send("when is the choices deadline?")
        assert say("reminders_offer", "en") not in reply  # nothing to offer
    assert rows(store, reminder_store.subscriptions) == [] and rows(store, reminder_store.consents) == []


# ------------------------------------------------------------------------------------------ STOP, START, HELP


@pytest.mark.parametrize(
    "word", ["STOP", "stopall", "UNSUBSCRIBE", "cancel", "end", "quit", "REVOKE", "optout", "No más", "no mas",
             "Ya no", "basta", "PARAR"]
)  # fmt: skip
def test_stop_in_any_form_cancels_reminders_at_once_and_nothing_is_sent(rphone, store, sms_state, fake, word):
    rphone.send("REMIND")
    rphone.send("REMIND", from_=OTHER)
    [stopped] = rphone.send(word)
    assert stopped in (say("stopped", "en"), say("stopped", "es"))
    assert [r.number_key for r in rows(store, reminder_store.subscriptions)] == [number_key(OTHER)]
    closed = [c for c in rows(store, reminder_store.consents) if c.number_key == number_key(NUMBER)]
    assert [c.closed_by for c in closed] == ["stop"]
    report = run_due(store, sms_state, fake, at(10))
    assert report.sent == 1 and fake.to(NUMBER) == [] and len(fake.to(OTHER)) == 1


def test_an_opted_out_number_gets_nothing_even_if_the_store_still_lists_it(store, sms_state, fake, desk):
    deadlines = fixture_deadlines()
    store.subscribe(NUMBER, number_key(NUMBER), "sms", "en", deadlines, Consent("web", "web_consent", "x"))
    sms_state.opt_out(number_key(NUMBER))  # e.g. STOP reached another replica's store first
    report = run_due(store, sms_state, fake, at(10))
    assert report.sent == 0 and fake.received == [] and rows(store, reminder_store.subscriptions) == []


def test_start_does_not_bring_reminders_back_and_says_how(rphone, store, sms_state, fake):
    rphone.send("REMIND")
    rphone.send("STOP")
    [started] = rphone.send("START")
    assert started == f"{say('started', 'en')} {say('reminders_restart', 'en')}"
    assert run_due(store, sms_state, fake, at(10)).sent == 0 and fake.received == []
    rphone.send("REMIND")  # opting in again does
    assert run_due(store, sms_state, fake, at(11)).sent == 1


def test_remind_from_an_opted_out_number_asks_for_start_first(rphone, store):
    rphone.send("STOP")
    assert rphone.send("RECORDAR") == [say("reminders_opted_out", "es")]
    assert rows(store, reminder_store.subscriptions) == []


def test_help_from_a_subscriber_describes_the_program_and_how_to_stop(rphone):
    rphone.send("recordar")
    [help_text] = rphone.send("AYUDA")
    assert help_text == messages.help_text(fixture_deadlines(), "es") and len(help_text) <= SMS_AIM
    assert "Recordatorios de fechas de Camino" in help_text and "STOP" in help_text
    assert rphone.send("HELP", from_=OTHER) == [say("help", "en")]  # not subscribed: the usual help


# ------------------------------------------------------------------------------------------ sending


def subscribe(store, number, lang="en", deadlines=None, channel="sms"):
    deadlines = fixture_deadlines() if deadlines is None else deadlines
    return store.subscribe(number, number_key(number), channel, lang, deadlines, Consent("web", "web_consent", "x"))


def test_send_due_sends_each_reminder_once_and_only_in_sending_hours(store, sms_state, fake):
    subscribe(store, NUMBER, "en")
    subscribe(store, OTHER, "es")
    subscribe(store, "+16265550123", "en", [d for d in fixture_deadlines() if d.kind == "accept_by"], "whatsapp")
    assert run_due(store, sms_state, fake, at(7)).quiet  # 7 a.m.
    assert run_due(store, sms_state, fake, at(20)).quiet  # 8 p.m.
    assert run_due(store, sms_state, fake, dt.datetime(2026, 12, 3, 15, 59, tzinfo=dt.timezone.utc)).quiet  # 7:59 a.m.
    assert run_due(store, sms_state, fake, dt.datetime(2026, 12, 4, 4, 0, tzinfo=dt.timezone.utc)).quiet  # 8:00 p.m.
    assert fake.received == []
    assert run_due(store, sms_state, fake, at(8)).sent == 2
    assert run_due(store, sms_state, fake, at(9)).sent == 0  # a second run: nothing new
    [en] = fake.to(NUMBER)
    [es] = fake.to(OTHER)
    assert en == messages.reminder(fixture_deadlines()[0], "en")
    assert "December 10, 2026" in en and "https://choices.lausd.net/Home/faq?p=1" in en and "Reply STOP to stop" in en
    assert "10 de diciembre de 2026" in es and "STOP" in es and len(es) <= SMS_AIM
    assert all(m["From"] == FROM and m["_account"] == ACCOUNT == m["_user"] for m in fake.received)
    # the accept/decline week (month only: the week before its first day), on WhatsApp
    assert run_due(store, sms_state, fake, at(12, dt.date(2027, 3, 26))).sent == 3  # all three chose it
    [whatsapp] = [m for m in fake.received if m["To"].startswith("whatsapp:")]
    assert whatsapp["To"] == "whatsapp:+16265550123" and whatsapp["From"] == f"whatsapp:{FROM}"
    assert "April 2027 (exact day not published yet)" in whatsapp["Body"]


def test_a_failed_send_is_retried_by_a_later_run_a_bounded_number_of_times(store, sms_state, fake, monkeypatch, caplog):
    monkeypatch.setattr(reminder_store, "RETRY_AFTER", dt.timedelta(0))
    subscribe(store, NUMBER)
    fake.failures[NUMBER] = (500, 20500)
    with caplog.at_level("WARNING"):
        reports = [run_due(store, sms_state, fake, at(10 + i)) for i in range(reminder_store.MAX_ATTEMPTS + 2)]
    assert [r.failed for r in reports] == [1] * reminder_store.MAX_ATTEMPTS + [0, 0]
    assert len(fake.to(NUMBER)) == reminder_store.MAX_ATTEMPTS
    assert NUMBER not in caplog.text and NUMBER[2:] not in caplog.text and "Camino reminder" not in caplog.text
    assert "20500" in caplog.text


def test_a_failure_then_success_sends_once(store, sms_state, fake, monkeypatch):
    monkeypatch.setattr(reminder_store, "RETRY_AFTER", dt.timedelta(0))
    subscribe(store, NUMBER)
    fake.failures[NUMBER] = (503, 20503)
    assert run_due(store, sms_state, fake, at(10)).failed == 1
    del fake.failures[NUMBER]
    assert run_due(store, sms_state, fake, at(11)).sent == 1
    assert run_due(store, sms_state, fake, at(12)).sent == 0
    assert len(fake.to(NUMBER)) == 2  # the failed attempt and the one that went out


def test_twilio_saying_the_number_replied_stop_cancels_its_reminders(store, sms_state, fake):
    subscribe(store, NUMBER)
    fake.failures[NUMBER] = (400, 21610)
    assert run_due(store, sms_state, fake, at(10)).failed == 1
    assert rows(store, reminder_store.subscriptions) == []


def test_an_unreachable_api_fails_within_the_timeout_and_is_released(store, sms_state):
    subscribe(store, NUMBER)
    dead = TwilioSender(ACCOUNT, "t", FROM, FROM, "http://127.0.0.1:9", timeout=2)
    report = sending.send_due(at(10), store, dead, sms_state.opted_out, fixture_deadlines())
    assert report.failed == 1 and report.errors == ["ConnectionError"]
    [send] = rows(store, reminder_store.sends)
    assert send.status == reminder_store.FAILED


def test_reminders_end_after_the_last_date_and_the_number_is_deleted(store, sms_state, fake):
    subscribe(store, NUMBER, deadlines=[fixture_deadlines()[0]])  # December 10, 2026 only
    assert run_due(store, sms_state, fake, at(21, dt.date(2026, 12, 10))).ended == 0  # its last day
    report = run_due(store, sms_state, fake, at(21, dt.date(2026, 12, 11)))
    assert report.ended == 1 and report.quiet  # ended even in quiet hours
    assert rows(store, reminder_store.subscriptions) == [] and rows(store, reminder_store.chosen) == []
    assert [c.closed_by for c in rows(store, reminder_store.consents)] == ["ended"]


def test_purge_removes_ended_subscriptions(store, monkeypatch):
    from bot import retention
    from bot.reminders import optin

    subscribe(store, NUMBER, deadlines=[fixture_deadlines()[0]])
    subscribe(store, OTHER)
    monkeypatch.setattr(optin, "today_in_los_angeles", lambda: dt.date(2026, 12, 15))
    removed = retention.purge_all()
    assert removed["reminders_ended"] == 1
    assert [r.number_key for r in rows(store, reminder_store.subscriptions)] == [number_key(OTHER)]


# ------------------------------------------------------------------------------------------ the command


@pytest.fixture
def cli_env(tmp_path, fake):
    def make(db_url: str) -> dict[str, str]:
        return subprocess_env(db_url, f"sqlite:///{tmp_path / 'twilio.db'}", fake.url, tmp_path / "state")

    return make


def camino(env, *args, timeout=120):
    return subprocess.run([CAMINO, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def test_send_due_and_list_commands(tmp_path, fake, cli_env, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("CAMINO_REMINDERS_KEY", KEY)
    store = ReminderStore(url)
    subscribe(store, NUMBER, "en")
    subscribe(store, OTHER, "es", [fixture_deadlines()[0]])
    env = cli_env(url)
    listed = camino(env, "reminders", "list")
    assert listed.returncode == 0, listed.stderr
    assert "families subscribed: 2" in listed.stdout
    assert "2027-28:on_time_deadline         2026-12-10     2 (en 1, es 1)" in listed.stdout
    assert "2027-28:accept_by                2027-04        1 (en 1, es 0)" in listed.stdout
    assert NUMBER not in listed.stdout and NUMBER[2:] not in listed.stdout
    quiet = camino(env, "reminders", "send-due", "--now", "2026-12-03T21:30")
    assert quiet.returncode == 0 and "outside sending hours" in quiet.stdout and fake.received == []
    for _ in range(2):
        done = camino(env, "reminders", "send-due", "--now", "2026-12-03T10:15:00-08:00")
        assert done.returncode == 0, done.stderr
    assert len(fake.to(NUMBER)) == 1 and len(fake.to(OTHER)) == 1
    assert NUMBER not in done.stdout + done.stderr
    bad = camino(env, "reminders", "send-due", "--now", "tomorrow")
    assert bad.returncode == 2
    store.dispose()


def _postgres():
    from services import ThrowawayPostgres

    if ThrowawayPostgres.missing():
        pytest.skip(ThrowawayPostgres.missing())
    return ThrowawayPostgres().start()


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_two_processes_at_once_send_each_reminder_exactly_once(tmp_path, fake, cli_env, monkeypatch, database):
    pg = _postgres() if database == "postgresql" else None
    try:
        url = f"postgresql://postgres@127.0.0.1:{pg.port}/postgres" if pg else f"sqlite:///{tmp_path / 'two.db'}"
        monkeypatch.setenv("CAMINO_REMINDERS_KEY", KEY)
        store = ReminderStore(url)
        numbers = [f"+1818555{n:04d}" for n in range(30)]
        for i, number in enumerate(numbers):
            subscribe(store, number, "es" if i % 2 else "en")
        env = cli_env(url)
        fake.delay = 0.08  # each send takes a while, so the two runs overlap
        command = [CAMINO, "reminders", "send-due", "--now", "2026-12-03T12:00"]
        runs = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True) for _ in range(2)]
        outputs = [run.communicate(timeout=180)[0] for run in runs]
        assert all(run.returncode == 0 for run in runs), outputs
        assert sorted(m["To"] for m in fake.received) == sorted(numbers), outputs
        sent = sum(int(out.split()[0]) for out in outputs)
        assert sent == len(numbers)
        again = camino(env, "reminders", "send-due", "--now", "2026-12-03T13:00")
        assert again.stdout.startswith("0 sent") and len(fake.received) == len(numbers)
        store.dispose()
    finally:
        if pg:
            pg.close()


def test_whatsapp_opt_in_is_kept_per_channel_and_stop_on_sms_ends_both(rphone, store):
    rphone.send("REMIND", from_=f"whatsapp:{NUMBER}")
    rphone.send("REMIND")
    assert sorted(r.channel for r in rows(store, reminder_store.subscriptions)) == ["sms", "whatsapp"]
    rphone.send("STOP")
    assert rows(store, reminder_store.subscriptions) == []


def test_the_web_servers_loop_sends_due_reminders_until_it_is_stopped(monkeypatch):
    calls = []
    monkeypatch.setattr(sending, "send_due", lambda: calls.append(1) or sending.Report())

    async def run():
        task = asyncio.ensure_future(sending.run_scheduler(every=0.01))
        await asyncio.sleep(0.2)
        task.cancel()

    asyncio.run(run())
    assert len(calls) >= 2


def test_yes_answers_the_offer_only_as_the_very_next_message(rphone, store):
    """A "yes" two messages later answers the bot (e.g. a tool's yes/no question), never the old offer."""
    rphone.bot.script = lambda text: [{"text": "The deadline is…"}, {"custom": PAYLOAD_EN}]
    rphone.send("when is the deadline?")
    rphone.bot.script = lambda text: [{"text": "Does a sibling attend that magnet?"}]
    rphone.send("estimate my points")
    rphone.send("yes")
    assert rphone.bot.texts == ["when is the deadline?", "estimate my points", "yes"]
    assert rows(store, reminder_store.subscriptions) == []
    [reply] = rphone.send("REMIND")  # the topic asked about is still the one the reminder follows
    assert {r.deadline_id for r in rows(store, reminder_store.chosen)} == {
        "2027-28:on_time_deadline",
        "2027-28:late_opens",
    }
