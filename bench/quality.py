"""The current code measured against the labels made by reading (``bench/labels/``).

    python bench/quality.py [--corpus DIR] [--split dev|test|both]

Rebuilds the slices each label set was drawn from (see ``bench/labels/README.md``), runs
the project's tagger, same-story grouping and related stories on them as they are now,
and prints for each split, as Markdown:

- Tags: the labels of the tags extracted now on the labelled articles, the new tags nobody
  has judged (listed, to be labelled), the labelled tags no longer extracted, the tags
  whose words are a run of a longer tag's on the same article, and how many headlines
  have their named subjects tagged.
- Related: the labels of the links shown now (the first three, as drawn for labelling),
  the unjudged ones (listed), and how many articles open with an unrelated link.
- Same story: precision and recall of grouping on the labelled cross-source pairs, all of
  them and those told in each source's own words.
- Tag pages: the labels of the labelled pages of the whole corpus's tag index that a
  built site still has (reposts merged away, as the build does), and of those it no
  longer has.

Every figure gives its count. Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ant import DEFAULT_CORPUS, ROOT, as_built, read_articles
from label_pages_sample import extracted_pages
from label_sample import SLICES, TOP
from label_tags_sample import extracted_tags, feed_slice, text_slice

import generator
from generator.config import SameStoryConfig, TagsConfig
from generator.dedupe import group_same_stories
from generator.model import Article, Tag
from generator.normalize import match_key, tokenize
from generator.tags import assign_tags, tag_key
from generator.textindex import article_text

LABELS = Path(__file__).resolve().parent / "labels"
TAG_LABELS = ("good", "generic", "cut", "duplicate")
LINK_LABELS = ("same_story", "related", "weak", "unrelated")
SHOWN = 30  # unjudged tags or links listed per split


def share(count: int, total: int) -> str:
    """A count out of its total, as a reader checks it: ``62% (31/50)``."""
    return f"{count / total:.0%} ({count}/{total})" if total else f"– (0/{total})"


def read_labels(name: str) -> list[dict]:
    return [json.loads(line) for line in (LABELS / name).read_text(encoding="utf-8").splitlines()]


# Tags


@dataclass(frozen=True)
class PageScore:
    """The labelled tag pages, against what the tagger makes now."""

    made: Mapping[str, int]  # label -> labelled pages still made
    gone: Mapping[str, int]  # label -> labelled pages no longer made


def shown_pages(
    held: Mapping[str, Sequence[Article]], shown: Collection[str], min_articles: int
) -> dict[str, int]:
    """The tag pages a built site has, each with its number of articles: ``held``, each
    extracted tag's articles as tagging gave it, less the articles grouping merged away
    (same-source reposts; ``shown`` are the ids it kept). As the build does, a tag keeps
    its page only with ``min_articles`` of those left, so a phrase of one text that a
    source published twice makes none."""
    counts = {
        key: sum(article.id in shown for article in articles) for key, articles in held.items()
    }
    return {key: count for key, count in counts.items() if count >= min_articles}


def score_pages(rows: Sequence[dict], pages: Mapping[str, int]) -> PageScore:
    """``pages``: the keys of the tag pages made now, each with its number of articles."""
    made = Counter(row["label"] for row in rows if row["key"] in pages)
    gone = Counter(row["label"] for row in rows if row["key"] not in pages)
    return PageScore(made, gone)


@dataclass(frozen=True)
class TagScore:
    """The extracted tags of some labelled articles, against their labels."""

    articles: int
    extracted: int
    labelled: Mapping[str, int]  # label -> extracted tags that have it
    unlabelled: tuple[tuple[str, str], ...]  # (article id, tag label) nobody has judged
    dropped: Mapping[str, int]  # label -> labelled tags no longer extracted
    fragments: int  # extracted tags whose words run inside a longer tag of the article
    fragments_cut: int  # of those, labelled cut


def fragments(tags: Sequence[Tag]) -> list[Tag]:
    """The tags whose key words are a run of a longer tag's key words (دونالد beside
    دونالد ترامب): found from the tags alone, so this needs no label."""
    return [
        tag
        for tag in tags
        if any(
            len(other.key.split()) > len(tag.key.split()) and is_run(tag.key, other.key)
            for other in tags
        )
    ]


def is_run(part: str, whole: str) -> bool:
    """Whether the words of the key ``part`` are those of ``whole``, or a run of them."""
    inner, outer = part.split(), whole.split()
    return bool(inner) and any(
        outer[i : i + len(inner)] == inner for i in range(len(outer) - len(inner) + 1)
    )


def one_case(key: str) -> str:
    """A key with each sound masculine plural in one case: the nominative ending ون
    written as the oblique ين (حوثيون: حوثيين)."""
    return " ".join(
        f"{word[:-2]}ين" if word.endswith("ون") and len(word) > 4 else word for word in key.split()
    )


def score_tags(
    labels: Sequence[dict],
    tags_of: Mapping[str, Sequence[Tag]],
    extracted_of: Mapping[str, Sequence[Tag]],
) -> TagScore:
    """``labels`` are rows of tags.jsonl; ``tags_of`` and ``extracted_of`` give, by
    article id, all of its tags now and the extracted ones. A tag and a label are matched
    by the label as readers see it (spelling folded by ``match_key``): that is what was
    judged, and the tag key alone would give بالقاهرة the label of القاهرة."""
    label_of = {(row["id"], match_key(row["tag"])): row["label"] for row in labels}
    articles = sorted({row["id"] for row in labels})
    labelled: Counter[str] = Counter()
    unlabelled, seen = [], set()
    fragment_count = fragment_cut = 0
    for article in articles:
        found = extracted_of.get(article, ())
        pieces = {tag.key for tag in fragments(tags_of.get(article, ()))}
        for tag in found:
            key = (article, match_key(tag.label))
            seen.add(key)
            label = label_of.get(key)
            if label is None:
                unlabelled.append((article, tag.label))
            else:
                labelled[label] += 1
            if tag.key in pieces:
                fragment_count += 1
                fragment_cut += label == "cut"
    dropped = Counter(label for key, label in label_of.items() if key not in seen)
    return TagScore(
        articles=len(articles),
        extracted=sum(len(extracted_of.get(article, ())) for article in articles),
        labelled=dict(labelled),
        unlabelled=tuple(unlabelled),
        dropped=dict(dropped),
        fragments=fragment_count,
        fragments_cut=fragment_cut,
    )


@dataclass(frozen=True)
class SubjectScore:
    """Headlines whose named subjects are tags of their article."""

    articles: int  # labelled articles whose headline names at least one subject
    covered: int  # of those, every subject a tag of the article
    covered_in_part: int  # the same, a tag made of some of the subject's words allowed
    subjects: int
    tagged: int
    tagged_in_part: int


def score_subjects(
    rows: Sequence[dict], tags_of: Mapping[str, Sequence[Tag]], key_of: Mapping[str, str]
) -> SubjectScore:
    """``key_of`` gives each subject's tag key. A subject is tagged when one of the
    article's tags has its key, or shows it to readers as its label (عمر الرزاز, the
    label of a tag keyed by the surname), and tagged in part when a tag's key words are a
    run of its key words (ترامب for دونالد ترامب, but also كوريا for كوريا الشمالية). A
    plural's two cases are one word (الحوثيون, الحوثيين): a label written in one case
    matches a tag written in the other."""
    named = [row for row in rows if row["subjects"]]
    full, part = [], []  # per article, whether each subject is tagged
    for row in named:
        tags = tags_of.get(row["id"], ())
        keys = [one_case(key) for tag in tags for key in (tag.key, tag_key(tag.label))]
        wanted = [one_case(key_of[subject]) for subject in row["subjects"]]
        full.append([subject in keys for subject in wanted])
        part.append([any(is_run(key, subject) for key in keys) for subject in wanted])
    return SubjectScore(
        articles=len(named),
        covered=sum(map(all, full)),
        covered_in_part=sum(map(all, part)),
        subjects=sum(map(len, full)),
        tagged=sum(map(sum, full)),
        tagged_in_part=sum(map(sum, part)),
    )


# Related stories


@dataclass(frozen=True)
class RelatedScore:
    """The first links shown now on the labelled articles, against their labels."""

    articles: int
    links: int
    labelled: Mapping[str, int]
    unlabelled: tuple[tuple[str, str], ...]  # (article id, candidate id)
    without_links: int
    first_labelled: int  # articles whose first link has a label
    first_unrelated: int


def score_related(labels: Sequence[dict], links_of: Mapping[str, Sequence[str]]) -> RelatedScore:
    """``labels`` are rows of related_links.jsonl; ``links_of`` gives the links shown now,
    by article id, best first (only the first ``TOP`` are drawn for labelling, so only
    they are judged here)."""
    label_of = {(row["article"], row["candidate"]): row["label"] for row in labels}
    articles = sorted({row["article"] for row in labels})
    labelled: Counter[str] = Counter()
    unlabelled = []
    firsts = []
    for article in articles:
        links = list(links_of.get(article, ()))[:TOP]
        for rank, candidate in enumerate(links):
            label = label_of.get((article, candidate))
            if label is None:
                unlabelled.append((article, candidate))
            else:
                labelled[label] += 1
            if rank == 0 and label is not None:
                firsts.append(label)
    return RelatedScore(
        articles=len(articles),
        links=sum(labelled.values()) + len(unlabelled),
        labelled=dict(labelled),
        unlabelled=tuple(unlabelled),
        without_links=sum(not links_of.get(article) for article in articles),
        first_labelled=len(firsts),
        first_unrelated=firsts.count("unrelated"),
    )


# Same story


@dataclass(frozen=True)
class PairScore:
    """Grouping decisions on labelled pairs."""

    pairs: int
    true: int  # labelled the same event
    grouped: int  # put in one story by the code
    grouped_true: int


def score_pairs(rows: Sequence[dict], together: Callable[[str, str], bool]) -> PairScore:
    said = [(together(row["a"], row["b"]), row["same_event"]) for row in rows]
    return PairScore(
        pairs=len(said),
        true=sum(truth for _, truth in said),
        grouped=sum(grouped for grouped, _ in said),
        grouped_true=sum(grouped and truth for grouped, truth in said),
    )


# Running the code on the slices


def progress(message: str, started: float = time.perf_counter()) -> None:
    print(f"[{time.perf_counter() - started:5.0f} s] {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Measured:
    """What the current code made of the slices the labels were drawn from."""

    tagged: Mapping[str, Mapping[str, Article]]  # slice -> article id -> article
    linked: Mapping[str, Article]  # related slices' articles by id
    same_story: Mapping[str, frozenset[str]]  # whole corpus: id -> its story's other versions
    pages: Mapping[str, int]  # whole corpus: each extracted tag's page -> its articles


def measure(corpus: Path, splits: Sequence[str], window: str = "site") -> Measured:
    progress("tags: the daily feed files built as one site")
    feed = {a.id: a for a in feed_slice(corpus, window)}
    progress("tags: the full-text articles from 2018-06-01 on")
    text = {a.id: a for a in text_slice(corpus, window)}
    progress("reading the whole corpus")
    everything = read_articles(corpus, by_date=True)
    linked = {}
    for split in splits:
        start, end = SLICES[split]
        progress(f"related stories: the {split} slice, {start:%Y-%m-%d} to {end:%Y-%m-%d}")
        built = as_built([a for a in everything if start <= a.published < end])
        linked.update((a.id, a) for a in built)
    progress(f"same-story grouping: all {len(everything):,} articles")
    grouped, _ = group_same_stories(everything, SameStoryConfig())
    progress(f"tags: all {len(everything):,} articles as one site, for its tag pages")
    config = TagsConfig(window=window)
    held = extracted_pages(*assign_tags(everything, config))
    progress("scoring")
    return Measured(
        tagged={"feed": feed, "text": text},
        linked=linked,
        same_story=same_story_of(everything, grouped),
        pages=shown_pages(held, {a.id for a in grouped}, config.min_articles),
    )


def same_story_of(
    articles: Sequence[Article], grouped: Sequence[Article]
) -> dict[str, frozenset[str]]:
    """Each article's other versions, by id. A same-source repost that grouping dropped
    gets those of the copy the site shows instead (the same source, title and text):
    that is what a reader sees of it."""
    kept = {a.id: a for a in grouped}

    def text(article: Article) -> tuple[str, list[str], list[str]]:
        return article.source, tokenize(article.title), tokenize(article_text(article))

    by_title: dict[tuple[str, str], list[Article]] = {}
    for article in grouped:
        by_title.setdefault((article.source, match_key(article.title)), []).append(article)
    versions = {}
    for article in articles:
        shown = kept.get(article.id) or next(
            (
                copy
                for copy in by_title.get((article.source, match_key(article.title)), ())
                if text(copy) == text(article)
            ),
            None,
        )
        if shown is not None:
            versions[article.id] = frozenset({shown.id, *shown.same_story} - {article.id})
    return versions


def code_version() -> str:
    """The commit measured, and whether the package had changes not yet committed; or,
    for a package imported from elsewhere (an exported commit on ``PYTHONPATH``), where."""
    package = Path(generator.__file__).resolve().parent
    if package != ROOT / "generator":
        return f"the generator package at {package}"

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()

    commit = git("log", "-1", "--format=%h of %cs")
    changed = git("status", "--porcelain", "--", "generator")
    return f"commit {commit}" + (", with uncommitted changes to generator/" if changed else "")


# Printing


def draw_of(row: dict) -> str:
    """The draw a label row belongs to: each later draw of articles was labelled before
    any rule was made on it, so its figures alone say how the tagger does on articles no
    rule had seen when it was drawn."""
    added = row.get("added", "")
    return added if added.endswith("draw") else "first-draw"


def print_tags(split: str, measured: Measured) -> None:
    rows = [row for row in read_labels("tags.jsonl") if row["split"] == split]
    subjects = [row for row in read_labels("headline_subjects.jsonl") if row["split"] == split]
    key_of = {s: tag_key(s) for row in subjects for s in row["subjects"]}
    print("\n### Tags\n")
    print(f"| slice or draw | articles | extracted now | labelled | {' | '.join(TAG_LABELS)} |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    scores, coverage = {}, {}
    draw = {}  # article id -> the draw that brought it: its first row's
    for row in rows:
        draw.setdefault(row["id"], draw_of(row))
    draws = sorted(set(draw.values()))
    for name in ("feed", "text", "both", *(draws if len(draws) > 1 else ())):
        chosen = [row for row in rows if name in ("both", row["slice"], draw[row["id"]])]
        named = [row for row in subjects if name in ("both", row["slice"], draw.get(row["id"]))]
        articles = {
            row["id"]: measured.tagged[row["slice"]].get(row["id"]) for row in [*chosen, *named]
        }
        tags_of = {i: a.tags for i, a in articles.items() if a}
        extracted_of = {i: extracted_tags(a) for i, a in articles.items() if a}
        score = scores[name] = score_tags(chosen, tags_of, extracted_of)
        coverage[name] = score_subjects(named, tags_of, key_of)
        judged = sum(score.labelled.values())
        print(
            f"| {name} | {score.articles} | {score.extracted} | {share(judged, score.extracted)} | "
            + " | ".join(share(score.labelled.get(label, 0), judged) for label in TAG_LABELS)
            + " |"
        )
    both = scores["both"]
    dropped = ", ".join(f"{label} {both.dropped.get(label, 0)}" for label in TAG_LABELS)
    print(f"\n- Labelled tags no longer extracted: {sum(both.dropped.values())} ({dropped}).")
    print(
        f"- Extracted tags whose words are a run of a longer tag's on the same article: "
        f"{share(both.fragments, both.extracted)}; {both.fragments_cut} of them labelled cut."
    )
    print("- Headlines whose named subjects are all tags of the article:")
    for name, score in coverage.items():
        print(
            f"  - {name}: {share(score.covered, score.articles)} by the full name; "
            f"{share(score.covered_in_part, score.articles)} a part of the name allowed "
            f"(subjects: {share(score.tagged, score.subjects)}; "
            f"{share(score.tagged_in_part, score.subjects)})"
        )
    print(f"- Extracted tags nobody has judged: {len(both.unlabelled)}")
    titles = {row["id"]: row["title"] for row in rows}
    for article, label in both.unlabelled[:SHOWN]:
        print(f"  - `{article}` {titles[article]} → **{label}**")


def print_related(split: str, measured: Measured) -> None:
    rows = [row for row in read_labels("related_links.jsonl") if row["split"] == split]
    links_of = {
        row["article"]: measured.linked[row["article"]].related
        for row in rows
        if row["article"] in measured.linked
    }
    score = score_related(rows, links_of)
    judged = sum(score.labelled.values())
    print(f"\n### Related stories (the first {TOP} links of {score.articles} articles)\n")
    print("| links now | labelled | " + " | ".join(LINK_LABELS) + " |")
    print("| --- | --- | " + " | ".join("---" for _ in LINK_LABELS) + " |")
    print(
        f"| {score.links} | {share(judged, score.links)} | "
        + " | ".join(share(score.labelled.get(label, 0), judged) for label in LINK_LABELS)
        + " |"
    )
    print(
        f"\n- Articles whose first link is unrelated: "
        f"{share(score.first_unrelated, score.first_labelled)} "
        f"(of those whose first link is labelled); without any link: {score.without_links}."
    )
    print(f"- Links nobody has judged: {len(score.unlabelled)}")
    for article, candidate in score.unlabelled[:SHOWN]:
        print(
            f"  - `{article}` {measured.linked[article].title} → "
            f"`{candidate}` {measured.linked[candidate].title}"
        )


def print_same_story(split: str, measured: Measured) -> None:
    rows = [row for row in read_labels("same_event.jsonl") if row["split"] == split]

    def together(a: str, b: str) -> bool:
        return b in measured.same_story.get(a, ())

    print(f"\n### Same story ({len(rows)} cross-source pairs)\n")
    print("| which pairs | labelled same event | grouped | precision | recall |")
    print("| --- | --- | --- | --- | --- |")
    strata = ["all", *dict.fromkeys(row["stratum"] for row in rows)]
    for stratum in strata:
        chosen = [row for row in rows if stratum in ("all", row["stratum"])]
        s = score_pairs(chosen, together)
        name = "all" if stratum == "all" else f"stratum `{stratum}`"
        name += " (rewrites)" if stratum == "own_words" else ""
        print(
            f"| {name} | {s.true} of {s.pairs} | {s.grouped} | "
            f"{share(s.grouped_true, s.grouped)} | {share(s.grouped_true, s.true)} |"
        )
    left_out = sum(row[k] not in measured.same_story for row in rows for k in ("a", "b"))
    if left_out:
        print(f"\n- Articles the site does not show, counted as not grouped: {left_out}.")


def print_pages(split: str, measured: Measured) -> None:
    rows = [row for row in read_labels("tag_pages.jsonl") if row["split"] == split]
    score = score_pages(rows, measured.pages)
    made, gone = sum(score.made.values()), sum(score.gone.values())
    print(f"\n### Tag pages ({len(rows)} drawn from the whole corpus's tag index)\n")
    print("| pages | still made | " + " | ".join(TAG_LABELS[:3]) + " |")
    print("| --- | --- | " + " | ".join("---" for _ in TAG_LABELS[:3]) + " |")
    print(
        f"| {len(rows)} | {made} | "
        + " | ".join(share(score.made.get(label, 0), made) for label in TAG_LABELS[:3])
        + " |"
    )
    labels = ", ".join(f"{label} {score.gone.get(label, 0)}" for label in TAG_LABELS[:3])
    print(f"\n- Labelled pages no longer made: {gone} ({labels}).")
    print(f"- Tag pages of extracted tags now: {len(measured.pages):,}.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--split", choices=("dev", "test", "both"), default="both")
    parser.add_argument(
        "--tags-window",
        choices=("site", "month"),
        default="site",
        help="the tags: window setting the slices are tagged with (default: site)",
    )
    options = parser.parse_args()
    splits = ("dev", "test") if options.split == "both" else (options.split,)
    version = code_version()
    measured = measure(options.corpus, splits, options.tags_window)
    print(f"Code measured: {version}, tags: window: {options.tags_window}.")
    for split in splits:
        print(f"\n## {split}")
        print_tags(split, measured)
        print_related(split, measured)
        print_same_story(split, measured)
        print_pages(split, measured)
    progress("done")


if __name__ == "__main__":
    main()
