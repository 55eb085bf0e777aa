"""Time and memory of a whole site build from saved articles.

    python bench/build_bench.py [corpus_dir] [--sizes 1000 10000] [--repeat 3] [--keep DIR]

For each size N, writes N ANT articles (oldest first) as saved Markdown articles into a
new site folder that has the example site's settings without its feeds, then runs
``digest build --offline`` in a separate process: a cold build (no ``site/``, no
``.cache/``) and a rebuild with nothing changed, each ``--repeat`` times. It prints the
median wall time, processor time (user and system) and peak memory (resident set) of
the build process. Sizes
beyond the corpus (31,525 articles) reuse its articles under new ids, a year later per
round, so every size is the same site on every run.

When ``hugo`` is on PATH it also builds the same articles as a Hugo site, for comparison.
"""

from __future__ import annotations

import argparse
import html
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import yaml
from ant import DEFAULT_CORPUS, ROOT, read_articles

from generator import frontmatter
from generator.model import Article

EXAMPLE_CONFIG = ROOT / "tests" / "example_site" / "config.yaml"
_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)


@dataclass(frozen=True, slots=True)
class Run:
    seconds: float
    cpu_seconds: float  # user and system: steadier than wall time on a shared machine
    peak_mib: float


def saved_article(article: Article, round_: int) -> tuple[str, str]:
    """The file name and text of an article as a curator would save it; round ``k`` > 0
    is the same article under a new id, ``k`` years later."""
    name = article.id if round_ == 0 else f"{article.id}-{round_}"
    body = "\n\n".join(html.unescape(p) for p in _PARAGRAPH.findall(article.body_html))
    fields = {
        "title": article.title,
        "date": article.published + timedelta(days=365 * round_),
        "source": article.source,
        "url": article.url,
        "tags": list(article.given_tags),
    }
    return f"{name}.md", frontmatter.write(fields, body)


def make_site(folder: Path, articles: Sequence[Article], size: int) -> None:
    """A site folder with ``size`` saved articles and the example site's settings, no feeds."""
    config = yaml.safe_load(EXAMPLE_CONFIG.read_text("utf-8"))
    config.pop("feeds", None)
    folder.mkdir(parents=True)
    (folder / "config.yaml").write_text(
        yaml.safe_dump(config, allow_unicode=True, sort_keys=False), "utf-8"
    )
    saved = folder / "content" / "articles"
    saved.mkdir(parents=True)
    for index in range(size):
        round_, position = divmod(index, len(articles))
        name, text = saved_article(articles[position], round_)
        (saved / name).write_text(text, "utf-8")


def timed(command: Sequence[str]) -> Run:
    """Wall time, processor time and peak resident memory of one command, measured on its
    own process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):  # 1: the build reported problems, still built
        raise SystemExit(f"{' '.join(command)} failed with exit code {process.returncode}")
    kib = usage.ru_maxrss if sys.platform != "darwin" else usage.ru_maxrss / 1024
    return Run(seconds, usage.ru_utime + usage.ru_stime, kib / 1024)


def measure(site: Path, repeat: int) -> tuple[list[Run], list[Run]]:
    """Cold builds and no-change rebuilds, alternating."""
    command = [
        sys.executable,
        "-m",
        "generator.cli",
        "build",
        "--offline",
        "--quiet",
        "--site",
        str(site),
    ]
    cold, again = [], []
    for _ in range(repeat):
        for leftover in (site / "site", site / ".cache"):
            shutil.rmtree(leftover, ignore_errors=True)
        cold.append(timed(command))
        again.append(timed(command))
    return cold, again


def hugo_site(site: Path) -> Path:
    """The same saved articles as a Hugo site (front matter is compatible), default theme-less."""
    folder = site.parent / "hugo"
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "content").mkdir(parents=True)
    shutil.copytree(site / "content" / "articles", folder / "content" / "articles")
    (folder / "hugo.toml").write_text('baseURL = "https://example.org/"\n', "utf-8")
    return folder


def median(runs: Sequence[Run]) -> str:
    seconds = statistics.median(run.seconds for run in runs)
    cpu = statistics.median(run.cpu_seconds for run in runs)
    peak = statistics.median(run.peak_mib for run in runs)
    return f"{seconds:6.1f} s (CPU {cpu:6.1f} s) {peak:6.0f} MiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="make the sites here and keep them")
    args = parser.parse_args()
    articles = read_articles(args.corpus, by_date=True)
    hugo = shutil.which("hugo")
    if not hugo:
        print("hugo is not installed: no Hugo figures")
    base = args.keep or Path(tempfile.mkdtemp(prefix="build-bench-"))
    try:
        for size in args.sizes:
            site = base / f"n{size}" / "site-folder"
            if not site.exists():
                make_site(site, articles, size)
            cold, again = measure(site, args.repeat)
            print(f"{size:>7} articles  cold {median(cold)}  rebuild {median(again)}")
            if hugo:
                folder = hugo_site(site)
                runs = [
                    timed([hugo, "--quiet", "--source", str(folder)]) for _ in range(args.repeat)
                ]
                print(f"{size:>7} articles  hugo {median(runs)}")
    finally:
        if args.keep is None:
            shutil.rmtree(base)


if __name__ == "__main__":
    main()
