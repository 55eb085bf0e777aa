"""Same-story grouping: other sources' versions of one story become one digest entry.

Agencies' wire copy is republished by many outlets with light edits, a new headline or
a cut ending, and outlets also tell one event in their own words: with other verbs,
but the same names, places and figures. So each article is reduced to the words of its
headline (its first ``_TITLE`` words) and lead (the first ``_LEAD`` words): stop words
dropped, joined proclitics and endings of number, gender or relation taken off. Figures
of two digits or more are kept, as a word (الـ12 is 12): outlets that tell one event in
their own words still give the same toll, score or count. Each
word weighs by its rarity among the articles grouped (document frequency, see
``textindex.rarity``): the names and figures of one event are rare, while a phrase that
recurs in many articles (a ruler's titles, a cable's template, an agency line) weighs
little, and nothing when nearly every article holds it. A word of both the headline
and the lead counts twice: it is what the story is about. Two articles from different
sources published within ``window_hours`` of each other are versions of one story when
the cosine of their weighted words reaches ``threshold`` and they share at least
``_MIN_SHARED`` words.
Only the headline and the lead are compared: that is where versions of one story
agree, while the background paragraphs further down are repeated by different stories
on the same topic.

Groups never grow by chaining (A like B, B like C): the closest pairs are joined
first, and two groups join only when every member of one is close to every member of
the other (at least ``_NEAR`` times the threshold; complete linkage), so every version
of a story is close to all the others and a story holds one version per source.

The work is bounded. Candidates are the pairs that share a word held by at most
``_RARE`` of the articles (or ``_COMMON`` on a small site) and published in the same or
the next slice of time as long as the window (``_candidates``); such a word held there
by more than ``_COMMON`` articles links only those close to each other in time
(``textindex.near_products``), so no article meets more than ``6 * _COMMON`` others
through one word. Only candidates inside the time window are compared, over all their
words. A story takes at most ``_MAX_VERSIONS`` versions: every version lists the
others, so an unbounded story would cost the square of its size.

A source that publishes the very same text twice (same normalized title and body) is a
repost: the earliest copy is kept and the others dropped without a word.
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
from scipy import sparse

from . import cache, textindex
from .config import SameStoryConfig
from .model import Article, Story

_LEAD = 80  # body words compared: the lead, see the module docstring
_TITLE = 40  # headline words compared: a headline is shorter, a longer one is not one
_MIN_SHARED = 3  # fewer shared words are chance, whatever the cosine of two tiny texts
# Endings taken off a word key (after ``match_key``: ة is written ه), longest first.
_SUFFIXES = ("يين", "يون", "يه", "ات", "ين", "ون", "ان", "ي", "ه", "ا")
_MIN_STEM = 3  # letters a key keeps: shorter ones are too often another word
# A figure, with joined proclitics or the article (الـ12, و12); one digit is too common.
_FIGURE = re.compile(r"(?:[وفبلك]|ال)*(\d{2,18})")
_PRIOR = 100  # articles assumed to hold no word: on a small site all words weigh alike
_COMMON = 32  # holders of a word compared all with all; beyond, only near in time
_RARE = 0.01  # words in more of the articles only add to the similarity of candidates
_NEAR = 0.75  # share of the threshold every member of a story must reach with the others
_MAX_VERSIONS = 50  # a story listing more sources is no longer one reader's story
_VERSION = 7  # bump when the method changes, so cached results are not reused


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
    groups = same_story_groups(articles, config, cache_dir=cache_dir, corpus=corpus)
    return with_groups(articles, groups)


def same_story_groups(
    articles: Sequence[Article],
    config: SameStoryConfig,
    *,
    cache_dir: Path | None = None,
    corpus: textindex.Reusable = None,
) -> list[list[str]]:
    """The groups of ``group_same_stories`` as article ids, the headline first. Only the
    articles' text, source and date count, so a build groups them while it tags them."""
    rows = [
        (a.id, a.source, a.published.isoformat(), a.title, a.body_html, a.summary) for a in articles
    ]
    return cache.stored(
        cache_dir, "same-story", (_VERSION, config, rows), lambda: _groups(articles, config, corpus)
    )


def with_groups(
    articles: Sequence[Article], groups: Sequence[Sequence[str]]
) -> tuple[tuple[Article, ...], tuple[Story, ...]]:
    """``group_same_stories`` of the articles the groups were made of (tagged since, or
    not)."""
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
    ordered, vectors = _distinct(articles, corpus)
    return tuple(
        (ordered[row].id, ordered[col].id, cosine)
        for row, col, cosine in sorted(_pairs(ordered, vectors, config))
    )


def _groups(
    articles: Sequence[Article], config: SameStoryConfig, corpus: textindex.Reusable
) -> list[list[str]]:
    """Groups of article ids, each sorted by date then id (the headline first), joined
    by complete linkage (see the module docstring)."""
    ordered, vectors = _distinct(articles, corpus)
    near = dataclasses.replace(config, threshold=config.threshold * _NEAR)
    pairs = sorted(_pairs(ordered, vectors, near), key=lambda p: (-p[2], p[0], p[1]))
    close: dict[int, set[int]] = defaultdict(set)
    for row, col, _ in pairs:
        close[row].add(col)
        close[col].add(row)
    group_of = list(range(len(ordered)))
    members = {index: [index] for index in range(len(ordered))}
    for row, col, similarity in pairs:
        if similarity < config.threshold:
            break
        first, other = sorted((group_of[row], group_of[col]))
        joined = len(members[first]) + len(members[other])
        if first == other or joined > _MAX_VERSIONS:
            continue
        if all(close[member].issuperset(members[other]) for member in members[first]):
            for member in members[other]:
                group_of[member] = first
            members[first] += members.pop(other)
    return [[ordered[index].id for index in sorted(group)] for _, group in sorted(members.items())]


