"""Shared fixtures: the example site built once, a local HTTP server, a real browser, and the
golden switch."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

if TYPE_CHECKING:
    from generator.build import BuildResult


TESTS = Path(__file__).parent
EXAMPLE_SITE = TESTS / "example_site"
GOLDEN_SITE = TESTS / "golden" / "example_site"
BUILD_TIME = datetime(2026, 1, 1, tzinfo=UTC)
BASE_PATH = "/news-digest/"  # the path of the example site's base_url
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


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


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under the folder by its relative path, with its bytes."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def site_tree(folder: Path) -> dict[str, bytes]:
    """``tree`` less Pagefind's bundle (``pagefind/``): Pagefind's own output, which changes
    with its version and orders some of its index differently from run to run
    (test_search.py checks that it is there, covers the articles and finds them)."""
    return {
        path: content for path, content in tree(folder).items() if not path.startswith("pagefind/")
    }


def build_site(site_dir: Path, *, rebuild: bool = False) -> BuildResult:
    """Build offline; ``rebuild`` also when no file changed (a test that changed the code)."""
    from generator.build import build
    from generator.config import load_config

    return build(load_config(site_dir), now=BUILD_TIME, offline=True, rebuild=rebuild)


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


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    """Debian's chromium, headless. Its console is kept (``console_messages``), and an alert
    stays open for the test to find rather than being dismissed."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1100,1400",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    options.unhandled_prompt_behavior = "ignore"
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    yield driver
    driver.quit()


def console_messages(driver: webdriver.Chrome) -> list[str]:
    """What the pages wrote to the browser's console since the last call."""
    return [entry["message"] for entry in driver.get_log("browser")]


def csp_violations(driver: webdriver.Chrome) -> list[str]:
    """The console's reports of something the page's Content-Security-Policy blocked."""
    return [m for m in console_messages(driver) if "Content Security Policy" in m]
