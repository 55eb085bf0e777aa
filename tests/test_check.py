"""``digest check``: a fresh site passes; planted broken links and feeds are found and named."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import quote

import pytest

from generator import check, scaffold
from generator.build import build
from generator.cli import main
from generator.config import SiteConfig, load_config
from generator.report import EXIT_CONFIG


@pytest.fixture(scope="module")
def fresh_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new site from ``digest init``, built offline once."""
    site_dir = tmp_path_factory.mktemp("check") / "news"
    now = datetime.now(UTC)
    scaffold.write_files(site_dir, scaffold.scaffold_files(scaffold.SiteOptions(), now))
    build(load_config(site_dir), now=now, offline=True)
    return site_dir


@pytest.fixture
def site(fresh_site: Path, tmp_path: Path) -> SiteConfig:
    """A copy of the fresh site, to break."""
    return load_config(shutil.copytree(fresh_site, tmp_path / "news"))


def _run(site_dir: Path) -> int:
    return main(["check", "--site", str(site_dir)])


def _messages(result: check.SiteCheck) -> list[str]:
    return [str(problem) for problem in result.problems]


def test_a_fresh_build_passes(site: SiteConfig, capsys: pytest.CaptureFixture[str]) -> None:
    assert check.check_inputs(site) == ()
    result = check.check_site(site, datetime.now(UTC))
    assert result.problems == ()
    html_files = list(site.output_dir.rglob("*.html"))
    assert result.pages == len(html_files)
    assert result.links > result.pages  # every page links the stylesheet, home, feeds ...
    assert result.feeds == len(list(site.output_dir.rglob("feed.xml")))
    assert _run(site.root) == 0
    out, err = capsys.readouterr()
    assert out == (
        f"Checked the inputs and the built site: {result.pages} pages, {result.links} links, "
        f"{result.feeds} feeds, no problems.\n"
    )
    assert err == ""


def test_a_broken_link_is_found_with_its_page_and_line(site: SiteConfig) -> None:
    index = site.output_dir / "index.html"
    lines = index.read_text("utf-8").splitlines()
    tag = quote("معرض-الكتاب")
    lines[3:3] = [
        f'<a href="/news-digest/tags/{tag}/">an existing Arabic address</a>',
        f'<a href="/news-digest/articles/{quote("ليس-هنا")}/">missing</a>',
        '<img src="static/missing.png" alt="">',
        '<a href="/tags/">outside the base path</a>',
        '<a href="https://elsewhere.example.org/x/">another site</a>',
        '<a href="tags">a folder without its slash</a>',
    ]
    index.write_text("\n".join(lines), encoding="utf-8")

    messages = _messages(check.check_site(site, datetime.now(UTC)))

    assert len(messages) == 3, messages
    assert messages[0].startswith("site/index.html, line 5: the link '/news-digest/articles/%D9")
    assert "there is no /news-digest/articles/ليس-هنا/" in messages[0]
    assert messages[1].startswith("site/index.html, line 6: the link 'static/missing.png'")
    assert messages[2].startswith("site/index.html, line 7: the link '/tags/' is outside")
    assert _run(site.root) == 1


def test_a_link_in_a_deeper_page_resolves_against_that_page(site: SiteConfig) -> None:
    page = site.output_dir / "articles" / "welcome" / "index.html"
    page.write_text(
        page.read_text("utf-8").replace(
            "</body>", '<a href="../../tags/">ok</a><a href="../tags/">broken</a></body>'
        ),
        encoding="utf-8",
    )
    messages = _messages(check.check_site(site, datetime.now(UTC)))
    assert len(messages) == 1
    assert "'../tags/' leads to no page (there is no /news-digest/articles/tags/)" in messages[0]


@pytest.mark.parametrize(
    ("pattern", "replacement", "expected"),
    [
        ("</channel>", "", "not well-formed XML"),
        (
            r"<pubDate>[^<]*</pubDate>",
            "<pubDate>2026-01-01T10:00:00Z</pubDate>",
            "'2026-01-01T10:00:00Z' in <pubDate> is not an RFC 822 date",
        ),
        (
            r"<link>https://example\.github\.io/news-digest/",
            "<link>/news-digest/",
            "the <link> '/news-digest/' is not a full address",
        ),
        (
            r"<item><title>",
            "<item><link>https://example.github.io/news-digest/articles/gone/</link><title>",
            "'https://example.github.io/news-digest/articles/gone/' leads to no page",
        ),
        (
            r'(&lt;a href=(?:"|&quot;))https://example\.github\.io/news-digest/',
            r"\1/news-digest/",
            "a link in an item's text '/news-digest/",
        ),
    ],
)
def test_a_broken_feed_is_found(
    site: SiteConfig, pattern: str, replacement: str, expected: str
) -> None:
    feed = site.output_dir / "feed.xml"
    text, replaced = re.subn(pattern, replacement, feed.read_text("utf-8"), count=1)
    assert replaced == 1
    feed.write_text(text, encoding="utf-8")

    messages = _messages(check.check_site(site, datetime.now(UTC)))

    assert any(
        message.startswith("site/feed.xml") and expected in message for message in messages
    ), messages


