"""Same-story grouping: other sources' versions of one story become one digest entry.

Agencies' wire copy is republished by many outlets with light edits, a new headline or
a cut ending. Such versions share much of their wording, so each article is cut into
overlapping word triples (shingles) and two articles from different sources published
within ``window_hours`` of each other are one story when the cosine of their shingle
sets reaches ``threshold``. Only the headline and the lead (the first 80 words) are
compared: that is where versions of one story agree, while the background paragraphs
further down are repeated, word for word, by different stories on the same topic
(measured on labelled pairs: the whole text tells them apart far worse). A different
story on the same topic shares words but few triples, so it stays apart (and shows up
as related instead). Only articles that share a triple are compared, and only pairs
inside the time window can match. A triple held by more than ``_COMMON`` articles (a
phrase a feed puts in every item, a formula of one outlet) is counted only between
those close to each other in time (``textindex.near_products``): it cannot tell
stories apart, and counting it between all its holders would cost the square of their
number. The headline is cut to its first ``_TITLE`` words, so no article brings more
than about 120 triples, each linking it to fewer than ``3 * _COMMON`` others. A story
takes at most ``_MAX_VERSIONS`` versions (the matching pairs are joined earliest first):
every version lists the others, so an unbounded story would cost the square of its size.

A source that publishes the very same text twice (same normalized title and body) is a
repost: the earliest copy is kept and the others dropped without a word.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
from scipy import sparse

from . import cache, textindex
from .config import SameStoryConfig
from .model import Article, Story

_SHINGLE = 3  # words per shingle: long enough to be wording, short enough to survive edits
_LEAD = 80  # body words compared: the lead, see the module docstring
_TITLE = 40  # headline words compared: a headline is shorter, a longer one is not one
_MIN_SHARED = 3  # fewer shared shingles are chance, whatever the cosine of two tiny texts
_COMMON = 32  # holders of a shingle compared all with all; beyond, only near in time
_MAX_VERSIONS = 50  # a story listing more sources is no longer one reader's story
_VERSION = 2  # bump when the method changes, so cached results are not reused


def group_same_stories(
    articles: Sequence[Article],
    config: SameStoryConfig,
    *,
    cache_dir: Path | None = None,
    corpus: textindex.Reusable = None,
) -> tuple[tuple[Article, ...], tuple[Story, ...]]:
    """The articles without same-source reposts, each with ``same_story`` filled, and
    one Story per group (single articles included), ordered by headline date and id.

    ``cache_dir`` keeps the result for unchanged inputs; ``corpus`` is these articles
    already tokenized (``textindex.encode``, or a function making it), to share that
    work with related stories.
    """
    rows = [
        (a.id, a.source, a.published.isoformat(), a.title, a.body_html, a.summary) for a in articles
    ]
    groups = cache.stored(
        cache_dir, "same-story", (_VERSION, config, rows), lambda: _groups(articles, config, corpus)
    )
    stories = tuple(Story(group[0], tuple(group[1:])) for group in groups)
    others = {
        member: tuple(other for other in group if other != member)
        for group in groups
        for member in group
    }
    kept = tuple(
        dataclasses.replace(article, same_story=others[article.id])
        for article in articles
        if article.id in others
    )
    return kept, stories


def similar_pairs(
    articles: Sequence[Article],
    config: SameStoryConfig,
    *,
    corpus: textindex.Reusable = None,
) -> tuple[tuple[str, str, float], ...]:
    """Every pair of versions of one story ``(earlier id, later id, similarity)``, in
    date order: what grouping joins, exposed for measuring and tuning the threshold."""
    ordered, shingles = _distinct(articles, corpus)
    return tuple(
        (ordered[row].id, ordered[col].id, cosine)
        for row, col, cosine in sorted(_pairs(ordered, shingles, config))
    )


def _groups(
    articles: Sequence[Article], config: SameStoryConfig, corpus: textindex.Reusable
) -> list[list[str]]:
    """Groups of article ids, each sorted by date then id (the headline first)."""
    ordered, shingles = _distinct(articles, corpus)
    parent = np.arange(len(ordered))

    def root(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = int(parent[node])
        return node

    size = np.ones(len(ordered), dtype=np.int64)
    for row, col, _ in sorted(_pairs(ordered, shingles, config)):
        first, other = root(row), root(col)
        if first != other and size[first] + size[other] <= _MAX_VERSIONS:
            parent[other] = first
            size[first] += size[other]
    groups: dict[int, list[str]] = {}  # filled in date order, so headlines come first
    for index, article in enumerate(ordered):
        groups.setdefault(root(index), []).append(article.id)
    return list(groups.values())


def _distinct(
    articles: Sequence[Article], reuse: textindex.Reusable
) -> tuple[list[Article], sparse.csr_matrix]:
    """The articles sorted by date then id, reposts left out, and their shingle sets."""
    ordered = sorted(articles, key=lambda a: (a.published, a.id))
    corpus = textindex.encode(ordered, reuse=reuse)
    keep = _without_reposts(ordered, corpus)
    shingles = textindex.count_matrix(
        [
            _shingles(corpus.titles[i][:_TITLE], corpus.bodies[i][:_LEAD], len(corpus.words))
            for i in keep
        ]
    )
    shingles.data[:] = 1.0  # a set: repeated triples count once
    return [ordered[i] for i in keep], shingles


def _pairs(
    ordered: list[Article], shingles: sparse.csr_matrix, config: SameStoryConfig
) -> Iterator[tuple[int, int, float]]:
    """Rows of matching versions, earlier first, no further apart than the time window."""
    sizes = np.asarray(shingles.sum(axis=1)).ravel()
    times = np.array([a.published.timestamp() for a in ordered])
    sources = np.array([a.source for a in ordered])
    window = config.window_hours * 3600.0
    for start, product in textindex.near_products(shingles, common=_COMMON):
        block = product.tocoo()
        rows, cols, shared = block.row + start, block.col, block.data
        cosine = shared / np.sqrt(sizes[rows] * sizes[cols])
        match = (
            (cols > rows)
            & (shared >= _MIN_SHARED)
            & (cosine >= config.threshold)
            & (times[cols] - times[rows] <= window)
            & (sources[rows] != sources[cols])
        )
        yield from zip(
            rows[match].tolist(), cols[match].tolist(), cosine[match].tolist(), strict=True
        )


def _without_reposts(ordered: Sequence[Article], corpus: textindex.Corpus) -> list[int]:
    """Positions of the articles to keep: the first of each source's identical texts."""
    seen: set[tuple[str, bytes, bytes]] = set()
    keep = []
    for index, article in enumerate(ordered):
        text = (article.source, corpus.titles[index].tobytes(), corpus.bodies[index].tobytes())
        if text not in seen:
            seen.add(text)
            keep.append(index)
    return keep


def _shingles(title: np.ndarray, body: np.ndarray, vocabulary_size: int) -> np.ndarray:
    """Ids of the word triples of title and body (a number in base vocabulary_size;
    beyond two million distinct words it wraps around, which only adds rare collisions)."""
    parts = [
        (words[:-2] * vocabulary_size + words[1:-1]) * vocabulary_size + words[2:]
        for words in (title, body)
        if len(words) >= _SHINGLE
    ]
    return np.concatenate([*parts, np.zeros(0, dtype=np.int64)])
