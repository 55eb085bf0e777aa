"""What every command prints: counts in words, problems on one stream, one exit-code rule."""

from __future__ import annotations

import errno
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

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
