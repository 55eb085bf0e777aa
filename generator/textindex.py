"""Articles turned into sparse vectors, shared by same-story grouping and related stories.

Both stages compare every article with many others, so the text is tokenized once into
integer ids and every comparison is a sparse matrix product done a block of rows at a
time, in which a word held by many articles only links those near each other in time:
memory stays bounded and no step visits all pairs of articles, whatever their text.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from .model import Article
from .normalize import is_stop_word, strip_clitics, tokenize

_TAG = re.compile(r"<[^>]*>")
_CHUNK = 512  # rows per matrix product: bounds the memory of one product


@dataclass(frozen=True, slots=True)
class Corpus:
    """Each article's title and body as arrays of token ids, with one vocabulary."""

    ids: tuple[str, ...]  # article ids, one per row
    titles: tuple[np.ndarray, ...]
    bodies: tuple[np.ndarray, ...]
    words: tuple[str, ...]  # the token of each id


def article_text(article: Article) -> str:
    """The body as plain text; the HTML is already sanitized, so dropping tags is enough."""
    body = html.unescape(_TAG.sub(" ", article.body_html)) if article.body_html else ""
    return body or article.summary


Reusable = Corpus | Callable[[], Corpus] | None


def encode(articles: Sequence[Article], *, reuse: Reusable = None) -> Corpus:
    """Tokenize every article once; ids follow first appearance, so they are deterministic.

    Tokenizing is the costly part, so a build encodes its articles once and passes the
    result as ``reuse`` to both stages: its rows are taken when it has every article.
    ``reuse`` may also be a function that makes it (``functools.cache(lambda:
    encode(articles))``), so that nothing is tokenized when both results are cached.
    """
    if callable(reuse):
        reuse = reuse()
    if reuse is not None:
        row = {article_id: index for index, article_id in enumerate(reuse.ids)}
        if all(article.id in row for article in articles):
            picked = [row[article.id] for article in articles]
            return Corpus(
                tuple(reuse.ids[i] for i in picked),
                tuple(reuse.titles[i] for i in picked),
                tuple(reuse.bodies[i] for i in picked),
                reuse.words,
            )
    vocabulary = Vocabulary()
    titles = tuple(vocabulary.ids(article.title) for article in articles)
    bodies = tuple(vocabulary.ids(article_text(article)) for article in articles)
    return Corpus(tuple(a.id for a in articles), titles, bodies, tuple(vocabulary))


class Vocabulary(defaultdict[str, int]):
    """Word ids, numbered as words first come: a new word gets the next id."""

    def __init__(self, words: Iterable[str] = ()) -> None:
        super().__init__()
        self.default_factory = self.__len__
        self.update((word, index) for index, word in enumerate(words))

    def ids(self, text: str) -> np.ndarray:
        """The ids of the text's tokens, new words numbered on."""
        return np.fromiter(map(self.__getitem__, tokenize(text)), dtype=np.int64)


def stem_ids(
    words: Sequence[str], fold: Callable[[str], str] = str
) -> tuple[np.ndarray, dict[str, int]]:
    """For each word id of a vocabulary (``Corpus.words``), the id of its key with joined
    proclitics taken off (``strip_clitics``, then ``fold``), or -1 for a stop word; and
    the keys' ids. Indexing the array with an article's token ids gives its words as keys."""
    stems: dict[str, int] = {}
    feature = np.array(
        [-1 if is_stop_word(word) else stems.setdefault(fold(strip_clitics(word)), len(stems))
         for word in words] or [-1],
        dtype=np.int64,
    )  # fmt: skip
    return feature, stems


def count_matrix(
    rows: Sequence[np.ndarray], weights: Sequence[np.ndarray] | None = None
) -> sparse.csr_matrix:
    """Rows of feature ids (any int64 values) as a sparse matrix of summed weights
    (1 per occurrence by default), with the columns renumbered compactly."""
    lengths = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
    flat = np.concatenate([*rows, np.zeros(0, dtype=np.int64)])
    values = np.concatenate([*weights, np.zeros(0)]) if weights is not None else np.ones(len(flat))
    columns, inverse = np.unique(flat, return_inverse=True)
    row_index = np.repeat(np.arange(len(rows)), lengths)
    matrix = sparse.csr_matrix(
        (values, (row_index, inverse)), shape=(len(rows), max(len(columns), 1))
    )
    matrix.sum_duplicates()
    matrix.sort_indices()
    return matrix


