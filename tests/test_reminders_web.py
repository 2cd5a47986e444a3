"""The reminders page and form (bot/web/reminders.py) and the staff counts, through aiohttp's test server,
with the confirmation text sent to the local fake Twilio API."""

from __future__ import annotations

import asyncio
import html

import pytest
from aiohttp.test_utils import TestClient, TestServer
from fake_twilio import FakeTwilio
from reminder_harness import ACCOUNT, FROM, KEY, TODAY, fixture_deadlines
from sqlalchemy import select

from bot.channels.sms.inbound import number_key
from bot.reminders import messages
from bot.reminders import store as reminder_store
from bot.reminders.store import ReminderStore
from bot.reminders.twilio_rest import TwilioSender
from bot.web import i18n
from bot.web.app import Settings, create_app
from bot.web.reminders import MAX_BODY_BYTES, WebOptIn, us_number

STAFF = "test-staff-token"
NUMBER = "+12135550188"


class Client:
    def __init__(self, optin: WebOptIn) -> None:
        self.loop = asyncio.new_event_loop()
        app = create_app(Settings(staff_token=STAFF, rasa_port=5999), reminders=optin)
        self.client = TestClient(TestServer(app), loop=self.loop)
        self.loop.run_until_complete(self.client.start_server())
        self.origin = f"http://127.0.0.1:{self.client.port}"

    def call(self, method: str, path: str, **kwargs):
        async def go():
            response = await self.client.request(method, path, **kwargs)
            return response.status, await response.text(), response.headers

        return self.loop.run_until_complete(go())

    def post(self, form: dict | bytes, origin: str | None = "", **kwargs):
        headers = {"Content-Type": "application/x-www-form-urlencoded", **kwargs.pop("headers", {})}
        if origin is not None:
            headers["Origin"] = origin or self.origin
        return self.call("POST", "/reminders", data=form, headers=headers, **kwargs)

    def close(self) -> None:
        self.loop.run_until_complete(self.client.close())
        self.loop.close()


@pytest.fixture
def fake():
    with FakeTwilio() as api:
        yield api


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("CAMINO_REMINDERS_KEY", KEY)
    s = ReminderStore(f"sqlite:///{tmp_path / 'reminders.db'}")
    yield s
    s.dispose()


@pytest.fixture
def make_client(store, sms_state, fake):
    clients = []

    def make(deadlines=fixture_deadlines, sender=True):
        optin = WebOptIn(
            store,
            deadlines=deadlines,
            today=lambda: TODAY,
            sender=(lambda: TwilioSender(ACCOUNT, "token", FROM, FROM, fake.url, timeout=5))
            if sender
            else lambda: None,
            opted_out=sms_state.opted_out,
        )
        clients.append(Client(optin))
        return clients[-1]

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def client(make_client):
    return make_client()


def subscriptions(store):
    with store.engine.connect() as db:
        return db.execute(select(reminder_store.subscriptions)).all()


def consents(store):
    with store.engine.connect() as db:
        return db.execute(select(reminder_store.consents)).all()


VALID = {"phone": "(213) 555-0188", "lang": "en", "consent": "yes", "topic": "magnet_points"}


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_form_lists_the_dates_with_an_unchecked_consent_box(client, lang):
    status, page, headers = client.call("GET", f"/reminders?lang={lang}&topic=choices_timeline")
    assert status == 200 and f'<html lang="{lang}">' in page
    assert 'type="checkbox" name="consent" value="yes">' in page and "checked" not in page
    assert html.escape(i18n.text("reminders_consent", lang)) in page
    assert ("December 10, 2026" if lang == "en" else "10 de diciembre de 2026") in page
    assert 'type="tel"' in page and "form-action 'self'" in headers["Content-Security-Policy"]


def test_with_no_date_ahead_the_page_says_so_and_shows_no_form(make_client):
    client = make_client(deadlines=lambda: [])
    status, page, _ = client.call("GET", "/reminders?lang=es")
    assert status == 200 and html.escape(i18n.text("reminders_none", "es")) in page
    assert '<form id="reminders-form" class="card" method="post" action="/reminders?lang=es" hidden>' in page


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_valid_sign_up_sends_the_confirmation_and_stores_only_hash_and_encrypted_number(client, store, fake, lang):
    status, page, _ = client.post({**VALID, "lang": lang})
    assert status == 200 and html.escape(i18n.text("reminders_done", lang, last4="0188")) in page
    [sent] = fake.received
    ahead = [d for d in fixture_deadlines() if d.kind in ("on_time_deadline", "late_opens")]
    assert sent["To"] == NUMBER and sent["From"] == FROM and sent["Body"] == messages.confirmation(ahead, lang)
    assert ("Msg & data rates may apply" if lang == "en" else "Pueden aplicarse tarifas de mensajes y datos") in sent[
        "Body"
    ]
    [sub] = subscriptions(store)
    assert sub.number_key == number_key(NUMBER) and NUMBER[2:] not in sub.number_enc and sub.lang == lang
    [consent] = consents(store)
    assert (consent.via, consent.wording_id) == ("web", "reminders_consent")
    assert consent.wording_version == reminder_store.wording_version(i18n.text("reminders_consent", lang))


