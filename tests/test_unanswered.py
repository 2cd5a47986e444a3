"""What the assistant could not answer: stored redacted and alone, recorded off the reply path, reported by
likely topic (`camino report unanswered`, the staff page) and purged with the conversations."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import inspect

from actions.answer_question import ActionAnswerQuestion
from actions.find_school import ActionFindSchool
from actions.record_question import ActionRecordQuestion
from actions.suggest_topics import ActionSuggestTopics
from bot.cli import main
from bot.retention import purge_unanswered
from bot.unanswered import report
from bot.unanswered.recording import Recorder, likely_topic, rephrased_question
from bot.unanswered.store import MAX_TEXT_CHARS, Question, UnansweredStore, clean_text

NOW = datetime(2026, 3, 1, 12, 0, 0)
PLANTED = (
    "my son's student id is 1234567, call me at (213) 555-0142 or write to ana.lopez@gmail.com, "
    "we live at 1234 W Olympic Blvd: which magnet can he apply to?"
)
SECRETS = ("1234567", "555-0142", "ana.lopez@gmail.com", "1234 W Olympic Blvd", "Olympic")


@pytest.fixture
def store(tmp_path):
    store = UnansweredStore(f"sqlite:///{tmp_path / 'unanswered.db'}")
    yield store
    store.close()


@pytest.fixture
def recorder(store):
    return Recorder(store)


def stored(store: UnansweredStore) -> list[Question]:
    return store.since(datetime(2000, 1, 1))


# --- the store ------------------------------------------------------------------------------------------


def test_the_table_holds_only_text_language_kind_topic_and_time(store):
    store.add("what is a pilot school", "en", "no_answer", "pilot_schools")
    columns = {c["name"] for c in inspect(store.engine).get_columns("unanswered_questions")}
    assert columns == {"id", "text", "lang", "kind", "topic", "asked_at"}
    [row] = stored(store)
    assert (row.text, row.lang, row.kind, row.topic) == ("what is a pilot school", "en", "no_answer", "pilot_schools")


def test_personal_data_is_removed_before_storing(store):
    store.add(PLANTED, "en", "fallback", None)
    [row] = stored(store)
    assert not [secret for secret in SECRETS if secret in row.text], row.text
    assert {"[student id]", "[phone]", "[email]", "[address]"} <= set(
        __import__("re").findall(r"\[[a-z ]+\]", row.text)
    )
    assert row.text.endswith("which magnet can he apply to?")


def test_spanish_personal_data_is_removed_too(store):
    store.add(
        "mi número es 323-555-0199, vivo en la calle Olympic 1234, id del estudiante 009876543", "es", "fallback", None
    )
    [row] = stored(store)
    assert not any(s in row.text for s in ("323-555-0199", "Olympic 1234", "009876543")), row.text


def test_the_text_is_cut_after_redaction(store):
    long = "magnet " * 100 + "(213) 555-0142"
    assert len(clean_text(long)) <= MAX_TEXT_CHARS and clean_text(long).endswith("…")
    huge = "x " * 5000 + "call 213-555-0142"
    assert "555" not in clean_text(huge) and len(clean_text(huge)) <= MAX_TEXT_CHARS
    store.add("a " * 400, "en", "fallback", None)
    assert len(stored(store)[0].text) <= MAX_TEXT_CHARS


def test_unknown_kinds_empty_texts_and_odd_languages(store):
    with pytest.raises(ValueError):
        store.add("hello", "en", "weird", None)
    assert store.add("   ", "en", "fallback", None) is False
    store.add("bonjour", "fr", "fallback", None)
    assert [q.lang for q in stored(store)] == ["en"]


def test_recent_and_forget_by_age(store):
    for age, text in ((40, "old"), (10, "ten days"), (1, "yesterday")):
        store.add(text, "en", "no_answer", "gate", NOW - timedelta(days=age))
    assert [q.text for q in store.recent(7, now=NOW)] == ["yesterday"]
    assert [q.text for q in store.recent(30, now=NOW)] == ["ten days", "yesterday"]
    assert store.forget_older_than(30, now=NOW) == 1
    assert [q.text for q in stored(store)] == ["ten days", "yesterday"]
    assert store.forget_older_than(30, now=NOW) == 0


# --- the report -----------------------------------------------------------------------------------------


def q(text, lang="en", kind="no_answer", topic="gate", minutes=0):
    return Question(text, lang, kind, topic, NOW + timedelta(minutes=minutes))


def test_grouped_by_topic_with_counts_per_language_and_latest_examples():
    questions = [
        q("gate test?", minutes=1),
        q("gate test?", minutes=2),
        q("gifted kids", kind="did_you_mean", minutes=3),
        q("prueba gate", lang="es", minutes=4),
        q("gate age", minutes=5),
        q("gate grades", minutes=6),
        q("weather", kind="out_of_scope", topic=None),
        q("puntos", lang="es", topic="magnet_points"),
        q("puntos hermano", lang="es", topic="magnet_points", kind="rephrase"),
    ]
    result = report.build(questions, days=30, examples=3)
    assert (result["total"], result["by_language"], result["days"]) == (9, {"en": 6, "es": 3}, 30)
    assert [g["topic"] for g in result["groups"]] == ["gate", "magnet_points", None]
    gate = result["groups"][0]
    assert gate["count"] == 6 and gate["by_language"] == {"en": 5, "es": 1}
    assert gate["by_kind"] == {"did_you_mean": 1, "no_answer": 5}
    assert gate["examples"] == {"en": ["gate grades", "gate age", "gifted kids"], "es": ["prueba gate"]}
    assert result["groups"][2]["examples"] == {"en": ["weather"], "es": []}
    assert report.build([], days=7) == {"days": 7, "total": 0, "by_language": {"en": 0, "es": 0}, "by_kind": {},
                                        "groups": []}  # fmt: skip


def test_plain_text_report():
    text = report.as_text(report.build([q("gate test?"), q("prueba gate", lang="es"), q("hmm", topic=None)], 7))
    lines = text.splitlines()
    assert lines[0] == "Unanswered questions in the last 7 day(s): 3 (English 2, Spanish 1)"
    assert any(line.startswith("gate") and "2" in line and "en 1, es 1" in line for line in lines)
    assert '    en: "gate test?"' in lines and '    es: "prueba gate"' in lines
    assert any(line.startswith("(no likely topic)") for line in lines)


def test_titles_are_added_in_both_languages():
    result = report.with_titles(
        report.build([q("x"), q("y", topic=None)], 7), {"gate": {"en": "GATE", "es": "GATE (es)"}}
    )
    assert [g["title"] for g in result["groups"]] == [{"en": "GATE", "es": "GATE (es)"}, None]


# --- `camino report unanswered` and `camino purge` --------------------------------------------------------


@pytest.fixture
def configured(store, monkeypatch):
    monkeypatch.setenv("CAMINO_UNANSWERED_DB_URL", store._url)
    now = datetime.utcnow()
    store.add("what about gifted testing for 2nd grade", "en", "did_you_mean", "gate", now - timedelta(days=2))
    store.add("¿hay prueba de GATE? mi tel 213-555-0142", "es", "no_answer", "gate", now - timedelta(days=3))
    store.add("who won the game", "en", "out_of_scope", None, now - timedelta(days=20))
    store.add("very old question", "en", "fallback", "sas", now - timedelta(days=45))
    return store


def test_cli_report_plain_and_json(configured, capsys):
    assert main(["report", "unanswered", "--days", "7"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Unanswered questions in the last 7 day(s): 2 (English 1, Spanish 1)")
    assert "gifted testing" in out and "[phone]" in out and "555-0142" not in out and "who won" not in out
    assert main(["report", "unanswered", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["days"] == 30 and data["total"] == 3
    assert [(g["topic"], g["count"]) for g in data["groups"]] == [("gate", 2), (None, 1)]
    assert main(["report", "unanswered", "--days", "0"]) == 2


def test_purge_deletes_questions_past_retention(configured, capsys):
    assert purge_unanswered(30, configured._url) == 1
    assert len(stored(configured)) == 3
    assert main(["purge", "--days", "10"]) == 0
    assert "1 unanswered question(s)" in capsys.readouterr().out
    assert [q.text for q in stored(configured)] == [  # oldest first
        "¿hay prueba de GATE? mi tel [phone]",
        "what about gifted testing for 2nd grade",
    ]


def test_the_default_store_is_a_file_in_the_state_dir(monkeypatch, tmp_path):
    from bot import config

    monkeypatch.delenv("CAMINO_UNANSWERED_DB_URL", raising=False)
    monkeypatch.setenv("CAMINO_STATE_DIR", str(tmp_path))
    assert config.unanswered_db_url() == f"sqlite:///{tmp_path / 'unanswered.db'}"
    monkeypatch.setenv("CAMINO_PROFILE", "production")
    assert config.unanswered_db_url() == config.postgres_url()


# --- recording off the reply path -----------------------------------------------------------------------


def test_recorder_redacts_and_writes_in_its_thread(recorder, store):
    assert recorder.record("gifted program? call 213-555-0142", "en", "fallback")
    assert recorder.record("pilot?", "es", "did_you_mean", "pilot_schools")
    assert recorder.wait()
    assert [(x.text, x.lang, x.topic) for x in stored(store)] == [
        ("gifted program? call [phone]", "en", None),
        ("pilot?", "es", "pilot_schools"),
    ]
    assert threading.current_thread() is not recorder._thread


def test_likely_topic_is_the_classifier_s_then_the_search_s(small_kb):
    ranking = [{"name": "nlu_fallback", "confidence": 0.9}, {"name": "ask_nothing", "confidence": 0.1},
               {"name": "ask_sas", "confidence": 0.01}]  # fmt: skip
    assert likely_topic(small_kb, "how many points does a sibling give", ranking) == "sas"
    assert likely_topic(small_kb, "how many points does a sibling give") == "magnet_points"
    assert likely_topic(small_kb, "zzqx") is None and likely_topic(small_kb, " ") is None


class DownStore:
    def add(self, *args, **kwargs):
        raise ConnectionError("connection refused")


class StuckStore:
    def __init__(self):
        self.release = threading.Event()
        self.rows = []

    def add(self, text, *args, **kwargs):
        self.release.wait(10)
        self.rows.append(text)


def test_a_store_that_is_down_costs_one_log_line_without_the_text(caplog):
    recorder = Recorder(DownStore())
    with caplog.at_level(logging.INFO, logger="bot.unanswered.recording"):
        assert recorder.record("what is SAS? call 213-555-0142", "en", "no_answer", "sas")
        assert recorder.wait()
    assert [r.getMessage() for r in caplog.records] == ["unanswered question not stored: ConnectionError"]


def test_a_stuck_store_never_holds_the_reply_and_the_queue_is_bounded(tracker_for, dispatcher, domain, caplog):
    stuck = StuckStore()
    recorder = Recorder(stuck, max_pending=2)
    tracker = tracker_for("who won the game", intent="out_of_scope")
    ActionRecordQuestion(recorder).run(dispatcher, tracker, domain)  # returns while the store is stuck
    assert stuck.rows == []
    with caplog.at_level(logging.WARNING):
        kept = [recorder.record(f"zebra {n}", "en", "fallback") for n in range(4)]
    assert kept.count(False) >= 1 and all("zebra" not in r.getMessage() for r in caplog.records)
    stuck.release.set()
    assert recorder.wait()
    assert stuck.rows[0] == "who won the game"


def test_a_failing_recorder_never_breaks_the_action(small_kb, dispatcher, tracker_for, domain, caplog):
    class Broken(Recorder):
        def record(self, *args, **kwargs):
            raise RuntimeError("boom")

    with caplog.at_level(logging.WARNING):
        ActionSuggestTopics(Broken()).run(dispatcher, tracker_for("🙂", intent="nlu_fallback"), domain)
    assert [m.get("response") for m in dispatcher.messages] == ["utter_default"]
    assert "unanswered question not noted: RuntimeError" in caplog.text


# --- the actions ---------------------------------------------------------------------------------------


def kept(recorder, store):
    assert recorder.wait()
    return [(x.text, x.lang, x.kind, x.topic) for x in stored(store)]


def test_did_you_mean_and_fallback_are_recorded(small_kb, recorder, store, dispatcher, tracker_for, domain):
    unsure = [{"name": "nlu_fallback", "confidence": 0.9}, {"name": "ask_unknown", "confidence": 0.05},
              {"name": "ask_sas", "confidence": 0.01}]  # fmt: skip
    ActionSuggestTopics(recorder).run(
        dispatcher, tracker_for("🙂🙂", intent="nlu_fallback", intent_ranking=unsure), domain
    )
    ranking = [{"name": "nlu_fallback", "confidence": 0.4}, {"name": "ask_gate", "confidence": 0.3}]
    tracker = tracker_for(
        "pruebas de dotados?", intent="nlu_fallback", intent_ranking=ranking, slots={"language": "es"}
    )
    ActionSuggestTopics(recorder).run(dispatcher, tracker, domain)
    ActionSuggestTopics(recorder).run(dispatcher, tracker_for("🙂 me@x.org", intent="nlu_fallback"), domain)
    assert [m.get("response") for m in dispatcher.messages][0] == "utter_default"
    assert kept(recorder, store) == [
        ("🙂🙂", "en", "fallback", "sas"),  # the classifier's top topic, however unsure
        ("pruebas de dotados?", "es", "did_you_mean", "gate"),
        ("🙂 [email]", "en", "fallback", None),
    ]


def test_no_answer_and_unknown_schools_are_recorded(small_kb, recorder, store, dispatcher, tracker_for, domain):
    ActionAnswerQuestion(recorder).run(dispatcher, tracker_for("x", intent="greet"), domain)
    unknown = tracker_for("Is Springfield Elementary a community school?", intent="ask_community_schools")
    ActionAnswerQuestion(recorder).run(dispatcher, unknown, domain)
    hogwarts = tracker_for(
        "is Hogwarts a magnet",
        intent="find_school",
        entities=[{"entity": "school", "value": "Hogwarts"}],
        slots={"language": "es"},
    )
    asyncio.run(ActionFindSchool(recorder).run(dispatcher, hogwarts, domain))
    assert kept(recorder, store) == [
        ("x", "en", "no_answer", None),
        ("Is Springfield Elementary a community school?", "en", "school_not_found", "community_schools"),
        ("is Hogwarts a magnet", "es", "school_not_found", "magnet_programs"),  # the search's best topic
    ]


def test_an_answer_is_not_recorded(small_kb, recorder, store, dispatcher, tracker_for, domain):
    tracker = tracker_for("how many points does a sibling give?", intent="ask_magnet_points")
    ActionAnswerQuestion(recorder).run(dispatcher, tracker, domain)
    assert kept(recorder, store) == []


ANSWERED = [
    {"event": "user", "text": "when does the application close? 213-555-0142", "timestamp": 100.0},
    {"event": "action", "name": "action_answer_question", "timestamp": 100.5},
    {"event": "bot", "text": "It closes…", "timestamp": 100.6},
    {"event": "action", "name": "action_listen", "timestamp": 100.7},
]


def test_out_of_scope_and_a_quick_rephrase_are_recorded(recorder, store, dispatcher, tracker_for, domain):
    action = ActionRecordQuestion(recorder)
    action.run(dispatcher, tracker_for("who won the dodgers game", intent="out_of_scope"), domain)
    deny = tracker_for("no that's not it", intent="deny", history=ANSWERED, slots={"last_topic": "choices_timeline"})
    action.run(dispatcher, deny, domain)
    assert kept(recorder, store) == [
        ("who won the dodgers game", "en", "out_of_scope", None),
        ("when does the application close? [phone]", "en", "rephrase", "choices_timeline"),
    ]
    assert dispatcher.messages == []  # a silent step: the reply was utter_out_of_scope / utter_rephrase


def test_a_deny_that_is_not_about_an_answer_is_not_recorded(recorder, store, dispatcher, tracker_for, domain):
    greeted = [{"event": "user", "text": "hi"}, {"event": "action", "name": "utter_greet"}]
    ActionRecordQuestion(recorder).run(dispatcher, tracker_for("no", intent="deny", history=greeted), domain)
    ActionRecordQuestion(recorder).run(dispatcher, tracker_for("no", intent="deny"), domain)
    assert kept(recorder, store) == []


def test_rephrase_detection():
    latest = {"event": "user", "text": "no", "timestamp": 130.0}
    assert rephrased_question([*ANSWERED, latest]) == "when does the application close? 213-555-0142"
    assert rephrased_question([*ANSWERED, {**latest, "timestamp": 100.6 + 600}]) is None  # not quick
    school = [{**e, "name": "action_find_school"} if e.get("name") == "action_answer_question" else e for e in ANSWERED]
    assert rephrased_question([*school, latest]) is not None
    helped = [*ANSWERED, {"event": "user", "text": "help"}, {"event": "action", "name": "action_show_help"}, latest]
    assert rephrased_question(helped) is None
    assert rephrased_question([latest]) is None


# --- the staff page -------------------------------------------------------------------------------------


class StaffClient:
    """The web app behind aiohttp's test server (no Rasa), optionally over a given store."""

    def __init__(self, token: str = "unanswered-staff-token", store=None):
        from aiohttp.test_utils import TestClient, TestServer

        from bot.web.app import Settings, create_app

        self.loop = asyncio.new_event_loop()
        app = create_app(Settings(staff_token=token, rasa_port=5999), unanswered=store)
        self.client = TestClient(TestServer(app), loop=self.loop)
        self.loop.run_until_complete(self.client.start_server())

    def get(self, path: str, token: str | None = None):
        headers = {"Authorization": f"Bearer {token}"} if token else {}

        async def go():
            response = await self.client.get(path, headers=headers)
            return response.status, await response.text()

        return self.loop.run_until_complete(go())

    def close(self):
        self.loop.run_until_complete(self.client.close())
        self.loop.close()


