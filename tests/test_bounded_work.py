"""Grouping and related stories do bounded work per article, whatever the text.

A feed can carry thousands of undated items (all given one time, so all in one window)
that share a phrase. Counted by structure, not by timing: the pairs compared grow
with the number of articles, not with its square.
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
from scipy import sparse

from generator import textindex
from generator.config import RelatedConfig, SameStoryConfig
from generator.dedupe import group_same_stories, similar_pairs
from generator.model import Article
from generator.related import find_related

N = 3_000
PHRASE = "أعلنت الحكومة اليوم عن خطة"  # five words: three shared triples in every title


LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"


def word(number: int, *, start: str = "") -> str:
    """A made-up word of its own for each number (its digits spelt as letters)."""
    return start + "".join(LETTERS[int(digit)] for digit in f"{number:05d}")


def undated_items(count: int, *, feeds: int = 2, story: int = 0) -> list[Article]:
    """Items of ``feeds`` feeds, all at one time, each the phrase and a word of its own;
    with ``story``, every run of that many items also tells one story in six words."""
    return [
        Article(
            id=f"item-{number:05d}",
            slug=f"item-{number:05d}",
            title=" ".join(
                [PHRASE, word(number)]
                + [word(number // story, start=LETTERS[i]) for i in range(6) if story]
            ),
            published=datetime(2024, 5, 1, tzinfo=UTC),
            source=f"feed-{number % feeds}",
            origin=f"https://feed-{number % feeds}.example/rss",
        )
        for number in range(count)
    ]


def stored_values(blocks) -> int:
    return sum(block.nnz for _, block in blocks)


def test_a_feature_of_every_row_links_each_row_to_few_others():
    rows = np.repeat(np.arange(N), 2)
    columns = np.ravel(np.column_stack([np.zeros(N, dtype=int), np.arange(1, N + 1)]))
    matrix = sparse.csr_matrix((np.ones(2 * N), (rows, columns)), shape=(N, N + 1))
    assert (matrix @ matrix.T).nnz == N * N  # compared all with all: every pair
    assert stored_values(textindex.near_products(matrix, common=10)) < 3 * 10 * N + N


def test_rows_near_each_other_always_meet():
    matrix = sparse.csr_matrix(np.ones((50, 1)))
    blocks = list(textindex.near_products(matrix, common=10))
    product = sparse.vstack([block for _, block in blocks]).toarray()
    near = np.abs(np.subtract.outer(np.arange(50), np.arange(50))) <= 10
    assert product[near].min() == 1  # rows at most `common` apart share the feature
    assert product.sum() < 50 * 50
    np.testing.assert_array_equal(product, product.T)


def test_features_of_few_rows_give_the_whole_product():
    rng = np.random.default_rng(7)
    matrix = sparse.random(300, 400, density=0.01, random_state=rng, format="csr")
    assert np.diff(sparse.csc_matrix(matrix).indptr).max() <= 10
    near = sparse.vstack([block for _, block in textindex.near_products(matrix, common=10)])
    np.testing.assert_allclose(near.toarray(), (matrix @ matrix.T).toarray())


def test_a_phrase_in_every_undated_item_makes_no_story():
    assert similar_pairs(undated_items(N), SameStoryConfig()) == ()
    _, stories = group_same_stories(undated_items(N), SameStoryConfig())
    assert len(stories) == N


def test_many_sources_telling_one_story_give_few_pairs():
    items = undated_items(2 * N, feeds=60, story=60)
    pairs = similar_pairs(items, SameStoryConfig())
    assert len(pairs) > N  # every story: 60 sources, 1,770 pairs
    assert len(pairs) < 3 * 32 * 2 * N  # all pairs in one window would be 2 * N * N


def test_no_story_lists_more_than_fifty_versions():
    items = undated_items(2 * N, feeds=60, story=60)
    kept, stories = group_same_stories(items, SameStoryConfig())
    assert len(kept) == 2 * N
    assert max(len(story.also_reported_by) + 1 for story in stories) == 50
    assert max(len(article.same_story) for article in kept) == 49


def test_related_stories_of_undated_items_sharing_words():
    articles, _ = group_same_stories(undated_items(N), SameStoryConfig())
    related = find_related(articles, RelatedConfig(min_score=0.0))
    assert all(len(article.related) <= RelatedConfig().count for article in related)
    assert all(article.id not in article.related for article in related)
