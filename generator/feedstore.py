"""The feed store: every item ever fetched, kept as text a site repository can commit.

Feeds forget: an item drops out of a feed after a few days. The store remembers, so a
scheduled build on a fresh clone still has the whole history. Layout, under
``content/feeds/``::

    <feed-folder>/feed.json        the feed's url, title and home page
    <feed-folder>/2023-09.jsonl    the items published in that month (UTC), one JSON
                                   object a line, sorted by (published, id)

Keys are sorted and text is written as UTF-8 (not ``\\u`` escapes), so a diff shows what
changed and nothing else. Every file is replaced atomically (a temporary file beside it,
then ``os.replace``), so an interrupted build leaves the old file or the new one; and
months gain their items before any month loses one, so a build killed between two files
leaves every item findable (see ``write_feed``).

The validators for conditional requests live apart, in ``.cache/feeds.json`` under the
site folder: they are worth nothing in a repository and may be deleted at any time.

Reading and merging are pure; only ``write_feed``, ``write_states`` and the readers touch
the disk.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from .atomicwrite import write_text_atomically
from .problems import Problem
from .slugs import short_hash, slugify


@dataclass(frozen=True, slots=True)
class StoredItem:
    """One feed item as the store keeps it: already cleaned, ready to become an Article."""

    id: str
    title: str
    published: datetime  # aware, UTC
    first_seen: datetime  # aware, UTC: when this site first fetched the item
    url: str = ""
    body_html: str = ""
    summary: str = ""
    lang: str = ""
    dir: str = ""
    categories: tuple[str, ...] = ()
    enclosures: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StoredFeed:
    url: str
    title: str = ""
    link: str = ""  # the feed's home page
    items: tuple[StoredItem, ...] = ()


@dataclass(frozen=True, slots=True)
class FeedState:
    """What the last fetch of one feed left behind, for the next one (``.cache/feeds.json``)."""

    etag: str = ""
    last_modified: str = ""
    last_fetch: datetime | None = None
    last_success: datetime | None = None
    last_problem: str = ""

    @property
    def failed(self) -> bool:
        """The last fetch got nothing usable (a success sets both times to the same moment)."""
        return self.last_fetch is not None and self.last_success != self.last_fetch


def feed_folder(store_dir: Path, url: str) -> Path:
    """The folder of a feed: readable, and unique thanks to a short hash of the url."""
    parts = urlsplit(url)
    readable = slugify(f"{parts.netloc} {parts.path}", max_length=60) if parts.netloc else ""
    readable = readable or slugify(url, max_length=60)
    return store_dir / f"{readable}-{short_hash(url, 6)}"


# --- items <-> text ------------------------------------------------------------------


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def item_to_json(item: StoredItem) -> str:
    record = {
        "id": item.id,
        "title": item.title,
        "published": _timestamp(item.published),
        "first_seen": _timestamp(item.first_seen),
        "url": item.url,
        "body_html": item.body_html,
        "summary": item.summary,
        "lang": item.lang,
        "dir": item.dir,
        "categories": list(item.categories),
        "enclosures": list(item.enclosures),
    }
    return json.dumps(record, ensure_ascii=False, sort_keys=True)


def item_from_json(line: str) -> StoredItem:
    """An item from one store line; raises ValueError (or KeyError) on a damaged line."""
    record = json.loads(line)
    return StoredItem(
        id=str(record["id"]),
        title=str(record["title"]),
        published=_moment(record["published"]),
        first_seen=_moment(record["first_seen"]),
        url=str(record.get("url", "")),
        body_html=str(record.get("body_html", "")),
        summary=str(record.get("summary", "")),
        lang=str(record.get("lang", "")),
        dir=str(record.get("dir", "")),
        categories=tuple(map(str, record.get("categories", ()))),
        enclosures=tuple(map(str, record.get("enclosures", ()))),
    )


def _month_name(item: StoredItem) -> str:
    return item.published.astimezone(UTC).strftime("%Y-%m") + ".jsonl"


def _months(items: Iterable[StoredItem]) -> dict[str, list[StoredItem]]:
    months: dict[str, list[StoredItem]] = {}
    for item in items:
        months.setdefault(_month_name(item), []).append(item)
    return dict(sorted(months.items()))


def _month_text(items: Iterable[StoredItem]) -> str:
    return "".join(
        item_to_json(item) + "\n" for item in sorted(items, key=lambda i: (i.published, i.id))
    )


def month_files(items: Iterable[StoredItem]) -> dict[str, str]:
    """The text of each month file (``YYYY-MM.jsonl``) holding these items, sorted."""
    return {name: _month_text(group) for name, group in _months(items).items()}


def _meta_json(feed: StoredFeed) -> str:
    meta = {"url": feed.url, "title": feed.title, "link": feed.link}
    return json.dumps(meta, ensure_ascii=False, sort_keys=True, indent=2) + "\n"


# --- merging (pure) ------------------------------------------------------------------


def merge_items(
    stored: Iterable[StoredItem],
    fetched: Iterable[StoredItem],
    *,
    now: datetime,
    keep_days: int = 0,
    undated: frozenset[str] = frozenset(),
) -> tuple[tuple[StoredItem, ...], int]:
    """Stored items updated with fetched ones, and how many fetched ones are new.

    An item already stored is updated in place and keeps its first-seen time; items that
    left the feed stay. An item in ``undated`` has no date of its own, so it keeps the one
    it was stored with (its first sight). With ``keep_days`` > 0, items published longer
    ago are dropped.
    """
    by_id = {item.id: item for item in stored}
    new = 0
    for item in fetched:
        old = by_id.get(item.id)
        if old is None:
            new += 1
            by_id[item.id] = item
        else:
            by_id[item.id] = replace(
                item,
                published=old.published if item.id in undated else item.published,
                first_seen=min(old.first_seen, item.first_seen),
            )
    items = by_id.values()
    if keep_days > 0:
        horizon = now - timedelta(days=keep_days)
        items = [item for item in items if item.published >= horizon]
    return tuple(sorted(items, key=lambda i: (i.published, i.id))), new


# --- disk ----------------------------------------------------------------------------


def _read_month(text: str) -> tuple[list[StoredItem], list[int]]:
    """The items of one month file's text, and the numbers of its damaged lines."""
    items: list[StoredItem] = []
    damaged: list[int] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            items.append(item_from_json(line))
        except (ValueError, KeyError, TypeError, AttributeError):
            damaged.append(number)
    return items, damaged


