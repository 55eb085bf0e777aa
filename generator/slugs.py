"""URL-safe, human-readable slugs that keep Arabic (and every other) letters.

Slugs become folder names and URLs, so they must be stable from build to build, free
of path separators and reserved names, and bounded in length.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

_NOT_WORD = re.compile(r"[^\w]+")
_MAX_LENGTH = 80
_RESERVED = {"", ".", "..", "con", "prn", "aux", "nul", "static", "page", "feed.xml", "index"}


def slugify(text: str, *, max_length: int = _MAX_LENGTH) -> str:
    """Lower-case words joined by hyphens; marks and punctuation dropped, letters kept."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in {"Mn", "Cf"})
    words = _NOT_WORD.sub(" ", text.replace("_", " ")).split()
    slug = "-".join(words).lower()
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    if slug in _RESERVED:
        slug = f"{slug}-{short_hash(text)}" if slug else short_hash(text)
    return slug


def short_hash(text: str, length: int = 8) -> str:
    """A stable short fingerprint, for ids and to tell apart slugs that would collide."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


def unique_slugs(wanted: list[tuple[str, str]]) -> dict[str, str]:
    """Map each ``(id, slug)`` to a slug no other id has, deterministically.

    Ids are visited in sorted order, and a clash gets a suffix from a hash of the id, so
    adding an article never renames another one's page.
    """
    taken: dict[str, str] = {}
    result: dict[str, str] = {}
    counts: dict[str, int] = {}
    for _, slug in wanted:
        counts[slug] = counts.get(slug, 0) + 1
    for item_id, slug in sorted(wanted):
        final = slug if counts[slug] == 1 else f"{slug}-{short_hash(item_id)}"
        while final in taken:
            final = f"{final}-{short_hash(final)}"
        taken[final] = item_id
        result[item_id] = final
    return result
