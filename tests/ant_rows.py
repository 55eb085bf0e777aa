"""A row of the ANT corpus (Arabic News Texts) as an Article, as a feed item would be.

The row format is the corpus's, not the site's, so this lives with the test fixtures
(a few real rows in ``fixtures/related/``) and the benchmarks read the whole corpus with it.
"""

from __future__ import annotations

import html
from datetime import UTC
from email.utils import parsedate_to_datetime

from generator.model import Article


def article_from_row(row: dict) -> Article:
    """Paragraphs as HTML, the feed's date, and the ANT category as the feed's given tag."""
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
        given_tags=(row["category"],),
    )
