"""The ``digest`` command: build a news-digest website from feeds and saved articles."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__, check, scaffold, serve
from .config import load_config
from .problems import ConfigError, Problem

if TYPE_CHECKING:
    from .model import FeedHealth

EXIT_OK, EXIT_PROBLEMS, EXIT_CONFIG = 0, 1, 2

DESCRIPTION = """\
Turn a folder with config.yaml, feeds and saved articles into a static,
right-to-left news-digest website (HTML pages, RSS feeds, sitemap) in site/.
"""

EPILOG = """\
examples:
  digest build                 fetch the feeds, then build site/ from the current folder
  digest build --offline       build from the stored feed items only (no network)
  digest build --site my-news  build the site in the folder my-news
  digest import page.txt       turn a saved news page into a saved article
  digest init my-news          start a new site in the folder my-news
  digest serve                 build, then preview the site at http://127.0.0.1:8000/
  digest check                 check the inputs and the built site's links and feeds

Exit codes: 0 success, 1 problems (with --strict, or found by check) or a failed
build, 2 invalid config.yaml. 'digest COMMAND --help' explains each command.
"""


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_OK
    try:
        return args.run(args)
    except ConfigError as error:
        print("The site's configuration has problems:", file=sys.stderr)
        for message in error.messages:
            print(f"  {message}", file=sys.stderr)
        return EXIT_CONFIG
    except KeyboardInterrupt:
        print("Stopped; the previous site/ is unchanged.", file=sys.stderr)
        return EXIT_PROBLEMS


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="digest",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"digest {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", dest="command")

    build = commands.add_parser(
        "build",
        help="fetch feeds and build the site into site/",
        description="Fetch the feeds (unless --offline), read the saved articles, and write "
        "the whole site to site/. The previous site/ is replaced only when the new one is "
        "complete.",
    )
    site_option(build)
    offline_option(build)
    build.add_argument(
        "--strict", action="store_true", help="exit with code 1 if any input had a problem"
    )
    build.add_argument("--quiet", action="store_true", help="print only problems and errors")
    build.add_argument(
        "--base-url",
        metavar="URL",
        help="publish under this address instead of config.yaml's base_url "
        "(the GitHub Pages workflow passes the address Pages gives)",
    )
    build.set_defaults(run=_build)

    fetch = commands.add_parser(
        "fetch",
        help="fetch the feeds into the feed store, without building",
        description="Fetch every feed that is due (see 'refresh' in config.yaml) and keep its "
        "items in content/feeds/. Prints how each feed did.",
    )
    site_option(fetch)
    fetch.add_argument(
        "--force", action="store_true", help="fetch every feed now, even within its refresh period"
    )
    fetch.set_defaults(run=_fetch)

    import_ = commands.add_parser(
        "import",
        help="turn saved news pages into saved articles",
        description="Turn saved news pages (plain text copied from a news site, saved HTML "
        "pages, or web addresses) into Markdown articles in content/articles/. Existing files "
        "are never overwritten.",
    )
    site_option(import_)
    import_.add_argument(
        "inputs", nargs="+", metavar="INPUT", help="a .txt or .html file, or an https:// address"
    )
    import_.add_argument(
        "--dry-run", action="store_true", help="show what would be written, and write nothing"
    )
    import_.set_defaults(run=_import)

    scaffold.register(commands)
    serve.register(commands)
    check.register(commands)
    return parser


def offline_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--offline",
        action="store_true",
        help="do not fetch feeds; use the items stored in content/feeds/ (local feed files "
        "are still read)",
    )


def site_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--site",
        type=Path,
        default=Path("."),
        metavar="DIR",
        help="the site folder, with config.yaml (default: the current folder)",
    )


def _progress(quiet: bool) -> Callable[[str], None]:
    def say(message: str) -> None:
        if not quiet:
            print(f"… {message}", file=sys.stderr, flush=True)

    return say


def _build(args: argparse.Namespace) -> int:
    from .build import build

    config = load_config(args.site, base_url=args.base_url)
    started = time.monotonic()
    result = build(
        config, now=datetime.now(UTC), offline=args.offline, progress=_progress(args.quiet)
    )
    _report_problems(result.problems)
    if not args.quiet:
        _report_feeds(result.site.sources)
        print(
            f"Built {config.output_dir} in {time.monotonic() - started:.1f} s: "
            f"{result.articles} articles, {result.digests} digests, {result.tags} tags, "
            f"{result.pages} pages, {len(result.problems)} problems."
        )
    return EXIT_PROBLEMS if args.strict and result.problems else EXIT_OK


def _report_problems(problems: Sequence[Problem]) -> None:
    for problem in problems:
        print(f"problem: {problem}", file=sys.stderr)


def _report_feeds(health: Sequence[FeedHealth]) -> None:
    for feed in health:
        new = f", {feed.new_items} new" if feed.new_items else ""
        why = f" ({feed.last_problem})" if feed.status == "failed" else ""
        print(f"feed {feed.name}: {feed.status}{new}, {feed.total_items} stored{why}")


def _fetch(args: argparse.Namespace) -> int:
    from .feeds import collect_feed_articles

    config = load_config(args.site)
    result = collect_feed_articles(
        config, now=datetime.now(UTC), offline=False, progress=_progress(False), force=args.force
    )
    _report_problems(result.problems)
    _report_feeds(result.health)
    failed = sum(feed.status == "failed" for feed in result.health)
    print(
        f"Fetched {len(result.health)} feeds: {failed} failed, {len(result.articles)} items stored."
    )
    return EXIT_PROBLEMS if failed else EXIT_OK


def _import(args: argparse.Namespace) -> int:
    from .importer import run_import

    return run_import(load_config(args.site), args.inputs, dry_run=args.dry_run)


if __name__ == "__main__":
    sys.exit(main())
