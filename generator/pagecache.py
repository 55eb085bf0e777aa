"""Pages kept from the last build: a page made from the same inputs is not rendered again.

On a large site rendering is most of a rebuild, while a change (an article added, an
hour's feed items) touches few pages: the article's own, its day's, the lists it is on,
the pages that link to it. So every page gets a key, a hash of what it is made from: what
every page shares (the settings, the templates, the theme's words, digest's own code),
its variables, with each article and day in them only named, and what its last rendering
read of the site's articles, days and tag pages (its trace, ``pagereads``), each as it is
now. The last build notes each page's key and trace, with a hash of the bytes it wrote.
A page whose key, made from its trace, is the one noted, and whose file in the current
site still has those bytes, is taken from it instead of rendered: everything its last
rendering read is as it was, so it would come out the same. Its bytes are checked where
the key is made and then left in the current site (the new site links to them), not
carried to the process that writes. Feeds are kept the same
way (``feedfiles``), each keyed by its channel's inputs, whole (``InputKeys``).

The note is written only after the new site is in place, and checked against the bytes,
not the file's time or inode, so neither a failed build nor a file changed since can
make a page come back stale, and a ``site/`` restored from a CI cache is used as well as
the one the last build left.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import stat
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from types import MappingProxyType

from . import pagereads
from .atomicwrite import write_text_atomically
from .model import Article, Digest, OutputFile, Site, Story
from .pagereads import Trace
from .problems import BuildError

FILE_NAME = "pages-v3.json"
_NUMBER_SEPARATOR = ","


@dataclass(frozen=True, slots=True)
class KeptPages:
    """The pages of the current site (``output_dir``) that the last build made, by path,
    each with its key, the hash of its bytes and, for a page, its trace (as ``Note``
    numbers it)."""

    output_dir: Path | None
    keys: Mapping[str, str] = field(default_factory=dict)
    hashes: Mapping[str, str] = field(default_factory=dict)
    numbered: Mapping[str, str] = field(default_factory=dict)
    refs: Sequence[str] = ()
    names: Sequence[str] = ()

    def kept(self, path: str, key: str) -> OutputFile | None:
        """The file as the current site holds it, if made from inputs of this key and its
        bytes are still those the last build wrote: checked here, and then left there
        (``OutputFile``), so that they are not carried from the process that checks them
        to the one that writes."""
        if self.output_dir is None or self.keys.get(path) != key:
            return None
        if _read_if_same(self.output_dir / path, self.hashes[path]) is None:
            return None
        return OutputFile(path, b"", made_from=key, kept=True, content_hash=self.hashes[path])

    def trace(self, path: str) -> Trace | None:
        """What the page's last rendering read, if the last build made it and its note can
        be read (a page whose note cannot is made again)."""
        try:
            numbered = self.numbered[path]
            if not numbered:
                return ()  # a page that read nothing of the site: the 404 page
            numbers = [int(number) for number in numbered.split(_NUMBER_SEPARATOR)]
            if min(numbers) < 0:
                return None
            pairs = zip(numbers[::2], numbers[1::2], strict=True)
            return tuple((self.refs[ref], self.names[name]) for ref, name in pairs)
        except (KeyError, ValueError, IndexError):
            return None


NOTHING_KEPT = KeptPages(None)


def load(cache_dir: Path, output_dir: Path) -> KeptPages:
    """The last build's pages; none when there is no note or it cannot be read."""
    try:
        note = json.loads((cache_dir / FILE_NAME).read_text(encoding="utf-8"))
        refs, names = [str(ref) for ref in note["refs"]], [str(name) for name in note["names"]]
        made = {
            str(path): (str(key), str(content), str(numbers))
            for path, (key, content, numbers) in note["files"].items()
        }
    except (OSError, ValueError, TypeError, AttributeError, KeyError):
        return NOTHING_KEPT
    return KeptPages(
        output_dir,
        MappingProxyType({path: key for path, (key, _, _) in made.items()}),
        MappingProxyType({path: content for path, (_, content, _) in made.items()}),
        MappingProxyType({path: numbers for path, (_, _, numbers) in made.items()}),
        refs,
        names,
    )


