"""HTML from feeds and saved articles made safe with an allow-list (nh3).

Everything from a feed is untrusted. feedparser's own sanitizer lets some vectors
through, so every body is cleaned again here, and only http/https (and mailto) links
survive.
"""

from __future__ import annotations

import html
import re

import nh3

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "dfn",
        "div", "dl", "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr",
        "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small", "span",
        "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr",
        "u", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": {"dir", "lang", "title"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "time": {"datetime"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})

# Bidi embeddings, overrides and isolates: in a title they can reorder what a reader sees.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Control characters (Unicode category Cc: C0, DEL and C1) become spaces. Regular
# expressions, not a per-character loop: every article body passes through here.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"\s+")
_TAG = re.compile(r"<[^>]*>")


def clean_html(html: str) -> str:
    """Sanitized HTML: allowed tags and attributes only, safe URLs, external links marked."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
        attribute_filter=_drop_empty_links,
    ).strip()


def _drop_empty_links(tag: str, attribute: str, value: str) -> str | None:
    """An empty ``href``/``src`` (what feedparser leaves of a ``javascript:`` link) would
    point at the page itself: drop it."""
    return None if attribute in {"href", "src"} and not value.strip() else value


def clean_text(text: str) -> str:
    """One line of plain text: no control or bidi override characters, spaces collapsed."""
    text = _CONTROLS.sub(" ", _BIDI_CONTROLS.sub("", text))
    return _SPACES.sub(" ", text).strip()


def html_to_text(fragment: str) -> str:
    """The text of an HTML fragment, for summaries and matching (escape it before use)."""
    without_tags = _TAG.sub(" ", nh3.clean(fragment, tags=set(ALLOWED_TAGS) - {"img"}))
    return clean_text(html.unescape(without_tags))
