"""Draw the tag pages labelled by reading (bench/labels/tag_pages.jsonl).

    python bench/label_pages_sample.py [corpus_dir] [--per-half 50] [--seed 2026]

Tags the whole corpus as one site (its 31,525 articles, the ANT category as each one's given
tag, tags by site) and draws, at random, pages of extracted tags: those a reader finds in
the site's tag index that no feed or article gave. The labelled tags
(bench/labels/tags.jsonl) are drawn by article, and a tag on two articles of thousands is
rarely on the one drawn; the index shows it all the same. The first ``--per-half`` pages
drawn are the dev half, the next as many the test half. One JSON line per page: its key,
label, split, the number of articles it holds and the titles of up to three of them.
The draw depends only on the corpus, the tagger and the seed.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from ant import DEFAULT_CORPUS, read_articles

from generator.config import TagsConfig
from generator.model import Article, Tag
from generator.tags import assign_tags, tag_key


def tag_pages(corpus: Path) -> tuple[tuple[Article, ...], tuple[Tag, ...]]:
    """The whole corpus tagged as one site, and its tag pages, as ``quality.py`` reads them."""
    return assign_tags(read_articles(corpus, by_date=True), TagsConfig())


def extracted_pages(
    tagged: tuple[Article, ...], pages: tuple[Tag, ...]
) -> dict[str, list[Article]]:
    """Each page of an extracted tag (one no article was given) with its articles."""
    given = {tag_key(name) for article in tagged for name in article.given_tags}
    held: dict[str, list[Article]] = {tag.key: [] for tag in pages if tag.key not in given}
    for article in tagged:
        for tag in article.tags:
            if tag.key in held:
                held[tag.key].append(article)
    return held


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--per-half", type=int, default=50)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    tagged, pages = tag_pages(args.corpus)
    held = extracted_pages(tagged, pages)
    labels = {tag.key: tag.label for tag in pages}
    drawn = random.Random(args.seed).sample(sorted(held), 2 * args.per_half)
    for number, key in enumerate(drawn):
        row = {
            "key": key,
            "tag": labels[key],
            "split": "dev" if number < args.per_half else "test",
            "articles": len(held[key]),
            "titles": [article.title for article in held[key][:3]],
        }
        print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    main()
