"""Non-fatal problems: what went wrong with one input, and what the build did about it.

Stages that handle many inputs return ``(results, problems)``; the build collects them
into a report, so one broken file or feed never stops the others.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    origin: str  # a file relative to the site folder, or a URL
    line: int | None
    message: str
    action: str = "skipped"

    def __str__(self) -> str:
        where = self.origin if self.line is None else f"{self.origin}, line {self.line}"
        return f"{where}: {self.message} ({self.action})"


class ConfigError(Exception):
    """The site cannot be built as configured; every message is for a non-programmer."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = tuple(messages)


class BuildError(Exception):
    """The build cannot finish. The message is one line a user can act on: what was being
    made (template and line, page, or file) and why; ``cli.main`` prints it as it is."""
