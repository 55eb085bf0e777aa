"""Feed bytes into cleaned items: pure parsing, with no network, disk or configuration.

What a server sends is untrusted and often wrong (a mislabelled charset, broken XML, an
HTML page, dates from the future), so every such fault becomes a note on the result,
never an exception, and the caller decides what to keep.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, tzinfo
from urllib.parse import unquote_plus, urljoin, urlsplit, urlunsplit

import feedparser

from .dates import DateError, parse_date
from .feedcharset import settle_charset
from .feedstore import StoredItem
from .localize import text_direction
from .normalize import arabic_letters
from .sanitize import clean_html, clean_text, html_to_text
from .slugs import short_hash

EARLIEST = datetime(1995, 1, 1, tzinfo=UTC)  # no feed item is older than RSS itself
FUTURE_SLACK = timedelta(days=1)  # clocks and time zones are often a little off
SUMMARY_LENGTH = 300
TITLE_WORDS = 8  # an item without a title is named by the first words of its text
_TRACKING = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|yclid|mc_cid|mc_eid|igshid|"
    r"_hsenc|_hsmi|mkt_tok|oly_anon_id|oly_enc_id|vero_id|wickedid|__s)$",
    re.IGNORECASE,
)
_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html)[\s>]", re.I | re.S)
# A date that ends in a zone: feedparser's reading of it is a true instant.
_ENDS_IN_ZONE = re.compile(r"(?:\dZ|[+-]\d{2}(?::?\d{2})?|\b(?:GMT|UTC?|[ECMP][SD]T))\s*$", re.I)
DATES_SHOWN = 3  # of the dates that cannot be read, a problem quotes this many
# Longer than any date a feed writes; reading a long text costs dateparser milliseconds.
LONGEST_DATE = 80


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A feed read from bytes: its items cleaned, and what was wrong with it.

    ``ok`` is False when nothing usable came out (an HTML page, an empty document):
    then the stored items must stay as they are. Items without a usable date carry
    ``now`` and are named in ``undated``, so the merge can keep an earlier first sight.
    What was wrong with their dates is in ``date_problems``, apart from the feed's
    ``problems``: it concerns this reading only, since each such item keeps the time it
    was first stored, and a build that does not read the feed has nothing new to say.
    """

    ok: bool
    title: str = ""
    link: str = ""
    items: tuple[StoredItem, ...] = ()
    undated: frozenset[str] = frozenset()
    problems: tuple[str, ...] = ()
    date_problems: tuple[str, ...] = ()


# --- URLs ----------------------------------------------------------------------------


def canonical_url(link: str, base: str = "") -> str:
    """An absolute http(s) URL without tracking parameters, or "" if there is none."""
    link = link.strip()
    if not link:
        return ""
    try:
        parts = urlsplit(urljoin(base, link) if base else link)
        host, port = parts.hostname, parts.port
    except ValueError:
        return ""
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not host:
        return ""
    netloc = host if port in (None, 80 if scheme == "http" else 443) else f"{host}:{port}"
    query = "&".join(
        pair
        for pair in parts.query.split("&")
        if pair and not _TRACKING.match(unquote_plus(pair.split("=", 1)[0]))
    )
    return urlunsplit((scheme, netloc, parts.path or "/", query, parts.fragment))


# --- text direction ------------------------------------------------------------------


def script_direction(text: str) -> str:
    """'rtl' if most letters are of a right-to-left script, 'ltr' if most are not, else ''."""
    rtl = ltr = 0
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            rtl += 1
        elif kind == "L":
            ltr += 1
    if rtl == ltr:
        return ""
    return "rtl" if rtl > ltr else "ltr"


def _language(entry: Mapping, feed_language: str) -> str:
    for key in ("title_detail", "summary_detail"):
        detail = entry.get(key) or {}
        if detail.get("language"):
            return _normal_language(detail["language"])
    for content in entry.get("content") or ():
        if content.get("language"):
            return _normal_language(content["language"])
    return feed_language


