"""The ``digest`` command: build a news-digest website from feeds and saved articles."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from . import __version__
from .config import load_config
from .problems import ConfigError

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

Exit codes: 0 success, 1 problems (with --strict) or a failed build, 2 invalid config.yaml.
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
    _site_option(build)
    build.add_argument(
        "--offline",
        action="store_true",
        help="do not fetch feeds; use the items stored in content/feeds/",
    )
    build.add_argument(
        "--strict", action="store_true", help="exit with code 1 if any input had a problem"
    )
    build.add_argument("--quiet", action="store_true", help="print only problems and errors")
    build.set_defaults(run=_build)
    return parser


def _site_option(parser: argparse.ArgumentParser) -> None:
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

    config = load_config(args.site)
    started = time.monotonic()
    result = build(
        config, now=datetime.now(UTC), offline=args.offline, progress=_progress(args.quiet)
    )
    for problem in result.problems:
        print(f"problem: {problem}", file=sys.stderr)
    if not args.quiet:
        for source in result.site.sources:
            print(
                f"feed {source.name}: {source.status}"
                + (f", {source.new_items} new" if source.new_items else "")
                + (f" ({source.last_problem})" if source.status == "failed" else "")
            )
        print(
            f"Built {config.output_dir} in {time.monotonic() - started:.1f} s: "
            f"{result.articles} articles, {result.digests} digests, {result.tags} tags, "
            f"{result.pages} pages, {len(result.problems)} problems."
        )
    return EXIT_PROBLEMS if args.strict and result.problems else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
