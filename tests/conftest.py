"""Shared fixtures: the example site built once, a local HTTP server, and the golden switch."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from generator.build import BuildResult


TESTS = Path(__file__).parent
EXAMPLE_SITE = TESTS / "example_site"
GOLDEN_SITE = TESTS / "golden" / "example_site"
BUILD_TIME = datetime(2026, 1, 1, tzinfo=UTC)
BASE_PATH = "/news-digest/"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite the golden files from the current output, for review",
    )


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return request.config.getoption("--update-golden")


def copy_example_site(destination: Path) -> Path:
    shutil.copytree(EXAMPLE_SITE, destination)
    return destination


def build_site(site_dir: Path) -> BuildResult:
    from generator.build import build
    from generator.config import load_config

    return build(load_config(site_dir), now=BUILD_TIME, offline=True)


@pytest.fixture(scope="session")
def built_example(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildResult]:
    """The example site, built offline once for all read-only tests: (site folder, result)."""
    site_dir = copy_example_site(tmp_path_factory.mktemp("example") / "site-src")
    return site_dir, build_site(site_dir)


class _PrefixHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a folder under a path prefix, as GitHub Pages serves a project site."""

    prefix = BASE_PATH

    def translate_path(self, path: str) -> str:
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "does-not-exist")
        return super().translate_path("/" + path[len(self.prefix) :])

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def served_example(built_example: tuple[Path, BuildResult]) -> Iterator[str]:
    """The built example site on 127.0.0.1 under the base path; yields the site's root URL."""
    site_dir, _ = built_example
    handler = functools.partial(_PrefixHandler, directory=str(site_dir / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}{BASE_PATH}"
    server.shutdown()
    server.server_close()
