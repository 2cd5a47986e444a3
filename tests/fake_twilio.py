"""A tiny stand-in for Twilio's REST API on loopback: POST /2010-04-01/Accounts/<sid>/Messages.json
records the form fields (and the account the request authenticated as) and answers 201 with a message
resource, as Twilio does; `fail` makes chosen recipients get a Twilio error instead."""

from __future__ import annotations

import base64
import json
import re
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

_MESSAGES = re.compile(r"^/2010-04-01/Accounts/(AC[0-9a-zA-Z]+)/Messages\.json$")


class FakeTwilio:
    def __init__(self) -> None:
        self.received: list[dict[str, str]] = []
        self.failures: dict[str, tuple[int, int]] = {}  # recipient -> (HTTP status, Twilio error code)
        self.delay = 0.0  # seconds before each answer (lets two senders overlap)
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                match = _MESSAGES.match(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                form = dict(parse_qsl(self.rfile.read(length).decode()))
                if not match:
                    return self._json(404, {"code": 20404, "message": "not found", "status": 404})
                auth = self.headers.get("Authorization", "")
                user = base64.b64decode(auth[6:]).decode().split(":", 1)[0] if auth.startswith("Basic ") else ""
                failure = fake.failures.get(form.get("To", ""))
                if fake.delay:
                    time.sleep(fake.delay)
                with fake.lock:
                    fake.received.append({**form, "_account": match.group(1), "_user": user})
                if failure:
                    status, code = failure
                    return self._json(status, {"code": code, "message": "fake failure", "status": status})
                sid = "SM" + uuid.uuid4().hex
                self._json(
                    201,
                    {
                        "sid": sid,
                        "account_sid": match.group(1),
                        "to": form.get("To"),
                        "from": form.get("From"),
                        "messaging_service_sid": form.get("MessagingServiceSid"),
                        "body": form.get("Body"),
                        "status": "queued",
                        "num_segments": "1",
                        "direction": "outbound-api",
                        "api_version": "2010-04-01",
                        "uri": f"/2010-04-01/Accounts/{match.group(1)}/Messages/{sid}.json",
                    },
                )

            def _json(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> FakeTwilio:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def to(self, recipient: str) -> list[str]:
        with self.lock:
            return [m["Body"] for m in self.received if m.get("To") == recipient]