@pytest.fixture
def staff_client():
    clients = []

    def make(**kwargs):
        clients.append(StaffClient(**kwargs))
        return clients[-1]

    yield make
    for client in clients:
        client.close()


def test_a_signed_in_staff_member_sees_the_report(configured, staff_client, kb):
    status, body = staff_client().get("/staff/api/unanswered?days=7", token="unanswered-staff-token")
    assert status == 200
    data = json.loads(body)
    assert (data["days"], data["total"], data["by_language"]) == (7, 2, {"en": 1, "es": 1})
    [gate] = data["groups"]
    assert gate["topic"] == "gate" and gate["title"] == dict(kb.topics["gate"].title)
    assert gate["examples"] == {"en": ["what about gifted testing for 2nd grade"],
                                "es": ["¿hay prueba de GATE? mi tel [phone]"]}  # fmt: skip
    assert "555-0142" not in body


@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_anonymous_or_wrong_code_sees_nothing(configured, staff_client, token):
    status, body = staff_client().get("/staff/api/unanswered", token=token)
    assert status == 401 and "gifted" not in body and "GATE" not in body


def test_report_is_off_without_a_staff_token(configured, staff_client):
    status, body = staff_client(token="").get("/staff/api/unanswered", token="anything")
    assert status == 403 and "gifted" not in body


