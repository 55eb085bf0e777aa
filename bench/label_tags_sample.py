"""Draw the articles whose extracted tags are labelled by reading (bench/labels/tags.jsonl).

    python bench/label_tags_sample.py [corpus_dir] [--per-half 55] [--seed 2018] [--show]

Tags the corpus two ways a site would see it, then draws articles at random:

- feed: the 56 daily feed files built as one site (summary-only items, the feed's category
  as each item's given tag); dev is before 2018-07-08, test from it on.
- text: the full-text articles published from 2018-06-01 on, categories left out as
  ``tags_bench.py`` does; dev is before 2018-07-18, test from it on (about half each).

``--per-half`` articles with at least one extracted tag are drawn from each half of each
slice. One JSON line per article is printed: id, slice, split, title, lead, tags (extracted
only, in the order shown). ``--show`` prints them as text to read instead. The draw depends
only on the corpus, the tagger and the seed.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import re
import shutil
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from ant import DEFAULT_CORPUS, read_articles

from generator.config import TagsConfig, load_config
from generator.feeds import collect_feed_articles
from generator.model import Article, Tag
from generator.sanitize import html_to_text
from generator.tags import assign_tags

FEED_CUT = datetime(2018, 7, 8, tzinfo=UTC)
TEXT_CUT = datetime(2018, 7, 18, tzinfo=UTC)
TEXT_FROM = datetime(2018, 6, 1, tzinfo=UTC)
_SENTENCE_END = re.compile(r"(?<=[.!?؟])\s+")


def feed_slice(corpus: Path, window: str = "site") -> tuple[Article, ...]:
    """The daily feed files read by a site built in a scratch folder, as ``digest build``
    reads local feeds; tagged with ``tags: window``."""
    with tempfile.TemporaryDirectory() as scratch:
        site = Path(scratch)
        shutil.copytree(corpus / "feeds", site / "feeds")
        lines = ["title: ANT", "base_url: https://example.org/", "language: ar", "feeds:"]
        for path in sorted((site / "feeds").glob("*.xml")):
            lines += [f"  - url: feeds/{path.name}", f"    name: {path.name.split('-')[0]}"]
        (site / "config.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        config = load_config(site)
        fed = collect_feed_articles(
            config,
            now=datetime(2018, 7, 15, tzinfo=UTC),
            offline=True,
            progress=lambda message: None,
        )
        tagged, _ = assign_tags(fed.articles, dataclasses.replace(config.tags, window=window))
    return tagged


def text_slice(corpus: Path, window: str = "site") -> tuple[Article, ...]:
    articles = [a for a in read_articles(corpus, categories=False) if a.published >= TEXT_FROM]
    tagged, _ = assign_tags(articles, TagsConfig(window=window))
    return tagged


def extracted_tags(article: Article) -> tuple[Tag, ...]:
    """The tags the tagger found, not those the feed gave."""
    return article.tags[len(article.given_tags) :]


def extracted(article: Article) -> list[str]:
    return [tag.label for tag in extracted_tags(article)]


def lead(article: Article, sentences: int = 2) -> str:
    text = html_to_text(article.body_html) or article.summary
    return " ".join(_SENTENCE_END.split(" ".join(text.split()))[:sentences])


def draw(
    articles: tuple[Article, ...], cut: datetime, per_half: int, rng: random.Random
) -> Iterator[tuple[str, Article]]:
    for split, wanted in (
        ("dev", lambda a: a.published < cut),
        ("test", lambda a: a.published >= cut),
    ):
        pool = sorted((a for a in articles if wanted(a) and extracted(a)), key=lambda a: a.id)
        for article in sorted(rng.sample(pool, per_half), key=lambda a: a.id):
            yield split, article


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--per-half", type=int, default=55)
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--show", action="store_true")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    slices = (
        ("feed", feed_slice(args.corpus), FEED_CUT),
        ("text", text_slice(args.corpus), TEXT_CUT),
    )
    for name, articles, cut in slices:
        for split, article in draw(articles, cut, args.per_half, rng):
            row = {
                "id": article.id,
                "slice": name,
                "split": split,
                "published": article.published.isoformat(),
                "title": article.title,
                "lead": lead(article),
                "tags": extracted(article),
            }
            if args.show:
                print(f"\n{row['id']} [{name}/{split}]\n  {row['title']}\n  {row['lead']}")
                print("  TAGS:", " | ".join(row["tags"]))
            else:
                print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    main()
