"""Fake remote APIs as local HTTP servers on 127.0.0.1 (never the real ones)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.conftest import free_port


class FakeGraphAPI:
    """Records what Puente sends to WhatsApp's Graph API: POST /{phone_number_id}/messages."""

    def __init__(self) -> None:
        self.port = free_port()
        self.messages: list[dict] = []
        self.lock = threading.Condition()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the http.server API
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                with fake.lock:
                    fake.messages.append(
                        {"path": self.path, "auth": self.headers.get("Authorization"), **body}
                    )
                    fake.lock.notify_all()
                reply = json.dumps({"messages": [{"id": f"wamid.out{len(fake.messages)}"}]})
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(reply.encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def to(self, number: str) -> list[dict]:
        with self.lock:
            return [m for m in self.messages if m.get("to") == number]

    def wait_for(self, number: str, predicate, timeout: float = 120) -> list[dict]:
        deadline = time.monotonic() + timeout
        with self.lock:
            while True:
                mine = [m for m in self.messages if m.get("to") == number]
                if predicate(mine):
                    return mine
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"Graph API got {mine}")
                self.lock.wait(left)

    def close(self) -> None:
        self.server.shutdown()


class FakeTwilioAPI:
    """Records what Puente sends to Twilio: POST /2010-04-01/Accounts/{sid}/Messages.json."""

    def __init__(self) -> None:
        from urllib.parse import parse_qs

        self.port = free_port()
        self.messages: list[dict] = []
        self.lock = threading.Condition()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the http.server API
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                with fake.lock:
                    fake.messages.append({"path": self.path, **form})
                    fake.lock.notify_all()
                self.send_response(201)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"sid": "SM123"}')

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_for(self, number: str, predicate, timeout: float = 120) -> list[dict]:
        deadline = time.monotonic() + timeout
        with self.lock:
            while True:
                mine = [m for m in self.messages if m.get("To") == number]
                if predicate(mine):
                    return mine
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"Twilio got {mine}")
                self.lock.wait(left)

    def close(self) -> None:
        self.server.shutdown()
