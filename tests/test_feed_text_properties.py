"""Plain text carried by a feed's HTML elements shows exactly that text: checked on
generated text, as html.parser and a feed reader (feedparser) read it."""

import io
import unicodedata
from xml.sax.saxutils import XMLGenerator

import feedparser
from html_parts import Parts
from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator.syndication import html_text
from generator.xmlchars import xml_text

BUDGET = settings(max_examples=150, deadline=None, derandomize=True)
MARKUP_BITS = st.sampled_from(
    ["<", ">", "&", "&amp;", "&#x27;", "&lt;b&gt;", "<b>", "</p>", "<!--", "-->", "<![CDATA[",
     "]]>", '"', "'", "<script>alert(1)</script>", "<img src=x onerror=y>", "&nbsp", "\r\n"]
)  # fmt: skip
TEXTS = st.lists(
    st.one_of(st.text(max_size=8), st.characters(min_codepoint=0x0600, max_codepoint=0x06FF),
              MARKUP_BITS),
    max_size=12,
).map("".join)  # fmt: skip
# Text a reader has no reason to touch: no control characters (XML cannot hold most of
# them, and readers take C1 controls for Windows-1252 letters) and no spacing at the ends.
HARMLESS = TEXTS.map(
    lambda text: "".join(ch for ch in text if unicodedata.category(ch) != "Cc").strip()
)


@BUDGET
@given(TEXTS)
@example("<script>alert(1)</script> & نص")
@example("&amp;lt;")
@example("\ud800")
def test_html_text_has_no_element_and_shows_the_text(text: str) -> None:
    shown = Parts(html_text(text))
    assert shown.elements == []
    assert shown.text == text


@BUDGET
@given(HARMLESS)
@example("عنوان <b>غامق</b> & «اقتباس»")
@example("a ]]> b")
def test_a_feed_reader_shows_the_text_unchanged(text: str) -> None:
    read = feedparser.parse(_feed(xml_text(html_text(text))))
    assert not read.bozo, read.get("bozo_exception")
    (entry,) = read.entries
    assert Parts(entry.description).text == text


def _feed(description: str) -> bytes:
    """An RSS feed of one item, written the way the site's feeds are (XMLGenerator)."""
    out = io.StringIO()
    xml = XMLGenerator(out, encoding="utf-8", short_empty_elements=True)
    xml.startDocument()
    xml.startElement("rss", {"version": "2.0"})
    xml.startElement("channel", {})
    for name, value in (("title", "t"), ("link", "https://example.org/")):
        _element(xml, name, value)
    xml.startElement("item", {})
    _element(xml, "title", "t")
    _element(xml, "description", description)
    xml.endElement("item")
    xml.endElement("channel")
    xml.endElement("rss")
    xml.endDocument()
    return out.getvalue().encode("utf-8")


def _element(xml: XMLGenerator, name: str, value: str) -> None:
    xml.startElement(name, {})
    xml.characters(value)
    xml.endElement(name)