def kept_bytes(file: OutputFile, output_dir: Path) -> bytes:
    """A file's bytes: for a kept file, those of the current site, checked again (a file
    changed there since it was found unchanged is an error, not a stale page)."""
    if not file.kept:
        return file.content
    content = _read_if_same(output_dir / file.path, file.content_hash)
    if content is None:
        raise BuildError(
            f"{output_dir / file.path} changed while the site was being built; build again"
        )
    return content


class Note:
    """What a build learns of the files it is given, for the next build: each one's key, a
    hash of its bytes and its trace. A trace is written as numbers (what was read, and
    which of its fields, each written once for the whole note: most pages read the same
    fields of articles many pages read), as soon as its file passes: a large site's
    traces would otherwise be held in full until the end."""

    def __init__(self) -> None:
        self._files: dict[str, tuple[str, str, str]] = {}
        self._refs: dict[str, int] = {}
        self._names: dict[str, int] = {}

    def add(self, file: OutputFile) -> None:
        numbers = []
        for ref, names in file.trace:
            numbers.append(self._refs.setdefault(ref, len(self._refs)))
            numbers.append(self._names.setdefault(names, len(self._names)))
        numbered = _NUMBER_SEPARATOR.join(map(str, numbers))
        content = file.content_hash or content_hash(file.content)
        self._files[file.path] = (file.made_from, content, numbered)

    def save(self, cache_dir: Path) -> None:
        """Note the files of the site just swapped in. Written to a temporary file first,
        so a killed build never leaves half a note."""
        note = {
            "refs": list(self._refs),
            "names": list(self._names),
            "files": dict(sorted(self._files.items())),
        }
        text = json.dumps(note, ensure_ascii=False, separators=(",", ":"))
        write_text_atomically(cache_dir / FILE_NAME, text, durable=False)


def _read_if_same(file: Path, expected: str) -> bytes | None:
    content = _read_file(file)
    return content if content is not None and content_hash(content) == expected else None


def _read_file(file: Path) -> bytes | None:
    """A file's bytes, if it is a file of its own (a link could lead out of the site)."""
    try:
        if not stat.S_ISREG(file.lstat().st_mode):
            return None
        return file.read_bytes()
    except OSError:
        return None


def content_hash(content: bytes) -> str:
    """What a kept file is checked by: a hash of its bytes."""
    return hashlib.blake2b(content, digest_size=20).hexdigest()


class _Keys:
    """Keys of values made of the site's data: containers, dataclasses and plain values
    written out with what they hold, each article, day and story as the subclass says,
    and the text hashed once. Parts many keys share are written once, and held, so that
    the identity they are remembered by stays theirs for the life of this object."""

    def __init__(self, shared: Iterable[str]) -> None:
        common = hashlib.blake2b(digest_size=20)
        for text in shared:
            common.update(_framed(text))
        self._common = common.digest()
        self._memo: dict[int, tuple[object, str]] = {}

    def _key(self, text: str) -> str:
        hashed = hashlib.blake2b(self._common, digest_size=20)
        hashed.update(text.encode("utf-8", "surrogatepass"))
        return hashed.hexdigest()

    def _text(self, value: object) -> str:
        if isinstance(value, Article | Digest | Mapping | frozenset | set):
            kept = self._memo.get(id(value))
            if kept is None:
                kept = self._memo[id(value)] = (value, self._written(value))
            return kept[1]
        return self._written(value)

    def _written(self, value: object) -> str:
        if type(value) in _PLAIN:
            return repr(value)
        if isinstance(value, Article):
            return self._article(value)
        if isinstance(value, Digest):
            return self._day(value)
        if isinstance(value, Story):
            return self._story(value)
        if isinstance(value, Mapping):
            items = sorted(value.items())
            return "{" + ",".join(f"{k!r}:{self._text(v)}" for k, v in items) + "}"
        if isinstance(value, frozenset | set):
            return "{" + ",".join(sorted(self._text(item) for item in value)) + "}"
        if isinstance(value, tuple | list):
            return f"{type(value).__name__}(" + ",".join(map(self._text, value)) + ")"
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return self._fields(value)
        if value is None or isinstance(value, str | int | float | bool | date | datetime):
            return repr(value)
        raise TypeError(f"a key cannot be made of a {type(value).__name__}")

    def _fields(self, value: object, *, site_wide: frozenset[str] = frozenset()) -> str:
        """A dataclass's fields; those ``site_wide`` by their name alone."""
        written = (
            f"<{name}>" if name in site_wide else self._text(getattr(value, name))
            for name in _field_names(type(value))
        )
        return f"{type(value).__qualname__}(" + ",".join(written) + ")"

    def _article(self, article: Article) -> str:
        raise NotImplementedError

    def _day(self, day: Digest) -> str:
        raise NotImplementedError

    def _story(self, story: Story) -> str:
        raise NotImplementedError


