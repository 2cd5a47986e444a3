"""Personal data sent over every channel (REST, socket.io, signed SMS and WhatsApp) is found in no store and
no log afterwards: not in the tracker store, the knowledge store, the Twilio store, any other file under the
state dir, nor any log file (issue #10)."""

import random
import time
import uuid

import pytest
import requests
from test_e2e_socketio import Widget
from test_e2e_twilio import text_message

from bot import config

pytestmark = pytest.mark.e2e

# Values no other test sends, in the forms a family would type them; each search term must not be found.
PHONE, EMAIL, STUDENT_ID, STREET = "(323) 555-0187", "planted.parent@example.com", "918273645", "4821 W Plantedia Ave"
SEARCH = ["555-0187", "5550187", "planted.parent", "918273645", "Plantedia"]


def message(channel: str) -> str:
    return (
        f"hi, my phone is {PHONE} and my email {EMAIL}; my son's student id is {STUDENT_ID}, we live at "
        f"{STREET}. how do magnet points work? ({channel})"
    )


def test_personal_data_reaches_no_store_and_no_log(running_bot):
    rest = requests.post(
        f"{running_bot['url']}/webhooks/rest/webhook",
        json={"sender": f"pii-{uuid.uuid4().hex}", "message": message("rest"), "metadata": {"language": "en"}},
        timeout=60,
    )
    assert rest.status_code == 200 and rest.json()
    widget = Widget(running_bot)
    try:
        widget.start()
        widget.say(message("socketio"))
        assert widget.replied.wait(30), "no socket.io reply"
    finally:
        widget.close()
    number = f"+1213555{random.randrange(10000):04d}"
    assert text_message(running_bot, number, message("sms"))
    assert text_message(running_bot, f"whatsapp:{number}", message("whatsapp"))
    assert text_message(running_bot, number, f'/ask_magnet_points{{"school": "{EMAIL}"}}')  # a typed payload
    time.sleep(1)  # the servers' last log lines
    files = [p for p in config.state_dir().rglob("*") if p.is_file()]
    assert any(p.name == "tracker.db" for p in files) and any(p.suffix == ".log" for p in files)
    found = {}
    for path in files:
        data = path.read_bytes()
        hits = [term for term in SEARCH if term.encode() in data or term.encode("utf-16-le") in data]
        if hits:
            found[str(path.relative_to(config.state_dir()))] = hits
    assert found == {}
