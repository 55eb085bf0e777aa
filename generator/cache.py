"""Results of the costly analysis stages, kept on disk while their inputs are unchanged.

Tagging, same-story grouping and related stories compare every article with many others;
a build of an unchanged site reads their last result back instead. A result is named by a
hash of everything it depends on (digest's version, the stage's version, its settings,
the article fields it reads), so a changed input can never be answered with a stale
result, and an upgrade of digest never reuses what an older version computed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from . import __version__
from .atomicwrite import write_text_atomically
from .model import Article


def stored(cache_dir: Path | None, name: str, inputs: Any, compute: Callable[[], Any]) -> Any:
    """The JSON result of ``compute`` for these ``inputs`` (JSON values, dataclasses such
    as settings, dates): read from ``<name>-<hash of inputs>.json``, or computed and stored
    there. With no ``cache_dir`` it is always computed.

    Older results of the same name are removed, so the folder does not grow; a file that
    cannot be read is computed again rather than trusted.
    """
    if cache_dir is None:
        return compute()
    path = cache_dir / f"{name}-{_fingerprint(name, inputs)}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    result = compute()
    cache_dir.mkdir(parents=True, exist_ok=True)
    for old in cache_dir.glob(f"{name}-*.json"):
        old.unlink(missing_ok=True)
    write_text_atomically(path, json.dumps(result, ensure_ascii=False), durable=False)
    return result


def digest(rows: Iterable[Iterable[str]]) -> str:
    """One hash of many texts (the fields a stage reads of each article, in order), to
    pass as an input of ``stored``: far cheaper than writing them all out as JSON. Each
    text is preceded by its length and each row by its number of texts, so no two
    different rows can give the same hash."""
    hashed = hashlib.blake2b(digest_size=20)
    for row in rows:
        encoded = [text.encode("utf-8", "surrogatepass") for text in row]
        hashed.update(len(encoded).to_bytes(4, "little"))
        for text in encoded:
            hashed.update(len(text).to_bytes(8, "little"))
            hashed.update(text)
    return hashed.hexdigest()


def text_key(article: Article) -> str:
    """The key of what an article says (title, body, summary): results derived from its
    text alone (the words tagging reads, its token ids) are kept under it."""
    return digest([(article.title, article.body_html, article.summary)])


def _fingerprint(*parts: Any) -> str:
    text = json.dumps((__version__, parts), ensure_ascii=False, sort_keys=True, default=_plain)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def _plain(value: Any) -> Any:
    """Settings (a dataclass) by their fields; anything else JSON lacks by its text."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return str(value)
