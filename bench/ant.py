"""The ANT corpus (Arabic News Texts) read as articles, for the benchmarks.

Each row of ``articles.jsonl.gz`` becomes an Article as a feed item would (see
``tests/ant_rows.py``, which the test fixtures share).
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from generator.config import RelatedConfig, SameStoryConfig, TagsConfig
from generator.dedupe import group_same_stories
from generator.model import Article
from generator.related import find_related
from generator.tags import assign_tags
from generator.textindex import encode

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "testdata" / "ant"
sys.path.insert(0, str(ROOT / "tests"))

from ant_rows import article_from_row  # noqa: E402


def read_articles(
    corpus_dir: Path, *, limit: int | None = None, by_date: bool = False, categories: bool = True
) -> list[Article]:
    """The corpus's articles, in file order (or oldest first with ``by_date``), then cut to
    ``limit``; ``categories=False`` leaves out the given tags, so every tag is extracted."""
    articles = []
    with gzip.open(corpus_dir / "articles.jsonl.gz", "rt", encoding="utf-8") as lines:
        for line in lines:
            if limit is not None and not by_date and len(articles) == limit:
                break
            article = article_from_row(json.loads(line))
            articles.append(article if categories else dataclasses.replace(article, given_tags=()))
    if by_date:
        articles.sort(key=lambda a: (a.published, a.id))
    return articles[:limit]


def as_built(articles: Sequence[Article]) -> tuple[Article, ...]:
    """The articles as the site build leaves them with the default settings: tagged,
    same-source reposts dropped, same-story versions and related links filled (one
    tokenization shared by the last two steps, as the build shares it)."""
    tagged, _ = assign_tags(articles, TagsConfig())
    corpus = encode(tagged)
    grouped, _ = group_same_stories(tagged, SameStoryConfig(), corpus=corpus)
    return find_related(grouped, RelatedConfig(), corpus=corpus)
