"""Same-story grouping and related stories on one feed's worth of near-identical items.

    python bench/blowup_bench.py [--sizes 40000 100000] [--sources 1] [--words 0]

A feed can hold thousands of undated items that all share a phrase: undated items all
get the time of the fetch, so they fall in one time window, and a phrase held by every
article used to make both stages compare every pair. Each size is run in a fresh
process, so that the peak memory printed is that run's alone. The items are made
here, deterministically, as the feed stage makes articles of them (one source, one
time, the phrase and a number as title and summary), and go through the stages as a
build runs them: one tokenization shared by grouping and related stories.

``--words 30`` adds to each summary 30 words drawn from a list of 1,000, so that each
article shares words with thousands of others: the most work related stories can be
made to do per article.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator import textindex  # noqa: E402
from generator.config import RelatedConfig, SameStoryConfig  # noqa: E402
from generator.dedupe import group_same_stories  # noqa: E402
from generator.model import Article  # noqa: E402
from generator.related import find_related  # noqa: E402

PHRASE = "عاجل من المصدر"
FETCHED = datetime(2024, 5, 1, 12, tzinfo=UTC)  # the one time every undated item gets
LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
POOL = [f"{a}{b}{c}ات" for a in LETTERS for b in LETTERS for c in LETTERS[:2]][:1000]


def items(count: int, sources: int, words: int = 0) -> list[Article]:
    """``count`` undated items sharing PHRASE, spread over ``sources`` feeds, each with
    ``words`` words of POOL (the same for every run)."""
    return [
        Article(
            id=f"item-{number}",
            slug=f"item-{number}",
            title=f"{PHRASE} رقم {number}",
            summary=" ".join([PHRASE, str(number), *random.Random(number).sample(POOL, words)]),
            published=FETCHED,
            source=f"feed-{number % sources}",
            origin=f"https://feed-{number % sources}.example/rss",
        )
        for number in range(count)
    ]


def run(count: int, sources: int, words: int) -> tuple[float, float, float, int, int]:
    """Seconds for grouping and for related stories, peak memory in MB, the number
    of stories and of related links."""
    articles = items(count, sources, words)
    start = time.perf_counter()
    corpus = textindex.encode(articles)
    grouped, stories = group_same_stories(articles, SameStoryConfig(), corpus=corpus)
    grouping = time.perf_counter() - start
    start = time.perf_counter()
    related = find_related(grouped, RelatedConfig(), corpus=corpus)
    finding = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return grouping, finding, peak, len(stories), sum(len(a.related) for a in related)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[40_000, 100_000])
    parser.add_argument("--sources", type=int, default=1)
    parser.add_argument("--words", type=int, default=0)
    options = parser.parse_args()
    print("items     grouping (tokenizing included)   related   peak memory   stories   links")
    for count in options.sizes:
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
            grouping, finding, peak, stories, links = pool.submit(
                run, count, options.sources, options.words
            ).result()
        print(
            f"{count:>7,}   {grouping:>28.1f} s   {finding:>5.1f} s   {peak:>8,.0f} MB"
            f"   {stories:>7,}   {links:>5,}"
        )


if __name__ == "__main__":
    main()