def tfidf(counts: sparse.csr_matrix, *, max_df: float = 1.0) -> sparse.csr_matrix:
    """Sublinear tf times smoothed idf, rows of unit length. Features in more than
    ``max_df`` of the rows say little and would make every product dense: dropped."""
    n_rows = counts.shape[0]
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    idf = np.log((1 + n_rows) / (1 + df)) + 1.0
    idf[df > max(max_df * n_rows, 1)] = 0.0
    weighted = counts.astype(np.float64)
    weighted.data = (1.0 + np.log(weighted.data)) * idf[weighted.indices]
    weighted.eliminate_zeros()
    return normalize_rows(weighted)


def rarity(counts: sparse.csr_matrix, *, prior: float) -> sparse.csr_matrix:
    """Each row's counts times the rarity of their feature, rows of unit length.

    The rarity is ``log((rows + prior) / (holders + 1))``: a feature held by nearly every
    row weighs nearly nothing, however many rows there are, so a phrase that recurs in
    most articles (a title, a template, an agency line) cannot make two of them alike.
    ``prior`` counts rows assumed not to hold the feature: on a handful of rows the
    holders say little about rarity, and every feature then weighs about the same.
    """
    holders = np.bincount(counts.indices, minlength=counts.shape[1])
    weight = np.log((counts.shape[0] + prior) / (holders + 1.0))
    weighted = sparse.csr_matrix(
        (counts.data * weight[counts.indices], counts.indices.copy(), counts.indptr.copy()),
        shape=counts.shape,
    )
    return normalize_rows(weighted)


def normalize_rows(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ matrix)


def strongest(matrix: sparse.csr_matrix, count: int) -> sparse.csr_matrix:
    """Each row cut to its ``count`` largest values, unit length again: a profile of an
    article's most telling features, cheap to compare."""
    return normalize_rows(largest(matrix, count))


def largest(matrix: sparse.csr_matrix, count: int) -> sparse.csr_matrix:
    """Each row cut to its ``count`` largest values (ties: lower column)."""
    rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    order = np.lexsort((matrix.indices, -matrix.data, rows))
    rank = np.arange(len(order)) - matrix.indptr[rows[order]]
    keep = order[rank < count]
    cut = sparse.csr_matrix(
        (matrix.data[keep], (rows[keep], matrix.indices[keep])), shape=matrix.shape
    )
    cut.sort_indices()
    return cut


def near_products(
    matrix: sparse.csr_matrix, *, common: int
) -> Iterator[tuple[int, sparse.csr_matrix]]:
    """``matrix @ matrix.T`` a block of rows at a time, as ``(first row, block)`` in
    CSR, with a feature held by many rows counted only between rows near each other.

    A feature held by more than ``common`` rows tells few of them apart (a phrase every
    item of a feed repeats, a word of every other story), and comparing all its holders
    would cost the square of their number. Its holders, in row order (the callers sort
    rows by date, so this is time order), are cut into runs of ``common``; two rows
    share the feature in the product only when their runs are the same or next to each
    other. Holders at most ``common`` apart always meet, and no row meets more than
    ``3 * common`` others through one feature: the work grows with the number of stored
    values, whatever the text.
    """
    query, target_columns = _near_runs(matrix, common)
    for start in range(0, query.shape[0], _CHUNK):
        yield start, sparse.csr_matrix(query[start : start + _CHUNK] @ target_columns)


def _near_runs(
    matrix: sparse.csr_matrix, common: int
) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
    """The matrix with each feature split into one column per run of holders, and the
    transposed matrix in which a holder also stands in the runs next to its own."""
    by_feature = sparse.csc_matrix(matrix)
    by_feature.sort_indices()
    holders = np.diff(by_feature.indptr)
    feature = np.repeat(np.arange(matrix.shape[1]), holders)
    run = (np.arange(by_feature.nnz) - by_feature.indptr[feature]) // common
    runs = -(-holders // common)
    first = np.concatenate([[0], np.cumsum(runs)])  # each feature's first run column
    column = first[feature] + run
    rows, values = by_feature.indices, by_feature.data
    shape = (matrix.shape[0], max(int(first[-1]), 1))
    query = sparse.csr_matrix((values, (rows, column)), shape=shape)
    near = [(slice(None), 0), (run > 0, -1), (run + 1 < runs[feature], 1)]
    target_columns = sparse.csr_matrix(
        (
            np.concatenate([values[kept] for kept, _ in near]),
            (
                np.concatenate([column[kept] + shift for kept, shift in near]),
                np.concatenate([rows[kept] for kept, _ in near]),
            ),
        ),
        shape=shape[::-1],
    )
    return query, target_columns
