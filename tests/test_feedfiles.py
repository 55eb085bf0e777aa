"""Feeds kept from the last build, as pages are: which feeds a change makes again, and that
a kept feed is taken from the current site only while it is the file that build wrote.
That every rebuild still makes the same bytes as a cold build is checked, step by step, in
test_incremental.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import BUILD_TIME, copy_example_site

from generator import feedfiles, urls
from generator.build import build, compute_site
from generator.config import load_config
from generator.syndication import Channel

EDITED = "بوتين-يلتقي-كيم.md"  # a saved article of the example site, with tags that have pages


def _site_folder(tmp_path: Path) -> Path:
    site = copy_example_site(tmp_path / "site-folder")
    with (site / "config.yaml").open("a", encoding="utf-8") as file:
        file.write("search: false\n")
    return site


def _build_making(site: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[set[str], str]:
    """Build; the RSS feeds made (not kept), and the line saying how many were kept."""
    made: set[str] = set()
    rss_feed = feedfiles.rss_feed

    def making(channel: Channel, link: urls.Urls) -> bytes:
        made.add(channel.path)
        return rss_feed(channel, link)

    monkeypatch.setattr(feedfiles, "rss_feed", making)
    lines: list[str] = []
    build(load_config(site), now=BUILD_TIME, offline=True, progress=lines.append)
    kept = [line for line in lines if line.endswith("kept as the last build made them")]
    return made, kept[0] if kept else ""


def _edit_body(site: Path) -> None:
    path = site / "content" / "articles" / EDITED
    path.write_text(path.read_text("utf-8") + "\nOne more sentence.\n", "utf-8")


def _edited_tag_feeds(site: Path) -> set[str]:
    """The RSS feeds of the tags of the edited article that have a page."""
    built = compute_site(load_config(site), now=BUILD_TIME, offline=True, keep=False).site
    (article,) = (a for a in built.articles.values() if a.origin.endswith(EDITED))
    with_pages = {tag.key for tag in built.tags}
    return {urls.tag_feed_path(tag.slug) for tag in article.tags if tag.key in with_pages}


def test_an_edit_makes_again_the_feeds_that_show_the_article_and_keeps_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = _site_folder(tmp_path)
    made_cold, line = _build_making(site, monkeypatch)
    assert line == ""  # nothing to keep yet
    _edit_body(site)
    made, line = _build_making(site, monkeypatch)
    showing = _edited_tag_feeds(site)
    assert showing and showing <= made
    assert made < made_cold  # the others were kept
    words = line.split()
    kept, feeds = int(words[words.index("feeds") - 3]), int(words[words.index("feeds") - 1])
    assert kept == feeds - 2 * len(made)  # each channel's RSS and JSON Feed


def test_new_links_between_articles_keep_every_feed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No feed shows an article's related stories: a saved article that no longer names
    one under related: changes its page, and no feed."""
    site = _site_folder(tmp_path)
    _build_making(site, monkeypatch)
    path = site / "content" / "articles" / EDITED
    text = path.read_text("utf-8")
    assert "related: [صاروخ-جديد]\n" in text
    path.write_text(text.replace("related: [صاروخ-جديد]\n", ""), "utf-8")
    made, line = _build_making(site, monkeypatch)
    assert made == set() and line


def test_a_feed_changed_since_is_made_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = _site_folder(tmp_path)
    _build_making(site, monkeypatch)
    _edit_body(site)
    made, _ = _build_making(site, monkeypatch)
    kept_path = sorted(path for path in _all_rss(site) if path not in made)[0]
    feed = site / "site" / kept_path
    built = feed.read_bytes()
    feed.write_bytes(built.replace(b"<title>", b"<title>#", 1))
    _edit_body(site)
    made, _ = _build_making(site, monkeypatch)
    assert kept_path in made
    assert feed.read_bytes() == built


def _all_rss(site: Path) -> set[str]:
    return {
        path.relative_to(site / "site").as_posix() for path in (site / "site").rglob("feed.xml")
    }
