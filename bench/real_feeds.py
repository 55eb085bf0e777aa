"""Build a site from real right-to-left feeds and report how readable each one came out.

    python bench/real_feeds.py [feeds_dir]   (default: ../shared/testdata/real-feeds/)

The feeds are real sites' files (legacy encodings, RSS 0.91, mixed directions) whose
licences keep them out of the test fixtures, so this script reads them where they are.
For each feed it prints the items built, how many titles came out in right-to-left script
with an rtl direction, and any sign of mojibake (U+FFFD, or UTF-8 read as Latin-1).
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from generator.build import build
from generator.config import load_config

RTL_LETTER = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
MOJIBAKE = re.compile(r"\ufffd|[ÃØÙ×][\u0080-\u00ff]")


def main() -> int:
    default = Path(__file__).resolve().parents[1].parent / "shared" / "testdata" / "real-feeds"
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("feeds_dir", nargs="?", type=Path, default=default)
    feeds = sorted(parser.parse_args().feeds_dir.rglob("*.xml"))
    if not feeds:
        print("no feed files found", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder)
        (site / "feeds").mkdir()
        lines = ["title: real feeds", "base_url: https://example.org/feeds/", "feeds:"]
        for index, path in enumerate(feeds):
            shutil.copy(path, site / "feeds" / f"{index:02d}-{path.name}")
            lines.append(f"  - url: feeds/{index:02d}-{path.name}")
        (site / "config.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        result = build(load_config(site), now=datetime.now(UTC), offline=True)
        articles = result.site.articles.values()
        print(f"{'feed':44} {'items':>5} {'rtl script':>10} {'dir rtl':>7} {'mojibake':>8}")
        for health in result.site.sources:
            own = [a for a in articles if a.origin == health.url]
            rtl_script = [a for a in own if RTL_LETTER.search(a.title)]
            rtl_dir = [a for a in rtl_script if a.dir == "rtl"]
            broken = [a for a in own if MOJIBAKE.search(a.title + a.body_html)]
            name = Path(health.url).name[:44]
            print(f"{name:44} {len(own):5} {len(rtl_script):10} {len(rtl_dir):7} {len(broken):8}")
        print(f"{result.articles} articles, {result.pages} pages, {len(result.problems)} problems")
    return 0


if __name__ == "__main__":
    sys.exit(main())
