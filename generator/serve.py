"""``digest serve``: preview the site on this computer exactly where GitHub Pages puts it.

A project site lives under a sub-path (``/news-digest/``), so the preview serves it there
too: a link that forgets the base path breaks here as it would when published. Requests
are answered as GitHub Pages answers them (``x/`` serves ``x/index.html``, ``x`` redirects
to ``x/`` when it is a folder, a missing page gets the site's own ``404.html``).

While it serves, changes to ``config.yaml``, ``content/`` or ``templates/`` rebuild the
site, and open pages reload themselves: a small script, added to HTML pages as they are
sent and never to the built files, asks ``/__digest/version`` every second whether a
newer build is there. The page loads it from the preview server itself, so the pages'
Content-Security-Policy (scripts from the site only) allows it unchanged.
"""

from __future__ import annotations

import mimetypes
import socket
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote

from watchfiles import Change, DefaultFilter, watch

from .config import CONFIG_FILE, SiteConfig, load_config
from .problems import ConfigError
from .report import EXIT_OK, build_report, config_error, error
from .routing import route, site_kind
from .sitelock import site_lock

VERSION_PATH = "/__digest/version"
RELOAD_PATH = "/__digest/reload.js"
RELOAD_JS = (
    "/* added by digest serve, not part of the site */(() => {let seen = null;"
    "setInterval(async () => {try {const answer = await fetch("
    f'"{VERSION_PATH}", {{cache: "no-store"}}); const now = await answer.text();'
    "if (seen !== null && now !== seen) location.reload(); seen = now;} catch (e) {}}, 1000);"
    "})();\n"
).encode()
RELOAD_SCRIPT = f'<script src="{RELOAD_PATH}"></script>\n'.encode()


def with_reload(html: bytes) -> bytes:
    """The page with the reload script just before ``</body>`` (or at the end)."""
    at = html.lower().rfind(b"</body>")
    return html + RELOAD_SCRIPT if at < 0 else html[:at] + RELOAD_SCRIPT + html[at:]


