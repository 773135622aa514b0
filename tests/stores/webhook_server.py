"""A real HTTP server on a loopback port standing in for a store's webhook endpoint (no mocked HTTP on this path).

It records every request (path, headers, raw body) and answers each path with its next scripted status code, then
200. ``url`` is the base address; give each store its own path (``f"{server.url}/a"``).
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class WebhookServer:
    url: str
    received: list[Received] = field(default_factory=list)
    answers: dict[str, deque[int]] = field(default_factory=dict)

    def script(self, path: str, *status_codes: int) -> None:
        """Answer the next requests to ``path`` with these status codes, in order (then 200)."""
        self.answers.setdefault(path, deque()).extend(status_codes)

    def bodies(self, path: str | None = None) -> list[bytes]:
        return [r.body for r in self.received if path is None or r.path == path]


@pytest.fixture(name="webhook_server")
def webhook_server_fixture():
    state = WebhookServer(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            state.received.append(Received(self.path, dict(self.headers.items()), body))
            waiting = state.answers.get(self.path)
            status = waiting.popleft() if waiting else 200
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:  # quiet test output
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_port}"
    yield state
    server.shutdown()
    server.server_close()
