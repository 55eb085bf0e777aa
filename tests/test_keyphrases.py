"""Which of a site's words and phrases the tagger takes for names, on small sites of real
news (tests/cases/keyphrases.yaml)."""

import html
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from generator.config import TagsConfig
from generator.keyphrases import Corpus, article_words, with_one_copy
from generator.model import Article
from generator.normalize import tokenize
from generator.tags import assign_tags

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "keyphrases.yaml").read_text("utf-8"))


def _site(case: dict) -> list[Article]:
    return [
        Article(
            id=row["id"],
            slug=row["id"].lower(),
            title=row["title"],
            published=datetime(2018, 7, 1, tzinfo=UTC),
            source="test",
            origin="test",
            body_html=f"<p>{html.escape(row['text'])}</p>" if "text" in row else "",
        )
        for row in case["articles"]
    ]


def _read(corpus: Corpus, written: str) -> str:
    """A phrase as the articles write it, read the way the corpus reads its phrases:
    match keys, proclitics taken off where the site reads them so (وأردوغان: اردوغان)."""
    return corpus.phrase_of(" ".join(tokenize(written)))


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_keyphrases(case):
    articles = _site(case)
    corpus = Corpus.read(list(map(article_words, articles)), [True] * len(articles))
    for name, reads_so in (
        ("topics", corpus.is_topic),
        ("constructs", corpus.is_construct),
        ("complements", corpus.wants_complement),
        ("kinds", corpus.names_kinds),
    ):
        expected = dict.fromkeys(case.get(name, ()), True)
        expected.update(dict.fromkeys(case.get(f"not_{name}", ()), False))
        assert {phrase: reads_so(_read(corpus, phrase)) for phrase in expected} == expected
    if "phrases" in case:
        expected = case["phrases"]
        counts = corpus.texts[expected["article"]].counts
        assert all(_read(corpus, phrase) in counts for phrase in expected["has"]), counts
        assert not any(_read(corpus, phrase) in counts for phrase in expected["lacks"]), counts
    if "tags" in case:
        aliases = {name: tuple(others) for name, others in case.get("aliases", {}).items()}
        settings = TagsConfig(min_articles=case["tags"].get("min_articles", 1), aliases=aliases)
        tagged, _ = assign_tags(articles, settings)
        if "article" in case["tags"]:
            tagged = [tagged[case["tags"]["article"]]]
        labels = {tag.label for article in tagged for tag in article.tags}
        assert set(case["tags"]["has"]) <= labels
        assert labels.isdisjoint(case["tags"]["lacks"])
        if "first" in case["tags"]:
            assert tagged[0].tags[0].label == case["tags"]["first"]


def test_each_distinct_word_is_one_string_for_all_articles():
    articles = _site(CASES[0])
    separate = [article_words(article) for article in articles]
    shared = with_one_copy(separate)
    assert shared == tuple(separate)  # the same words, in the same places
    strings = [word for title, lead in shared for word in (*title, *lead)]
    assert len({id(word) for word in strings}) == len(set(strings)) < len(strings)
