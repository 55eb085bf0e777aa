"""A real HTTP server on 127.0.0.1 with scripted answers, for the feed tests.

Each path gets a list of replies, served in turn (the last one repeats), or a function
of the request that makes one. Replies can be slow, stall, trickle or hang up, so the
fetcher's limits are tested against real sockets. Every request is recorded.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True, slots=True)
class Reply:
    status: int = 200
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0  # before the status line
    stall: float = 0.0  # after the headers, before the body
    trickle: float = 0.0  # between single bytes of the body
    drop: bool = False  # close the connection without answering


@dataclass(frozen=True, slots=True)
class Seen:
    path: str
    headers: dict[str, str]  # lower-case names
    at: float  # time.monotonic()


Route = list[Reply] | Callable[[Seen], Reply]


class FeedServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Seen] = []
        self.active = 0
        self.most_active = 0
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> FeedServer:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._closing.set()
        self._server.shutdown()
        self._server.server_close()

    @property
    def base(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def route(self, path: str, *replies: Reply, answer: Callable[[Seen], Reply] | None = None):
        """Serve ``path`` with these replies in turn (or ``answer``); returns its URL."""
        self.routes[path] = answer if answer is not None else list(replies)
        return self.base + path

    def seen(self, path: str) -> list[Seen]:
        return [request for request in self.requests if request.path == path]

    def _reply_for(self, request: Seen) -> Reply:
        route = self.routes.get(request.path)
        if route is None:
            return Reply(404, b"not here")
        if callable(route):
            return route(request)
        return route.pop(0) if len(route) > 1 else route[0]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_: object) -> None:
                pass

            def do_GET(self) -> None:
                request = Seen(
                    self.path, {k.lower(): v for k, v in self.headers.items()}, time.monotonic()
                )
                with server._lock:
                    server.requests.append(request)
                    reply = server._reply_for(request)
                    server.active += 1
                    server.most_active = max(server.most_active, server.active)
                try:
                    self._send(reply)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                finally:
                    with server._lock:
                        server.active -= 1

            def _send(self, reply: Reply) -> None:
                if reply.delay:
                    server._closing.wait(reply.delay)
                if reply.drop:
                    self.close_connection = True
                    return
                self.send_response(reply.status)
                names = {name.lower() for name, _ in reply.headers}
                for name, value in reply.headers:
                    self.send_header(name, value)
                if "content-length" not in names:
                    self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.flush()
                if reply.stall:
                    server._closing.wait(reply.stall)
                if reply.trickle:
                    for i in range(len(reply.body)):
                        if server._closing.wait(reply.trickle):
                            return
                        self.wfile.write(reply.body[i : i + 1])
                        self.wfile.flush()
                else:
                    self.wfile.write(reply.body)

        return Handler
