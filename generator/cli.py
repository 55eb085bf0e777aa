"""The ``digest`` command: build a news-digest website from feeds and saved articles."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from . import __version__, check, scaffold, serve
from .config import load_config
from .problems import BuildError, ConfigError
from .report import (
    EXIT_FAILED,
    EXIT_OK,
    Count,
    Report,
    build_report,
    config_error,
    error,
    os_error_message,
)

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

Problems and errors are printed to standard error; feed statuses and the summary
to standard output.

Exit codes: 0 done, even if some inputs had problems (each is listed); 1 any
problem with --strict (build, fetch), any problem found by check, an input import
could not import, or a failed command (an error: a broken template, a full disk);
2 invalid config.yaml. 'digest COMMAND --help' explains each command.
"""


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_OK
    try:
        return args.run(args)
    except ConfigError as problem:
        return config_error(problem)
    except KeyboardInterrupt:
        print("Stopped; the previous site/ is unchanged.", file=sys.stderr)
        return EXIT_FAILED
    except (BuildError, OSError) as problem:
        if args.debug:
            raise
        return error(os_error_message(problem) if isinstance(problem, OSError) else str(problem))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="digest",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"digest {__version__}")
    parser.add_argument(
        "--debug",
        action="store_true",
        help="when a command fails, show the Python traceback instead of a one-line error",
    )
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
    strict_option(build)
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
    strict_option(fetch)
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


def strict_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--strict", action="store_true", help="exit with code 1 if any input had a problem"
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
    return build_report(
        result, f"Built {config.output_dir} in {time.monotonic() - started:.1f} s", args.strict
    ).show(quiet=args.quiet)


def _fetch(args: argparse.Namespace) -> int:
    from .feeds import collect_feed_articles

    config = load_config(args.site)
    result = collect_feed_articles(
        config, now=datetime.now(UTC), offline=False, progress=_progress(False), force=args.force
    )
    failed = Count(sum(feed.status == "failed" for feed in result.health), "failed", "failed")
    stored = Count(len(result.articles), "item stored", "items stored")
    return Report(
        f"Fetched {Count(len(result.health), 'feed')}",
        (failed, stored),
        result.problems,
        result.health,
        strict=args.strict,
    ).show()


def _import(args: argparse.Namespace) -> int:
    from .importer import run_import

    return run_import(load_config(args.site), args.inputs, dry_run=args.dry_run)


if __name__ == "__main__":
    sys.exit(main())