def _normal_language(code: str) -> str:
    return code.strip().replace("_", "-")


def _lang_and_dir(text: str, declared: str) -> tuple[str, str]:
    """The feed's language and the direction of an item.

    A declared language wins, unless the item's text plainly contradicts its direction
    (feeds that say ``en-us`` over Hebrew text exist): then the script decides.
    """
    by_script = script_direction(text)
    if declared:
        by_language = text_direction(declared)
        if not by_script or by_script == by_language:
            return declared, by_language
        return "", by_script
    return "", by_script


# --- dates ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _ItemDate:
    """An item's date in UTC, or None with the text that could not be read or the day
    that cannot be true (both empty when the item has no date at all)."""

    moment: datetime | None
    unreadable: str = ""
    impossible: str = ""


def _read_date(text: str, parsed: Sequence[int] | None, tz: tzinfo) -> datetime | None:
    """The moment a feed's date names, a date without a zone being in the site's zone.

    feedparser's own reading is in UTC whether or not the text gave a zone, and it knows
    no Arabic and no ``GMT+3``: so the text is read here, and feedparser's reading is used
    only for a form it alone knows (``2023-256T10:30Z``) that ends in a zone.
    """
    if len(text) > LONGEST_DATE:
        return None
    try:
        return parse_date(text, tz).astimezone(UTC)
    except DateError:
        if parsed and _ENDS_IN_ZONE.search(text):
            return datetime(*parsed[:6], tzinfo=UTC)
        return None


def _item_date(entry: Mapping, now: datetime, tz: tzinfo) -> _ItemDate:
    """The item's published date, else its updated one, if it can be read and be true."""
    # "in", not get(): asked for a missing "updated", feedparser gives the published date
    keys = [(key, f"{key}_parsed") for key in ("published", "updated") if key in entry]
    texts = [
        (text, entry[parsed] if parsed in entry else None)  # noqa: SIM401
        for key, parsed in keys
        if (text := clean_text(entry[key] or ""))
    ]
    if not texts:
        return _ItemDate(None)
    moment = next(
        (m for text, parsed in texts if (m := _read_date(text, parsed, tz)) is not None), None
    )
    if moment is None:
        return _ItemDate(None, unreadable=texts[0][0])
    if moment < EARLIEST or moment > now + FUTURE_SLACK:
        return _ItemDate(None, impossible=moment.date().isoformat())
    return _ItemDate(moment)


# --- parsing -------------------------------------------------------------------------


def _text(detail: Mapping | None, value: str) -> str:
    if detail and "html" in str(detail.get("type", "")):
        return html_to_text(value)
    return clean_text(value)


def _shorten(text: str, length: int = SUMMARY_LENGTH) -> str:
    if len(text) <= length:
        return text
    cut = text[:length].rsplit(" ", 1)[0] or text[:length]
    return cut.rstrip(" ,.;:،؛") + "…"


def _opening(text: str, words: int = TITLE_WORDS) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


