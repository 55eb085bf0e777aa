"""Pages in a real browser (Debian's chromium, headless): direction and layout as a reader sees."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest

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


def test_english_article_is_left_to_right_inside_the_rtl_site(browser, served_example) -> None:
    browser.get(served_example + "articles/kim-in-russia/")
    direction = browser.execute_script(
        "return getComputedStyle(document.querySelector('article')).direction"
    )
    assert direction == "ltr"
