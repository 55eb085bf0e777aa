"""Pages in a real browser (Debian's chromium, headless): direction and layout as a reader sees,
and every kind of page within its Content-Security-Policy, in the preview too."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import BUILD_TIME, build_site, console_messages, copy_example_site, csp_violations
from day_site import add_summit_version, day_site

from generator.build import build
from generator.config import SiteConfig, load_config
from generator.serve import VERSION_PATH, Preview

ARTIFACTS = Path(__file__).parent / "artifacts"


@pytest.mark.parametrize(
    ("page", "shot"),
    [
        ("digests/2023-09-13/", "digest.png"),
        (quote("articles/بوتين-يلتقي-كيم/"), "article.png"),
        ("", "index.png"),
    ],
)
def test_pages_are_right_to_left_in_a_browser(
    browser, served_example: str, page: str, shot: str
) -> None:
    browser.get(served_example + page)
    assert browser.execute_script("return document.dir") == "rtl"
    assert browser.execute_script("return getComputedStyle(document.body).direction") == "rtl"
    assert (
        browser.execute_script(
            "return document.styleSheets.length && document.styleSheets[0].cssRules.length"
        )
        > 10
    )
    # the site title sits at the right edge in a right-to-left page
    title = browser.find_element("css selector", ".site-title").rect
    assert title["x"] > browser.execute_script("return document.body.clientWidth") / 2
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / shot))


def test_an_english_article_keeps_the_site_s_rtl_frame_around_its_ltr_text(
    browser, served_example
) -> None:
    browser.get(served_example + "articles/kim-in-russia/")
    directions = browser.execute_script(
        "const of = s => getComputedStyle(document.querySelector(s)).direction;"
        "return ['article', '.article .meta', '.site-nav', '.article h1', '.article .body']"
        ".map(of)"
    )
    assert directions == ["rtl", "rtl", "rtl", "ltr", "ltr"]
    # the meta line starts at the right edge, as the Arabic labels it holds are read
    meta = browser.find_element("css selector", ".article .meta span").rect
    body = browser.find_element("css selector", ".article .body p").rect
    assert meta["x"] > body["x"]


def test_an_article_page_writes_no_error_to_the_console(browser, served_example) -> None:
    browser.get_log("browser")  # only this page's messages count
    browser.get(served_example + quote("articles/بوتين-يلتقي-كيم/"))
    time.sleep(0.5)  # for the icon and the manifest, which load after the page
    logged = browser.get_log("browser")
    assert [e["message"] for e in logged if e["level"] in {"SEVERE", "WARNING"}] == []


@pytest.fixture(scope="module")
def served_day(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A site whose day has top stories and sections, served; yields its root URL."""
    site = day_site(tmp_path_factory.mktemp("day"))
    add_summit_version(site, "summit-b", "2023-09-13T09:00:00Z", "صحيفة ب")
    with Preview(build_site(site).site.config) as preview:
        yield preview.url


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize(("page", "name"), [("", "front"), ("digests/2023-09-13/", "day")])
def test_a_day_shows_its_top_stories_first_and_fits_the_screen(
    browser, served_day: str, page: str, name: str, width: int
) -> None:
    """As on a phone (390 px, the page's own viewport) and a laptop: no sideways scrolling,
    and the top stories come before any section, within the first screen."""
    metrics = {"width": width, "height": 844, "deviceScaleFactor": 1, "mobile": width < 600}
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    try:
        browser.get(served_day + page)
        sideways = browser.execute_script(
            "const root = document.documentElement; return root.scrollWidth - root.clientWidth"
        )
        assert sideways == 0
        sections = browser.execute_script(
            "return [...document.querySelectorAll('main section')]"
            ".map(s => [s.className, s.getBoundingClientRect().top])"
        )
        assert sections[0][0] == "top-stories"
        assert sections[0][1] == min(top for _, top in sections) < 844
        assert [kind for kind, _ in sections[1:]] == ["news-section"] * 3 + (
            ["previous-days"] if page == "" else []
        )
        height = browser.execute_script("return document.documentElement.scrollHeight")
        browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {**metrics, "height": height})
        ARTIFACTS.mkdir(exist_ok=True)
        browser.save_screenshot(str(ARTIFACTS / f"{name}-{width}.png"))
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


PAGE_KINDS = [
    "",  # the home page
    "page/2/",
    "digests/2023-09-13/",
    quote("articles/بوتين-يلتقي-كيم/"),
    quote("tags/كوريا-الشمالية/"),
    "tags/",
    "archive/",
    "sources/",
    "no-such-page/",  # the 404 page
]


@pytest.mark.parametrize("page", PAGE_KINDS)
def test_every_kind_of_page_keeps_to_its_security_policy(
    browser, served_example: str, page: str
) -> None:
    console_messages(browser)  # only this page's messages count
    browser.get(served_example + page)
    policy = browser.execute_script(
        "return document.querySelector('meta[http-equiv=Content-Security-Policy]').content"
    )
    assert "script-src 'self'" in policy and "object-src 'none'" in policy
    assert browser.execute_script("return document.styleSheets[0].cssRules.length") > 10
    assert csp_violations(browser) == []


def _rebuilt(site_dir: Path):
    def rebuild() -> SiteConfig:
        config = load_config(site_dir)
        build(config, now=BUILD_TIME, offline=True)
        return config

    return rebuild


def test_the_preview_reloads_pages_within_their_security_policy(browser, tmp_path: Path) -> None:
    site_dir = copy_example_site(tmp_path / "site-src")
    rebuild = _rebuilt(site_dir)
    with Preview(rebuild(), rebuild=rebuild) as preview:
        console_messages(browser)
        browser.get(preview.url)
        browser.execute_script("window.beforeTheRebuild = true")
        _wait_for(lambda: _asked_for_the_version(browser), "the page never asked for the version")
        article = site_dir / "content" / "articles" / "kim-in-russia.md"
        article.write_text(article.read_text("utf-8") + "\nOne more line.\n", "utf-8")
        _wait_for(
            lambda: browser.execute_script("return window.beforeTheRebuild === undefined"),
            "the page did not reload after the rebuild",
        )
        assert csp_violations(browser) == []


def _asked_for_the_version(browser) -> bool:
    asked = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )
    return any(VERSION_PATH in name for name in asked)


def _wait_for(condition, failure: str, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, failure
        time.sleep(0.1)


def test_an_inline_script_of_the_templates_runs_and_an_injected_one_does_not(
    browser, tmp_path: Path
) -> None:
    site_dir = copy_example_site(tmp_path / "site-src")
    config = site_dir / "config.yaml"
    config.write_text(
        config.read_text("utf-8").replace(
            "description: موقع صغير لاختبار المولد",
            "description: '<script>document.body.dataset.injected = \"yes\"</script>'",
        ),
        "utf-8",
    )
    (site_dir / "templates").mkdir()
    (site_dir / "templates" / "base.html").write_text(
        '{% extends "theme/base.html" %}{% block footer %}'
        '<script>document.body.dataset.theme = "ran";</script>'
        "{{ site.description|safe }}{% endblock %}",  # a theme mistake that lets markup in
        encoding="utf-8",
    )
    result = build_site(site_dir)
    with Preview(result.site.config) as preview:
        console_messages(browser)
        browser.get(preview.url)
        ran = browser.execute_script(
            "return [document.body.dataset.theme, document.body.dataset.injected]"
        )
        blocked = csp_violations(browser)
    assert ran == ["ran", None]
    assert len(blocked) == 1 and "inline script" in blocked[0]
