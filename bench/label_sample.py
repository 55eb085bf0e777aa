"""Draw the samples that a person labels by reading, and print them for reading.

    python bench/label_sample.py draw [corpus_dir] --out DIR
    python bench/label_sample.py show FILE [--start 0] [--count 25] [--blind] [corpus_dir]

``draw`` writes two files of unlabelled rows to DIR, always the same for the same
corpus and code (seeded):

- ``same_event.jsonl``: 300 pairs of articles from different sources published at most
  48 hours apart. They are stratified by a cheap score that is not the project's own
  method (the Jaccard of title words, ``title_jaccard``) so that the set holds enough
  true pairs and near misses, plus a stratum of pairs told in their own words (titles
  that share little, leads that share several rare words).
- ``related_links.jsonl``: 250 (article, candidate) pairs: the links the project's
  related-stories step makes on a two-week slice of the corpus, built as the site build
  does (tags, same-story grouping, related stories), and the nearest neighbours by plain
  TF-IDF within seven days, so that the set does not only judge the project's method.

Every row has its ``split``: ``dev`` when its articles were published before ``CUT``,
``test`` after; pairs across the cut are never drawn. ``show`` prints rows with the
title and the lead of both articles, which is what the labels were given from.

The related candidates come from the project's code as it is on the path, so that
part of a draw changes when that code does; the README of the labels names the commit.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import random
import re
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

import numpy as np
from ant import DEFAULT_CORPUS, as_built, read_articles
from scipy import sparse

SEED = 2018
CUT = datetime(2018, 5, 21, tzinfo=UTC)  # the corpus's median publication date
WINDOW = timedelta(hours=48)  # "published within two days of each other"

# same_event: rows drawn per split and stratum (300 in all)
STRATA = {"high": 40, "mid": 40, "low": 40, "own_words": 30}
HIGH, MID = 0.4, 0.2  # title Jaccard bounds of the high and mid strata
RARE_DF = 20  # a word in at most this many articles (title and lead) is rare
OWN_WORDS_SHARED = 3  # rare lead words shared by a pair told in its own words
LEAD_WORDS = 60  # words of the text that make the lead

# related_links: two two-week slices, one per split, 125 candidates each
SLICES = {
    "dev": (datetime(2018, 4, 1, tzinfo=UTC), datetime(2018, 4, 15, tzinfo=UTC)),
    "test": (datetime(2018, 7, 1, tzinfo=UTC), datetime(2018, 7, 15, tzinfo=UTC)),
}
CANDIDATES_PER_SLICE = 125
TOP = 3  # candidates taken from each method per article
RANKS = 5  # ranks recorded per method (the project links five)
BASELINE_DAYS = 7

# Arabic function words (after the normalisation of ``words``): they say nothing of a story
_STOP_WORDS = (
    "في من الي علي عن مع بعد قبل ان او ما لا لم لن هل قد كل هذا هذه ذلك تلك التي الذي الذين "
    "بين عند حتي ثم اذا منذ خلال ضد حول امام لدي غير بعض هو هي هم كان كانت يكون وفي ومن "
    "وعلي والي وعن او اي انه انها به بها له لها فيه فيها منه منها عليه عليها و ب ل ف ك"
)
STOP = frozenset(_STOP_WORDS.split())
_DIACRITICS = re.compile("[\u064b-\u0652\u0640]")  # short vowels and tatweel
_LETTERS = str.maketrans("أإآٱى", "ااااي")
_WORD = re.compile(r"\w+")
_ARTICLE = ("وال", "بال", "فال", "كال", "لل", "ال")  # the article, alone or after a proclitic


def words(text: str) -> list[str]:
    """Content words with the article taken off: the plainest normalisation that lets
    two headlines of one story share their words."""
    text = _DIACRITICS.sub("", text).translate(_LETTERS).lower()
    found = []
    for word in _WORD.findall(text):
        if word in STOP:
            continue
        for prefix in _ARTICLE:
            if word.startswith(prefix) and len(word) - len(prefix) >= 2:
                word = word[len(prefix) :]
                break
        found.append(word)
    return found


def read_rows(corpus_dir: Path) -> list[dict]:
    """The corpus's rows with text, oldest first, each with its date as ``time``."""
    with gzip.open(corpus_dir / "articles.jsonl.gz", "rt", encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines]
    rows = [row for row in rows if row["text"].strip()]
    for row in rows:
        row["time"] = parsedate_to_datetime(row["published"]).astimezone(UTC)
    return sorted(rows, key=lambda row: (row["time"], row["id"]))