@pytest.mark.parametrize(
    "form,status,key",
    [
        ({**VALID, "consent": ""}, 400, "reminders_need_consent"),
        ({k: v for k, v in VALID.items() if k != "consent"}, 400, "reminders_need_consent"),
        ({**VALID, "phone": "555-0188"}, 400, "reminders_bad_number"),
        ({**VALID, "phone": "+44 20 7946 0958"}, 400, "reminders_bad_number"),
        ({**VALID, "phone": "call me"}, 400, "reminders_bad_number"),
    ],
)
def test_a_refused_form_explains_politely_and_stores_and_sends_nothing(client, store, fake, form, status, key):
    got, page, _ = client.post(form)
    assert got == status and html.escape(i18n.text(key, "en")) in page
    assert subscriptions(store) == [] and consents(store) == [] and fake.received == []


def test_an_oversized_body_is_refused(client, store, fake):
    status, page, _ = client.post({**VALID, "padding": "x" * MAX_BODY_BYTES})
    assert status == 413 and html.escape(i18n.text("too_large", "en")) in page
    assert subscriptions(store) == [] and fake.received == []


@pytest.mark.parametrize("origin", [None, "https://evil.example", "null"])
def test_the_form_must_come_from_our_own_page(client, store, fake, origin):
    status, page, _ = client.post(VALID, origin=origin)
    assert status == 403 and html.escape(i18n.text("reminders_bad_origin", "en")) in page
    assert subscriptions(store) == [] and fake.received == []


def test_an_opted_out_number_is_not_texted(client, store, fake, sms_state):
    sms_state.opt_out(number_key(NUMBER))
    status, page, _ = client.post(VALID)
    assert status == 409 and html.escape(i18n.text("reminders_opted_out", "en")) in page
    assert subscriptions(store) == [] and fake.received == []


def test_a_failed_confirmation_stores_nothing(client, store, fake):
    fake.failures[NUMBER] = (400, 21211)
    status, page, _ = client.post(VALID)
    assert status == 502 and html.escape(i18n.text("reminders_send_failed", "en")) in page
    assert subscriptions(store) == []


def test_without_a_twilio_sender_the_form_says_reminders_are_unavailable(make_client, store):
    status, page, _ = make_client(sender=False).post(VALID)
    assert (
        status == 503 and html.escape(i18n.text("reminders_unavailable", "en")) in page and subscriptions(store) == []
    )


def test_us_numbers_as_people_write_them():
    assert us_number("(213) 555-0188") == us_number("+1 213 555 0188") == us_number("1-213-555-0188") == NUMBER
    assert us_number("213555018") is None and us_number("+52 55 1234 5678") is None and us_number("") is None
    assert us_number("(113) 555-0188") is None  # no area code starts with 1


def test_staff_see_counts_only_and_only_when_signed_in(client, store):
    client.post(VALID)
    client.post({**VALID, "phone": "323 555 0100", "lang": "es", "topic": "choices_results"})
    status, _, _ = client.call("GET", "/staff/api/reminders")
    assert status == 401
    status, body, _ = client.call("GET", "/staff/api/reminders", headers={"Authorization": f"Bearer {STAFF}"})
    assert status == 200 and "0188" not in body and "0100" not in body
    import json

    data = json.loads(body)
    assert data["families"] == 2
    by_id = {row["deadline"]: row for row in data["deadlines"]}
    assert by_id["2027-28:on_time_deadline"]["by_language"] == {"en": 1, "es": 0}
    assert by_id["2027-28:accept_by"]["by_language"] == {"en": 0, "es": 1}
    assert by_id["2027-28:accept_by"]["when"]["es"].startswith("abril de 2027")


def test_the_widget_page_links_to_the_reminders_form(client):
    status, page, _ = client.call("GET", "/?lang=es")
    assert (
        status == 200 and 'href="/reminders?lang=es"' in page and html.escape(i18n.text("reminders_link", "es")) in page
    )


def test_signing_up_again_sends_no_second_confirmation(client, store, fake):
    client.post(VALID)
    status, page, _ = client.post({**VALID, "phone": "+1 213 555 0188"})
    assert status == 200 and html.escape(i18n.text("reminders_already", "en")) in page
    assert len(fake.received) == 1 and len(subscriptions(store)) == 1
    client.post({**VALID, "topic": "choices_results"})  # a date not chosen yet: confirmed and added
    assert len(fake.received) == 2 and len(consents(store)) == 2