class InputKeys(_Keys):
    """Keys of inputs read whole, as a feed reads its days and articles: each article and
    the articles of each story in full."""

    def __init__(self, site: Site, shared: Iterable[str]) -> None:
        super().__init__(shared)
        self._articles = site.articles

    def of(self, inputs: object) -> str:
        return self._key(self._text(inputs))

    def _article(self, article: Article) -> str:
        return _hashed(repr(article))

    def _day(self, day: Digest) -> str:
        return self._fields(day)

    def _story(self, story: Story) -> str:
        ids = (story.headline, *story.also_reported_by)
        return repr(story) + ",".join(self._text(self._articles.get(i)) for i in ids)


class PageKeys(_Keys):
    """Each page's key (see the module docstring): its variables, each article and day
    in them named only, and what its trace read of the site as it is now."""

    def __init__(self, site: Site, shared: Iterable[str]) -> None:
        super().__init__(shared)
        self._articles = site.articles
        self._days = {day.date.isoformat(): day for day in site.digests}
        self._tags_with_pages = frozenset(tag.key for tag in site.tags)
        self._read: dict[tuple[str, str], str] = {}

    def of(self, context: object, trace: Trace) -> str:
        variables = self._fields(context, site_wide=pagereads.SITE_WIDE)
        read = (f"{ref!r}:{names!r}={self._value(ref, names)}" for ref, names in trace)
        return self._key(variables + "|" + ",".join(read))

    def _article(self, article: Article) -> str:
        return f"<article {article.id!r}>"

    def _day(self, day: Digest) -> str:
        return f"<day {day.date.isoformat()}>"

    def _story(self, story: Story) -> str:
        return repr(story)

    def _value(self, ref: str, names: str) -> str:
        """What a page read (``ref`` and its fields ``names``) is now, hashed."""
        value = self._read.get((ref, names))
        if value is None:
            now = [self._now(ref, name) for name in names.split(" ")]
            value = self._read[(ref, names)] = _hashed(repr(now))
        return value

    def _now(self, ref: str, name: str) -> object:
        kind, _, what = ref.partition(":")
        if kind == "t":
            return what in self._tags_with_pages
        if kind == "*":
            whole = self._articles if what == pagereads.ALL_ARTICLES else self._tags_with_pages
            return sorted(whole)
        found = (self._articles if kind == "a" else self._days).get(what)
        if found is None or name == pagereads.PRESENCE:
            return found is not None
        return found if name == pagereads.WHOLE else getattr(found, name, _MISSING)


class _Missing:
    """What a page read of an article or a day that has no such field: a ``repr`` no
    field's value has, the same in every process."""

    def __repr__(self) -> str:
        return "<no such field>"


_MISSING = _Missing()


_PLAIN = frozenset({str, int, float, bool, type(None)})


@functools.cache
def _field_names(kind: type) -> tuple[str, ...]:
    return tuple(field.name for field in dataclasses.fields(kind))


def _framed(text: str) -> bytes:
    encoded = text.encode("utf-8", "surrogatepass")
    return len(encoded).to_bytes(8, "little") + encoded


def _hashed(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=20).hexdigest()