@pytest.mark.parametrize("days", ["0", "366", "abc", "-3", "٣", "99999"])
def test_bad_days_get_a_polite_400(configured, staff_client, days):
    status, body = staff_client().get(f"/staff/api/unanswered?days={days}", token="unanswered-staff-token")
    assert status == 400 and set(json.loads(body)["error"]) == {"en", "es"}


def test_a_store_that_is_down_gets_a_503_in_both_languages(staff_client):
    class Down:
        def recent(self, *args, **kwargs):
            raise ConnectionError("refused")

    status, body = staff_client(store=Down()).get("/staff/api/unanswered", token="unanswered-staff-token")
    from bot.web import i18n

    assert status == 503 and json.loads(body) == {"error": i18n.both("report_unavailable")}


@pytest.mark.parametrize(
    "lang,heading", [("en", "What Camino could not answer"), ("es", "Lo que Camino no pudo responder")]
)
def test_the_staff_page_has_the_report_section_in_its_language(staff_client, lang, heading):
    client = staff_client()
    status, page = client.get(f"/staff?lang={lang}")
    assert status == 200 and heading in page
    assert '<section id="unanswered"' in page and "/static/staff_unanswered.js" in page
    status, script = client.get("/static/staff_unanswered.js")
    assert status == 200 and "/staff/api/unanswered" in script


