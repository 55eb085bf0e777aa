"""Properties of the sanitizer on generated hostile markup, checked the way a browser
would read the output (html.parser), not by looking for strings."""

import html
import re
import unicodedata

from html_parts import Parts
from hypothesis import example, given
from hypothesis import strategies as st

from generator.sanitize import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    clean_html,
    clean_text,
    html_to_text,
)

# Elements and attributes that run code, load things or restyle the page.
LIVE_TAGS = frozenset(
    {"script", "style", "iframe", "svg", "math", "object", "embed", "form", "base", "meta",
     "link", "template", "noscript", "textarea", "title", "xmp", "plaintext"}
)  # fmt: skip
LIVE_ATTRIBUTES = frozenset({"style", "srcset", "formaction", "xlink:href", "action", "background"})
URLS = [
    "javascript:alert(1)",
    " JaVaScRiPt:alert(1)",
    "java\tscript:x",
    "&#106;avascript:x",
    "\x01javascript:x",
    "data:text/html,<script>x</script>",
    "data:image/png;base64,AA",
    "vbscript:x",
    "//example.org/a.png",
    "\\\\example.org/a",
    "http://example.org/a",
    "https://example.org/a",
    "mailto:a@example.org",
    "/a",
    "a?b=c:d",
    "ftp://example.org",
]
NAMES = [*sorted(LIVE_ATTRIBUTES), "href", "src", "onclick", "ONERROR", "onload", "dir",
         "title", "alt", "loading", "referrerpolicy", "rel", "width"]  # fmt: skip
WORDS = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
PRINTABLE = st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=12)
BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

ATTRIBUTE = st.builds(
    lambda name, value, quote: f" {name}={quote}{value}{quote}",
    st.sampled_from(NAMES),
    st.one_of(st.sampled_from(URLS), WORDS.map(html.escape)),
    st.sampled_from(['"', "'", ""]),
)
MARKUP = st.recursive(
    st.one_of(WORDS, st.sampled_from(["<", ">", "&", "<!--", "-->", "</", "<![CDATA[", "]]>"])),
    lambda inner: st.builds(
        lambda tag, attributes, body, close: f"<{tag}{''.join(attributes)}>{body}{close}",
        st.sampled_from([*sorted(ALLOWED_TAGS | LIVE_TAGS), "SCRIPT", "IMG"]),
        st.lists(ATTRIBUTE, max_size=4),
        st.lists(inner, max_size=4).map("".join),
        st.sampled_from(["", "</p>", "</script>", "</style>", "</a>", "</textarea>"]),
    ),
    max_leaves=25,
)
ADDED = {"a": {"rel"}, "img": {"loading", "referrerpolicy"}}
_URL_NOISE = re.compile("[\t\n\r]")
_URL_EDGES = "".join(map(chr, range(0x21)))
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
_NETWORK_PATH = re.compile(r"[/\\]{2}")


def _scheme(url: str) -> str:
    """The scheme a browser would read in the URL, or "" for a relative one."""
    match = _SCHEME.match(_URL_NOISE.sub("", url).strip(_URL_EDGES))
    return match[1].lower() if match else ""


@given(MARKUP)
@example('<img src="//example.org/a.png" onerror="x()"><a href="java\tscript:x">y</a>')
@example("<svg><style><img src=x onerror=alert(1)></style></svg>")
@example("<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>")
def test_cleaned_html_has_nothing_live(markup: str) -> None:
    cleaned = clean_html(markup)
    for tag, attributes in Parts(cleaned).elements:
        assert tag in ALLOWED_TAGS and tag not in LIVE_TAGS
        assert not any(name.startswith("on") or name in LIVE_ATTRIBUTES for name in attributes)
        allowed = (
            ALLOWED_ATTRIBUTES["*"] | ALLOWED_ATTRIBUTES.get(tag, set()) | ADDED.get(tag, set())
        )
        assert set(attributes) <= allowed, (tag, attributes)
        for name in {"href", "src"} & set(attributes):
            url = attributes[name] or ""
            assert url.strip() and _scheme(url) in {"", "http", "https", "mailto"}
        if tag == "img":
            assert attributes["loading"] == "lazy" and attributes["referrerpolicy"] == "no-referrer"
            source = _URL_NOISE.sub("", attributes.get("src") or "https:").lstrip(_URL_EDGES)
            relative = not _scheme(source) and not _NETWORK_PATH.match(source)
            assert _scheme(source) == "https" or relative


@given(MARKUP)
@example("<H2><C><H2>")
@example('<IMG src="mailto:a@example.org" dir="javascript:alert(1)">')
def test_cleaning_cleaned_html_keeps_its_elements_and_text(markup: str) -> None:
    """A browser parses the output again: it may nest the elements differently (an
    ``h2`` cannot hold an ``h2``), but it finds the same elements and the same text."""
    cleaned, again = Parts(clean_html(markup)), Parts(clean_html(clean_html(markup)))
    assert again.text == cleaned.text
    assert _unordered(again.elements) == _unordered(cleaned.elements)


def _unordered(elements: list[tuple[str, dict[str, str | None]]]) -> list[str]:
    """Elements as a browser holds them: the order of attributes means nothing."""
    return sorted(repr((tag, sorted(attributes.items()))) for tag, attributes in elements)


@given(PRINTABLE)
@example("نص عربي & <b>")
def test_harmless_text_is_kept(text: str) -> None:
    assert Parts(clean_html(f"<p>{html.escape(text)}</p>")).text == text


@given(st.text())
@example(" a\u202e\tb\x00 c\u2069 ")
def test_clean_text_is_one_tidy_line_with_every_visible_character(text: str) -> None:
    cleaned = clean_text(text)
    assert cleaned == cleaned.strip() and "  " not in cleaned
    assert all(ch == " " or not ch.isspace() for ch in cleaned)
    assert not any(unicodedata.category(ch) == "Cc" or ch in BIDI_CONTROLS for ch in cleaned)
    visible = (ch for ch in text if not ch.isspace() and unicodedata.category(ch) != "Cc")
    assert "".join(cleaned.split()) == "".join(ch for ch in visible if ch not in BIDI_CONTROLS)
    assert clean_text(cleaned) == cleaned


@given(st.lists(PRINTABLE, max_size=5))
def test_html_to_text_keeps_paragraphs_apart_and_text_whole(paragraphs: list[str]) -> None:
    fragment = "".join(f"<p>{html.escape(text)}</p><script>x()</script>" for text in paragraphs)
    assert html_to_text(fragment) == clean_text(" ".join(paragraphs))


@given(MARKUP)
def test_html_to_text_is_one_tidy_line(markup: str) -> None:
    text = html_to_text(markup)
    assert text == clean_text(text)
