"""Real ANT articles for the same-story and related-stories tests, as Articles."""

from __future__ import annotations

import dataclasses
import json
from datetime import timedelta
from pathlib import Path

import yaml
from ant_rows import article_from_row

from generator.model import Article, Tag

HERE = Path(__file__).parent
CASES = yaml.safe_load((HERE / "cases" / "related.yaml").read_text(encoding="utf-8"))


def _fixture(line: str) -> Article:
    """One fixture row, its ANT category as the article's one tag (as if the tagger kept it)."""
    article = article_from_row(json.loads(line))
    return dataclasses.replace(article, tags=tuple(Tag(t, t, t) for t in article.given_tags))


ROWS = (HERE / "fixtures" / "related" / "articles.jsonl").read_text("utf-8").splitlines()
FIXTURES = {article.id: article for article in map(_fixture, ROWS)}


def case_articles(case: dict) -> list[Article]:
    """The articles a case names: fixture ids, or fixtures with fields changed."""
    articles = []
    for entry in case["articles"]:
        if isinstance(entry, str):
            articles.append(FIXTURES[entry])
            continue
        changes = dict(entry)
        base = FIXTURES[changes.pop("from")]
        hours = changes.pop("hours_later", 0)
        if "id" in changes:
            changes["slug"] = changes["id"]
        if "explicit_related" in changes:
            changes["explicit_related"] = tuple(changes["explicit_related"])
        articles.append(
            dataclasses.replace(base, published=base.published + timedelta(hours=hours), **changes)
        )
    return articles
