"""The ``digest`` command: build a news-digest website from feeds and saved articles."""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from . import __version__, check, explain, scaffold, serve
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
from .sitelock import site_lock

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
  digest explain my-article    why an article has its tags, related links and versions
  digest explain --stories     the stories several sources reported

Problems and errors are printed to standard error; feed statuses and the summary
to standard output.

Exit codes: 0 done, even if some inputs had problems (each is listed); 1 any
problem with --strict (build, fetch), any problem found by check, an input import
could not import, or a failed command (an error: a broken template, a full disk);
2 invalid config.yaml. 'digest COMMAND --help' explains each command.
"""


# A build makes millions of small objects that live until it ends (articles, their words,
# the pages' contexts), few of them in reference cycles. With the collector's default
# thresholds every few hundred new objects start a collection, and the older generations
# walk all the live ones again and again: about a tenth of a large site's build. Collections
# this much rarer raise the peak by 13-19 MiB on a site of 30,000 articles.
_COLLECTION_THRESHOLDS = (100_000, 50, 100)


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_OK
    gc.set_threshold(*_COLLECTION_THRESHOLDS)
    try:
        return args.run(args)
    except ConfigError as problem:
        return config_error(problem)
    except KeyboardInterrupt:
        print("Stopped; site/ holds a whole site, never a half-written one.", file=sys.stderr)
        return EXIT_FAILED
    except (BuildError, OSError) as problem:
        if args.debug:
            raise
        return error(os_error_message(problem) if isinstance(problem, OSError) else str(problem))
    except Exception as bug:  # a mistake of digest's own, not of the site: say so, briefly
        if args.debug:
            raise
        return error(
            f"digest stopped on an unexpected {type(bug).__name__}: {bug}; run the same "
            "command with 'digest --debug ...' to see where, and please report it"
        )


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
    for add in (
        _add_build,
        _add_fetch,
        _add_import,
        _add_init,
        _add_serve,
        _add_check,
        _add_explain,
    ):
        add(commands)
    return parser


def _add_build(commands: argparse._SubParsersAction) -> None:
    build = commands.add_parser(
        "build",
        help="fetch feeds and build the site into site/",
        description="Fetch the feeds (unless --offline), read the saved articles, and write "
        "the whole site to site/. The previous site/ is replaced only when the new one is "
        "complete. When nothing it reads has changed since the last build (the feeds "
        "brought nothing new, no file under the site folder was edited), site/ is kept "
        "as it is.",
    )
    _site_option(build)
    _offline_option(build)
    _strict_option(build)
    build.add_argument("--quiet", action="store_true", help="print only problems and errors")
    build.add_argument(
        "--rebuild",
        action="store_true",
        help="build the whole site even if nothing changed since the last build "
        "(after editing files in site/ by hand)",
    )
    build.add_argument(
        "--base-url",
        metavar="URL",
        help="publish under this address instead of config.yaml's base_url "
        "(the GitHub Pages workflow passes the address Pages gives)",
    )
    build.set_defaults(run=_build)


def _add_fetch(commands: argparse._SubParsersAction) -> None:
    fetch = commands.add_parser(
        "fetch",
        help="fetch the feeds into the feed store, without building",
        description="Fetch every feed that is due (see 'refresh' in config.yaml) and keep its "
        "items in content/feeds/. Prints how each feed did.",
    )
    _site_option(fetch)
    fetch.add_argument(
        "--force", action="store_true", help="fetch every feed now, even within its refresh period"
    )
    _strict_option(fetch)
    fetch.set_defaults(run=_fetch)


def _add_import(commands: argparse._SubParsersAction) -> None:
    import_ = commands.add_parser(
        "import",
        help="turn saved news pages into saved articles",
        description="Turn saved news pages (plain text copied from a news site, saved HTML "
        "pages, or web addresses) into Markdown articles in content/articles/. Existing files "
        "are never overwritten. Exit code 1 if any input could not be imported.",
    )
    _site_option(import_)
    import_.add_argument(
        "inputs", nargs="+", metavar="INPUT", help="a .txt or .html file, or an https:// address"
    )
    import_.add_argument(
        "--dry-run", action="store_true", help="show what would be written, and write nothing"
    )
    import_.set_defaults(run=_import)


def _add_init(commands: argparse._SubParsersAction) -> None:
    init = commands.add_parser(
        "init",
        help="create a new site folder, ready to build and to publish on GitHub Pages",
        description="Create a new site in DIR: a commented config.yaml, two example feeds "
        "(local files, so the site builds offline at once), an example article, a "
        "templates/ folder for your overrides, a .gitignore and a GitHub Actions workflow "
        "that builds and publishes the site every hour. Existing files are never "
        "overwritten.",
    )
    init.add_argument(
        "directory",
        type=Path,
        nargs="?",
        default=Path("."),
        metavar="DIR",
        help="the new site's folder (default: the current folder)",
    )
    defaults = scaffold.SiteOptions()
    init.add_argument(
        "--title", default=defaults.title, help=f"the site's name (default: {defaults.title})"
    )
    init.add_argument(
        "--language",
        default=defaults.language,
        help=f"the site's language code; its direction follows (default: {defaults.language})",
    )
    init.add_argument(
        "--timezone",
        default=defaults.timezone,
        help="the time zone of the daily digests, like Asia/Riyadh or Africa/Cairo "
        f"(default: {defaults.timezone})",
    )
    init.add_argument(
        "--base-url",
        default=defaults.base_url,
        help=f"where the site will be published (default: {defaults.base_url})",
    )
    init.add_argument(
        "--cron",
        type=_checked(scaffold.cron_schedule),
        default=defaults.cron,
        help=f"when the workflow builds, in UTC, as a cron schedule (default: '{defaults.cron}',"
        " every hour)",
    )
    init.add_argument(
        "--install",
        type=_checked(scaffold.install_spec),
        default=defaults.install,
        metavar="SPEC",
        help=f"what the workflow installs with pip (default: {defaults.install})",
    )
    init.set_defaults(run=_init)


def _add_serve(commands: argparse._SubParsersAction) -> None:
    serve_ = commands.add_parser(
        "serve",
        help="build the site and preview it at http://127.0.0.1:8000/, rebuilding on changes",
        description="Build the site (as 'digest build' does), then serve site/ on this computer "
        "under the path of base_url, as GitHub Pages will. Changes to config.yaml, content/ "
        "and templates/ rebuild the site, and open pages reload themselves. Ctrl+C stops.",
    )
    _site_option(serve_)
    serve_.add_argument("--port", type=int, default=8000, help="the port (default: 8000)")
    serve_.add_argument(
        "--host",
        default="127.0.0.1",
        help="the address to listen on (default: 127.0.0.1, this computer only)",
    )
    _offline_option(serve_)
    serve_.add_argument(
        "--no-build",
        action="store_true",
        help="serve site/ as it is: no build, no watching for changes",
    )
    serve_.set_defaults(run=_serve)


def _add_check(commands: argparse._SubParsersAction) -> None:
    check_ = commands.add_parser(
        "check",
        help="check the config, the saved articles and the built site's links and feeds",
        description="Check config.yaml, the saved articles and the local feed files without "
        "writing anything; then, if site/ has been built, check that every link of every "
        "page leads somewhere in the site and that every feed is valid. Exit code 0 when "
        "all is well, 1 when something is wrong, 2 for an invalid config.yaml.",
    )
    _site_option(check_)
    check_.set_defaults(run=lambda args: check.run(args.site))


def _add_explain(commands: argparse._SubParsersAction) -> None:
    explain_ = commands.add_parser(
        "explain",
        help="show why an article has its tags, related stories and other versions",
        description="Compute the site as 'digest build --offline' does, without writing "
        "anything, and show for one article: each tag, given or extracted and why, with "
        "the config.yaml lines that would drop it or merge it into another; each related "
        "story with its score and the words and tags they share; the other sources' "
        "versions of its story. With --stories, list every story several sources reported.",
    )
    _site_option(explain_)
    which = explain_.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "page",
        nargs="?",
        metavar="PAGE",
        help="the article: its file (content/articles/x.md, or x), its slug, or its "
        "address on the site (https://…/articles/x/ or articles/x/)",
    )
    which.add_argument(
        "--stories",
        action="store_true",
        help="list every story reported by more than one source, with its versions",
    )
    explain_.add_argument("--json", action="store_true", help="print JSON instead of text")
    explain_.set_defaults(run=lambda args: explain.run(args.site, args.page, as_json=args.json))


def _checked(check_text: Callable[[str], str]) -> Callable[[str], str]:
    """An argparse type from a check that raises ValueError with a message for the user."""

    def convert(text: str) -> str:
        try:
            return check_text(text)
        except ValueError as problem:
            raise argparse.ArgumentTypeError(str(problem)) from None

    return convert


def _offline_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--offline",
        action="store_true",
        help="do not fetch feeds; use the items stored in content/feeds/ (local feed files "
        "are still read)",
    )


def _strict_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--strict", action="store_true", help="exit with code 1 if any input had a problem"
    )


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

    config = load_config(args.site, base_url=args.base_url)
    started = time.monotonic()
    with site_lock(config.root, command="digest build"):
        result = build(
            config,
            now=datetime.now(UTC),
            offline=args.offline,
            rebuild=args.rebuild,
            progress=_progress(args.quiet),
        )
    done = "Nothing changed: kept" if result.unchanged else "Built"
    headline = f"{done} {config.output_dir} in {time.monotonic() - started:.1f} s"
    return build_report(result, headline, args.strict).show(quiet=args.quiet)


def _fetch(args: argparse.Namespace) -> int:
    from .feeds import collect_feed_articles

    config = load_config(args.site)
    with site_lock(config.root, command="digest fetch"):
        result = collect_feed_articles(
            config,
            now=datetime.now(UTC),
            offline=False,
            progress=_progress(False),
            force=args.force,
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


def _init(args: argparse.Namespace) -> int:
    options = scaffold.SiteOptions(
        title=args.title,
        language=args.language,
        timezone=args.timezone,
        base_url=args.base_url,
        cron=args.cron,
        install=args.install,
    )
    return scaffold.run(args.directory, options)


def _serve(args: argparse.Namespace) -> int:
    return serve.run(
        args.site, host=args.host, port=args.port, offline=args.offline, no_build=args.no_build
    )


def _import(args: argparse.Namespace) -> int:
    from .importer import run_import

    config = load_config(args.site)
    if args.dry_run:  # writes nothing, so it need not wait for another command
        return run_import(config, args.inputs, dry_run=True)
    with site_lock(config.root, command="digest import"):
        return run_import(config, args.inputs, dry_run=False)


if __name__ == "__main__":
    sys.exit(main())