def test_the_action_server_records_an_out_of_scope_question_redacted(small_kb, tmp_path, monkeypatch):
    """The real glue: rasa_sdk's server with our actions package, the process's own recorder and store."""
    import requests
    from sanic import Sanic
    from sms_harness import serve_app

    from bot.serve import TOKEN_HEADER, action_app
    from bot.unanswered import recording

    url = f"sqlite:///{tmp_path / 'unanswered.db'}"
    monkeypatch.setenv("CAMINO_UNANSWERED_DB_URL", url)
    monkeypatch.setattr(recording, "_default", None)
    monkeypatch.setattr(Sanic, "test_mode", True)
    latest = {"text": PLANTED, "intent": {"name": "out_of_scope", "confidence": 0.9}, "entities": []}
    tracker = {"sender_id": "family-1", "slots": {"language": "es"}, "latest_message": latest,
               "events": [{"event": "user", "text": PLANTED, "parse_data": latest}]}  # fmt: skip
    body = {"next_action": "action_record_question", "sender_id": "family-1", "tracker": tracker}
    with serve_app(action_app("the-token", "actions")) as base:
        reply = requests.post(f"{base}/webhook", json=body, headers={TOKEN_HEADER: "the-token"}, timeout=30)
    assert reply.status_code == 200 and reply.json() == {"events": [], "responses": []}
    assert recording.get_recorder().wait(10)
    store = UnansweredStore(url)
    [row] = stored(store)
    store.close()
    assert (row.lang, row.kind) == ("es", "out_of_scope") and not [s for s in SECRETS if s in row.text]
    with __import__("sqlite3").connect(tmp_path / "unanswered.db") as db:
        dump = "\n".join(db.iterdump())
    assert "family-1" not in dump and not [s for s in SECRETS if s in dump]
