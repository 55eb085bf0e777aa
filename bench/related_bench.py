"""Same-story grouping and related stories on the ANT corpus: time, memory and quality.

    python bench/related_bench.py [corpus_dir] [--limit 30000] [--show-pairs N]

Times tagging (for context), tokenizing, grouping and related stories, and the peak
memory of the process; then measures same-story grouping against edited copies made
here and against the pairs labelled by reading in ``labelled_pairs.jsonl``, and related
stories against ranking by shared tags alone. ``--show-pairs N`` prints N unlabelled
cross-source pairs per similarity band, for a person to read and label.
"""

from __future__ import annotations

import argparse
import dataclasses
import html
import json
import multiprocessing
import random
import resource
import sys
import tempfile
import time
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ant import DEFAULT_CORPUS, read_articles  # noqa: E402

from generator import textindex  # noqa: E402
from generator.config import RelatedConfig, SameStoryConfig, TagsConfig  # noqa: E402
from generator.dedupe import group_same_stories, similar_pairs  # noqa: E402
from generator.model import Article  # noqa: E402
from generator.normalize import is_stop_word, strip_clitics, tokenize  # noqa: E402
from generator.related import find_related  # noqa: E402
from generator.tags import assign_tags  # noqa: E402

LABELS = Path(__file__).resolve().parent / "labelled_pairs.jsonl"
THRESHOLDS = (0.1, 0.12, 0.15, 0.2, 0.25, 0.3)
BANDS = ((0.0, 0.1), (0.1, 0.15), (0.15, 0.2), (0.2, 0.3), (0.3, 1.01))


