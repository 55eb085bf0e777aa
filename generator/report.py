"""What every command tells its user, said one way: problems, feeds, a summary, an exit code.

Problems and the errors that stop a command go to standard error, one line each
(``problem: …``, ``error: …``), as does build progress; feed statuses, the summary line
and what a command made go to standard output. So ``digest build 2>problems.txt`` keeps
every problem of every command in one file.

Exit codes, the same for every command: 0 when the command did its work, even with
problems in some inputs; 1 when ``strict`` and there was any problem (``--strict`` for
build and fetch; always for check, whose job is finding them, and for import and init,
whose problems mean an input was not imported or nothing was written), or when the
command failed (an error); 2 for an invalid ``config.yaml``.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .problems import ConfigError, Problem

if TYPE_CHECKING:
    from .build import BuildResult
    from .model import FeedHealth

EXIT_OK, EXIT_FAILED, EXIT_CONFIG = 0, 1, 2

# Reasons in words for the failures a user can do something about; others keep strerror.
_OS_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EFBIG: "the file is larger than this system allows (is the disk full?)",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EISDIR: "it is a folder, not a file",
    errno.ENOENT: "it does not exist",
    errno.EROFS: "the disk is read-only",
    errno.ELOOP: "it is a link that leads back to itself",
}


@dataclass(frozen=True, slots=True)
class Count:
    """A number of things, named as the user calls them: '1 article', '2 articles'."""

    number: int
    singular: str
    plural: str = ""  # default: the singular with an 's'

    def __str__(self) -> str:
        noun = self.singular if self.number == 1 else self.plural or f"{self.singular}s"
        return f"{self.number} {noun}"


@dataclass(frozen=True, slots=True)
class Report:
    """The outcome of one command, for the user and for the exit code."""

    headline: str  # what was done, e.g. 'Built site in 0.4 s'
    counts: tuple[Count, ...] = ()
    problems: tuple[Problem, ...] = ()
    feeds: tuple[FeedHealth, ...] = ()
    notes: tuple[str, ...] = ()  # what to do next, after the summary
    strict: bool = False  # any problem makes the command fail

    @property
    def exit_code(self) -> int:
        return EXIT_FAILED if self.strict and self.problems else EXIT_OK

    def summary(self) -> str:
        problems = str(Count(len(self.problems), "problem")) if self.problems else "no problems"
        return f"{self.headline}: {', '.join((*map(str, self.counts), problems))}."

    def lines(self, *, quiet: bool = False) -> Iterator[str]:
        """The lines for standard output: feeds, summary and notes (none when quiet)."""
        if quiet:
            return
        yield from map(feed_line, self.feeds)
        yield self.summary()
        yield from self.notes

    def show(self, *, quiet: bool = False, write: Callable[[str], None] = print) -> int:
        """List the problems, then write the other lines; return the exit code."""
        list_problems(self.problems)
        for line in self.lines(quiet=quiet):
            write(line)
        return self.exit_code


def build_report(result: BuildResult, headline: str, strict: bool) -> Report:
    """The report of a build, for 'digest build' and each build of 'digest serve'."""
    return Report(
        headline,
        (
            Count(result.articles, "article"),
            Count(result.digests, "digest"),
            Count(result.tags, "tag"),
            Count(result.pages, "page"),
        ),
        result.problems,
        result.sources,
        strict=strict,
    )


def list_problems(problems: tuple[Problem, ...]) -> None:
    for problem in problems:
        print(f"problem: {problem}", file=sys.stderr)


def feed_line(feed: FeedHealth) -> str:
    new = f", {feed.new_items} new" if feed.new_items else ""
    why = f" ({feed.last_problem})" if feed.last_problem else ""  # until a fetch succeeds
    return f"feed {feed.name}: {feed.status}{new}, {Count(feed.total_items, 'item')} stored{why}"


def error(message: str) -> int:
    """Say why the command stopped, in one line; return the exit code for a failure."""
    print(f"error: {message}", file=sys.stderr, flush=True)
    return EXIT_FAILED


def config_error(problem: ConfigError, heading: str = "") -> int:
    """List every message of an invalid config.yaml; return its exit code."""
    print(heading or "The site's configuration has problems:", file=sys.stderr)
    for message in problem.messages:
        print(f"  {message}", file=sys.stderr)
    return EXIT_CONFIG


def os_error_message(problem: OSError) -> str:
    """'FILE: REASON', the file relative to the current folder, the reason in words."""
    reason = _OS_REASONS.get(problem.errno or 0) or problem.strerror or str(problem)
    if not isinstance(problem.filename, str | bytes | os.PathLike):
        return reason
    path = Path(os.fsdecode(problem.filename))
    with contextlib.suppress(ValueError):
        path = path.absolute().relative_to(Path.cwd())
    return f"{path}: {reason}"
