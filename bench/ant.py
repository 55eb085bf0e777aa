"""The ANT corpus (Arabic News Texts) read as articles, for the benchmarks.

Each row of ``articles.jsonl.gz`` becomes an Article as a feed item would: paragraphs
as HTML, the feed's date, and the ANT category as the feed's given tag.
"""

from __future__ import annotations

import gzip
import html
import json
from datetime import UTC
from email.utils import parsedate_to_datetime
from pathlib import Path

from generator.model import Article

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "testdata" / "ant"


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
            row = json.loads(line)
            paragraphs = (p for p in row["text"].split("\n") if p.strip())
            articles.append(
                Article(
                    id=row["id"],
                    slug=row["id"].lower(),
                    title=row["title"],
                    published=parsedate_to_datetime(row["published"]).astimezone(UTC),
                    source=row["source"],
                    origin=row["url"],
                    url=row["url"],
                    body_html="".join(f"<p>{html.escape(p)}</p>" for p in paragraphs),
                    summary=row["abstract"],
                    given_tags=(row["category"],) if categories else (),
                )
            )
    if by_date:
        articles.sort(key=lambda a: (a.published, a.id))
    return articles[:limit]
