"""What every command prints: counts in words, problems on one stream, one exit-code rule."""

from __future__ import annotations

import errno
import os
import re
import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import copy_example_site

try:
    import resource
except ImportError:  # not on Windows
    resource = None

from generator.model import FeedHealth
from generator.problems import ConfigError, Problem
from generator.report import (
    EXIT_CONFIG,
    EXIT_FAILED,
    EXIT_OK,
    Count,
    Report,
    config_error,
    error,
    feed_line,
    os_error_message,
)
from generator.write import leftovers

PROBLEM = Problem("content/articles/x.md", 3, "'أمس' is not a date I can read")


@pytest.mark.parametrize(
    ("count", "shown"),
    [
        (Count(0, "article"), "0 articles"),
        (Count(1, "article"), "1 article"),
        (Count(2, "article"), "2 articles"),
        (Count(1, "item stored", "items stored"), "1 item stored"),
        (Count(3, "item stored", "items stored"), "3 items stored"),
        (Count(1, "failed", "failed"), "1 failed"),
    ],
)
def test_counts_are_singular_or_plural(count: Count, shown: str) -> None:
    assert str(count) == shown


@pytest.mark.parametrize(
    ("problems", "ending"),
    [((), "no problems."), ((PROBLEM,), "1 problem."), ((PROBLEM, PROBLEM), "2 problems.")],
)
def test_the_summary_counts_the_problems(problems: tuple[Problem, ...], ending: str) -> None:
    report = Report("Built site in 0.4 s", (Count(1, "article"), Count(2, "page")), problems)
    assert report.summary() == f"Built site in 0.4 s: 1 article, 2 pages, {ending}"


@pytest.mark.parametrize(
    ("problems", "strict", "code"),
    [
        ((), False, EXIT_OK),
        ((), True, EXIT_OK),
        ((PROBLEM,), False, EXIT_OK),
        ((PROBLEM,), True, EXIT_FAILED),
    ],
)
def test_problems_fail_a_command_only_when_strict(
    problems: tuple[Problem, ...], strict: bool, code: int
) -> None:
    assert Report("Done", problems=problems, strict=strict).exit_code == code


def test_problems_go_to_stderr_and_the_rest_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    feed = FeedHealth("وكالة", "https://x.example/rss", "failed", 0, 1, None, "the server said 404")
    report = Report("Fetched 1 feed", problems=(PROBLEM,), feeds=(feed,), notes=("Next: x",))

    assert report.show() == EXIT_OK

    out, err = capsys.readouterr()
    assert err == f"problem: {PROBLEM}\n"
    assert out.splitlines() == [
        "feed وكالة: failed, 1 item stored (the server said 404)",
        "Fetched 1 feed: 1 problem.",
        "Next: x",
    ]
    assert report.show(quiet=True) == EXIT_OK
    assert capsys.readouterr() == ("", f"problem: {PROBLEM}\n")


def test_a_feed_line_names_new_and_stored_items() -> None:
    when = datetime(2026, 1, 1, tzinfo=UTC)
    feed = FeedHealth("وكالة", "https://x.example/rss", "new items", 2, 7, when, "")
    assert feed_line(feed) == "feed وكالة: new items, 2 new, 7 items stored"


def test_errors_are_one_line_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    assert error("templates/article.html, line 3: 'x' is undefined") == EXIT_FAILED
    assert config_error(
        ConfigError(["config.yaml, line 2: bad", "config.yaml, line 5: worse"])
    ) == (EXIT_CONFIG)
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        "error: templates/article.html, line 3: 'x' is undefined",
        "The site's configuration has problems:",
        "  config.yaml, line 2: bad",
        "  config.yaml, line 5: worse",
    ]


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        (errno.ENOSPC, "the disk is full"),
        (errno.EISDIR, "it is a folder, not a file"),
        (errno.EIO, "Input/output error"),
    ],
)
def test_os_errors_name_the_file_and_the_reason_in_words(
    code: int, reason: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    inside = OSError(code, os.strerror(code), str(tmp_path / "site" / "feed.xml"))
    assert os_error_message(inside) == f"site/feed.xml: {reason}"
    assert os_error_message(OSError(code, "x", "/elsewhere/f")).startswith("/elsewhere/f: ")
    assert os_error_message(OSError(errno.ENOSPC, "No space left")) == "the disk is full"


# A command that fails says why in one line, through the real command in its own process.

REPOSITORY = Path(__file__).parent.parent


def _digest(site: Path, *argv: str, file_size_limit: int = 0) -> subprocess.CompletedProcess[str]:
    """``digest ARGV`` run in ``site``; a file size limit makes every larger write fail as a
    full disk does (EFBIG instead of ENOSPC, with SIGXFSZ ignored), even for root."""

    def limit_file_size() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_limit, file_size_limit))

    return subprocess.run(
        [sys.executable, "-m", "generator.cli", *argv],
        cwd=site,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=limit_file_size if file_size_limit else None,
        env={**os.environ, "PYTHONPATH": str(REPOSITORY), "PYTHONDONTWRITEBYTECODE": "1"},
    )


