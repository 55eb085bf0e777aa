"""Pages in a real browser (Debian's chromium, headless): direction and layout as a reader sees."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import quote

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


@pytest.fixture(scope="module")
def browser():
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
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    yield driver
    driver.quit()


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


def test_english_article_is_left_to_right_inside_the_rtl_site(browser, served_example) -> None:
    browser.get(served_example + "articles/kim-in-russia/")
    direction = browser.execute_script(
        "return getComputedStyle(document.querySelector('article')).direction"
    )
    assert direction == "ltr"
