"""One function over many items, on every core the build may use.

Parsing articles and rendering pages are pure Python: threads would take turns on one
core, so a large batch goes to worker processes instead. They are forked, so the shared
state (the settings, the computed site) reaches them without being copied or pickled;
only each item's result comes back. Results come back in the items' order, so the
output is the same as from one process. A stage that does not need the one before it
(grouping stories needs no tags) runs beside it the same way. Where processes cannot be
forked (Windows, macOS), or on one core, or for a small batch, everything runs in the
calling process.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

Shared = TypeVar("Shared")
Item = TypeVar("Item")
Result = TypeVar("Result")

# What a worker works on, set once in each worker by ``_start`` (each worker process has
# its own copy of this module); never set in the calling process.
_job: tuple[Callable[[Any, Any], Any], Any, Sequence[Any]] | None = None


def mapped(
    function: Callable[[Shared, Item], Result],
    shared: Shared,
    items: Sequence[Item],
    *,
    at_least: int,
    chunk: int = 50,
) -> Iterator[Result]:
    """``function(shared, item)`` for each item, in order: in worker processes, ``chunk``
    items at a time, when there are ``at_least`` items and more than one core."""
    workers = cores() if len(items) >= at_least else 1
    if workers < 2:
        return (function(shared, item) for item in items)
    return _in_workers(function, shared, items, workers, chunk)


@contextlib.contextmanager
def beside(job: Callable[[], Result], *, worth_it: bool) -> Iterator[Callable[[], Result]]:
    """``job()`` in a worker process while the calling process goes on with other work:
    gives a function that waits for the result. When the job is not ``worth_it`` (the
    fork and the result's way back cost more), or there is one core, the job runs in
    the calling process when its result is asked for."""
    if not worth_it or cores() < 2:
        yield job
        return
    forked = multiprocessing.get_context("fork")
    with forked.Pool(1, initializer=_start, initargs=(_called, job, (None,))) as pool:
        pending = pool.apply_async(_run, ((0, 1),))
        yield lambda: pending.get()[0]


def _called(job: Callable[[], Result], _: None) -> Result:
    return job()


# At most this many workers: the calling process writes every result, so more would wait
# on it, and each worker may come to hold its own copy of the shared state as it reads it.
_MOST_WORKERS = 4


def cores() -> int:
    """How many worker processes may run: the cores this process may use (at most
    ``_MOST_WORKERS``), where processes can be forked; otherwise 1."""
    if sys.platform != "linux" or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return min(len(os.sched_getaffinity(0)), _MOST_WORKERS)


def _in_workers(
    function: Callable[[Shared, Item], Result],
    shared: Shared,
    items: Sequence[Item],
    workers: int,
    chunk: int,
) -> Iterator[Result]:
    chunks = [(start, start + chunk) for start in range(0, len(items), chunk)]
    forked = multiprocessing.get_context("fork")
    with forked.Pool(workers, initializer=_start, initargs=(function, shared, items)) as pool:
        for results in pool.imap(_run, chunks):
            yield from results


def _start(function: Callable[[Any, Any], Any], shared: Any, items: Sequence[Any]) -> None:
    """Ctrl+C and SIGTERM are the calling process's to handle: it stops the workers."""
    global _job
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _job = (function, shared, items)


def _run(chunk: tuple[int, int]) -> list[Any]:
    if _job is None:
        raise RuntimeError("a worker's job is set when the worker starts")
    function, shared, items = _job
    start, end = chunk
    return [function(shared, item) for item in items[start:end]]