@pytest.fixture
def built_site(tmp_path: Path) -> Path:
    """A copy of the example site, built once: each failure must leave this site/ as it is."""
    site = copy_example_site(tmp_path / "news")
    assert _digest(site, "build", "--offline", "--quiet").returncode == 0
    return site


def _site_files(site: Path) -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in (site / "site").rglob("*") if path.is_file()}


def _one_error_line(site: Path, file_size_limit: int = 0) -> str:
    """Build, which must fail: one line on stderr, nothing else, the previous site/ kept."""
    before = _site_files(site)
    done = _digest(
        site, "build", "--offline", "--rebuild", "--quiet", file_size_limit=file_size_limit
    )
    assert done.returncode == EXIT_FAILED
    assert done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert line.startswith("error: ") and "Traceback" not in done.stderr
    assert _site_files(site) == before
    assert leftovers(site / "site") == ()  # the spare of a swap that happened may stay
    return line


def test_a_broken_template_is_one_line_naming_template_line_and_page(built_site: Path) -> None:
    (built_site / "templates").mkdir(exist_ok=True)
    (built_site / "templates" / "article.html").write_text(
        "<p>{{ no_such_variable }}</p>\n", encoding="utf-8"
    )
    line = _one_error_line(built_site)
    assert line.startswith("error: templates/article.html, line 1: ")
    assert "no_such_variable" in line and "articles/" in line

    with_debug = _digest(built_site, "--debug", "build", "--offline", "--quiet")
    assert with_debug.returncode == EXIT_FAILED
    assert "Traceback" in with_debug.stderr and "no_such_variable" in with_debug.stderr


def test_an_unreadable_saved_article_is_one_line_naming_it(built_site: Path) -> None:
    (built_site / "content" / "articles" / "folder.md").mkdir()  # read like a file: EISDIR
    line = _one_error_line(built_site)
    assert line == "error: content/articles/folder.md: it is a folder, not a file"


@pytest.mark.skipif(resource is None, reason="file size limits are POSIX only")
def test_a_full_disk_is_one_line_naming_the_file(built_site: Path) -> None:
    saved = built_site / "content" / "articles" / "kim-in-russia.md"
    saved.write_text(saved.read_text("utf-8") + "\nOne more sentence.\n", "utf-8")
    line = _one_error_line(built_site, file_size_limit=2048)  # its page is written anew
    assert re.fullmatch(
        r"error: site/\S+: the file is larger than this system allows \(is the disk full\?\)", line
    ), line


def test_a_full_disk_while_keeping_results_names_the_file_too(built_site: Path) -> None:
    """Nothing to write in site/ (every page the same, kept as it was): the first file
    written is what the build keeps for the next one."""
    line = _one_error_line(built_site, file_size_limit=2048)
    assert re.fullmatch(
        r"error: \.cache/\S+: the file is larger than this system allows \(is the disk full\?\)",
        line,
    ), line


# A build whose page output has a bug of its own: an exception no stage expects.
BUGGY_BUILD = """
import sys
import generator.build
from generator.cli import main

def broken_pages(site):
    return {}["no such key"]

generator.build.OUTPUTS = (broken_pages,)
sys.exit(main(sys.argv[1:]))
"""


def test_a_bug_of_digest_itself_is_one_line_asking_for_a_report(built_site: Path) -> None:
    def run(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", BUGGY_BUILD, *argv],
            cwd=built_site,
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "PYTHONPATH": str(REPOSITORY)},
        )

    before = _site_files(built_site)
    done = run("build", "--offline", "--rebuild", "--quiet")
    assert done.returncode == EXIT_FAILED
    (line,) = done.stderr.splitlines()
    assert line.startswith("error: digest stopped on an unexpected KeyError: 'no such key'")
    assert "--debug" in line and "report" in line
    assert _site_files(built_site) == before

    with_debug = run("--debug", "build", "--offline", "--rebuild", "--quiet")
    assert "Traceback" in with_debug.stderr and "broken_pages" in with_debug.stderr
