"""`camino kb import` from a local HTTP server: good rows in, bad rows reported, curated never overwritten."""

import http.server
import threading
from functools import partial

import pytest

from bot.cli import main
from bot.knowledge import store

EXPORT = """School Name,Program Type,Level,Local District,Phone,Source URL,School Year
Sunrise Elementary,Dual Language,elementary,East,(323) 555-0100,https://example.lausd.org/sunrise,2025-26
Sunrise Elementary,Magnet,elementary,East,,https://example.lausd.org/sunrise-magnet,2025-26
,Magnet,high,,,https://example.lausd.org/x,2025-26
Moonbeam High,Spaceship Academy,high,,,https://example.lausd.org/y,2025-26
Comet Middle,Pilot,middle,,,not-a-url,2025-26
Nova High,Pilot,high,,,https://example.lausd.org/nova,2025
Dorsey High School,Magnet,high,,,https://example.lausd.org/dorsey,2025-26
"""


@pytest.fixture
def server(tmp_path):
    (tmp_path / "export.csv").write_text(EXPORT)
    (tmp_path / "big.csv").write_bytes(b"a," * (6 * 1024 * 1024))
    (tmp_path / "binary.csv").write_bytes(b"\x00\x01\x02PK")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(tmp_path)))
    httpd.handle_error = lambda *args: None  # a client that stops reading a too-large file is expected
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture
def db(tmp_path, monkeypatch, kb):
    url = f"sqlite:///{tmp_path / 'kb.db'}"
    monkeypatch.setenv("CAMINO_DB_URL", url)
    assert main(["kb", "build"]) == 0
    return url


def test_import_good_and_bad_rows(server, db, capsys):
    assert main(["kb", "import", f"{server}/export.csv"]) == 0
    out = capsys.readouterr().out
    assert "imported 2 school(s): 1 added, 0 updated, 0 unchanged, 1 left as curated" in out
    assert "line 4: no school name" in out
    assert "line 5: unknown program type Spaceship Academy" in out
    assert "line 6: source is not a well-formed URL: 'not-a-url'" in out
    assert "line 7: school year must look like 2025-26, not '2025'" in out
    schools = store.load(db).schools
    sunrise = schools["sunrise_elementary"]
    assert set(sunrise.types) == {"dual_language", "magnet"} and len(sunrise.sources) == 2
    # the curated Dorsey record is untouched
    assert "magnet" not in schools["dorsey_hs"].types


def test_import_is_idempotent_and_survives_a_rebuild(server, db, capsys):
    main(["kb", "import", f"{server}/export.csv"])
    capsys.readouterr()
    assert main(["kb", "import", f"{server}/export.csv"]) == 0
    assert "0 added, 0 updated, 1 unchanged" in capsys.readouterr().out
    assert main(["kb", "build"]) == 0
    assert "sunrise_elementary" in store.load(db).schools


@pytest.mark.parametrize(
    "path,message", [("/missing.csv", "could not download"), ("/big.csv", "larger than"), ("/binary.csv", "not a text")]
)
def test_unreadable_exports_fail_cleanly(server, db, capsys, path, message):
    assert main(["kb", "import", server + path]) == 1
    out = capsys.readouterr().out
    assert message in out and "Traceback" not in out


def test_plain_http_to_another_host_is_refused(db, capsys):
    assert main(["kb", "import", "http://example.com/export.csv"]) == 1
    assert "only https" in capsys.readouterr().out
