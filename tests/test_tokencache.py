"""The kept tokens give the very corpus a fresh tokenizing gives, whatever changed between
two builds, and a damaged or outdated file is never trusted."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from related_fixtures import FIXTURES

from generator import textindex, tokencache
from generator.textindex import Corpus, encode

ARTICLES = sorted(FIXTURES.values(), key=lambda article: article.id)


def assert_same(found: Corpus, expected: Corpus) -> None:
    assert found.ids == expected.ids
    assert found.words == expected.words
    for kept, fresh in zip(
        (*found.titles, *found.bodies), (*expected.titles, *expected.bodies), strict=True
    ):
        assert kept.dtype == fresh.dtype
        assert np.array_equal(kept, fresh)


def tokenized(articles, folder) -> Corpus:
    """As a build does: tokenize, then keep the tokens once the site is written."""
    tokens = tokencache.encoded(articles, cache_dir=folder)
    tokencache.save(folder, tokens)
    return tokens.corpus


def edited(article, sentence: str):
    return dataclasses.replace(article, body_html=f"<p>{sentence}</p>{article.body_html}")


CHANGES = {
    "nothing": lambda articles: articles,
    "one edited": lambda articles: [
        edited(articles[0], "كلمة جديدة لم يكتبها أحد من قبل في هذا الموقع"),
        *articles[1:],
    ],
    "one added": lambda articles: [
        *articles,
        dataclasses.replace(
            articles[2], id="copy", slug="copy", title="عنوان آخر مختلف تماما عن غيره"
        ),
    ],
    "a copy added": lambda articles: [
        *articles,
        dataclasses.replace(articles[1], id="twin", slug="twin"),
    ],
    "one deleted": lambda articles: articles[1:],
    "order changed": lambda articles: articles[::-1],
    "all new": lambda articles: [
        edited(article, f"خبر عاجل رقم {index}") for index, article in enumerate(articles)
    ],
    "none left": lambda articles: [],
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_rebuild_gives_the_corpus_of_a_fresh_tokenizing(tmp_path, change):
    first = ARTICLES[:5]
    assert_same(tokenized(first, tmp_path), encode(first))
    assert (tmp_path / tokencache.FILE_NAME).exists()
    second = CHANGES[change](first)
    assert_same(tokenized(second, tmp_path), encode(second))
    third = [*second, *ARTICLES[5:]]  # a build after that one reads what it kept
    assert_same(tokenized(third, tmp_path), encode(third))


def test_texts_told_twice_are_numbered_as_a_fresh_tokenizing_numbers_them(tmp_path):
    twins = [*ARTICLES, dataclasses.replace(ARTICLES[0], id="twin", slug="twin")]
    assert_same(tokenized(twins, tmp_path), encode(twins))
    assert_same(tokenized(twins[::-1], tmp_path), encode(twins[::-1]))


def test_the_file_is_rewritten_only_when_the_texts_changed(tmp_path):
    tokenized(ARTICLES, tmp_path)
    path = tmp_path / tokencache.FILE_NAME
    before = path.stat().st_mtime_ns, path.read_bytes()
    tokenized(ARTICLES, tmp_path)
    assert (path.stat().st_mtime_ns, path.read_bytes()) == before
    tokenized(ARTICLES[1:], tmp_path)
    assert path.read_bytes() != before[1]


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"",
        lambda data: data[: len(data) // 2],
        lambda data: b"not arrays at all",
        lambda data: data.replace(b"words", b"wordz"),
    ],
)
def test_a_damaged_file_is_tokenized_again(tmp_path, damage):
    tokenized(ARTICLES, tmp_path)
    path = tmp_path / tokencache.FILE_NAME
    path.write_bytes(damage(path.read_bytes()))
    changed = [edited(ARTICLES[0], "سطر جديد"), *ARTICLES[1:]]
    assert_same(tokenized(changed, tmp_path), encode(changed))


def test_ids_kept_for_another_vocabulary_are_not_trusted(tmp_path, monkeypatch):
    """A file of an earlier tokenizer holds ids of its own words: read as this version's,
    they would name other words."""
    earlier = tokenized(ARTICLES, tmp_path)
    monkeypatch.setattr(tokencache, "TOKENS_VERSION", tokencache.TOKENS_VERSION + 1)
    monkeypatch.setattr(textindex, "tokenize", lambda text: text.split()[:3])
    found = tokenized(ARTICLES, tmp_path)
    assert all(len(title) <= 3 for title in found.titles)
    assert found.words != earlier.words


def test_nothing_is_kept_before_the_build_keeps_it(tmp_path):
    assert_same(tokencache.encoded(ARTICLES, cache_dir=tmp_path).corpus, encode(ARTICLES))
    assert_same(tokencache.encoded(ARTICLES, cache_dir=None).corpus, encode(ARTICLES))
    assert not list(tmp_path.iterdir())
