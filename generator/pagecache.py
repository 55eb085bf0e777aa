"""Pages kept from the last build: a page made from the same inputs is not rendered again.

On a large site rendering is most of a rebuild, while a change (an article added, an
hour's feed items) touches few pages: the article's own, its day's, the lists it is on,
the pages that link to it. So every page gets a key, a hash of everything its template
can reach: its context; each article in it, whole; the articles of every story or day in
it (the ``other_sources`` and ``metadata`` globals read those); for ``linked_tags``,
which of the tags of the page's articles have a page; and what every page shares (the
settings, the templates, the theme's words, digest's own code). The last build notes
each page's key with a hash of the bytes it wrote. A page whose key is unchanged, and
whose file in the current site still has those bytes, is read back from it instead of
rendered: it would come out the same. Feeds are kept the same way (``feedfiles``), each
with a key of its channel's inputs.

The note is written only after the new site is in place, and checked against the bytes,
not the file's time or inode, so neither a failed build nor a file changed since can
make a page come back stale, and a ``site/`` restored from a CI cache is used as well as
the one the last build left.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import stat
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from types import MappingProxyType

from .atomicwrite import write_text_atomically
from .model import Article, Digest, OutputFile, Site, Story

FILE_NAME = "pages-v2.json"


@dataclass(frozen=True, slots=True)
class KeptPages:
    """The pages of the current site that the last build made, by path, each with its key;
    ``read`` gives a file's bytes if it is still the one that build wrote."""

    keys: Mapping[str, str]
    read: Callable[[str], bytes | None]

    def content(self, path: str, key: str) -> bytes | None:
        """The page's bytes as the current site holds them, if made from inputs of this key."""
        return self.read(path) if self.keys.get(path) == key else None


NOTHING_KEPT = KeptPages(MappingProxyType({}), lambda path: None)


def load(cache_dir: Path, output_dir: Path) -> KeptPages:
    """The last build's pages; none when there is no note or it cannot be read."""
    try:
        note = json.loads((cache_dir / FILE_NAME).read_text(encoding="utf-8"))
        made = {str(path): (str(key), str(content)) for path, (key, content) in note.items()}
    except (OSError, ValueError, TypeError, AttributeError):
        return NOTHING_KEPT

    def read(path: str) -> bytes | None:
        return _read_if_same(output_dir / path, made[path][1])

    return KeptPages(MappingProxyType({path: key for path, (key, _) in made.items()}), read)


def noted(file: OutputFile) -> tuple[str, str]:
    """What the next build needs to know of a page it is given: its key, and a hash of
    its bytes."""
    return (file.made_from, _content_hash(file.content))


def save(cache_dir: Path, pages: Mapping[str, tuple[str, str]]) -> None:
    """Note the pages of the site just swapped in (``noted``, by path). Written to a
    temporary file first, so a killed build never leaves half a note."""
    text = json.dumps(dict(sorted(pages.items())), ensure_ascii=False)
    write_text_atomically(cache_dir / FILE_NAME, text, durable=False)


def _read_if_same(file: Path, content_hash: str) -> bytes | None:
    content = _read_file(file)
    return content if content is not None and _content_hash(content) == content_hash else None


def _read_file(file: Path) -> bytes | None:
    """A file's bytes, if it is a file of its own (a link could lead out of the site)."""
    try:
        if not stat.S_ISREG(file.lstat().st_mode):
            return None
        return file.read_bytes()
    except OSError:
        return None


def _content_hash(content: bytes) -> str:
    return hashlib.blake2b(content, digest_size=20).hexdigest()


class PageKeys:
    """Each page's key (see the module docstring). The parts many pages share (an
    article, a day, the whole site's articles) are hashed once, and held, so that the
    identity they are remembered by stays theirs for the life of this object."""

    def __init__(self, site: Site, shared: Iterable[str]) -> None:
        self._articles = site.articles
        self._tags_with_pages: frozenset[str] = frozenset(tag.key for tag in site.tags)
        common = hashlib.blake2b(digest_size=20)
        for text in shared:
            common.update(_framed(text))
        self._common = common.digest()
        self._memo: dict[int, tuple[object, bytes]] = {}

    def of(self, context: object) -> str:
        hashed = hashlib.blake2b(self._common, digest_size=20)
        hashed.update(self._part(context))
        return hashed.hexdigest()

    def _part(self, value: object) -> bytes:
        if isinstance(value, Article | Digest | Mapping | frozenset | set):
            kept = self._memo.get(id(value))
            if kept is None:
                kept = self._memo[id(value)] = (value, self._hashed(value))
            return kept[1]
        return self._hashed(value)

    def _hashed(self, value: object) -> bytes:
        if isinstance(value, Article):
            linked = [tag.key for tag in value.tags if tag.key in self._tags_with_pages]
            return _digest(repr(value), *linked)
        if isinstance(value, Story):
            ids = (value.headline, *value.also_reported_by)
            return _digest(repr(value), *(self._part(self._articles.get(i)) for i in ids))
        if isinstance(value, Mapping):
            return _digest(*(_framed(repr(k)) + self._part(v) for k, v in sorted(value.items())))
        if isinstance(value, frozenset | set):
            if value == self._tags_with_pages:  # ``linked_tags``: each article says its own
                return _digest("tags with pages")
            return _digest("set", *sorted(self._part(item) for item in value))
        if isinstance(value, tuple | list):
            return _digest(type(value).__name__, *(self._part(item) for item in value))
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            fields = dataclasses.fields(value)
            return _digest(
                type(value).__qualname__,
                *(self._part(getattr(value, field.name)) for field in fields),
            )
        if value is None or isinstance(value, str | int | float | bool | date | datetime):
            return _digest(repr(value))
        raise TypeError(f"a page's key cannot be made of a {type(value).__name__}")


def _framed(text: str) -> bytes:
    encoded = text.encode("utf-8", "surrogatepass")
    return len(encoded).to_bytes(8, "little") + encoded


def _digest(*parts: str | bytes) -> bytes:
    hashed = hashlib.blake2b(digest_size=20)
    for part in parts:
        hashed.update(_framed(part) if isinstance(part, str) else part)
    return hashed.digest()