def _distinct(
    articles: Sequence[Article], reuse: textindex.Reusable
) -> tuple[list[Article], sparse.csr_matrix]:
    """The articles sorted by date then id, reposts left out, and the words of their
    headline and lead as rows of unit length: each word weighs its rarity among them,
    twice when it is in both the headline and the lead."""
    ordered = sorted(articles, key=lambda a: (a.published, a.id))
    corpus = textindex.encode(ordered, reuse=reuse)
    keep = _without_reposts(ordered, corpus)
    present = np.zeros(len(corpus.words), dtype=bool)
    for i in keep:
        present[corpus.titles[i][:_TITLE]] = present[corpus.bodies[i][:_LEAD]] = True
    used = np.flatnonzero(present)  # only the words compared are looked up
    key_of = np.full(len(corpus.words), -1, dtype=np.int64)
    key_of[used], stems = _word_keys([corpus.words[i] for i in used])
    width = max(len(stems), 1)

    def word_set(parts: list[np.ndarray]) -> sparse.csr_matrix:
        keys = key_of[np.concatenate([*parts, np.zeros(0, dtype=np.int64)])]
        rows = np.repeat(np.arange(len(parts)), [*map(len, parts)])
        found = sparse.csr_matrix(
            (np.ones(int((keys >= 0).sum())), (rows[keys >= 0], keys[keys >= 0])),
            shape=(len(parts), width),
        )
        found.data[:] = 1.0  # a word said twice is said once
        return found

    # A word of both the headline and the lead counts twice.
    counts = word_set([corpus.titles[i][:_TITLE] for i in keep]) + word_set(
        [corpus.bodies[i][:_LEAD] for i in keep]
    )
    return [ordered[i] for i in keep], textindex.rarity(counts, prior=_PRIOR)


def _pairs(
    ordered: list[Article], vectors: sparse.csr_matrix, config: SameStoryConfig
) -> Iterator[tuple[int, int, float]]:
    """Rows of matching versions, earlier first, no further apart than the time window."""
    times = np.array([a.published.timestamp() for a in ordered])
    sources = np.array([a.source for a in ordered])
    window = config.window_hours * 3600.0
    for start, product in textindex.near_products(
        _candidates(vectors, times, window), common=_COMMON
    ):
        block = product.tocoo()
        rows, cols = block.row + start, block.col
        candidate = (
            (cols > rows) & (times[cols] - times[rows] <= window) & (sources[rows] != sources[cols])
        )
        rows, cols = rows[candidate], cols[candidate]
        both = sparse.csr_matrix(vectors[rows].multiply(vectors[cols]))
        cosine = np.asarray(both.sum(axis=1)).ravel()
        shared = np.diff(both.indptr)
        match = (cosine >= config.threshold) & (shared >= _MIN_SHARED)
        yield from zip(
            rows[match].tolist(), cols[match].tolist(), cosine[match].tolist(), strict=True
        )


def _candidates(vectors: sparse.csr_matrix, times: np.ndarray, window: float) -> sparse.csr_matrix:
    """Rows that share a column are the candidate pairs: those that share a word held by
    few of the articles and are close in time.

    Time is cut into slices as long as the window, and each of an article's telling
    words stands for the word in its own slice and in the slice before: two articles at
    most a window apart then share it, and two more than two windows apart never do, so a
    word of many articles over months links each only to those of the same days.
    """
    holders = np.bincount(vectors.indices, minlength=vectors.shape[1])
    row_of = np.repeat(np.arange(vectors.shape[0]), np.diff(vectors.indptr))
    telling = holders[vectors.indices] <= max(_RARE * vectors.shape[0], _COMMON)
    words, rows = vectors.indices[telling].astype(np.int64), row_of[telling]
    first = times.min() if len(times) else 0.0
    slices = ((times - first) // max(window, 1.0)).astype(np.int64)
    count = int(slices.max(initial=0)) + 2  # slices, and the one before the first
    own = words * count + slices[rows] + 1
    _, columns = np.unique(np.concatenate([own, own - 1]), return_inverse=True)
    return sparse.csr_matrix(
        (np.ones(len(columns)), (np.concatenate([rows, rows]), columns)),
        shape=(vectors.shape[0], int(columns.max(initial=0)) + 1),
    )


def _word_keys(words: Sequence[str]) -> tuple[np.ndarray, dict[str, int]]:
    """``textindex.stem_ids`` with endings taken off, and figures kept: a bare number is
    a stop word for tags and links, but two versions of one event give the same ones."""
    feature, keys = textindex.stem_ids(words, fold=_without_suffix)
    for index, word in enumerate(words):
        figure = None if word.isalpha() else _FIGURE.fullmatch(word)
        if figure:  # int() reads every script's digits alike: ١٢ is 12
            feature[index] = keys.setdefault(str(int(figure.group(1))), len(keys))
    return feature, keys


def _without_suffix(key: str) -> str:
    """A word key without its ending of number, gender or relation (تايلاندية,
    التايلاندي and تايلاند alike): two outlets' own words for one story differ in those."""
    for ending in _SUFFIXES:
        if key.endswith(ending) and len(key) - len(ending) >= _MIN_STEM:
            return key[: -len(ending)]
    return key


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
