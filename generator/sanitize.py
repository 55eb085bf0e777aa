"""HTML from feeds and saved articles made safe with an allow-list (nh3).

Everything from a feed is untrusted. feedparser's own sanitizer lets some vectors
through, so every body is cleaned again here, and only http/https (and mailto) links
survive.

Images load from other sites, so they are held to more: an ``http:`` or
protocol-relative (``//host/x.png``) source is asked for over https (an https page
would block it as mixed content, and ``//`` means ``file://`` in a preview opened from
disk), any other scheme is dropped, and every image loads lazily and tells its host
nothing of the page it is shown on.
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
_LAZY = ("loading", "lazy")
_NO_REFERRER = ("referrerpolicy", "no-referrer")

# Bidi embeddings, overrides and isolates: in a title they can reorder what a reader sees.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Control characters (Unicode category Cc: C0, DEL and C1) become spaces. Regular
# expressions, not a per-character loop: every article body passes through here.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"\s+")
_TAG = re.compile(r"<[^>]*>")
# What a browser ignores in a URL: tabs and newlines anywhere, controls and spaces around it.
_URL_TABS = re.compile("[\t\n\r]")
_URL_EDGES = "".join(map(chr, range(0x21)))
# A network-path reference: browsers read backslashes as slashes in http(s) URLs.
_NETWORK_PATH = re.compile(r"[/\\]{2}")
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")


def clean_html(html: str) -> str:
    """Sanitized HTML: allowed tags and attributes only, safe URLs, external links marked.

    nh3 adds the attributes it is told to set in a random order, so each image attribute
    gets a pass of its own: the same body always gives the same bytes. Only a body that
    still has an image after the first pass takes the second.
    """
    cleaned = _clean(html, kept=set(), image_attribute=_LAZY)
    if "<img" in cleaned:
        cleaned = _clean(cleaned, kept={_LAZY[0]}, image_attribute=_NO_REFERRER)
    return cleaned.strip()


def _clean(html: str, *, kept: set[str], image_attribute: tuple[str, str]) -> str:
    """One nh3 pass that keeps the image attributes ``kept`` and sets one more."""
    attributes = {tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()}
    attributes["img"] |= kept
    name, value = image_attribute
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes=attributes,
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
        attribute_filter=_filter_urls,
        set_tag_attribute_values={"img": {name: value}},
    )


def _filter_urls(tag: str, attribute: str, value: str) -> str | None:
    """An empty ``href``/``src`` (what feedparser leaves of a ``javascript:`` link) would
    point at the page itself: drop it. Image sources go through ``_image_source``."""
    if attribute not in {"href", "src"}:
        return value
    if not value.strip():
        return None
    return _image_source(value) if tag == "img" else value


def _image_source(src: str) -> str | None:
    """The source as https, or None for a scheme other than http(s). A relative source is
    kept: a saved article may show an image of the site itself."""
    url = _URL_TABS.sub("", src).strip(_URL_EDGES)
    if _NETWORK_PATH.match(url):
        return "https://" + url[2:]
    scheme = _SCHEME.match(url)
    if scheme is None:
        return url
    return "https:" + url[scheme.end() :] if scheme[1].lower() in {"http", "https"} else None


def clean_text(text: str) -> str:
    """One line of plain text: no control or bidi override characters, spaces collapsed."""
    text = _CONTROLS.sub(" ", _BIDI_CONTROLS.sub("", text))
    return _SPACES.sub(" ", text).strip()


def html_to_text(fragment: str) -> str:
    """The text of an HTML fragment, for summaries and matching (escape it before use)."""
    without_tags = _TAG.sub(" ", nh3.clean(fragment, tags=set(ALLOWED_TAGS) - {"img"}))
    return clean_text(html.unescape(without_tags))
