"""Time and memory of whole site builds from saved articles, as a site grows and changes.

    python bench/build_bench.py [corpus_dir] [--sizes 1000 10000] [--repeat 3]
        [--peers hugo pelican] [--keep DIR]

For each size N, writes N ANT articles (oldest first) as saved Markdown articles into a
new site folder that has the example site's settings and one local feed file, then runs
``digest build --offline`` in a separate process, in turn: a cold build (no ``site/``, no
``.cache/``), a rebuild with nothing changed, then a rebuild after each change: one
article added (the next one of the corpus), one edited (a paragraph added to the newest),
one deleted (the middle one), and an hourly run (50 new items, the next ones of the
corpus, in the feed file). Each change is timed on the site the previous build left, so
its caches are warm. All of it ``--repeat`` times, from a clean site each time; it prints
the median wall time, processor time (user and system) and peak memory (resident set) of
the build process, one Markdown table row per size and scenario. Sizes beyond the corpus
(31,525 articles) reuse its articles under new ids, a year later per round.

When ``hugo`` or Pelican is installed (``--peers`` chooses), it builds the same articles
with it too, cold and with nothing changed, and prints digest's time over theirs.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml
from ant import DEFAULT_CORPUS, ROOT, read_articles
from site_formats import Post, digest_file, hugo_site, pelican_site, post, rss_feed

from generator.model import Article

EXAMPLE_CONFIG = ROOT / "tests" / "example_site" / "config.yaml"
FEED = Path("feeds") / "hourly.xml"
HOURLY_ITEMS = 50
EDIT = "وقد جرى تحديث هذا الخبر بعد نشره بمعلومات جديدة."
SCENARIOS = ("cold", "no change", "1 added", "1 edited", "1 deleted", f"{HOURLY_ITEMS} feed items")
PEER_SCENARIOS = SCENARIOS[:2]


@dataclass(frozen=True, slots=True)
class Run:
    seconds: float
    cpu_seconds: float  # user and system: steadier than wall time on a shared machine
    peak_mib: float


@dataclass(frozen=True, slots=True)
class Site:
    """A digest site folder of ``size`` corpus articles and the changes made to it."""

    folder: Path
    articles: Sequence[Article]
    size: int
    tags_window: str = "site"  # the site's ``tags: window`` setting

    @property
    def saved(self) -> Path:
        return self.folder / "content" / "articles"

    def write(self, index: int, extra: str = "") -> None:
        item = post(self.articles, index)
        (self.saved / f"{item.name}.md").write_text(digest_file(item, extra), "utf-8")

    def remove(self, index: int) -> None:
        (self.saved / f"{post(self.articles, index).name}.md").unlink()

    def feed(self, items: Sequence[Post]) -> None:
        (self.folder / FEED).write_text(rss_feed(items), "utf-8")

    def make(self) -> None:
        """The site's settings are the example site's, its one feed a local file."""
        config = yaml.safe_load(EXAMPLE_CONFIG.read_text("utf-8"))
        config["feeds"] = [{"url": FEED.as_posix(), "name": "ANT"}]
        if self.tags_window != "site":
            config.setdefault("tags", {})["window"] = self.tags_window
        self.saved.mkdir(parents=True)
        (self.folder / FEED).parent.mkdir()
        (self.folder / "config.yaml").write_text(
            yaml.safe_dump(config, allow_unicode=True, sort_keys=False), "utf-8"
        )
        for index in range(self.size):
            self.write(index)

    def reset(self) -> None:
        """Back to the N articles, an empty feed, no built site (nor the spare one the next
        build would start from) and no caches."""
        for index in range(self.size, self.size + 1 + HOURLY_ITEMS):
            (self.saved / f"{post(self.articles, index).name}.md").unlink(missing_ok=True)
        self.write(self.size - 1)
        self.write(self.size // 2)
        self.feed([])
        for leftover in ("site", ".site-spare", ".cache", "content/feeds"):
            shutil.rmtree(self.folder / leftover, ignore_errors=True)

    def changes(self) -> list[Callable[[], None]]:
        """What happens before each scenario's build, in the order of SCENARIOS."""
        hourly = [post(self.articles, self.size + 1 + k) for k in range(HOURLY_ITEMS)]
        return [
            lambda: None,
            lambda: None,
            lambda: self.write(self.size),
            lambda: self.write(self.size - 1, EDIT),
            lambda: self.remove(self.size // 2),
            lambda: self.feed(hourly),
        ]


# The build runs under this small launcher, not straight from the benchmark: a process
# started from another inherits its peak memory (Linux keeps the parent's at fork and exec),
# so a build started from the benchmark, which holds the whole corpus, would seem to need
# at least as much memory as the benchmark.
LAUNCHER = """
import os, subprocess, sys, time
start = time.perf_counter()
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
_, status, usage = os.wait4(child.pid, 0)
seconds = time.perf_counter() - start
code = os.waitstatus_to_exitcode(status)
kib = usage.ru_maxrss / (1024 if sys.platform == "darwin" else 1)
print(code, seconds, usage.ru_utime + usage.ru_stime, kib / 1024)
"""


def timed(command: Sequence[str], cwd: Path | None = None) -> Run:
    """Wall time, processor time and peak resident memory of one command, measured on its
    own process."""
    launcher = [sys.executable, "-c", LAUNCHER, *command]
    answer = subprocess.run(launcher, cwd=cwd, capture_output=True, text=True, check=True)
    code, seconds, cpu_seconds, peak_mib = answer.stdout.split()
    if int(code) not in (0, 1):  # 1: digest reported problems, still built
        raise SystemExit(f"{' '.join(command)} failed with exit code {code}")
    return Run(float(seconds), float(cpu_seconds), float(peak_mib))


def measure_digest(site: Site, repeat: int, scenarios: Sequence[str]) -> dict[str, list[Run]]:
    """The scenarios asked for, each after the changes of those before it (the others are
    left out: their changes are not made)."""
    command = [sys.executable, "-m", "generator.cli", "build", "--offline", "--quiet"]
    runs: dict[str, list[Run]] = {name: [] for name in scenarios}
    for _ in range(repeat):
        site.reset()
        for name, change in zip(SCENARIOS, site.changes(), strict=True):
            if name not in scenarios:
                continue
            change()
            runs[name].append(timed([*command, "--site", str(site.folder)]))
            report(f"{site.size:,} articles, digest, {name}", runs[name][-1])
    return runs


@dataclass(frozen=True, slots=True)
class Peer:
    """Another generator: how to lay out its site, build it, and clear it for a cold build."""

    name: str
    make: Callable[[Path, Sequence[Post]], None]
    command: Sequence[str]
    leftovers: tuple[str, ...]


def installed_peers(wanted: Sequence[str]) -> list[Peer]:
    peers = []
    hugo = shutil.which("hugo")
    if "hugo" in wanted and hugo:
        peers.append(Peer("Hugo", hugo_site, [hugo, "--quiet"], ("public", "resources")))
    elif "hugo" in wanted:
        print("hugo is not installed: no Hugo figures")
    try:
        import pelican  # noqa: F401
    except ImportError:
        if "pelican" in wanted:
            print("Pelican is not installed (pip install pelican markdown): no Pelican figures")
    else:
        if "pelican" in wanted:
            command = [sys.executable, "-m", "pelican", "-q", "-s", "pelicanconf.py"]
            peers.append(Peer("Pelican", pelican_site, command, ("output", "cache")))
    return peers


def measure_peer(
    peer: Peer, folder: Path, items: Sequence[Post], repeat: int
) -> dict[str, list[Run]]:
    if not folder.exists():
        peer.make(folder, items)
    runs: dict[str, list[Run]] = {name: [] for name in PEER_SCENARIOS}
    for _ in range(repeat):
        for leftover in peer.leftovers:
            shutil.rmtree(folder / leftover, ignore_errors=True)
        for name in PEER_SCENARIOS:
            runs[name].append(timed(peer.command, cwd=folder))
            report(f"{len(items):,} articles, {peer.name}, {name}", runs[name][-1])
    return runs


def report(what: str, run: Run) -> None:
    """Each run as it ends, on standard error: a large site takes hours in all."""
    print(f"{what}: {cells(run).replace(' |', ',')}", file=sys.stderr, flush=True)


def median(runs: Sequence[Run]) -> Run:
    return Run(
        statistics.median(run.seconds for run in runs),
        statistics.median(run.cpu_seconds for run in runs),
        statistics.median(run.peak_mib for run in runs),
    )


def cells(run: Run | None) -> str:
    if run is None:
        return " | | "
    return f"{run.seconds:.1f} s | {run.cpu_seconds:.1f} s | {run.peak_mib:.0f} MiB"


def header(peers: Sequence[Peer]) -> str:
    names = [peer.name for peer in peers]
    columns = ["articles", "build", "wall", "CPU", "peak"]
    for name in names:
        columns += [f"{name} wall", f"{name} CPU", f"{name} peak"]
    columns += [f"digest/{name} wall (CPU)" for name in names]
    return "| " + " | ".join(columns) + " |\n" + "| --- " * len(columns) + "|"


def row(size: int, scenario: str, own: Run, theirs: Sequence[Run | None]) -> str:
    ratios = [
        f"{own.seconds / run.seconds:.2g} ({own.cpu_seconds / run.cpu_seconds:.2g})" if run else ""
        for run in theirs
    ]  # two significant digits: 0.009 is not 0.0
    parts = [f"{size:,}", scenario, cells(own), *(cells(run) for run in theirs), *ratios]
    return "| " + " | ".join(parts) + " |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--peers", nargs="*", default=["hugo", "pelican"], choices=["hugo", "pelican"]
    )
    parser.add_argument("--keep", type=Path, help="make the sites here and keep them")
    parser.add_argument(
        "--tags-window", choices=["site", "month"], default="site",
        help="the sites' tags: window setting (a kept site keeps the one it was made with)",
    )  # fmt: skip
    parser.add_argument(
        "--scenarios", nargs="+", default=list(SCENARIOS), choices=SCENARIOS, metavar="NAME",
        help=f"run only these of {', '.join(repr(n) for n in SCENARIOS)}",
    )  # fmt: skip
    args = parser.parse_args()
    articles = read_articles(args.corpus, by_date=True)
    peers = installed_peers(args.peers)
    base = args.keep or Path(tempfile.mkdtemp(prefix="build-bench-"))
    print(header(peers), flush=True)
    try:
        for size in args.sizes:
            folder = base / f"n{size}"
            site = Site(folder / "digest", articles, size, args.tags_window)
            if not site.folder.exists():
                site.make()
            own = measure_digest(site, args.repeat, args.scenarios)
            items = [post(articles, index) for index in range(size)]
            theirs = [
                measure_peer(peer, folder / peer.name.lower(), items, args.repeat) for peer in peers
            ]
            for scenario in args.scenarios:
                others = [median(runs[scenario]) if scenario in runs else None for runs in theirs]
                print(row(size, scenario, median(own[scenario]), others), flush=True)
    finally:
        if args.keep is None:
            shutil.rmtree(base)


if __name__ == "__main__":
    main()