def _entry_item(
    entry: Mapping, published: datetime | None, *, base: str, feed_language: str, now: datetime
) -> StoredItem | None:
    """One entry as a stored item, or None if it has neither title nor text."""
    contents = [c.get("value", "") for c in entry.get("content") or ()]
    raw_summary = entry.get("summary", "") or ""
    raw_body = max(contents, key=len) if contents else raw_summary
    body_html = clean_html(raw_body)
    summary_source = raw_summary if contents and raw_summary else raw_body
    summary = _shorten(html_to_text(summary_source))
    url = canonical_url(entry.get("link", "") or "", base)
    title = _text(entry.get("title_detail"), entry.get("title", "") or "")
    title = title or _opening(summary)
    if not title:
        return None
    guid = clean_text(entry.get("id", "") or "")
    item_id = guid or url or "sha256:" + short_hash(f"{title}\n{published or ''}", 16)
    lang, direction = _lang_and_dir(f"{title} {summary}", _language(entry, feed_language))
    title = arabic_letters(title, lang)  # الکتاب typed on a Persian keyboard is الكتاب
    categories = []
    for tag in entry.get("tags") or ():
        name = clean_text(tag.get("term") or tag.get("label") or "")
        if name and name not in categories:
            categories.append(name)
    enclosures = []
    for link in [*(entry.get("enclosures") or ()), *(entry.get("media_content") or ())]:
        href = canonical_url(link.get("href") or link.get("url") or "", base)
        if href and href not in enclosures:
            enclosures.append(href)
    return StoredItem(
        id=item_id,
        title=title,
        published=published or now,
        first_seen=now,
        url=url,
        body_html=body_html,
        summary=summary,
        lang=lang,
        dir=direction,
        categories=tuple(categories),
        enclosures=tuple(enclosures),
    )


def _rough_date(entry: Mapping, now: datetime) -> datetime:
    """feedparser's reading of the item's date, or ``now`` if it has none that is plausible.

    Good enough to rank thousands of items, and cheap, unlike ``_item_date``: hours off
    for a date without a zone, and a date it cannot read (an Arabic one) counts as new.
    """
    keys = [key for key in ("published_parsed", "updated_parsed") if key in entry]  # as above
    parsed = next((entry[key] for key in keys if entry[key]), None)
    moment = datetime(*parsed[:6], tzinfo=UTC) if parsed else now
    return moment if EARLIEST <= moment <= now + FUTURE_SLACK else now


def _newest(entries: Sequence[Mapping], count: int, now: datetime) -> list[int]:
    """The positions of the ``count`` newest entries, in the feed's order, ranked roughly
    so that only the entries kept have their dates read in full."""
    dated = sorted(
        range(len(entries)), key=lambda index: _rough_date(entries[index], now), reverse=True
    )
    return sorted(dated[:count])


def _which(positions: Sequence[int]) -> str:
    """Items by their place in the feed, counted from 1: "item 3", "items 3, 7 and 9"."""
    if len(positions) == 1:
        return f"item {positions[0]}"
    shown = [str(position) for position in positions[:5]]
    rest = f"{len(positions) - 5} more" if len(positions) > 5 else shown.pop()
    return f"items {', '.join(shown)} and {rest}"


def _quoted(texts: Sequence[str]) -> str:
    """The first few distinct texts, quoted: "'a', 'b', 'c' and 4 more"."""
    distinct = list(dict.fromkeys(texts))
    shown = ", ".join(f"'{_shorten(text, 60)}'" for text in distinct[:DATES_SHOWN])
    rest = len(distinct) - DATES_SHOWN
    return shown + (f" and {rest} more" if rest > 0 else "")


def _date_problems(dates: Sequence[_ItemDate]) -> tuple[str, ...]:
    unreadable = [date.unreadable for date in dates if date.unreadable]
    impossible = [date.impossible for date in dates if date.impossible]
    problems = []
    if unreadable:
        items = "1 item has" if len(unreadable) == 1 else f"{len(unreadable)} items have"
        problems.append(f"{items} a date that cannot be read: {_quoted(unreadable)}")
    if impossible:
        items = "1 item has" if len(impossible) == 1 else f"{len(impossible)} items have"
        problems.append(
            f"{items} an impossible date, before 1995 or in the future: {_quoted(impossible)}"
        )
    return tuple(problems)


