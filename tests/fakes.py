"""Fake remote APIs as local HTTP servers on 127.0.0.1 (never the real ones)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

from tests.conftest import free_port


class RecordingAPI:
    """Records every POST (parsed by `parse`), answers `status` with `reply`, and lets tests
    wait for what one recipient (`recipient_key` of the record) has been sent."""

    recipient_key = "to"
    status = 200
    reply = b"{}"

    def __init__(self) -> None:
        self.port = free_port()
        self.messages: list[dict] = []
        self.lock = threading.Condition()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the http.server API
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                record = {"path": self.path, **fake.parse(body, self.headers)}
                with fake.lock:
                    fake.messages.append(record)
                    fake.lock.notify_all()
                self.send_response(fake.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(fake.reply)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def parse(self, body: bytes, headers) -> dict:
        raise NotImplementedError

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def to(self, recipient: str) -> list[dict]:
        with self.lock:
            return [m for m in self.messages if m.get(self.recipient_key) == recipient]

    def wait_for(self, recipient: str, predicate, timeout: float = 120) -> list[dict]:
        deadline = time.monotonic() + timeout
        with self.lock:
            while True:
                mine = [m for m in self.messages if m.get(self.recipient_key) == recipient]
                if predicate(mine):
                    return mine
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{type(self).__name__} got {mine}")
                self.lock.wait(left)

    def close(self) -> None:
        self.server.shutdown()


class FakeGraphAPI(RecordingAPI):
    """WhatsApp's Graph API: POST /{phone_number_id}/messages with a JSON body."""

    reply = json.dumps({"messages": [{"id": "wamid.out"}]}).encode()

    def parse(self, body: bytes, headers) -> dict:
        return {"auth": headers.get("Authorization"), **json.loads(body or b"{}")}


class FakeTwilioAPI(RecordingAPI):
    """Twilio: POST /2010-04-01/Accounts/{sid}/Messages.json with a form body."""

    recipient_key = "To"
    status = 201
    reply = b'{"sid": "SM123"}'

    def parse(self, body: bytes, headers) -> dict:
        return {k: v[0] for k, v in parse_qs(body.decode()).items()}