def binary_matrix(sets: list[Iterable[str]], vocabulary: dict[str, int]) -> sparse.csr_matrix:
    """One row per article, a 1 for each of its words in ``vocabulary``."""
    indptr, indices = [0], []
    for items in sets:
        indices.extend(sorted({vocabulary[w] for w in items if w in vocabulary}))
        indptr.append(len(indices))
    data = np.ones(len(indices), dtype=np.float32)
    return sparse.csr_matrix((data, indices, indptr), shape=(len(sets), len(vocabulary)))


def window_pairs(matrix: sparse.csr_matrix, rows: list[dict]) -> dict[tuple[int, int], int]:
    """Shared-word counts of every cross-source pair (earlier row first) at most WINDOW
    apart, by blocks of date-sorted rows."""
    times = np.array([row["time"].timestamp() for row in rows])
    sources = np.array([row["source"] for row in rows])
    shared = {}
    for start in range(0, len(rows), 500):
        end = min(start + 500, len(rows))
        high = int(np.searchsorted(times, times[end - 1] + WINDOW.total_seconds(), "right"))
        block = (matrix[start:end] @ matrix[start:high].T).tocoo()
        a, b = block.row + start, block.col + start
        keep = (
            (b > a) & (times[b] - times[a] <= WINDOW.total_seconds()) & (sources[a] != sources[b])
        )
        for i, j, count in zip(
            a[keep].tolist(), b[keep].tolist(), block.data[keep].tolist(), strict=True
        ):
            shared[i, j] = int(count)
    return shared


def split_of(*times: datetime) -> str | None:
    sides = {"dev" if t < CUT else "test" for t in times}
    return sides.pop() if len(sides) == 1 else None


def draw_same_event(rows: list[dict], rng: random.Random) -> list[dict]:
    titles = [set(words(row["title"])) for row in rows]
    leads = [
        set(words(row["title"] + " " + " ".join(row["text"].split()[:LEAD_WORDS]))) for row in rows
    ]
    title_vocabulary = {w: i for i, w in enumerate(sorted(set().union(*titles)))}
    frequency = Counter(w for lead in leads for w in lead)
    rare = sorted(w for w, n in frequency.items() if 2 <= n <= RARE_DF and len(w) >= 3)
    rare = {w: i for i, w in enumerate(w for w in rare if not w.isdigit())}
    common = window_pairs(binary_matrix(titles, title_vocabulary), rows)
    rare_shared = window_pairs(binary_matrix(leads, rare), rows)

    population: dict[tuple[str, str], list] = {}
    for pair in sorted(set(common) | {p for p, n in rare_shared.items() if n >= OWN_WORDS_SHARED}):
        i, j = pair
        split = split_of(rows[i]["time"], rows[j]["time"])
        if split is None:
            continue
        shared = common.get(pair, 0)
        jaccard = shared / (len(titles[i]) + len(titles[j]) - shared) if shared else 0.0
        rare_count = rare_shared.get(pair, 0)
        if jaccard < MID and rare_count >= OWN_WORDS_SHARED:
            stratum = "own_words"
        elif jaccard >= HIGH:
            stratum = "high"
        elif jaccard >= MID:
            stratum = "mid"
        else:
            stratum = "low"
        population.setdefault((split, stratum), []).append((i, j, jaccard, rare_count))

    for (split, stratum), pairs in sorted(population.items()):
        print(f"same_event population, {split} {stratum}: {len(pairs)} pairs")
    drawn, used = [], set()
    for split in ("dev", "test"):
        for stratum, count in STRATA.items():
            candidates = population.get((split, stratum), [])
            rng.shuffle(candidates)
            taken = 0
            for i, j, jaccard, rare_count in candidates:
                if taken == count:
                    break
                if i in used or j in used:  # each article once: more stories, not one story often
                    continue
                used.update((i, j))
                taken += 1
                drawn.append(
                    {
                        "a": rows[i]["id"],
                        "b": rows[j]["id"],
                        "title_a": rows[i]["title"],
                        "title_b": rows[j]["title"],
                        "split": split,
                        "stratum": stratum,
                        "title_jaccard": round(jaccard, 3),
                        "rare_lead_words_shared": rare_count,
                    }
                )
    return drawn


