"""URL-safe, human-readable slugs that keep Arabic (and every other) letters.

Slugs become folder and file names and URLs, so they must be stable from build to
build, free of path separators and reserved names, and bounded in length.

The bound that matters to the file system is in bytes, not characters: most of them
refuse a name longer than 255 bytes of UTF-8, and a letter takes one to four bytes (an
Arabic letter two, a CJK Extension B ideograph four). A slug is at most
``MAX_SLUG_BYTES`` bytes, which leaves room for what is added to it later: the ``-``
and hash that tell clashing slugs apart (``unique_slugs``, the importer), and an
extension such as ``.md``. The 80-character cap is kept as well, for readable URLs and
so that every slug that was already short enough stays what it was.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata

NAME_MAX_BYTES = 255  # the longest file or folder name (one path component) in UTF-8
MAX_SLUG_BYTES = 200  # leaves 55 bytes of NAME_MAX_BYTES for suffixes and extensions
_MAX_LENGTH = 80

_NOT_WORD = re.compile(r"[^\w]+")
_WINDOWS_DEVICES = frozenset(
    {"con", "prn", "aux", "nul"}
    | {f"{port}{number}" for port in ("com", "lpt") for number in range(10)}
)
# "static" and "page" are folders of the site itself; "index" would read as the home page.
_RESERVED = _WINDOWS_DEVICES | {"", "static", "page", "index"}


def slugify(text: str, *, max_length: int = _MAX_LENGTH, max_bytes: int = MAX_SLUG_BYTES) -> str:
    """Lower-case words joined by hyphens; marks and punctuation dropped, letters kept.

    A slug only has letters, digits and single hyphens between words, so it never holds
    a separator, a dot or a control character, and slugifying a slug gives it back
    unchanged. A reserved result gets a hash of the text, so bounds below 16 bytes are
    not kept for those.
    """
    text = _without_marks(unicodedata.normalize("NFKC", text))
    # Lower-casing can decompose a letter (``İ`` becomes ``i`` and a combining dot), so
    # the marks are dropped again after it: that keeps slugify idempotent.
    lower = _without_marks(unicodedata.normalize("NFKC", text.lower()))
    words = _NOT_WORD.sub(" ", lower.replace("_", " ")).split()
    slug = _shorten("-".join(words), max_length, max_bytes)
    if slug in _RESERVED:
        slug = f"{slug}-{short_hash(text)}" if slug else short_hash(text)
    return slug


def _without_marks(text: str) -> str:
    """Combining marks (Arabic harakat among them) and invisible format characters gone."""
    return "".join(ch for ch in text if unicodedata.category(ch) not in {"Mn", "Cf"})


def _shorten(slug: str, max_length: int, max_bytes: int) -> str:
    """The slug cut to both bounds: at a whole character, then at the last whole word."""
    fits = slug[:max_length].encode("utf-8")[:max_bytes].decode("utf-8", "ignore")
    return slug if fits == slug else fits.rsplit("-", 1)[0]


def name_fits(name: str) -> bool:
    """Whether a file or folder name is short enough for the file system to accept it."""
    return len(os.fsencode(name)) <= NAME_MAX_BYTES


def short_hash(text: str, length: int = 8) -> str:
    """A stable short fingerprint, for ids and to tell apart slugs that would collide.

    Any text can be fingerprinted, even one with a lone surrogate (which a JSON escape
    such as ``\\ud800`` can produce) that strict UTF-8 refuses to encode.
    """
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:length]


def unique_slugs(wanted: list[tuple[str, str]]) -> dict[str, str]:
    """Map each ``(id, slug)`` to a slug no other id has, deterministically.

    Ids are visited in sorted order, and a clash gets a suffix from a hash of the id, so
    adding an article never renames another one's page. A told-apart slug is always the
    slug plus one ``-`` and eight hex digits, whatever else clashes: nine bytes, within
    the room ``MAX_SLUG_BYTES`` leaves.
    """
    taken: dict[str, str] = {}
    result: dict[str, str] = {}
    counts: dict[str, int] = {}
    for _, slug in wanted:
        counts[slug] = counts.get(slug, 0) + 1
    for item_id, slug in sorted(wanted):
        final = slug if counts[slug] == 1 else f"{slug}-{short_hash(item_id)}"
        while final in taken:
            final = f"{slug}-{short_hash(final)}"
        taken[final] = item_id
        result[item_id] = final
    return result