def read_feed(folder: Path, url: str) -> tuple[StoredFeed, tuple[Problem, ...]]:
    """The stored feed in ``folder`` (empty if there is none); damaged lines are reported.

    An item found in two month files (a build was stopped while its date moved, see
    ``write_feed``) is kept once: its copy in the later month wins, whatever the order
    the files are listed in.
    """
    problems: list[Problem] = []
    title = link = ""
    meta_path = folder / "feed.json"
    if meta_path.is_file():
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            title, link = str(meta.get("title", "")), str(meta.get("link", ""))
        except (ValueError, AttributeError):
            problems.append(Problem(str(meta_path), None, "the file is damaged", "ignored"))
    items: dict[str, StoredItem] = {}
    for path in sorted(folder.glob("*.jsonl")):
        month, damaged = _read_month(path.read_text(encoding="utf-8"))
        problems.extend(
            Problem(str(path), number, "a damaged line", "skipped") for number in damaged
        )
        items.update((item.id, item) for item in month)
    ordered = tuple(sorted(items.values(), key=lambda i: (i.published, i.id)))
    return StoredFeed(url=url, title=title, link=link, items=ordered), tuple(problems)


def write_feed(folder: Path, feed: StoredFeed) -> None:
    """Write the feed's files, touching only those whose text changed; drop emptied months.

    A build may be killed between any two files, so no write may lose an item that
    another write has not yet saved. First every month that gains an item (a new one, or
    one whose date moved in from another month) is written with its new items *and* the
    ones it is about to lose; only then is every month written as it should be, and the
    emptied ones removed. Until that second pass ends an item may be in two months,
    never in none; ``read_feed`` keeps one copy and the next write removes the other.
    Each month file is read once, and only a month whose text changes is parsed.
    """
    for leftover in folder.glob(".*.tmp"):  # from a build killed while writing
        leftover.unlink()
    months = _months(feed.items)
    wanted = {name: _month_text(items) for name, items in months.items()}
    on_disk = {
        name: path.read_text(encoding="utf-8")
        for name in wanted
        if (path := folder / name).is_file()
    }
    for name, items in months.items():
        old = on_disk.get(name)
        if old == wanted[name]:
            continue
        ids = {item.id for item in items}
        leaving = [item for item in _read_month(old)[0] if item.id not in ids] if old else []
        text = _month_text([*items, *leaving]) if leaving else wanted[name]
        if text != old:
            write_text_atomically(folder / name, text)
            on_disk[name] = text
    meta = folder / "feed.json"
    if not meta.is_file() or meta.read_text(encoding="utf-8") != _meta_json(feed):
        write_text_atomically(meta, _meta_json(feed))
    for name, text in wanted.items():
        if on_disk.get(name) != text:
            write_text_atomically(folder / name, text)
    for path in folder.glob("*.jsonl"):
        if path.name not in months:
            path.unlink()


def _state_to_json(state: FeedState) -> dict[str, str]:
    return {
        "etag": state.etag,
        "last_modified": state.last_modified,
        "last_fetch": _timestamp(state.last_fetch) if state.last_fetch else "",
        "last_success": _timestamp(state.last_success) if state.last_success else "",
        "last_problem": state.last_problem,
    }


def _state_from_json(record: Mapping[str, str]) -> FeedState:
    def moment(key: str) -> datetime | None:
        return _moment(record[key]) if record.get(key) else None

    return FeedState(
        etag=str(record.get("etag", "")),
        last_modified=str(record.get("last_modified", "")),
        last_fetch=moment("last_fetch"),
        last_success=moment("last_success"),
        last_problem=str(record.get("last_problem", "")),
    )


def read_states(path: Path) -> dict[str, FeedState]:
    """The cache of validators by feed url; a missing or damaged cache is simply empty."""
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
        return {str(url): _state_from_json(record) for url, record in records.items()}
    except (OSError, ValueError, TypeError, AttributeError):
        return {}


def write_states(path: Path, states: Mapping[str, FeedState]) -> None:
    records = {url: _state_to_json(state) for url, state in states.items()}
    write_text_atomically(
        path, json.dumps(records, ensure_ascii=False, sort_keys=True, indent=2) + "\n"
    )