def tfidf_neighbours(rows: list[dict], anchors: list[int]) -> dict[int, list[int]]:
    """The baseline: each anchor's nearest rows by cosine of plain TF-IDF vectors
    (1 + log tf, log idf, title and text words), at most BASELINE_DAYS apart."""
    counts = [Counter(words(row["title"] + " " + row["text"])) for row in rows]
    df = Counter(w for c in counts for w in c)
    vocabulary = {w: i for i, w in enumerate(sorted(df))}
    indptr, indices, data = [0], [], []
    for c in counts:
        weights = {
            vocabulary[w]: (1 + math.log(n)) * math.log(len(rows) / df[w]) for w, n in c.items()
        }
        norm = math.sqrt(sum(v * v for v in weights.values())) or 1.0
        for index in sorted(weights):
            indices.append(index)
            data.append(weights[index] / norm)
        indptr.append(len(indices))
    vectors = sparse.csr_matrix((data, indices, indptr), shape=(len(rows), len(vocabulary)))
    days = np.array([row["time"].timestamp() for row in rows]) / 86400
    similarity = (vectors[anchors] @ vectors.T).toarray()
    neighbours = {}
    for k, anchor in enumerate(anchors):
        score = np.where(np.abs(days - days[anchor]) <= BASELINE_DAYS, similarity[k], 0.0)
        score[anchor] = 0.0
        order = np.lexsort((np.arange(len(rows)), -score))
        neighbours[anchor] = [int(i) for i in order[:RANKS] if score[i] > 0]
    return neighbours


def draw_related(corpus_dir: Path, rng: random.Random) -> list[dict]:
    everything = read_articles(corpus_dir, by_date=True)
    text = {row["id"]: row for row in read_rows(corpus_dir)}
    drawn = []
    for split, (start, end) in SLICES.items():
        articles = [a for a in everything if start <= a.published < end]
        linked = as_built(articles)
        rows = [text[a.id] for a in linked]
        anchors = rng.sample(range(len(linked)), 60)
        baseline = tfidf_neighbours(rows, anchors)
        position = {a.id: i for i, a in enumerate(linked)}
        taken = []
        for anchor in anchors:
            current = [position[i] for i in linked[anchor].related[:RANKS]]
            ours = baseline[anchor]
            for candidate in dict.fromkeys([*current[:TOP], *ours[:TOP]]):
                rank_current = current.index(candidate) + 1 if candidate in current else None
                rank_baseline = ours.index(candidate) + 1 if candidate in ours else None
                method = (
                    "both"
                    if rank_current and rank_baseline
                    else ("current" if rank_current else "baseline")
                )
                taken.append(
                    {
                        "article": linked[anchor].id,
                        "candidate": linked[candidate].id,
                        "title_article": linked[anchor].title,
                        "title_candidate": linked[candidate].title,
                        "split": split,
                        "method": method,
                        "current_rank": rank_current,
                        "baseline_rank": rank_baseline,
                    }
                )
            if len(taken) >= CANDIDATES_PER_SLICE:
                break
        drawn.extend(taken[:CANDIDATES_PER_SLICE])
    return drawn


def write(path: Path, rows: list[dict]) -> None:
    path.write_text(
        "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8"
    )


def lead(row: dict, characters: int = 420) -> str:
    """The first sentences of the text, as a reader would skim them."""
    text = " ".join(row["text"].split())
    return text if len(text) <= characters else text[:characters] + "…"


def show(path: Path, start: int, count: int, corpus_dir: Path, *, blind: bool) -> None:
    """Print rows for reading; ``blind`` leaves out the stratum or method, so that the
    reader is not told what a score or a method made of the pair."""
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    by_id = {row["id"]: row for row in read_rows(corpus_dir)}
    previous = None
    for number, item in enumerate(items[start : start + count], start):
        first, second = (
            (item["a"], item["b"]) if "a" in item else (item["article"], item["candidate"])
        )
        drawn_as = "" if blind else item.get("stratum") or item.get("method")
        print(f"#{number}  {drawn_as}  {item['split']}")
        for key in (first, second):
            row = by_id[key]
            print(f"  [{row['source']} {row['time']:%Y-%m-%d %H:%M}] {row['title']}")
            if key != previous or key == second:  # an article's lead once, in a run of its rows
                print(f"      {lead(row)}")
        previous = first
        print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    draw = commands.add_parser("draw", help="draw both samples, unlabelled")
    draw.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    draw.add_argument("--out", type=Path, required=True)
    reading = commands.add_parser("show", help="print rows of a sample with both leads")
    reading.add_argument("file", type=Path)
    reading.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    reading.add_argument("--start", type=int, default=0)
    reading.add_argument("--count", type=int, default=25)
    reading.add_argument("--blind", action="store_true", help="hide the stratum or method")
    options = parser.parse_args()
    if options.command == "show":
        show(options.file, options.start, options.count, options.corpus, blind=options.blind)
        return
    options.out.mkdir(parents=True, exist_ok=True)
    write(
        options.out / "same_event.jsonl",
        draw_same_event(read_rows(options.corpus), random.Random(SEED)),
    )
    write(options.out / "related_links.jsonl", draw_related(options.corpus, random.Random(SEED)))


if __name__ == "__main__":
    main()