class _Live:
    """What the server shows: the base path and the number of the build it serves."""

    def __init__(self, base_path: str) -> None:
        self._lock = threading.Lock()
        self.version = 1
        self.base_path = base_path

    def rebuilt(self, base_path: str) -> None:
        with self._lock:
            self.version += 1
            self.base_path = base_path


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, host: str, port: int, site_dir: Path, live: _Live, reload: bool) -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.site_dir = site_dir
        self.live = live
        self.reload = reload
        super().__init__((host, port), _Handler)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        self._answer(with_body=True)

    def do_HEAD(self) -> None:
        self._answer(with_body=False)

    def _answer(self, with_body: bool) -> None:
        if self.path.partition("?")[0] == VERSION_PATH:
            self._send(
                200, "text/plain; charset=utf-8", str(self.server.live.version).encode(), with_body
            )
            return
        if self.path.partition("?")[0] == RELOAD_PATH:
            self._send(200, "text/javascript; charset=utf-8", RELOAD_JS, with_body)
            return
        found = route(self.path, self.server.live.base_path, site_kind(self.server.site_dir))
        if found.status == 301:
            self.send_response(301)
            self.send_header("Location", found.location)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if not found.file:
            self._send(404, "text/plain; charset=utf-8", b"Not found\n", with_body)
            return
        try:
            body = (self.server.site_dir / found.file).read_bytes()
        except OSError:  # the site folder is being swapped by a rebuild
            self._send(503, "text/plain; charset=utf-8", b"Rebuilding, reload\n", with_body)
            return
        kind = mimetypes.guess_type(found.file)[0] or "application/octet-stream"
        if kind == "text/html" and self.server.reload:
            body = with_reload(body)
        if kind.startswith("text/") or kind.endswith("xml"):
            kind += "; charset=utf-8"
        self._send(found.status, kind, body, with_body)

    def _send(self, status: int, kind: str, body: bytes, with_body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: a preview has one reader, who sees the answers in the browser."""


class Preview:
    """A running preview: the HTTP server and, given ``rebuild``, watchers that call it.

    ``rebuild`` builds the site again and returns the config it used (the base path may
    have changed); its errors are printed and the previous site stays served.
    """

    def __init__(
        self,
        config: SiteConfig,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        rebuild: Callable[[], SiteConfig] | None = None,
    ) -> None:
        self._live = _Live(config.base_path)
        self._server = _Server(host, port, config.output_dir, self._live, rebuild is not None)
        self._stop = threading.Event()
        self._build_lock = threading.Lock()
        self._threads = [threading.Thread(target=self._server.serve_forever, daemon=True)]
        if rebuild is not None:
            sources = [path for path in _watched_folders(config.root) if path.is_dir()]
            self._threads += [
                threading.Thread(
                    target=self._watch, args=(paths, recursive, rebuild, config.root), daemon=True
                )
                for paths, recursive in (((config.root,), False), (tuple(sources), True))
                if paths
            ]
        for thread in self._threads:
            thread.start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        shown = f"[{host}]" if ":" in str(host) else host
        return f"http://{shown}:{port}{quote(unquote(self._live.base_path), safe='/')}"

    @property
    def version(self) -> int:
        return self._live.version

    def _watch(
        self,
        paths: tuple[Path, ...],
        recursive: bool,
        rebuild: Callable[[], SiteConfig],
        root: Path,
    ) -> None:
        for _changes in watch(
            *paths,
            recursive=recursive,
            watch_filter=_source_filter(root),
            debounce=300,
            stop_event=self._stop,
            raise_interrupt=False,
        ):
            with self._build_lock:
                try:
                    config = rebuild()
                except ConfigError as problem:
                    config_error(problem, "config.yaml has problems; still serving the old site:")
                    continue
                except Exception as problem:  # a broken template must not stop the preview
                    error(f"the rebuild failed ({problem}); still serving the previous site")
                    continue
                self._live.rebuilt(config.base_path)

    def close(self) -> None:
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()
        for thread in self._threads:
            thread.join(timeout=10)

    def __enter__(self) -> Preview:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _watched_folders(root: Path) -> tuple[Path, ...]:
    return (root / "content", root / "templates")


def _source_filter(root: Path) -> Callable[[Change, str], bool]:
    """The site's sources, leaving out the feed store, which the build itself writes."""
    editors = DefaultFilter()
    config_file = root / CONFIG_FILE
    feed_store = root / "content" / "feeds"

    def is_source(change: Change, name: str) -> bool:
        path = Path(name)
        if path == config_file:
            return True
        inside = any(folder in path.parents for folder in _watched_folders(root))
        return (
            inside
            and feed_store != path
            and feed_store not in path.parents
            and editors(change, name)
        )

    return is_source


def run(site: Path, *, host: str, port: int, offline: bool, no_build: bool) -> int:
    """Build (unless ``no_build``), then serve until Ctrl+C, rebuilding on changes."""
    config = load_config(site)

    def rebuild() -> SiteConfig:
        fresh = load_config(site)
        with site_lock(fresh.root, command="digest serve"):
            build_and_tell(fresh, offline=offline)
        return fresh

    if not no_build:
        config = rebuild()
    elif not config.output_dir.is_dir():
        return error(f"there is no {config.output_dir} yet: run 'digest build' first")
    try:
        preview = Preview(config, host=host, port=port, rebuild=None if no_build else rebuild)
    except OSError as problem:
        return error(
            f"cannot listen on {host} port {port} ({problem.strerror}); choose another with --port"
        )
    with preview:
        if host not in {"127.0.0.1", "localhost", "::1"}:
            print(f"Listening on {host}: other computers can see this preview.")
        print(f"Serving {config.output_dir} at {preview.url} (Ctrl+C stops)", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            print("Stopped.")
    return EXIT_OK


def build_and_tell(config: SiteConfig, *, offline: bool) -> None:
    from .build import build

    result = build(config, now=datetime.now(UTC), offline=offline)
    done = "Nothing changed: kept" if result.unchanged else "Built"
    build_report(result, f"{done} {config.output_dir}", strict=False).show()
