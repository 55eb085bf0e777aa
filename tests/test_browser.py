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
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

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


AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text("utf-8")
SCHEMES = ["light", "dark"]
TYPEFACE = "Noto Naskh Arabic"


def _in_scheme(browser, scheme: str) -> None:
    """The browser reports the reader's system set to this colour scheme."""
    feature = {"name": "prefers-color-scheme", "value": scheme}
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [feature]})


def _accessibility_problems(browser) -> list[str]:
    """What axe-core finds on the open page at any impact above minor (moderate, serious,
    critical), each as its rule and the elements that break it."""
    browser.execute_script(AXE)
    browser.set_script_timeout(60)
    return browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations"
        "  .filter(v => v.impact !== 'minor')"
        "  .map(v => `${v.id}: ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)))"
        "  .catch(e => done([`axe failed: ${e}`]))"
    )


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("page", PAGE_KINDS)
def test_every_kind_of_page_has_no_accessibility_problem_above_minor(
    browser, served_example: str, page: str, scheme: str
) -> None:
    """Contrast, landmarks, names of links and the rest, as axe-core checks them, in the light
    and the dark colour scheme."""
    _in_scheme(browser, scheme)
    try:
        browser.get(served_example + page)
        assert browser.execute_script("return getComputedStyle(document.body).backgroundColor") == (
            "rgb(253, 252, 250)" if scheme == "light" else "rgb(20, 21, 23)"
        )
        assert _accessibility_problems(browser) == []
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})


@pytest.mark.parametrize("page", PAGE_KINDS)
def test_a_page_asks_no_other_host_for_anything(browser, served_example: str, page: str) -> None:
    browser.get(served_example + page)
    browser.execute_script("return document.fonts.ready")
    asked = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )
    assert asked  # the style sheet at least
    assert [url for url in asked if not url.startswith("http://127.0.0.1:")] == []


@pytest.mark.parametrize(
    ("page", "text"), [("", ".lead"), (quote("articles/بوتين-يلتقي-كيم/"), ".body p")]
)
def test_text_is_set_in_the_site_s_own_arabic_typeface(
    browser, served_example: str, page: str, text: str
) -> None:
    """Body text and headings in Noto Naskh Arabic, loaded from the site itself (its regular
    and bold Arabic parts), at a size and line height an Arabic reader on a phone can read."""
    metrics = {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True}
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    try:
        browser.get(served_example + page)
        family, size, height = browser.execute_script(
            "const s = getComputedStyle(document.querySelector(arguments[0]));"
            "return [s.fontFamily, parseFloat(s.fontSize), parseFloat(s.lineHeight)]",
            text,
        )
        browser.set_script_timeout(15)
        loaded = browser.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "document.fonts.ready.then(fonts => done([...fonts]"
            "  .filter(f => f.status === 'loaded')"
            "  .map(f => `${f.family.replaceAll('\"', '')} ${f.weight} ${f.unicodeRange}`)))"
        )
        fetched = browser.execute_script(
            "return performance.getEntriesByType('resource').map(e => e.name)"
            "  .filter(n => n.endsWith('.woff2')).map(n => n.split('/static/')[1])"
        )
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert family.split(",")[0].strip('"') == TYPEFACE
    assert size >= 17 and height >= 1.7 * size
    arabic = [face for face in loaded if face.startswith(TYPEFACE) and "U+600-6FF" in face]
    assert sorted(face.split()[3] for face in arabic) == ["400", "700"]
    assert sorted(fetched)[:2] == [
        "fonts/noto-naskh-arabic-arabic-400.woff2",
        "fonts/noto-naskh-arabic-arabic-700.woff2",
    ]


def test_the_keyboard_reaches_every_link_of_the_front_page_in_order(
    browser, served_day: str
) -> None:
    """Tab goes through the links as they stand in the page, the first a skip link that
    shows when it has the focus and leads into the main content."""
    browser.get(served_day)
    links = browser.execute_script(
        "return [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))"
    )
    reached = []
    keys = ActionChains(browser)
    for _ in links:
        keys.send_keys(Keys.TAB).perform()
        reached.append(browser.execute_script("return document.activeElement.getAttribute('href')"))
        if len(reached) == 1:
            skip = browser.execute_script(
                "const r = document.activeElement.getBoundingClientRect();"
                "const s = getComputedStyle(document.activeElement);"
                "return [r.top >= 0 && r.height > 0, s.outlineStyle, s.outlineWidth]"
            )
    assert reached == links
    assert links[0] == "#main"
    assert skip == [True, "solid", "3px"]  # on screen, with a visible focus ring
    browser.get(served_day)
    keys.send_keys(Keys.TAB).send_keys(Keys.ENTER).send_keys(Keys.TAB).perform()
    assert browser.execute_script("return document.activeElement.closest('main') !== null")


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize(
    ("site", "page", "name"),
    [
        ("served_day", "", "front"),
        ("served_day", "digests/2023-09-13/", "digest"),
        ("served_example", quote("articles/بوتين-يلتقي-كيم/"), "article"),
    ],
)
def test_pages_read_well_in_both_colour_schemes_on_a_phone_and_a_laptop(
    browser,
    request: pytest.FixtureRequest,
    site: str,
    page: str,
    name: str,
    width: int,
    scheme: str,
) -> None:
    """Screenshots to look at (tests/artifacts/), of pages that fit the screen and whose text
    is drawn once the typeface has loaded."""
    metrics = {"width": width, "height": 844, "deviceScaleFactor": 1, "mobile": width < 600}
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    _in_scheme(browser, scheme)
    try:
        browser.get(request.getfixturevalue(site) + page)
        browser.set_script_timeout(15)
        status = browser.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "document.fonts.ready.then(f => done(document.fonts.status))"
        )
        assert status == "loaded"
        assert (
            browser.execute_script(
                "const root = document.documentElement; return root.scrollWidth - root.clientWidth"
            )
            == 0
        )
        height = browser.execute_script("return document.documentElement.scrollHeight")
        browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {**metrics, "height": height})
        ARTIFACTS.mkdir(exist_ok=True)
        browser.save_screenshot(str(ARTIFACTS / f"{name}-{width}-{scheme}.png"))
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
