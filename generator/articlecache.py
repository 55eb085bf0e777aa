"""Saved articles as last parsed, kept on disk so an unchanged file is not parsed again.

Reading the curator's files (YAML, Markdown, sanitizing) is most of a rebuild's time. Each
file's parse is kept under its ``parse_key``, which names everything the parse depends
on, so a changed file or setting is never answered with a stale parse. The file is JSON,
not pickle: the folder is the user's, and loading it must never run code. A file that is
missing, damaged or from another format is ignored, and every file is parsed again.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from .articles import Parsed
from .atomicwrite import write_text_atomically
from .frontmatter import Entry
from .model import Article, Tag
from .problems import Problem

FILE_NAME = "articles-v1.json"
_UTC = ZoneInfo("UTC")  # as the front matter reader gives dates, so pages come out the same


def load(cache_dir: Path) -> Mapping[str, Parsed]:
    """The parses kept by the last build, or none when they cannot all be read back."""
    try:
        entries = json.loads((cache_dir / FILE_NAME).read_text(encoding="utf-8"))
        return {key: _parsed(value) for key, value in entries.items()}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}


def save(cache_dir: Path, parsed: Mapping[str, Parsed]) -> None:
    """Keep these parses, and only these: a file renamed or removed leaves nothing behind.
    Written to a temporary file first, so a killed build never leaves half a file."""
    entries = {key: _plain(item) for key, item in parsed.items()}
    text = json.dumps(entries, ensure_ascii=False)
    write_text_atomically(cache_dir / FILE_NAME, text, durable=False)


def _plain(item: Parsed) -> dict[str, Any]:
    article = item.article
    return {
        "article": None
        if article is None
        else {
            **{name: getattr(article, name) for name in _TEXT_FIELDS},
            "published": article.published.isoformat(),
            "timed": article.timed,
            **{name: list(getattr(article, name)) for name in _TEXT_LISTS},
            "tags": [[tag.key, tag.label, tag.slug] for tag in article.tags],
        },
        "related": [[entry.value, entry.line] for entry in item.related],
        "problems": [
            [problem.origin, problem.line, problem.message, problem.action]
            for problem in item.problems
        ],
    }


def _parsed(value: dict[str, Any]) -> Parsed:
    fields = value["article"]
    article = None
    if fields is not None:
        article = Article(
            **{name: _text(fields[name]) for name in _TEXT_FIELDS},
            published=datetime.fromisoformat(fields["published"]).astimezone(_UTC),
            timed=fields["timed"] is True,
            **{name: tuple(map(_text, fields[name])) for name in _TEXT_LISTS},
            tags=tuple(Tag(*map(_text, tag)) for tag in fields["tags"]),
        )
    return Parsed(
        article,
        tuple(Entry(_text(text), int(line)) for text, line in value["related"]),
        tuple(Problem(*problem) for problem in value["problems"]),
    )


def _text(value: Any) -> str:
    """A text as stored; anything else means the file is not one this module wrote."""
    if not isinstance(value, str):
        raise TypeError(f"expected text, found {type(value).__name__}")
    return value


_TEXT_FIELDS = (
    "id",
    "slug",
    "title",
    "source",
    "origin",
    "url",
    "body_html",
    "summary",
    "lang",
    "dir",
    "source_url",
)
_TEXT_LISTS = ("given_tags", "explicit_related", "related", "same_story")
