"""Real ANT articles for the same-story and related-stories tests, as Articles."""

from __future__ import annotations

import dataclasses
import html
import json
from datetime import UTC, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

import yaml

from generator.model import Article, Tag

HERE = Path(__file__).parent
CASES = yaml.safe_load((HERE / "cases" / "related.yaml").read_text(encoding="utf-8"))


def _article(row: dict) -> Article:
    paragraphs = (p for p in row["text"].split("\n") if p.strip())
    return Article(
        id=row["id"],
        slug=row["id"].lower(),
        title=row["title"],
        published=parsedate_to_datetime(row["published"]).astimezone(UTC),
        source=row["source"],
        origin=row["url"],
        url=row["url"],
        body_html="".join(f"<p>{html.escape(p)}</p>" for p in paragraphs),
        summary=row["abstract"],
        tags=(Tag(row["category"], row["category"], row["category"]),),
    )


FIXTURES = {
    article.id: article
    for article in map(
        _article,
        map(json.loads, (HERE / "fixtures/related/articles.jsonl").read_text("utf-8").splitlines()),
    )
}


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
