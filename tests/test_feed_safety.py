"""What the site publishes from hostile feeds and articles: every feed element a reader shows
as HTML, in the RSS and the JSON Feeds, is rendered in a real browser and holds nothing live;
harmless text reads back as it was written; characters XML cannot hold never reach an output;
a broken feed stops the build."""

from __future__ import annotations

import html
import json
import shutil
from pathlib import Path
from xml.etree import ElementTree

import feedparser
import pytest
from conftest import build_site
from selenium.common.exceptions import TimeoutException, UnexpectedAlertPresentException
from selenium.webdriver.support.expected_conditions import alert_is_present
from selenium.webdriver.support.wait import WebDriverWait

import generator.build as build_module
from generator.model import OutputFile, Site
from generator.problems import BuildError
from generator.slugs import slugify

SANITIZE_CASES = Path(__file__).parent / "fixtures" / "feeds" / "feedparser" / "sanitize"
# A few of feedparser's hostile feeds (BSD licence, see that folder's NOTICE.md).
FEEDPARSER_CASES = (
    "item_description_crazy.xml",
    "item_description_onerror.xml",
    "item_description_script_cdata.xml",
    "item_content_encoded_iframe.xml",
    "item_content_encoded_script_nested_cdata.xml",
    "item_content_encoded_onclick.xml",
)
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
TAG = "عدائي"
HARMLESS_TITLE = "5 < 6 & \"quoted\" 'single' — AT&T's <b> tag"
HARMLESS_TEXT = "A sample of <img src=x onerror=alert(0)> & <script> written as text, as code is."

# (title, description) of each item of the hostile feed, as they stand in the XML.
HOSTILE_ITEMS = (
    # an escaped element in a title: plain text, shown as markup if escaped only once
    ("&lt;img src=x onerror=alert(1)&gt;", "نص الخبر الأول."),
    # a double-escaped element in a body: its text is an element
    ("Double escaped", "&amp;lt;img src=x onerror=alert(2)&amp;gt;"),
    # what the sanitizer leaves of a split tag is, as text, a tag
    ("Split tag", "&lt;&lt;script&gt;x&lt;/script&gt;img src=x onerror=alert(3)&gt;"),
    (
        "Split script",
        "&lt;scr&lt;script&gt;x&lt;/script&gt;ipt&gt;alert(4)&lt;/scr&lt;script&gt;x"
        "&lt;/script&gt;ipt&gt;",
    ),
    (html.escape(HARMLESS_TITLE, quote=False), html.escape(html.escape(HARMLESS_TEXT))),
)
CODE_SAMPLE = """\
---
title: How a page runs a script
date: 2023-09-14T08:00:00+03:00
source: Example desk
tags: [{tag}]
lang: en
---
Write `<script>alert(5)</script>` to run a script, or `<img src=x onerror=alert(6)>`.
"""


def _rss(items: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        "<title>Hostile</title><link>https://hostile.example/</link>"
        f"<description>x</description>{items}</channel></rss>\n"
    )


