"""Tagging kept on disk while what it reads is unchanged.

Tagging reads every article's words against the whole site: the costliest stage of a
rebuild where few or no articles changed. Its result is small (each article's tag keys,
each tag's label and address) and is named by a fingerprint of exactly what tagging
reads, so any change to an article's text, language, source or given tags, to their
order, or to the ``tags:`` settings tagging reads computes it again; a change of anything
else (a date, the time zone, the ``related:`` settings, how tag pages are laid out)
reuses it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

from . import cache, tags
from .config import TagsConfig
from .model import Article, Tag

# Bumped whenever tagging (tags.py, keyphrases.py, spellings.py, or what they use) can give
# other tags for the same articles and settings: tags kept by an earlier version are then
# never reused. A new release of the package invalidates them too (``cache.stored``).
TAGS_VERSION = 25
# Settings under ``tags:`` that only lay out the tag pages: tagging never reads them, so
# changing them keeps the tags. Any other setting there, present or future, is in the key.
_LAYOUT_ONLY = frozenset({"most_used", "page_size"})


def assign_tags(
    articles: Sequence[Article], config: TagsConfig, *, cache_dir: Path | None
) -> tuple[tuple[Article, ...], tuple[Tag, ...]]:
    """What ``tags.assign_tags`` gives for these articles, read back from ``cache_dir`` when
    the same articles were tagged with the same settings before."""
    read = cache.digest(
        (a.id, a.title, a.body_html, a.summary, a.lang, a.source, *a.given_tags) for a in articles
    )
    settings = {
        field.name: getattr(config, field.name)
        for field in dataclasses.fields(config)
        if field.name not in _LAYOUT_ONLY
    }
    inputs = (TAGS_VERSION, settings, read)
    kept = cache.stored(
        cache_dir, "tags", inputs, lambda: _plain(tags.assign_tags(articles, config))
    )
    by_key = {key: Tag(key, label, slug) for key, label, slug in kept["tags"]}
    return (
        tuple(
            dataclasses.replace(article, tags=tuple(by_key[key] for key in keys))
            for article, keys in zip(articles, kept["articles"], strict=True)
        ),
        tuple(by_key[key] for key in kept["pages"]),
    )


def _plain(result: tuple[tuple[Article, ...], tuple[Tag, ...]]) -> dict[str, list]:
    """Tagging's result as JSON: every tag used once, then each article's and the tag
    pages' keys, in order."""
    articles, pages = result
    used = {tag.key: tag for article in articles for tag in article.tags}
    return {
        "tags": [[tag.key, tag.label, tag.slug] for tag in used.values()],
        "articles": [[tag.key for tag in article.tags] for article in articles],
        "pages": [tag.key for tag in pages],
    }