def _read_items(
    entries: Sequence[Mapping],
    positions: Sequence[int],
    *,
    base: str,
    feed_language: str,
    now: datetime,
    tz: tzinfo,
) -> tuple[tuple[StoredItem, ...], frozenset[str], list[str], tuple[str, ...]]:
    """The entries at ``positions`` as items, those without a date, what was wrong, and
    what was wrong with their dates.

    A feed repeating an item keeps its first copy. But two different stories under one
    guid (a CMS reusing ids) are both kept: the later one gets an id of its own, made
    from its link and title so that it is the same on every fetch.
    """
    items: dict[str, StoredItem] = {}
    undated: set[str] = set()
    kept_dates: list[_ItemDate] = []
    empty: list[int] = []
    retold: list[int] = []
    for position in positions:
        date = _item_date(entries[position], now, tz)
        item = _entry_item(
            entries[position], date.moment, base=base, feed_language=feed_language, now=now
        )
        if item is None:
            empty.append(position + 1)
            continue
        known = items.get(item.id)
        if known is not None and (known.url, known.title) != (item.url, item.title):
            own = short_hash("\n".join((item.url, item.title)), 8)
            item = replace(item, id=f"{item.id}#{own}")
            if item.id not in items:
                retold.append(position + 1)
        if item.id in items:
            continue
        if date.moment is None:
            undated.add(item.id)
        items[item.id] = item
        kept_dates.append(date)
    problems = []
    if empty:
        problems.append(f"{_which(empty)} of the feed had neither a title nor any text: left out")
    if retold:
        problems.append(
            f"{_which(retold)} of the feed had the id of an earlier item but another title "
            "or link: kept as a story of its own"
        )
    return tuple(items.values()), frozenset(undated), problems, _date_problems(kept_dates)


def parse_feed(
    data: bytes,
    headers: Mapping[str, str],
    *,
    url: str,
    now: datetime,
    tz: tzinfo,
    max_items: int | None = None,
) -> ParsedFeed:
    """Read a feed's bytes into cleaned items; never raises for anything in the bytes.

    A date without a zone is taken in ``tz``, the site's zone: a site's feeds are most
    often of its own country.

    Cleaning an item costs far more than parsing it, so with ``max_items`` only that many
    of the newest items are cleaned, and the feed is told to have been cut.
    """
    data, headers, problems = settle_charset(data, headers)
    base = url if url.startswith(("http://", "https://")) else ""  # a local file has none
    if base:
        headers.setdefault("content-location", base)
    try:
        # a stream, not bytes: feedparser opens bytes that name a file as that file
        parsed = feedparser.parse(io.BytesIO(data), response_headers=headers)
    except Exception as error:
        # feedparser has bugs on hostile input; one feed must not stop the rest
        return ParsedFeed(ok=False, problems=(f"the feed could not be read ({error})",))
    if not parsed.get("version") and not parsed.entries:
        looks_html = _HTML_START.match(data) or "html" in headers.get("content-type", "")
        what = "a web page, not a feed" if looks_html else "not a feed that can be read"
        return ParsedFeed(ok=False, problems=(f"the address gave {what}",))
    if parsed.get("bozo") and not isinstance(
        parsed.get("bozo_exception"), feedparser.NonXMLContentType
    ):
        problems.append(
            f"the feed is not well-formed ({parsed.get('bozo_exception')}): "
            f"kept the {len(parsed.entries)} items that could be read"
        )
    channel = parsed.feed
    link = canonical_url(channel.get("link", "") or "", base)
    feed_language = _normal_language(channel.get("language", "") or "")
    entries = parsed.entries
    positions: Sequence[int] = range(len(entries))
    if max_items is not None and len(entries) > max_items:
        problems.append(
            f"the feed has {len(entries)} items, more than the limit of {max_items}: "
            f"only the {max_items} newest were read (the limit is the feed's 'max_items' "
            "in config.yaml)"
        )
        positions = _newest(entries, max_items, now)
    items, undated, item_problems, date_problems = _read_items(
        entries, positions, base=link or base, feed_language=feed_language, now=now, tz=tz
    )
    return ParsedFeed(
        ok=True,
        title=_text(channel.get("title_detail"), channel.get("title", "") or ""),
        link=link,
        items=items,
        undated=undated,
        problems=(*problems, *item_problems),
        date_problems=date_problems,
    )
