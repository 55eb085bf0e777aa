"""One writer at a time in a site folder.

build, fetch, import and the rebuilds of serve all write into the site folder (the feed
store, ``.cache/``, the saved articles, ``site/``). Two of them at once could interleave
their writes, so each holds ``.digest.lock`` in the site folder while it works; a second
one waits a few seconds, then stops and says which process is in the way.

Why an OS lock (``flock``, or ``msvcrt.locking`` on Windows) on a file that stays, and
not a file whose existence is the lock: the operating system releases the lock when its
holder ends, however it ends (an exception, Ctrl+C, ``kill -9``, a crash), so a lock
left by a dead process is simply free again, with no guessing from process ids (which
the system reuses) and no file to clean up. The file is never deleted: a process waiting
on the old file while a third one created a new one would let both in. The process id,
command and start time written inside are only there for the message.
"""

from __future__ import annotations

import json
import os
import shlex
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .problems import BuildError

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]
    import msvcrt

LOCK_FILE = ".digest.lock"
# Windows locks a byte range, and a locked range cannot be read: lock one byte far past
# the holder's note, so a waiting process can still read who holds the lock.
_WINDOWS_LOCKED_BYTE = 1 << 30
_POLL_SECONDS = 0.1


class SiteBusyError(BuildError):
    """Another command is writing into the same site folder."""


@dataclass(frozen=True, slots=True)
class Holder:
    """Who holds the lock, as the holder wrote it down."""

    pid: int
    command: str
    started: str

    def __str__(self) -> str:
        return f"process {self.pid}, '{self.command}', started {self.started}"


@contextmanager
def site_lock(site: Path, *, wait: float = 5.0, command: str | None = None) -> Iterator[Path]:
    """Hold the site folder's lock for the ``with`` block; yields the lock file.

    Waits up to ``wait`` seconds for another holder to finish, then raises
    SiteBusyError naming it. ``command`` is what the message shows of this process
    (default: its command line).
    """
    path = site / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        _acquire(fd, path, wait)
        try:
            _write_note(fd, command if command is not None else _command_line())
            yield path
        finally:
            os.ftruncate(fd, 0)
            _release(fd)
    finally:
        os.close(fd)


def holder(site: Path) -> Holder | None:
    """The note of the lock's holder, or None when nobody wrote one (or it is damaged)."""
    try:
        note = json.loads((site / LOCK_FILE).read_text(encoding="utf-8"))
        return Holder(pid=int(note["pid"]), command=str(note["command"]), started=note["started"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _acquire(fd: int, path: Path, wait: float) -> None:
    deadline = time.monotonic() + wait
    while not _try_lock(fd):
        if time.monotonic() >= deadline:
            raise SiteBusyError(_busy_message(path, wait))
        time.sleep(_POLL_SECONDS)


def _busy_message(path: Path, wait: float) -> str:
    other = holder(path.parent)
    who = f"another digest command ({other})" if other else "another digest command"
    return (
        f"{who} is working on the site in {path.parent}, and it was still busy after "
        f"{wait:g} s; wait for it to finish (or stop it), then try again"
    )


def _try_lock(fd: int) -> bool:
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:
            os.lseek(fd, _WINDOWS_LOCKED_BYTE, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    except OSError:  # BlockingIOError on POSIX, PermissionError on Windows
        return False
    return True


def _release(fd: int) -> None:
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_UN)
    else:
        os.lseek(fd, _WINDOWS_LOCKED_BYTE, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)


def _write_note(fd: int, command: str) -> None:
    started = datetime.now().astimezone().isoformat(sep=" ", timespec="seconds")
    note = json.dumps({"pid": os.getpid(), "command": command, "started": started})
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, note.encode("utf-8") + b"\n")


def _command_line() -> str:
    """This process's command as a user typed it: ``digest build``, not a script's path."""
    return shlex.join([Path(sys.argv[0]).name, *sys.argv[1:]]) if sys.argv else "digest"
