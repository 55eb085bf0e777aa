"""Shared fixtures: the example site built once, a local HTTP server, and the golden switch."""

from __future__ import annotations

import shutil
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
BASE_PATH = "/news-digest/"  # the path of the example site's base_url


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


@pytest.fixture(scope="session")
def served_example(built_example: tuple[Path, BuildResult]) -> Iterator[str]:
    """The built example site served by ``digest serve``'s server on 127.0.0.1, under the
    base path as GitHub Pages serves it; yields the site's root URL."""
    from generator.serve import Preview

    _, result = built_example
    with Preview(result.site.config) as preview:
        yield preview.url
