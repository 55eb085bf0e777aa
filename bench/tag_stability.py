"""How much a site's existing tags move when it grows.

    python bench/tag_stability.py [corpus_dir] [--sizes 10000 20000 30000] [--added 1000]

A site only gains articles from one build to the next, so what its older articles are
about does not change; their tags, computed from the whole site's counts, may. For each
size N, the first N ANT articles by date (each with its category as a given tag, as the
quality bench's tag pages have them) are tagged as a site, and then the first N +
``added`` as a larger one, and the N older articles' extracted tags are compared:

- how many older articles got other tags, and how many tags went and came on them;
- the tag pages (tags on ``min_articles`` articles or more, by key) the larger site no
  longer has, though it has every article the smaller one had: a page that goes as a site
  grows is a rule's threshold crossed, not news;
- the tags that left the most older articles, with how many each had.

Every change is a page a rebuild writes again and a link a reader followed that now leads
elsewhere; the figures say how often the tag rules' thresholds are crossed by ordinary
growth.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ant import DEFAULT_CORPUS, read_articles
from label_tags_sample import extracted_tags

from generator.config import TagsConfig
from generator.model import Article
from generator.tags import assign_tags

_FLIPS_SHOWN = 8


@dataclass(frozen=True)
class Churn:
    """What growing did to the older articles' tags (each tag as ``(key, label)``)."""

    articles: int  # the older articles
    changed: int  # of those, the ones whose tags are not the same
    gone: Counter[tuple[str, str]]  # tags an older article lost, with how many lost each
    came: Counter[tuple[str, str]]
    pages_gone: tuple[str, ...]  # labels of the pages the smaller site had and the larger not
    carried: Counter[tuple[str, str]]  # each tag's older articles before growing


def churn(
    before: Mapping[str, Sequence[tuple[str, str]]],
    after: Mapping[str, Sequence[tuple[str, str]]],
    min_articles: int,
) -> Churn:
    """Compares each article of ``before`` (id -> its tags) with the same article in
    ``after``, which holds those articles and more. Pages are counted over each site's
    own articles."""
    gone: Counter[tuple[str, str]] = Counter()
    came: Counter[tuple[str, str]] = Counter()
    changed = 0
    for article, tags in before.items():
        now = after[article]
        if list(tags) != list(now):
            changed += 1
            gone.update(tag for tag in tags if tag not in now)
            came.update(tag for tag in now if tag not in tags)
    carried = Counter(tag for tags in before.values() for tag in tags)
    pages_after = _pages(after, min_articles)
    pages_gone = sorted(
        label for key, label in _pages(before, min_articles).items() if key not in pages_after
    )
    return Churn(len(before), changed, gone, came, tuple(pages_gone), carried)


def _pages(tagged: Mapping[str, Sequence[tuple[str, str]]], min_articles: int) -> dict[str, str]:
    """Each page's key, with the label one of its articles shows."""
    count = Counter(key for tags in tagged.values() for key, _ in tags)
    label = {key: shown for tags in tagged.values() for key, shown in tags}
    return {key: label[key] for key, n in count.items() if n >= min_articles}


def _extracted(articles: Sequence[Article]) -> dict[str, tuple[tuple[str, str], ...]]:
    """Each article's extracted tags: those it was not given (its category)."""
    return {
        article.id: tuple((tag.key, tag.label) for tag in extracted_tags(article))
        for article in articles
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 20_000, 30_000])
    parser.add_argument("--added", type=int, default=1_000)
    args = parser.parse_args()
    articles = read_articles(args.corpus, by_date=True)
    config = TagsConfig()
    print(
        "| articles | added | older articles with other tags | tags gone / came on them "
        "| pages gone | largest flips (articles that lost the tag, of those that had it) |"
    )
    print("| --- | --- | --- | --- | --- | --- |")
    for size in args.sizes:
        started = time.perf_counter()
        smaller, _ = assign_tags(articles[:size], config)
        larger, _ = assign_tags(articles[: size + args.added], config)
        before = _extracted(smaller)
        after = _extracted(larger)
        found = churn(before, after, config.min_articles)
        flips = ", ".join(
            f"{label} {lost}/{found.carried[key, label]}"
            for (key, label), lost in found.gone.most_common(_FLIPS_SHOWN)
        )
        print(
            f"| {size:,} | {args.added:,} | {found.changed:,} "
            f"({found.changed / max(1, found.articles):.1%}) "
            f"| {sum(found.gone.values()):,} / {sum(found.came.values()):,} "
            f"| {len(found.pages_gone):,} | {flips} |",
            flush=True,
        )
        print(f"  ({time.perf_counter() - started:.0f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
