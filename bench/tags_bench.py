"""Tag quality and speed on the ANT corpus.

    python bench/tags_bench.py [corpus_dir] [--limit 20000]

Loads the first ``limit`` articles of ``articles.jsonl.gz`` (no given tags, so every tag
is extracted), runs ``assign_tags`` with the default settings and prints:

- how many extracted tags occur in their article's title, or in its title or body;
- how often one entity gets one tag rather than several spelling variants: tags are
  grouped by a loose key (each word without the article and the proclitics before it),
  and a group with more than one tag is an entity split over variants;
- the time taken and articles per second.
"""

from __future__ import annotations

import argparse
import re
import time
from collections import defaultdict
from pathlib import Path

from ant import DEFAULT_CORPUS, read_articles

from generator.config import TagsConfig
from generator.normalize import clitic_readings, tokenize
from generator.tags import assign_tags


def _words(label: str) -> str:
    """A tag's label as match keys: what readers see, compared as the tags stage compares."""
    return " ".join(tokenize(label))


def occurs(key: str, text: str) -> bool:
    """Whether the words of a tag's label occur in a row in the text, proclitics and the
    article allowed (a tag الانتخابات occurs in a text that says انتخابات)."""
    words = [loose(word) for word in key.split()]
    readings = [{loose(r) for r in clitic_readings(token)} for token in tokenize(text)]
    return any(
        all(word in options for word, options in zip(words, readings[start:], strict=False))
        for start in range(len(readings) - len(words) + 1)
    )


_ARTICLE = re.compile(r"^(?:[وف]?(?:[بك]?ال|لل)|و)(?=...)")


def loose(key: str) -> str:
    """A tag key with the article and the proclitics before it taken off each word
    (بالكامل, الكامل: كامل): variants that should have been one tag share it."""
    return " ".join(_ARTICLE.sub("", word) for word in key.split())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--limit", type=int, default=20_000)
    args = parser.parse_args()
    articles = read_articles(args.corpus, limit=args.limit, categories=False)

    start = time.perf_counter()
    tagged, site = assign_tags(articles, TagsConfig())
    elapsed = time.perf_counter() - start

    tags = [(article, tag) for article in tagged for tag in article.tags]
    in_title = sum(occurs(_words(tag.label), article.title) for article, tag in tags)
    in_text = sum(
        occurs(_words(tag.label), f"{article.title} {article.body_html}") for article, tag in tags
    )
    groups: dict[str, set[str]] = defaultdict(set)
    for tag in {tag for _, tag in tags}:
        groups[loose(_words(tag.label))].add(tag.label)
    split = {key: labels for key, labels in groups.items() if len(labels) > 1}

    print(f"articles: {len(articles)}, tagged: {sum(bool(a.tags) for a in tagged)}")
    print(f"tags on articles: {len(tags)} ({len(tags) / len(articles):.2f} per article)")
    print(f"distinct tags: {len(groups) + sum(len(v) - 1 for v in split.values())}, ", end="")
    print(f"with a page (min_articles 2): {len(site)}")
    print(f"extracted tags in the title: {in_title / len(tags):.1%}")
    print(f"extracted tags in the title or body: {in_text / len(tags):.1%}")
    print(
        f"entities with one tag: {1 - len(split) / len(groups):.2%} "
        f"({len(split)} of {len(groups)} entities split over spelling variants)"
    )
    for labels in sorted(split.values(), key=lambda v: (-len(v), sorted(v)))[:10]:
        print("   split:", " / ".join(sorted(labels)))
    print(f"time: {elapsed:.1f} s, {len(articles) / elapsed:.0f} articles per second")


if __name__ == "__main__":
    main()