def tag(articles: list[Article]) -> list[tuple]:
    tagged, _ = assign_tags(articles, TagsConfig())
    return [article.tags for article in tagged]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(label: str, function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    print(f"{label:<44} {time.perf_counter() - start:6.1f} s   peak {peak_mb():6.0f} MB")
    return result


def variants(articles: list[Article], count: int, rng: random.Random) -> list[tuple[str, Article]]:
    """Copies of real articles as another outlet would run them: lightly edited,
    cut short, or under a new headline, published a few hours later."""
    long_enough = [a for a in articles if len(textindex.article_text(a).split()) >= 80]
    vocabulary = [w for a in rng.sample(long_enough, 50) for w in a.title.split()]
    made = []
    for number, original in enumerate(rng.sample(long_enough, count)):
        kind = ("edited", "truncated", "retitled")[number % 3]
        words = textindex.article_text(original).split()
        title = original.title
        if kind == "edited":  # one word in ten replaced, the last tenth dropped
            words = [rng.choice(vocabulary) if rng.random() < 0.1 else w for w in words]
            words = words[: len(words) * 9 // 10]
        elif kind == "truncated":
            words = words[: len(words) // 2]
        else:
            title = rng.choice(articles).title
        copy = dataclasses.replace(
            original,
            id=f"copy-{original.id}",
            slug=f"copy-{original.slug}",
            source="wire-copy",
            title=title,
            body_html=f"<p>{html.escape(' '.join(words))}</p>",
            published=original.published + timedelta(hours=rng.uniform(1, 40)),
        )
        made.append((kind, copy))
    return made


def same_story_quality(articles, corpus, rng) -> None:
    print("\nSame-story grouping: edited copies (each must join its original)")
    made = variants(articles, 300, rng)
    copies = [copy for _, copy in made]
    for threshold in THRESHOLDS:
        config = SameStoryConfig(threshold=threshold)
        _, stories = group_same_stories([*articles, *copies], config)
        story_of = {i: s.headline for s in stories for i in (s.headline, *s.also_reported_by)}
        found = Counter(kind for kind, copy in made if story_of[copy.id] == story_of[copy.id[5:]])
        share = {kind: found[kind] / 100 for kind in ("edited", "truncated", "retitled")}
        print(
            f"  threshold {threshold:.2f}: " + ", ".join(f"{k} {v:.0%}" for k, v in share.items())
        )

    pairs = similar_pairs(articles, SameStoryConfig(threshold=0.1), corpus=corpus)
    score = {(a, b): s for a, b, s in pairs}
    labels = [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines()]
    for row in labels:
        score.setdefault((row["a"], row["b"]), 0.0)  # under 0.1, or fewer than 3 triples
    print(f"\nSame-story grouping: {len(labels)} cross-source pairs labelled by reading")
    for threshold in THRESHOLDS:
        said = [(score[row["a"], row["b"]] >= threshold, row["label"] == "same") for row in labels]
        hits = sum(p and t for p, t in said)
        predicted, true = sum(p for p, _ in said), sum(t for _, t in said)
        print(
            f"  threshold {threshold:.2f}: precision {hits / max(predicted, 1):.0%} "
            f"({hits}/{predicted}), recall {hits / max(true, 1):.0%} ({hits}/{true})"
        )
    for low, high in BANDS:
        band = [row for row in labels if low <= score[row["a"], row["b"]] < high]
        same = sum(row["label"] == "same" for row in band)
        print(f"  similarity {low:.2f}-{min(high, 1):.2f}: {same}/{len(band)} labelled same")
    default = SameStoryConfig().threshold
    above = sum(s >= default for s in score.values())
    print(f"  cross-source pairs at 0.10 or more: {len(pairs)}; at {default}: {above}")


def entity_words(articles: list[Article]) -> list[set[str]]:
    """Name-like words of each title: Arabic has no capitals, so a title word counts
    when it is not a stop word, has three letters or more, and is not among the 200
    most frequent title words (which are common nouns and verbs: الرئيس، يعلن)."""
    words = [
        {strip_clitics(t) for t in tokenize(a.title) if not is_stop_word(t) and len(t) >= 3}
        for a in articles
    ]
    common = {w for w, _ in Counter(w for ws in words for w in ws).most_common(200)}
    return [ws - common for ws in words]


def by_shared_tags(articles, sample, count) -> dict[str, list[str]]:
    """The baseline: most shared tags, then closest in time, then id."""
    holders = defaultdict(list)
    for index, article in enumerate(articles):
        for tag in article.tags:
            holders[tag.key].append(index)
    links = {}
    for index in sample:
        article = articles[index]
        shared = Counter(j for tag in article.tags for j in holders[tag.key])
        ranked = sorted(
            (j for j in shared if j != index and articles[j].id not in article.same_story),
            key=lambda j: (
                -shared[j],
                abs(articles[j].published - article.published),
                articles[j].id,
            ),
        )
        links[article.id] = [articles[j].id for j in ranked[:count]]
    return links


def related_quality(articles, rng) -> None:
    position = {a.id: i for i, a in enumerate(articles)}
    category = [a.given_tags[0] for a in articles]
    entities = entity_words(articles)
    sample = rng.sample(range(len(articles)), 2000)
    computed = {articles[i].id: list(articles[i].related) for i in sample}
    baseline = by_shared_tags(articles, sample, RelatedConfig().count)
    print("\nRelated stories: 2,000 sampled articles, top 5")
    print("  ranking                 links/article  no links  same category  shared name  both")
    for name, links in (("text + tags + time", computed), ("shared tags alone", baseline)):
        pairs = [(position[a], position[b]) for a, bs in links.items() for b in bs]
        cat = [category[i] == category[j] for i, j in pairs]
        ent = [bool(entities[i] & entities[j]) for i, j in pairs]
        both = sum(c and e for c, e in zip(cat, ent, strict=True))
        empty = sum(not bs for bs in links.values())
        print(
            f"  {name:<22} {len(pairs) / len(links):13.2f} {empty / len(links):9.1%}"
            f" {sum(cat) / len(pairs):14.1%} {sum(ent) / len(pairs):12.1%}"
            f" {both / len(pairs):5.1%}"
        )


def show_pairs(articles, corpus, per_band, rng) -> None:
    labelled = set()
    if LABELS.exists():
        for line in LABELS.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            labelled.add((row["a"], row["b"]))
    by_id = {a.id: a for a in articles}
    pairs = similar_pairs(articles, SameStoryConfig(threshold=0.1), corpus=corpus)
    for low, high in BANDS:
        band = [p for p in pairs if low <= p[2] < high and p[:2] not in labelled and low]
        for a, b, s in rng.sample(band, min(per_band, len(band))):
            print(json.dumps({"a": a, "b": b, "similarity": round(s, 3)}))
            for article in (by_id[a], by_id[b]):
                print("   ", article.title, "|", article.summary[:160])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--limit", type=int, default=30_000)
    parser.add_argument("--show-pairs", type=int, default=0, metavar="N")
    options = parser.parse_args()
    rng = random.Random(2018)
    articles = timed(
        "load the corpus", read_articles, options.corpus, limit=options.limit, by_date=True
    )
    if options.show_pairs:
        show_pairs(articles, textindex.encode(articles), options.show_pairs, rng)
        return
    # Tags are computed in another process, so that the peak memory printed below is
    # that of grouping and related stories (with the corpus loaded), not of tagging.
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        tags = timed("tags, in another process (not this stage)", pool.submit(tag, articles).result)
    articles = [dataclasses.replace(a, tags=t) for a, t in zip(articles, tags, strict=True)]
    print(f"{len(articles)} articles")
    total = time.perf_counter()
    corpus = timed("tokenize once (textindex.encode)", textindex.encode, articles)
    grouped, stories = timed(
        "group_same_stories", group_same_stories, articles, SameStoryConfig(), corpus=corpus
    )
    related = timed("find_related", find_related, grouped, RelatedConfig(), corpus=corpus)
    print(f"{'both, tokenizing included':<44} {time.perf_counter() - total:6.1f} s")
    print(
        f"{len(articles) - len(grouped)} reposts merged, {len(stories)} stories, "
        f"{sum(bool(s.also_reported_by) for s in stories)} with other sources"
    )
    with tempfile.TemporaryDirectory() as cache:
        timed(
            "find_related, filling the cache",
            find_related,
            grouped,
            RelatedConfig(),
            cache_dir=Path(cache),
            corpus=corpus,
        )
        timed(
            "find_related, from the cache",
            find_related,
            grouped,
            RelatedConfig(),
            cache_dir=Path(cache),
        )
    same_story_quality(list(grouped), corpus, rng)
    related_quality(list(related), rng)


if __name__ == "__main__":
    main()