@pytest.mark.parametrize(
    ("dated", "expected"),
    [
        (timedelta(minutes=4), None),  # within the tolerance for clocks that differ a little
        (check.FUTURE_TOLERANCE + timedelta(minutes=1), "in the future"),
        (timedelta(days=400), "in the future"),
    ],
)
def test_an_item_dated_in_the_future_is_found(
    site: SiteConfig, dated: timedelta, expected: str | None
) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    title = _date_first_item(site, now + dated)
    messages = _messages(check.check_site(site, now))
    if expected is None:
        assert messages == []
    else:
        (message,) = messages
        assert message.startswith(f"site/feed.xml: the item '{title}' is dated {expected} (")


def test_an_item_dated_before_1990_is_found(site: SiteConfig) -> None:
    title = _date_first_item(site, datetime(1989, 12, 31, 23, 0, tzinfo=UTC))
    (message,) = _messages(check.check_site(site, datetime.now(UTC)))
    assert message.startswith(
        f"site/feed.xml: the item '{title}' is dated before 1990 (Sun, 31 Dec 1989 23:00:00 +0000)"
    )


def _date_first_item(site: SiteConfig, when: datetime) -> str:
    """Give the site feed's first item this date; return the item's title."""
    feed = site.output_dir / "feed.xml"
    text = feed.read_text("utf-8")
    item = text.index("<item>")
    title = re.search(r"<title>([^<]*)</title>", text[item:])
    assert title is not None
    text = text[:item] + re.sub(
        r"<pubDate>[^<]*</pubDate>",
        f"<pubDate>{format_datetime(when)}</pubDate>",
        text[item:],
        count=1,
    )
    feed.write_text(text, encoding="utf-8")
    return title[1]


def test_feedparser_complaints_are_reported(site: SiteConfig) -> None:
    """Well-formed XML with an entity defined in a DOCTYPE, which feedparser refuses."""
    feed = site.output_dir / "feed.xml"
    declaration, rest = feed.read_bytes().split(b"\n", 1)
    doctype = b'<!DOCTYPE rss [<!ENTITY owner "x">]>'
    rest = rest.replace(b"<channel>", b"<channel><copyright>&owner;</copyright>", 1)
    feed.write_bytes(b"\n".join((declaration, doctype, rest)))
    messages = _messages(check.check_site(site, datetime.now(UTC)))
    assert len(messages) == 1
    assert messages[0].startswith("site/feed.xml: feed readers may refuse this feed"), messages


def test_an_unknown_encoding_is_reported(site: SiteConfig) -> None:
    feed = site.output_dir / "feed.xml"
    feed.write_bytes(feed.read_bytes().replace(b'encoding="utf-8"', b'encoding="bogus-8"', 1))
    messages = _messages(check.check_site(site, datetime.now(UTC)))
    assert messages == [
        f"site/feed.xml, line 1: this is not readable XML (unknown encoding: bogus-8)"
        f" ({check._FIX_OUTPUT})"
    ]


def test_a_sitemap_address_to_nowhere_is_found(site: SiteConfig) -> None:
    sitemap = site.output_dir / "sitemap.xml"
    sitemap.write_text(
        sitemap.read_text("utf-8").replace(
            "</urlset>",
            "<url><loc>https://example.github.io/news-digest/gone/</loc></url></urlset>",
        ),
        encoding="utf-8",
    )
    messages = _messages(check.check_site(site, datetime.now(UTC)))
    assert messages == [
        "site/sitemap.xml: the link 'https://example.github.io/news-digest/gone/' leads to no page"
        " (there is no /news-digest/gone/) (" + check._FIX_OUTPUT + ")"
    ]


def test_inputs_are_checked_without_writing_anything(
    site: SiteConfig, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.rmtree(site.output_dir)
    (site.root / "feeds" / "example-2.xml").unlink()
    (site.root / "feeds" / "example-1.xml").write_text("<rss><channel><item>", "utf-8")
    (site.content_dir / "articles" / "bad.md").write_text("no front matter", "utf-8")
    before = sorted(path for path in site.root.rglob("*"))

    problems = [str(problem) for problem in check.check_inputs(site)]

    assert len(problems) == 3, problems
    assert problems[0].startswith("content/articles/bad.md, line 1:")
    assert problems[1].startswith("feeds/example-1.xml: this feed file is not well-formed")
    assert problems[2].startswith("config.yaml: the feed file 'feeds/example-2.xml' cannot")
    assert _run(site.root) == 1
    out, err = capsys.readouterr()
    assert out.startswith("Checked config.yaml, the saved articles and the feed files: 3 problems.")
    assert "not built yet" in out
    assert err.splitlines() == [f"problem: {problem}" for problem in problems]
    assert sorted(path for path in site.root.rglob("*")) == before


def test_an_invalid_config_is_a_config_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "config.yaml").write_text("title: x\nbase_url: nowhere\n", "utf-8")
    assert _run(tmp_path) == EXIT_CONFIG
    assert "base_url" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("Wed, 13 Sep 2023 09:00:00 +0300", True),
        ("13 Sep 2023 09:00 GMT", True),
        ("Wed, 13 Sep 2023 09:00:00 GMT", True),
        ("Wed, 31 Feb 2023 09:00:00 +0000", False),
        ("الأربعاء، 13 سبتمبر 2023", False),
        ("2023-09-13T09:00:00+03:00", False),
        ("Wed, 13 Sept 2023 09:00:00 +0300", False),
        ("", False),
    ],
)
def test_rfc822_dates(text: str, valid: bool) -> None:
    assert check._is_rfc822(text) is valid
