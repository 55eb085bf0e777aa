"""Tagging kept on disk while what it reads is unchanged.

Tagging reads every article's words against the whole site: the costliest stage of a
rebuild where few or no articles changed. Its result is small (each article's tag keys,
each tag's label and address) and is named by a fingerprint of exactly what tagging
reads, so any change to the words of an article's title or lead, to its language, source
or given tags, to their order, or to the ``tags:`` settings tagging reads computes it
again; a change of anything else (a date, the time zone, the body further down, the
``related:`` settings, how tag pages are laid out) reuses it.

Those words (``keyphrases.article_words``) are kept too, by the article's text: finding
them in the markup is a fifth of tagging, and a rebuild would find the same again for
every article but the few that changed. With ``tags: window: month`` each month's key
phrases are kept apart as well, so a change re-tags only its month.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, tzinfo
from pathlib import Path

from . import __version__, cache, tags
from .atomicwrite import write_text_atomically
from .config import TagsConfig
from .keyphrases import Words, article_words, with_one_copy
from .model import Article, Tag
from .tags import Extracted

# Bumped whenever tagging (tags.py, keyphrases.py, spellings.py, or what they use) can give
# other tags for the same articles and settings: tags kept by an earlier version are then
# never reused. A new release of the package invalidates them too (``cache.stored``).
TAGS_VERSION = 50
# Settings under ``tags:`` that only lay out the tag pages: tagging never reads them, so
# changing them keeps the tags. Any other setting there, present or future, is in the key.
_LAYOUT_ONLY = frozenset({"most_used", "page_size"})
WORDS_FILE = "tag-words.json"
_JOIN = "\n"  # never inside a written word


def assign_tags(
    articles: Sequence[Article],
    config: TagsConfig,
    *,
    cache_dir: Path | None,
    zone: tzinfo = UTC,
) -> tuple[tuple[Article, ...], tuple[Tag, ...]]:
    """What ``tags.assign_tags`` gives for these articles, read back from ``cache_dir`` when
    the same articles were tagged with the same settings before, each in the same window
    (by month, in the site's time ``zone``)."""
    text_keys = [cache.text_key(article) for article in articles]
    written = _written(articles, text_keys, cache_dir)
    read = cache.digest(
        (title, lead, a.lang, a.source, tags.window_of(a, config, zone), *a.given_tags)
        for a, (title, lead) in zip(articles, written, strict=True)
    )
    settings = {
        field.name: getattr(config, field.name)
        for field in dataclasses.fields(config)
        if field.name not in _LAYOUT_ONLY
    }
    inputs = (TAGS_VERSION, settings, read)

    def tag() -> dict[str, list]:
        if config.window == "site" or cache_dir is None:
            words = with_one_copy(map(_words, written))
            written.clear()  # tagging is a build's peak of memory: the texts are split by now
            return _plain(tags.assign_tags(articles, config, words, zone=zone))
        text_key_of = dict(zip((a.id for a in articles), text_keys, strict=True))
        windows = _KeptWindows(cache_dir, config, (TAGS_VERSION, settings), text_key_of)
        result = tags.assign_tags(articles, config, _Split(written), windows, zone)
        windows.forget_others()
        return _plain(result)

    kept = cache.stored(cache_dir, "tags", inputs, tag)
    by_key = {key: Tag(key, label, slug) for key, label, slug in kept["tags"]}
    return (
        tuple(
            dataclasses.replace(article, tags=tuple(by_key[key] for key in keys))
            for article, keys in zip(articles, kept["articles"], strict=True)
        ),
        tuple(by_key[key] for key in kept["pages"]),
    )


class _KeptWindows:
    """Each window's key phrases (``tags.windows``), read back from ``cache_dir`` when its
    articles were tagged with the same settings before: a change re-tags its window alone.
    Called as ``tags.Extractor``."""

    _PREFIX = "tagwindow-"

    def __init__(
        self,
        cache_dir: Path,
        config: TagsConfig,
        settings: object,
        text_key_of: Mapping[str, str],
    ) -> None:
        self._cache_dir = cache_dir
        self._config = config
        self._settings = settings
        self._text_key_of = text_key_of  # article id -> ``cache.text_key``
        self._names: set[str] = set()

    def __call__(
        self, name: str, articles: Sequence[Article], words: Callable[[], Sequence[Words]]
    ) -> Extracted:
        self._names.add(name)
        # the words tagging reads are those of the text: its key names them
        read = cache.digest(
            (self._text_key_of[a.id], a.lang, a.source, *a.given_tags) for a in articles
        )

        def extract() -> dict[str, object]:
            split = functools.partial(with_one_copy, words())
            found = tags.extract_phrases(name, articles, split, config=self._config)
            return {"keys": found.keys, "spellings": found.spellings}

        kept = cache.stored(self._cache_dir, self._PREFIX + name, (self._settings, read), extract)
        return Extracted(tuple(map(tuple, kept["keys"])), kept["spellings"])

    def forget_others(self) -> None:
        """Remove what was kept for windows the site no longer has (a month emptied)."""
        for path in self._cache_dir.glob(f"{self._PREFIX}*.json"):
            name = path.name.removeprefix(self._PREFIX).rpartition("-")[0]
            if name not in self._names:
                path.unlink(missing_ok=True)


def _written(
    articles: Sequence[Article], keys: Sequence[str], cache_dir: Path | None
) -> list[tuple[str, str]]:
    """Each article's ``article_words`` (the title's, then the lead's) as two texts, read
    back from ``cache_dir`` for an article whose text (its ``cache.text_key`` among
    ``keys``) was read before. The file keeps only these articles' words, and is written
    only when that changes."""
    version = f"{__version__}/{TAGS_VERSION}"
    kept: dict[str, list[str]] = {}
    path = cache_dir / WORDS_FILE if cache_dir is not None else None
    if path is not None:
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
            if stored["version"] == version and isinstance(stored["words"], dict):
                kept = stored["words"]
        except (OSError, ValueError, TypeError, KeyError):
            pass
    now: dict[str, list[str]] = {}
    for article, key in zip(articles, keys, strict=True):
        found = now.get(key) or kept.get(key)
        if not _two_texts(found):
            found = [_JOIN.join(words) for words in article_words(article)]
        now[key] = found
    if path is not None and now.keys() != kept.keys():
        text = json.dumps({"version": version, "words": now}, ensure_ascii=False)
        write_text_atomically(path, text, durable=False)
    return [(now[key][0], now[key][1]) for key in keys]


class _Split(Sequence[Words]):
    """The articles' words, each split from its two texts when it is read."""

    def __init__(self, written: Sequence[tuple[str, str]]) -> None:
        self._written = written

    def __len__(self) -> int:
        return len(self._written)

    def __getitem__(self, index: int) -> Words:  # type: ignore[override]: no slices
        return _words(self._written[index])


def _two_texts(value: object) -> bool:
    """Whether a kept entry is what ``_written`` stores: one from a damaged file is made
    again."""
    return isinstance(value, list) and len(value) == 2 and all(isinstance(t, str) for t in value)


def _words(written: tuple[str, str]) -> Words:
    title, lead = written
    return title.split(_JOIN), lead.split(_JOIN)


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