def _hostile_site(root: Path) -> Path:
    """A site whose feeds and saved article carry the payloads, all under one tag so that
    the tag has a page and a feed."""
    items = "".join(
        f"<item><title>{title}</title><link>https://hostile.example/{n}</link>"
        f"<guid>hostile-{n}</guid><pubDate>Wed, 13 Sep 2023 0{n}:00:00 +0000</pubDate>"
        f"<description>{description}</description></item>"
        for n, (title, description) in enumerate(HOSTILE_ITEMS)
    )
    feeds = root / "feeds"
    feeds.mkdir(parents=True)
    (feeds / "hostile.xml").write_text(_rss(items), encoding="utf-8")
    for name in FEEDPARSER_CASES:
        shutil.copyfile(SANITIZE_CASES / name, feeds / name)
    listed = "".join(
        f"  - url: feeds/{name}\n    tags: [{TAG}]\n" for name in ("hostile.xml", *FEEDPARSER_CASES)
    )
    (root / "config.yaml").write_text(
        "title: موجز <b>عدائي</b>\n"
        "description: <img src=x onerror=alert(7)> & more\n"
        "base_url: https://example.org/news/\n"
        f"feeds:\n{listed}",
        encoding="utf-8",
    )
    articles = root / "content" / "articles"
    articles.mkdir(parents=True)
    (articles / "code.md").write_text(CODE_SAMPLE.format(tag=TAG), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hostile site, built; its output folder."""
    site_dir = _hostile_site(tmp_path_factory.mktemp("hostile") / "site-src")
    build_site(site_dir)
    return site_dir / "site"


def _feed_files(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.xml") if p.name == "feed.xml")


def _tag_feed(site: Path) -> Path:
    """The feed of the tag every hostile item is given (other tags may be extracted too)."""
    return site / "tags" / slugify(TAG) / "feed.xml"


def _html_fields(site: Path) -> list[tuple[str, str]]:
    """(where, the HTML a reader shows) for each element of each feed read as HTML, and
    for each ``content_html`` of the JSON Feed beside it."""
    fields = []
    for feed in _feed_files(site):
        root = ElementTree.parse(feed).getroot()
        for number, element in enumerate(root.iter()):
            if element.tag in {"description", CONTENT}:
                where = f"{feed.relative_to(site)} {element.tag} #{number}"
                fields.append((where, element.text or ""))
        for number, item in enumerate(_json_items(feed)):
            fields.append(
                (f"{feed.relative_to(site)} json content_html #{number}", item["content_html"])
            )
    return fields


def _json_items(rss_feed: Path) -> list[dict]:
    """The items of the JSON Feed beside an RSS feed."""
    return json.loads(rss_feed.with_name("feed.json").read_text("utf-8"))["items"]


_LIVE = """
const live = [];
for (const el of document.querySelectorAll('*')) {
  for (const attr of el.attributes) {
    const what = el.tagName + ' ' + attr.name + '=' + attr.value;
    if (/^on/i.test(attr.name) || /^\\s*(javascript|vbscript|data):/i.test(attr.value))
      live.push(what);
  }
  if (/^(script|iframe|frame|object|embed|applet|base|link|style|form)$/i.test(el.tagName))
    live.push(el.tagName);
  if (el.tagName === 'META' && el.hasAttribute('http-equiv')) live.push('META http-equiv');
}
return live;
"""


def _live_constructs(browser, page: Path) -> list[str]:
    """What in the page could act: the alerts that fired, elements that run code or load
    other documents, event handler attributes, script URLs."""
    browser.get(page.as_uri())
    fired = []
    while True:
        try:
            alert = WebDriverWait(browser, 0.1, poll_frequency=0.02).until(alert_is_present())
        except TimeoutException:
            break
        fired.append(f"alert({alert.text})")
        alert.accept()
    try:
        return fired + browser.execute_script(_LIVE)
    except UnexpectedAlertPresentException as late:
        return [*fired, f"alert({late.alert_text})"]


def test_every_html_field_of_every_feed_is_inert_in_a_browser(
    browser, hostile_build: Path, tmp_path: Path
) -> None:
    fields = _html_fields(hostile_build)
    feeds = _feed_files(hostile_build)
    assert hostile_build / "feed.xml" in feeds and _tag_feed(hostile_build) in feeds
    assert len(fields) >= 3 * (len(HOSTILE_ITEMS) + len(FEEDPARSER_CASES))
    assert sum("json" in where for where, _ in fields) >= len(HOSTILE_ITEMS)
    payloads = "".join(text for _, text in fields)
    assert "onerror=alert(1)" in payloads and "alert(5)" in payloads  # the payloads are there
    found = {}
    for number, (where, fragment) in enumerate(fields):
        page = tmp_path / f"{number}.html"
        page.write_text(f'<!doctype html><meta charset="utf-8"><body>{fragment}', "utf-8")
        if live := _live_constructs(browser, page):
            found[where] = live
    assert found == {}


def test_harmless_text_reads_back_unchanged(hostile_build: Path) -> None:
    tag_feed = _tag_feed(hostile_build)
    entries = {entry.link: entry for entry in feedparser.parse(tag_feed.read_bytes()).entries}
    harmless = next(e for e in entries.values() if e.title == HARMLESS_TITLE)
    assert html.unescape(harmless.summary) == HARMLESS_TEXT
    site_feed = feedparser.parse((hostile_build / "feed.xml").read_bytes())
    assert site_feed.feed.title == "موجز <b>عدائي</b>"
    assert html.unescape(site_feed.feed.subtitle) == "<img src=x onerror=alert(7)> & more"
    headlines = [html.unescape(e.summary).split(" · ") for e in site_feed.entries]
    assert any("<img src=x onerror=alert(1)>" in titles for titles in headlines)


def test_json_feeds_hold_titles_and_summaries_as_plain_text(hostile_build: Path) -> None:
    """A JSON Feed's title and summary are text a reader shows as text: the payloads read
    back as written, neither escaped once more nor turned into markup."""
    items = {item["title"]: item for item in _json_items(_tag_feed(hostile_build))}
    assert items[HARMLESS_TITLE]["summary"] == HARMLESS_TEXT
    assert "<img src=x onerror=alert(1)>" in items
    site_feed = json.loads((hostile_build / "feed.json").read_text("utf-8"))
    assert site_feed["title"] == "موجز <b>عدائي</b>"
    assert site_feed["description"] == "<img src=x onerror=alert(7)> & more"
    assert any(
        "<img src=x onerror=alert(1)>" in i["summary"].split(" · ") for i in site_feed["items"]
    )
    every_item = [*site_feed["items"], *items.values()]
    assert all("<script" not in item["content_html"].lower() for item in every_item)


def test_characters_xml_cannot_hold_are_removed_with_a_problem(tmp_path: Path) -> None:
    site_dir = tmp_path / "site-src"
    articles = site_dir / "content" / "articles"
    articles.mkdir(parents=True)
    (site_dir / "config.yaml").write_text(
        "title: موجز\nbase_url: https://example.org/news/\ntags:\n  min_articles: 1\n",
        encoding="utf-8",
    )
    (articles / "controls.md").write_text(
        '---\ntitle: "Bad\\uFFFE title\\uFFFF"\ndate: 2023-09-13\ntags: ["tag\\uFFFE"]\n---\n'
        "A body with \x01 controls \x08 inside \x1f it.\n",
        encoding="utf-8",
    )
    result = build_site(site_dir)
    out = site_dir / "site"
    published = sorted(p for p in out.rglob("*") if p.suffix in {".xml", ".html"})
    assert {p.name for p in published} >= {"feed.xml", "sitemap.xml", "index.html"}
    for path in published:
        text = path.read_text("utf-8")
        assert not any(c in text for c in "\ufffe\uffff\x01\x08\x1f"), path
    for feed in (p for p in published if p.suffix == ".xml"):
        ElementTree.parse(feed)  # well-formed
    assert "Bad title" in (out / "feed.xml").read_text("utf-8")
    [problem] = [p for p in result.problems if p.origin == "content/articles/controls.md"]
    assert "“Bad title”" in problem.message
    assert "title" in problem.message and "text" in problem.message
    assert problem.action == "removed them"


def _broken_feed(site: Site) -> tuple[OutputFile, ...]:
    return (OutputFile("broken/feed.xml", b'<?xml version="1.0"?>\n<rss>\n<channel>\n</rss>\n'),)


def test_a_feed_that_is_not_well_formed_stops_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site_dir = _hostile_site(tmp_path / "site-src")
    build_site(site_dir)
    before = sorted((site_dir / "site").rglob("*"))
    monkeypatch.setattr(build_module, "OUTPUTS", (*build_module.OUTPUTS, _broken_feed))
    with pytest.raises(
        BuildError, match=r"^broken/feed\.xml, line 4: the XML made is broken \(mismatched tag\)"
    ):
        build_site(site_dir, rebuild=True)
    assert sorted((site_dir / "site").rglob("*")) == before
