"""Related stories: for each article, the others a reader of it would want next.

Each article becomes one vector: TF-IDF over its words (stop words dropped, joined
proclitics taken off, title words counted three times, only its 30 most telling words
kept) and, beside it, TF-IDF over its tags. The dot product of two such vectors is the
weighted mean of their word and tag similarity (``weight_text``, ``weight_tags``); it
is then lowered by up to ``weight_time`` for stories far apart in time (half of that
after ``time_scale_days``).
The ``count`` best above ``min_score`` are kept, after the links the article names
itself, and only those that share at least ``_EVIDENCE`` of their telling words: one or
two shared words are most often chance (a homograph, a word of every other story) or a
broad subject, not a thread a reader would follow; an article with nothing that close
gets fewer links, or none. A word and the same word with a suffix (السودان, السوداني;
قطر, القطرية) are one piece of evidence, not two: otherwise a country named twice would
pass for a thread. And a thread is mostly told within days, while a name, a team or
a subject recurs across many different stories: two stories more than
``_EVIDENCE_DAYS`` apart need one more shared word. Tags count in the score but never
make a link on their own, and a tag held by many articles (a feed's section, given to a
large share of them) counts not at all. Other versions of the article's own story are
left out (they are shown as "also reported by"), and of another story only its
best-matching version is linked.
Candidates come from sparse matrix products a block of rows at a time, and only
articles that share a word or a tag are ever compared. A word or tag held by more
than ``_COMMON`` articles counts only between those close to each other in time
(``textindex.near_products``): each article then meets a bounded number of others, so
the work grows with the number of articles, not its square, whatever their text; and
only the best few candidates of each article are ranked.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse

from . import cache, textindex
from .config import RelatedConfig
from .model import Article
from .normalize import match_key

_TITLE_WEIGHT = 3.0  # a title word counts as this many body words
_MAX_DF = 0.05  # words in more articles than this share say little, and cost much,
_MAX_DF_FLOOR = 100  # but on a small site a word in this many articles still counts
_PROFILE = 30  # words per article kept for comparing: its most telling ones
_EVIDENCE = 3  # telling words two articles must share to be linked
_EVIDENCE_DAYS = 4.0  # ... and one more when they are more than this many days apart
_SUFFIX = 3  # letters a suffix may have: a word with one is the same word as evidence
_STEM = 3  # letters a word keeps at least when its suffix is taken off
_COMMON = 100  # holders of a word or tag compared all with all; beyond, only near in time
# Candidates kept per article beyond ``count``, for those passed over: the article itself,
# its other versions and those of the stories linked, repeated headlines.
_PASSED_OVER = 100
_VERSION = 7  # bump when the method changes, so cached results are not reused


def find_related(
    articles: Sequence[Article],
    config: RelatedConfig,
    *,
    cache_dir: Path | None = None,
    corpus: textindex.Reusable = None,
) -> tuple[Article, ...]:
    """The articles, in the same order, with ``related`` filled (article ids): the
    ones named in front matter first, then the most similar, never padded.

    ``cache_dir`` keeps the result for unchanged inputs; ``corpus`` is these articles
    already tokenized (``textindex.encode``, or a function making it), to share that
    work with same-story grouping.
    """
    rows = [
        (a.id, a.slug, a.published.isoformat(), a.title, a.body_html, a.summary,
         [tag.key for tag in a.tags], a.explicit_related, a.same_story)
        for a in articles
    ]  # fmt: skip
    links = cache.stored(
        cache_dir, "related", (_VERSION, config, rows), lambda: _links(articles, config, corpus)
    )
    return tuple(dataclasses.replace(a, related=tuple(links[a.id])) for a in articles)


def _links(
    articles: Sequence[Article], config: RelatedConfig, reuse: textindex.Reusable
) -> dict[str, list[str]]:
    ordered = sorted(articles, key=lambda a: (a.published, a.id))
    vectors, profiles, columns = _vectors(textindex.encode(ordered, reuse=reuse), ordered, config)
    site = _Site(
        ordered,
        {article.id: index for index, article in enumerate(ordered)},
        np.array([a.published.timestamp() for a in ordered]) / 86400.0,
        [match_key(a.title) for a in ordered],
        _word_sets(profiles),
        _families(columns),
    )
    links = {}
    for start, block in textindex.near_products(vectors, common=_COMMON):
        rows = np.repeat(np.arange(block.shape[0]), np.diff(block.indptr))
        apart = abs(site.days[block.indices] - site.days[rows + start])
        scores = block.data * _time_factor(apart, config)
        keep = scores >= config.min_score
        best_of = textindex.largest(
            sparse.csr_matrix((scores[keep], (rows[keep], block.indices[keep])), shape=block.shape),
            config.count + _PASSED_OVER,
        )
        for offset in range(best_of.shape[0]):
            found = slice(best_of.indptr[offset], best_of.indptr[offset + 1])
            candidates, scores = best_of.indices[found], best_of.data[found]
            best = candidates[np.lexsort((candidates, -scores))]  # ties: earlier, then id
            links[ordered[start + offset].id] = _choose(site, start + offset, best, config)
    return links


@dataclass(frozen=True, slots=True)
class _Site:
    """The articles as links are chosen among them, by row (oldest first)."""

    ordered: Sequence[Article]
    position: Mapping[str, int]  # row of each article id
    days: np.ndarray  # publication times, in days
    headlines: Sequence[str]  # ``match_key`` of each title
    words: Sequence[frozenset[int]]  # each profile's word columns
    family: Callable[[int], int]  # a word column's family (``_families``)


def _choose(site: _Site, row: int, best: np.ndarray, config: RelatedConfig) -> list[str]:
    """The named links (those still among the articles, in their order), then the best
    computed ones that share enough telling words, more for stories further apart in
    time; one per story."""
    ordered, position = site.ordered, site.position
    article = ordered[row]
    named = (i for i in article.explicit_related if i in position and i != article.id)
    chosen = list(dict.fromkeys(named))
    left_out = {position[i] for i in (*chosen, *article.same_story) if i in position}
    left_out.add(row)
    # a headline already shown (the article's own, or a repost of a linked story's)
    # would read to the reader as the same link twice
    titles = {site.headlines[position[i]] for i in (article.id, *chosen)}
    mine = site.words[row]
    for index in best.tolist():
        if len(chosen) >= config.count:
            break
        if index in left_out:
            continue
        both = mine & site.words[index]
        needed = _EVIDENCE + int(abs(site.days[index] - site.days[row]) > _EVIDENCE_DAYS)
        if len(both) < needed or len({site.family(word) for word in both}) < needed:
            continue
        if site.headlines[index] not in titles:
            titles.add(site.headlines[index])
            chosen.append(ordered[index].id)
            # one link per story: its other versions would say the same again
            left_out.update(position[i] for i in ordered[index].same_story if i in position)
    return chosen


def _word_sets(profiles: sparse.csr_matrix) -> list[frozenset[int]]:
    """The words of each row's profile as a set: only a few pairs per article are
    checked, as links are chosen, so sets beat one more matrix product."""
    indptr, indices = profiles.indptr, profiles.indices.tolist()
    return [frozenset(indices[indptr[row] : indptr[row + 1]]) for row in range(len(indptr) - 1)]


def _families(columns: _Columns) -> Callable[[int], int]:
    """A word column's family: the id of its word with suffixes of up to ``_SUFFIX``
    letters taken off, as long as what is left is a word of the site too (سوداني and
    سودان are سود, القطرية is قطر). Worked out only for the words two articles share,
    as links are chosen, and kept."""
    keys = list(columns.stems)  # by id: ``stem_ids`` numbers keys in order of insertion
    number = _present(columns.word_rows, len(keys)).tolist()
    roots: dict[str, int] = {}

    def root(key: str) -> int:
        if key not in roots:
            shorter = (key[:-cut] for cut in range(_SUFFIX, 0, -1) if len(key) - cut >= _STEM)
            found = next((k for k in shorter if k in columns.stems), None)
            roots[key] = columns.stems[key] if found is None else root(found)
        return roots[key]

    return lambda column: root(keys[number[column]])


def _time_factor(days_apart: np.ndarray, config: RelatedConfig) -> np.ndarray:
    half_lives = days_apart / max(config.time_scale_days, 1e-9)
    return (1.0 - config.weight_time) + config.weight_time * np.exp2(-half_lives)


@dataclass(frozen=True, slots=True)
class Shared:
    """What makes one article related to another."""

    score: float  # as links are ranked: the similarity, lowered for time apart
    words: tuple[str, ...]  # words of both as compared (``strip_clitics`` keys), weightiest first
    tags: tuple[str, ...]  # tag keys of both, weightiest first


def shared(
    articles: Sequence[Article], config: RelatedConfig, article_id: str, others: Sequence[str]
) -> dict[str, Shared]:
    """Why ``article_id`` is related to each of ``others``, measured as the links are.

    Here a word or tag of very many articles counts between all of them, where the links
    count it only between articles near in time: on a large site a score may come out a
    little higher than the one the links were ranked by."""
    ordered = sorted(articles, key=lambda a: (a.published, a.id))
    row = {article.id: index for index, article in enumerate(ordered)}
    vectors, _, columns = _vectors(textindex.encode(ordered), ordered, config)
    words, tags = columns.names()
    mine = vectors[row[article_id]]
    found = {}
    for other in others:
        product = mine.multiply(vectors[row[other]]).tocsr()
        order = np.argsort(-product.data, kind="stable")
        both = product.indices[order].tolist()
        days = abs(ordered[row[other]].published - ordered[row[article_id]].published)
        factor = _time_factor(np.array([days.total_seconds() / 86400.0]), config)
        found[other] = Shared(
            float(product.sum() * factor[0]),
            tuple(words[column] for column in both if column < len(words)),
            tuple(tags[column - columns.width] for column in both if column >= columns.width),
        )
    return found


@dataclass(frozen=True, slots=True)
class _Columns:
    """What the columns of the vectors stand for: the words' columns, then the tags'.
    Worked out only when asked, as only explaining a link needs it."""

    width: int  # the number of word columns
    stems: Mapping[str, int]
    word_rows: Sequence[np.ndarray]
    tag_ids: Mapping[str, int]
    tag_rows: Sequence[np.ndarray]

    def names(self) -> tuple[list[str], list[str]]:
        """The word of each word column and the tag key of each tag column:
        ``textindex.count_matrix`` numbers the ids found in increasing order."""
        return _found(self.stems, self.word_rows), _found(self.tag_ids, self.tag_rows)


def _found(ids: Mapping[str, int], rows: Sequence[np.ndarray]) -> list[str]:
    name = {number: text for text, number in ids.items()}
    return [name[number] for number in _present(rows, len(ids)).tolist()]


def _present(rows: Sequence[np.ndarray], size: int) -> np.ndarray:
    """The ids (below ``size``) found in the rows, in increasing order: the id of each
    column ``textindex.count_matrix`` made of them."""
    flat = np.concatenate([*rows, np.zeros(0, dtype=np.int64)])
    return np.flatnonzero(np.bincount(flat, minlength=size))


def _vectors(
    corpus: textindex.Corpus, ordered: list[Article], config: RelatedConfig
) -> tuple[sparse.csr_matrix, sparse.csr_matrix, _Columns]:
    """One row per article: its word vector and its tag vector side by side, scaled so
    that a dot product is the weighted mean of word and tag cosine similarity; and the
    word vectors alone (each article's profile of telling words), however weighted."""
    feature, stems = textindex.stem_ids(corpus.words)
    max_df = max(_MAX_DF, _MAX_DF_FLOOR / max(len(ordered), 1))
    rows, weights = [], []
    for title, body in zip(corpus.titles, corpus.bodies, strict=True):
        ids = np.concatenate([feature[title], feature[body]])
        weight = np.concatenate([np.full(len(title), _TITLE_WEIGHT), np.ones(len(body))])
        rows.append(ids[ids >= 0])
        weights.append(weight[ids >= 0])
    words = textindex.strongest(
        textindex.tfidf(textindex.count_matrix(rows, weights), max_df=max_df), _PROFILE
    )
    tag_ids: dict[str, int] = {}
    tag_rows = [
        np.array([tag_ids.setdefault(t.key, len(tag_ids)) for t in a.tags], dtype=np.int64)
        for a in ordered
    ]
    # a tag on more than one article in twenty, or on a small site more than the square
    # root of their number, is a broad section (a feed's category), not a topic
    broad = max(_MAX_DF, np.sqrt(len(ordered)) / max(len(ordered), 1))
    tags = textindex.tfidf(textindex.count_matrix(tag_rows), max_df=broad)
    total = config.weight_text + config.weight_tags
    text_share = config.weight_text / total if total > 0 else 0.0
    tag_share = config.weight_tags / total if total > 0 else 0.0
    vectors = sparse.hstack([np.sqrt(text_share) * words, np.sqrt(tag_share) * tags], format="csr")
    return vectors, words, _Columns(words.shape[1], stems, rows, tag_ids, tag_rows)
