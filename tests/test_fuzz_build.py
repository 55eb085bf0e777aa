"""Hostile feed bytes through a whole build: it finishes, and what it writes is sound.

Generated RSS and Atom documents carry what feeds in the wild and attackers send:
control characters, bidi overrides, words of thousands of letters, markup and entities
in every field, impossible dates, mislabelled encodings and broken XML. Each becomes the
local feed of a fresh site, built for real. A build may report problems; it must not
fail, every page must be HTML whose elements nest, every feed well-formed XML, and
nothing may be written outside the site folder's output and state.
"""

from __future__ import annotations

import tempfile
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.build import build
from generator.config import load_config

NOW = datetime(2024, 5, 1, 12, tzinfo=UTC)
CONFIG = """\
title: موجز
base_url: https://example.org/digest/
feeds:
  - url: feeds/hostile.xml
    name: مصدر
"""
STATE = (".cache/", "content/feeds/", ".digest.lock")  # what a build keeps beside site/

BIDI = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c"
CONTROLS = "".join(map(chr, [*range(0, 9), 11, 12, *range(14, 32), 127, 0x85, 0xFFFE]))
MARKUP = (
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "<a href='javascript:alert(1)'>رابط</a>",
    "<style>body{display:none}</style>",
    "</title></head><body>",
    "<!--",
    "]]>",
    "&amp;",
    "&lt;b&gt;",
    "&#0;",
    "&#x202E;",
    "&nbsp;",
    "&undefined;",
    '"><svg onload=alert(1)>',
    "{{ config }}",
    "{% raw %}",
    "../../../etc/passwd",
    "\r\n",
)
WORDS = st.text(
    alphabet=st.sampled_from("ابتثجحخدذرزسشصضطظعغفقكلمنهويةءآأإ abc XYZ 019٣۴.,:;!?-_/#%"),
    max_size=20,
)
HUGE_WORD = st.integers(1_000, 20_000).map(lambda length: "ك" * length)


def texts(controls: bool) -> st.SearchStrategy[str]:
    """Words with markup, bidi controls and huge words among them; with ``controls``,
    also characters XML forbids, which make the whole document broken."""
    hostile = BIDI + (CONTROLS if controls else "")
    return st.lists(
        st.one_of(
            WORDS,
            WORDS,
            st.sampled_from(MARKUP),
            st.text(alphabet=st.sampled_from(hostile), min_size=1, max_size=3),
            HUGE_WORD,
        ),
        max_size=8,
    ).map(" ".join)


DATES = st.one_of(
    st.sampled_from(
        (
            "",
            "yesterday",
            "Mon, 31 Feb 2024 25:61:00 +9999",
            "Fri, 01 Jan 2100 00:00:00 GMT",
            "Thu, 01 Jan 1970 00:00:00 GMT",
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59+14:00",
            "2024-04-30",
            "2024-13-45T99:99:99Z",
            "١٢ مايو ٢٠٢٤",
            "-1",
        )
    ),
    st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)).map(
        lambda moment: moment.strftime("%a, %d %b %Y %H:%M:%S +0000")
    ),
)
ENCODINGS = st.sampled_from(
    (
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8"),
        ("utf-16", "utf-16"),
        ("windows-1256", "windows-1256"),
        ("iso-8859-1", "iso-8859-1"),
        ("iso-8859-1", "utf-8"),  # declared one way, written another
        ("utf-8", "windows-1256"),
    )
)


def field(text: str, raw: bool) -> str:
    """Text as a feed writes it: escaped, or (a broken feed) as it is."""
    return text if raw else escape(text)


@st.composite
def feed_documents(draw: st.DrawFn) -> bytes:
    broken = draw(st.integers(0, 4)) == 0  # one document in five
    raw, text = broken and draw(st.booleans()), texts(broken and draw(st.booleans()))
    entries = []
    atom = draw(st.booleans())
    for number in range(draw(st.integers(0, 4))):
        title, body, date, tag = draw(text), draw(text), draw(DATES), draw(text)
        link = f"https://example.org/{number}/{draw(WORDS)}"
        if atom:
            entries.append(
                f"<entry><title>{field(title, raw)}</title><link href={quoteattr(link)}/>"
                f"<id>urn:item:{number}</id><updated>{escape(date)}</updated>"
                f"<category term={quoteattr(tag)}/>"
                f'<content type="html">{field(body, raw)}</content></entry>'
            )
        else:
            entries.append(
                f"<item><title>{field(title, raw)}</title><link>{escape(link)}</link>"
                f"<guid>item-{number}</guid><pubDate>{escape(date)}</pubDate>"
                f"<category>{field(tag, raw)}</category>"
                f"<description><![CDATA[{body}]]></description></item>"
            )
    name = field(draw(text), raw)
    if atom:
        body = f'<feed xmlns="http://www.w3.org/2005/Atom"><title>{name}</title>'
        body += "".join(entries) + "</feed>"
    else:
        body = f'<rss version="2.0"><channel><title>{name}</title><link>https://example.org/</link>'
        body += "".join(entries) + "</channel></rss>"
    written, declared = draw(ENCODINGS)
    document = f'<?xml version="1.0" encoding="{declared}"?>\n{body}'
    return document.encode(written, errors="xmlcharrefreplace")


class Nesting(HTMLParser):
    """Elements as html.parser reads them, checked to close in the order they opened."""

    VOID = frozenset(
        {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
        | {"track", "wbr"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.faults: list[str] = []
        self.seen: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.append(tag)
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open.pop() != tag:
            self.faults.append(f"</{tag}> closes nothing open")


def assert_sound_html(path: Path) -> None:
    text = path.read_text("utf-8")
    assert text.lower().startswith("<!doctype html>"), path
    parser = Nesting()
    parser.feed(text)
    parser.close()
    assert not parser.faults and not parser.open, (path, parser.faults, parser.open)
    assert [parser.seen.count(tag) for tag in ("html", "head", "body")] == [1, 1, 1], path


def files(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(feed=feed_documents())
def test_a_hostile_feed_builds_a_sound_site(feed: bytes) -> None:
    with tempfile.TemporaryDirectory() as temporary:
        outside = Path(temporary)
        root = outside / "site-folder"
        (root / "feeds").mkdir(parents=True)
        (root / "config.yaml").write_text(CONFIG, encoding="utf-8")
        (root / "feeds" / "hostile.xml").write_bytes(feed)
        inputs = files(outside)

        build(load_config(root), now=NOW, offline=True)

        written = {path: data for path, data in files(outside).items() if inputs.get(path) != data}
        stray = [
            path
            for path in written
            if not path.startswith("site-folder/")
            or not path.removeprefix("site-folder/").startswith(("site/", *STATE))
        ]
        assert not stray
        output = root / "site"
        assert (output / "index.html").is_file()
        for page in output.rglob("*.html"):
            assert_sound_html(page)
        for xml_file in output.rglob("*.xml"):
            ET.parse(xml_file)  # well-formed, or this raises
        assert all(not path.is_symlink() for path in output.rglob("*"))
