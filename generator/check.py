"""``digest check``: is the site ready to publish? Nothing is written.

First the inputs, read exactly as a build reads them: config.yaml, the saved articles and
the local feed files. Then, if ``site/`` has been built, the output as a visitor and a
feed reader meet it: every internal link and asset of every page must lead to a file
(resolved against the base path, as GitHub Pages resolves it), and every feed must be
well-formed XML that feedparser reads without complaint, with absolute links and RFC 822
dates, no item dated in the future or before 1990. External links are not followed: the
check works offline.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

import feedparser

from .articles import read_saved_articles
from .config import SiteConfig, load_config
from .problems import Problem
from .report import Count, Report
from .routing import Kind, route, site_kind
from .syndication import ATOM, CONTENT, SITEMAP
from .urls import Urls

_RFC822 = re.compile(
    r"^(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?\d{1,2} "
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} "
    r"\d{2}:\d{2}(?::\d{2})? (?:[+-]\d{4}|GMT|UT)$"
)
_DATE_TAGS = {"pubDate", "lastBuildDate"}
_ATOM_LINK = f"{{{ATOM}}}link"
_SITEMAP_LOC = f"{{{SITEMAP}}}loc"
_CONTENT = f"{{{CONTENT}}}encoded"
# A feed item may be dated at most this far past the clock of the computer that checks:
# clocks differ a little, and a build may run just before the check.
FUTURE_TOLERANCE = timedelta(minutes=5)
EARLIEST_DATE = datetime(1990, 1, 1, tzinfo=UTC)  # no news site had a feed before this
_FIX_OUTPUT = "fix the template or the input that makes it, then build again"


@dataclass(frozen=True, slots=True)
class SiteCheck:
    pages: int
    links: int
    feeds: int
    problems: tuple[Problem, ...]


def check_inputs(config: SiteConfig) -> tuple[Problem, ...]:
    """Problems with the saved articles and the local feed files."""
    _, problems = read_saved_articles(config)
    return (*problems, *(p for feed in config.feeds for p in _check_local_feed(config, feed.url)))


def _check_local_feed(config: SiteConfig, url: str) -> tuple[Problem, ...]:
    if urlsplit(url).scheme in {"http", "https"}:
        return ()
    try:
        data = (config.root / url).read_bytes()
    except OSError as error:
        return (
            Problem(
                "config.yaml",
                None,
                f"the feed file '{url}' cannot be read ({error.strerror})",
                "write the right file name in config.yaml",
            ),
        )
    parsed = feedparser.parse(data)
    if parsed.bozo:
        return (
            Problem(
                url,
                None,
                f"this feed file is not well-formed ({parsed.bozo_exception})",
                "its items may be read wrongly or not at all",
            ),
        )
    return ()


def check_site(config: SiteConfig, now: datetime) -> SiteCheck:
    """Every page's links and every feed of the built site in ``config.output_dir``; feed
    items must be dated between 1990 and ``now`` (give or take a few minutes)."""
    site = _Site(config, now)
    problems: list[Problem] = []
    pages = links = feeds = 0
    for path in sorted(config.output_dir.rglob("*")):
        relative = path.relative_to(config.output_dir).as_posix()
        origin = f"{config.output_dir.name}/{relative}"
        if path.suffix == ".html":
            found = _links(path.read_text("utf-8", errors="replace"))
            pages += 1
            links += len(found)
            page_url = site.urls.absolute(relative.removesuffix("index.html"))
            problems += [
                problem
                for line, link in found
                if (problem := site.check_link(origin, line, link, page_url)) is not None
            ]
        elif path.suffix == ".xml":
            feed_problems, is_feed = site.check_xml(origin, path.read_bytes())
            feeds += is_feed
            problems += feed_problems
    return SiteCheck(pages, links, feeds, tuple(problems))


class _Site:
    """The built site as links see it: the base URL and the files under it."""

    def __init__(self, config: SiteConfig, now: datetime) -> None:
        self.now = now
        self.urls = Urls(config.base_url)
        self.base = urlsplit(config.base_url)
        self.kind: Callable[[str], Kind] = site_kind(config.output_dir)

    def check_link(self, origin: str, line: int | None, link: str, page_url: str) -> Problem | None:
        """A problem if ``link`` (found in ``origin``) points inside the site at nothing."""
        target = urlsplit(urldefrag(urljoin(page_url, link.strip())).url)
        if target.scheme not in {"http", "https"} or target.netloc != self.base.netloc:
            return None  # another site, mailto:, data: ...: not ours to check offline
        if not unquote(target.path).startswith(unquote(self.urls.base_path)):
            return Problem(
                origin,
                line,
                f"the link '{link}' is outside the site's path {self.urls.base_path}, so it "
                "breaks on GitHub Pages",
                _FIX_OUTPUT,
            )
        path = target.path + (f"?{target.query}" if target.query else "")
        if route(path, self.urls.base_path, self.kind).status == 404:
            return Problem(
                origin,
                line,
                f"the link '{link}' leads to no page (there is no {unquote(target.path)})",
                _FIX_OUTPUT,
            )
        return None

    def check_xml(self, origin: str, data: bytes) -> tuple[list[Problem], bool]:
        """Problems of one XML file, and whether it is a feed (RSS or Atom)."""
        try:
            root = ElementTree.fromstring(data)
        except LookupError as error:  # an encoding Python does not know
            return [Problem(origin, 1, f"this is not readable XML ({error})", _FIX_OUTPUT)], True
        except ElementTree.ParseError as error:
            line = error.position[0]
            return [
                Problem(origin, line, f"this is not well-formed XML ({error.msg})", _FIX_OUTPUT)
            ], True
        if root.tag == f"{{{SITEMAP}}}urlset":
            return [
                problem
                for loc in root.iter(_SITEMAP_LOC)
                if (problem := self._absolute(origin, "a sitemap address", loc.text or ""))
                is not None
            ], False
        problems = []
        parsed = feedparser.parse(data)
        if parsed.bozo:
            problems.append(
                Problem(
                    origin,
                    None,
                    f"feed readers may refuse this feed ({parsed.bozo_exception})",
                    _FIX_OUTPUT,
                )
            )
        for element in root.iter():
            problems += self._check_feed_element(origin, element)
        problems += [
            problem
            for item in root.iter("item")
            if (problem := self._check_item_date(origin, item)) is not None
        ]
        return problems, True

    def _check_item_date(self, origin: str, item: ElementTree.Element) -> Problem | None:
        """A problem if the item's date is one a feed validator calls implausible."""
        text = (item.findtext("pubDate") or "").strip()
        if not _is_rfc822(text):
            return None  # reported as not a date at all
        published = parsedate_to_datetime(text)
        title = (item.findtext("title") or item.findtext("guid") or "").strip()
        if published > self.now + FUTURE_TOLERANCE:
            when = "in the future"
        elif published < EARLIEST_DATE:
            when = f"before {EARLIEST_DATE.year}"
        else:
            return None
        return Problem(
            origin,
            None,
            f"the item '{title}' is dated {when} ({text}); feed readers and validators take "
            "such a date for a mistake",
            "fix the date of the article or feed item it comes from, then build again",
        )

    def _check_feed_element(self, origin: str, element: ElementTree.Element) -> Iterator[Problem]:
        text = (element.text or "").strip()
        if element.tag in _DATE_TAGS and not _is_rfc822(text):
            yield Problem(
                origin,
                None,
                f"the date '{text}' in <{element.tag}> is not an RFC 822 date like"
                " 'Wed, 13 Sep 2023 09:00:00 +0300'",
                _FIX_OUTPUT,
            )
        elif element.tag == "link" or (
            element.tag == "guid" and element.get("isPermaLink") != "false"
        ):
            yield from _some(self._absolute(origin, f"the <{element.tag}>", text))
        elif element.tag == _ATOM_LINK:
            yield from _some(
                self._absolute(origin, "the feed's own address", element.get("href", ""))
            )
        elif element.tag in {"description", _CONTENT}:
            for _, link in _links(text):
                yield from _some(self._absolute(origin, "a link in an item's text", link))

    def _absolute(self, origin: str, what: str, url: str) -> Problem | None:
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            return Problem(
                origin,
                None,
                f"{what} '{url}' is not a full address: feed readers cannot follow it",
                _FIX_OUTPUT,
            )
        return self.check_link(origin, None, url, url)


def _some(problem: Problem | None) -> tuple[Problem, ...]:
    return () if problem is None else (problem,)


def _is_rfc822(text: str) -> bool:
    if not _RFC822.match(text):
        return False
    try:
        parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return False
    return True


class _LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in {"href", "src"} and value:
                self.found.append((self.getpos()[0], value))


def _links(html: str) -> list[tuple[int, str]]:
    """Every href and src of a page, with its line."""
    parser = _LinkParser()
    parser.feed(html)
    parser.close()
    return parser.found


def run(site: Path) -> int:
    """Check the site in ``site`` and report; any problem makes the exit code 1."""
    config = load_config(site)
    problems = check_inputs(config)
    if not config.output_dir.is_dir():
        return Report(
            "Checked config.yaml, the saved articles and the feed files",
            problems=problems,
            notes=(
                f"{config.output_dir} is not built yet: run 'digest build', then check again to "
                "check its links and feeds too.",
            ),
            strict=True,
        ).show()
    built = check_site(config, datetime.now(UTC))
    return Report(
        "Checked the inputs and the built site",
        (Count(built.pages, "page"), Count(built.links, "link"), Count(built.feeds, "feed")),
        (*problems, *built.problems),
        strict=True,
    ).show()
