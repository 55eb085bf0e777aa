"""Writing the built site: all or nothing, and nothing left behind.

The new site is written to a temporary folder beside the output folder and swapped in
only when every file is there, so a build that fails midway leaves the previous site
exactly as it was. No file is ever written outside the output folder, and no file is
written twice: two outputs claiming one path is an error naming both, never a silent
overwrite. Files are written as the outputs make them, so a site of any size is never
held in memory whole.

A file whose bytes are those of the file at its path in the current site is a hard link
to it in the new folder instead of a new file: it keeps its inode and its modification
time, so a server's caches, rsync and git see only the files that really changed. The
current site is only ever read, so a run that ends before the swap leaves it exactly as
it was.

The site it replaces is not deleted but kept beside it (``.site-spare``), and the next
write starts from it: a file it already holds as a link to the current site's file, when
that file is still the one wanted, stays as it is; any other is replaced, and what the
new site does not hold is removed before the swap. Most files of a rebuild are unchanged,
so this spares making every folder and link of a large site again, and deleting the
whole replaced site (on 30,000 articles, about 110,000 names). A spare of unchanged files
costs little room, as they are the current site's own files under a second name.

A process can also end without unwinding: ``kill -9``, a power cut, a CI runner torn
down. Then the temporary folders stay (``.site-new-*``, ``.site-old-*``, as big as the
site), so every write starts by removing those of earlier runs, and by putting the
previous site back if a run ended between moving it away and moving the new one in.
Where Linux can swap two folders in one step (``renameat2``), there is no such moment.
SIGTERM and SIGINT while writing raise ``Stopped``, which unwinds through the same
cleanup as an error. The caller holds the site lock, so no other run's folders are
mistaken for leftovers.
"""

from __future__ import annotations

import ctypes
import errno
import os
import re
import shutil
import signal
import stat
import sys
import tempfile
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path, PurePosixPath
from types import FrameType, MappingProxyType, TracebackType
from typing import Any

from .model import OutputFile
from .pagecache import kept_bytes
from .problems import BuildError
from .slugs import name_fits

_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
_Handler = Callable[[int, FrameType | None], Any] | int
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
# The kernel or the file system cannot exchange: fall back to two renames.
_NO_EXCHANGE = {errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP}


class UnsafePathError(BuildError):
    """An output path that would land outside the output folder."""


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGINT arrived while the site was being written. A KeyboardInterrupt,
    so that it passes every ``except Exception`` and the command stops as on Ctrl+C."""


def safe_relative_path(path: str) -> PurePosixPath:
    """The path as a relative path inside the output folder, or UnsafePathError."""
    relative = PurePosixPath(path)
    if (
        not path
        or relative.is_absolute()
        or "\\" in path
        or "\x00" in path
        or any(part in {"..", "."} for part in relative.parts)
    ):
        raise UnsafePathError(f"refusing to write '{path}': it is not inside the output folder")
    if not all(name_fits(part) for part in relative.parts):
        raise UnsafePathError(
            f"refusing to write '{path}': a name in it is longer than the file system allows"
        )
    return relative


def write_site(
    outputs: Iterable[tuple[str, Iterable[OutputFile]]],
    output_dir: Path,
    *,
    exchange: bool = True,
) -> Mapping[str, int]:
    """Replace ``output_dir`` with exactly the files of ``outputs``, each given with the
    name of what made it (for the error when two make one path); returns how many files
    each made.

    ``exchange=False`` swaps by two renames even where one atomic exchange is possible,
    as on systems without it.
    """
    output_dir = recover(output_dir)
    with _StopSignals() as stop:
        staging, reused = _staging_folder(output_dir)
        try:
            written = _write_files(outputs, staging, output_dir, reused=reused)
            stop.hold()  # from here on the new site goes in whole; a signal waits for it
            _swap(staging, output_dir, exchange=exchange)
        except BaseException:
            stop.hold()
            shutil.rmtree(staging, ignore_errors=True)
            raise
    return written


def leftovers(output_dir: Path) -> tuple[Path, ...]:
    """The temporary folders of earlier writes beside ``output_dir``: real folders named
    exactly as ``write_site`` names them (a link or a file of such a name is not one)."""
    pattern = re.compile(rf"\.{re.escape(output_dir.name)}-(?:new|old)-[a-z0-9_]{{8}}")
    try:
        entries = list(os.scandir(output_dir.parent))
    except FileNotFoundError:
        return ()
    return tuple(
        sorted(
            output_dir.parent / entry.name
            for entry in entries
            if pattern.fullmatch(entry.name) and entry.is_dir(follow_symlinks=False)
        )
    )


def _output_folder(output_dir: Path) -> Path:
    """The output folder with its parent resolved; a link is refused rather than followed,
    as swapping would replace the folder it points to, wherever that is, as a whole."""
    if output_dir.is_symlink():
        raise BuildError(
            f"the output folder {output_dir} is a link to {os.readlink(output_dir)}, and a "
            "build replaces its output folder as a whole, so it will not replace a folder "
            f"elsewhere; remove the link, build, then copy {output_dir.name}/ to where it "
            "is needed"
        )
    return output_dir.parent.resolve() / output_dir.name


def recover(output_dir: Path) -> Path:
    """Undo what an earlier run, ended abruptly, left: first put the previous site back if
    it was moved away and nothing came in its place, then delete the rest. A build calls it
    before anything else, so a build that then fails still leaves the previous site in
    place; returns the output folder with its parent resolved."""
    output_dir = _output_folder(output_dir)
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    remaining = list(leftovers(output_dir))
    retired = [path for path in remaining if path.name.startswith(f".{output_dir.name}-old-")]
    if retired and not os.path.lexists(output_dir):
        newest = max(retired, key=lambda path: path.stat().st_mtime)
        newest.rename(output_dir)
        remaining.remove(newest)
    for path in remaining:
        shutil.rmtree(path, ignore_errors=True)
    return output_dir


def _temporary_folder(output_dir: Path, kind: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=f".{output_dir.name}-{kind}-", dir=output_dir.parent))


def spare_folder(output_dir: Path) -> Path:
    """Where the site a write replaced is kept for the next write to start from."""
    return output_dir.parent / f".{output_dir.name}-spare"


def _staging_folder(output_dir: Path) -> tuple[Path, bool]:
    """A new temporary folder for the new site, and whether it is the spare site, moved
    there first: a run that ends before the swap then leaves it as any other leftover."""
    staging = _temporary_folder(output_dir, "new")
    if _is_folder_itself(spare_folder(output_dir)):
        staging.rmdir()  # its name, unique, for the spare
        try:
            spare_folder(output_dir).rename(staging)
            return staging, True
        except OSError:
            staging.mkdir()
    return staging, False


def _write_files(
    outputs: Iterable[tuple[str, Iterable[OutputFile]]],
    staging: Path,
    output_dir: Path,
    *,
    reused: bool,
) -> Mapping[str, int]:
    """Write ``outputs`` into ``staging``; when it is the spare site (``reused``), what is
    there already is kept if it is the file wanted, replaced if not, and removed if the
    new site has nothing at its path."""
    made_by: dict[str, str] = {}
    written: set[str] = set()
    folders = _Folders(staging, output_dir, replacing=reused)
    for producer, files in outputs:
        for file in files:
            relative = safe_relative_path(file.path)
            _claim(made_by, relative.as_posix(), producer)
            target = staging.joinpath(*relative.parts)
            if not folders.make(target.parent):
                raise UnsafePathError(f"refusing to write '{file.path}' outside the output folder")
            current = output_dir.joinpath(*relative.parts)
            try:
                own = current if folders.is_own(current.parent) else None
                content = kept_bytes(file, output_dir) if own is None else file.content
                _put(content, target, own, read_from=file.kept, replacing=reused)
            except OSError as error:  # a full disk: name the file as the user knows it
                raise OSError(error.errno, error.strerror, output_dir / relative) from error
            written.add(str(target))
    if reused:
        _prune(staging, written, folders.made())
    return MappingProxyType(Counter(made_by.values()))


def _prune(folder: Path | str, files: set[str], folders: set[str]) -> None:
    """Remove from a reused folder what the new site does not hold: any file not among
    ``files``, any folder not among ``folders`` (those that hold them), links included,
    never followed."""
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if entry.path in folders:
                    _prune(entry.path, files, folders)
                else:
                    shutil.rmtree(entry.path)
            elif entry.path not in files:
                os.unlink(entry.path)


class _Folders:
    """The folders of the new site made so far, and which folders of the current site are
    its own (no link on the way to them), each found out once rather than once a file:
    from the folder above it, known by then, with one call for each."""

    def __init__(self, staging: Path, output_dir: Path, *, replacing: bool) -> None:
        self._staging = staging
        self._replacing = replacing  # what is in the way was left by an earlier write
        self._made = {staging: True}
        self._own = {output_dir: os.path.realpath(output_dir) == str(output_dir)}

    def made(self) -> set[str]:
        """The folders of the new site, as strings."""
        return {str(folder) for folder, made in self._made.items() if made}

    def make(self, folder: Path) -> bool:
        """Make a folder of the new site; False if it would not be inside it. A folder made
        here in one made here before is inside: nothing else writes in the new site."""
        if folder not in self._made:
            parent = folder.parent
            made = self._staging in parent.parents or parent == self._staging
            if not (made and self.make(parent) and _made_here(folder, self._replacing)):
                resolved = folder.resolve()
                made = resolved == self._staging or self._staging in resolved.parents
                if made:
                    folder.mkdir(parents=True, exist_ok=True)
            self._made[folder] = made
        return self._made[folder]

    def is_own(self, folder: Path) -> bool:
        if folder not in self._own:
            parent = folder.parent
            self._own[folder] = (
                os.path.realpath(folder) == str(folder)
                if parent == folder
                else self.is_own(parent) and _is_folder_itself(folder)
            )
        return self._own[folder]


def _made_here(folder: Path, replacing: bool) -> bool:
    """Make a folder in a folder of the new site; False when something is in its way that
    this write did not put there. ``replacing``: what is in the way was left by an earlier
    write, so a folder there is used as it is, and a file or link is replaced."""
    try:
        folder.mkdir()
    except FileExistsError:
        if not replacing:
            return False
        if not _is_folder_itself(folder):
            os.unlink(folder)
            folder.mkdir()
    return True


def _is_folder_itself(path: Path) -> bool:
    """A folder, not a link to one."""
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def _put(
    content: bytes, target: Path, current: Path | None, *, read_from: bool, replacing: bool
) -> None:
    """Write ``target``, or link it to ``current`` when that holds the same bytes; a copy
    keeps the time too where no link can be made (another file system, or none allowed).
    No ``current``: the current site's folder is reached through a link, so it is not
    read. ``read_from``: the file is one kept from ``current`` itself (a file of its own,
    not a link), its bytes checked against the last build's note where its key was made,
    so it is not read again to compare. ``replacing``: what is at
    ``target`` was left by an earlier write; it stays when it is ``current`` itself."""
    same = current is not None and (read_from or _holds(current, content))
    if replacing:
        if same and _is_same_file(target, current):
            return
        _remove(target)
    if not same:
        target.write_bytes(content)
        return
    try:
        os.link(current, target, follow_symlinks=False)
    except OSError:
        shutil.copy2(current, target, follow_symlinks=False)


def _is_same_file(path: Path, other: Path) -> bool:
    """Whether two names are one regular file (a hard link), neither of them a link."""
    try:
        status, other_status = os.lstat(path), os.lstat(other)
    except OSError:
        return False
    return stat.S_ISREG(status.st_mode) and os.path.samestat(status, other_status)


def _remove(path: Path) -> None:
    """Remove a file, link or folder (a link is removed, never followed), if any."""
    try:
        status = os.lstat(path)
    except FileNotFoundError:
        return
    if stat.S_ISDIR(status.st_mode):
        shutil.rmtree(path)
    else:
        os.unlink(path)


def _holds(current: Path, content: bytes) -> bool:
    """Whether the current site has exactly ``content`` at this path, in a file of its own
    (its folder is known to be reached without a link; the file itself must not be one,
    which could lead out of the site). Any doubt means no, and the file is written."""
    try:
        status = current.lstat()
        if not stat.S_ISREG(status.st_mode) or status.st_size != len(content):
            return False
        return current.read_bytes() == content
    except OSError:
        return False


def _claim(made_by: dict[str, str], path: str, producer: str) -> None:
    if path in made_by:
        first = made_by[path]
        by = f"twice by {producer}" if first == producer else f"by both {first} and {producer}"
        raise BuildError(f"'{path}' would be written {by}; each file must come from one output")
    made_by[path] = producer


def _swap(staging: Path, output_dir: Path, *, exchange: bool) -> None:
    """Put ``staging`` in place of ``output_dir``; the old one is removed only afterwards."""
    os.chmod(staging, 0o755)
    if not os.path.lexists(output_dir):
        staging.rename(output_dir)
        return
    if exchange and _exchange(staging, output_dir):
        _keep_as_spare(staging, output_dir)  # the old site, now
        return
    retired = _temporary_folder(output_dir, "old")
    retired.rmdir()
    output_dir.rename(retired)
    try:
        staging.rename(output_dir)
    except BaseException:
        retired.rename(output_dir)
        raise
    _keep_as_spare(retired, output_dir)


def _keep_as_spare(replaced: Path, output_dir: Path) -> None:
    """Keep the replaced site for the next write to start from; delete it when something
    else has the spare's name."""
    try:
        os.rename(replaced, spare_folder(output_dir))
    except OSError:
        shutil.rmtree(replaced, ignore_errors=True)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one step, so that neither name is ever missing; False where
    the system cannot (not Linux, an old C library or kernel, a file system without it)."""
    if sys.platform != "linux":
        return False
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    folder, at = ctypes.c_char_p, ctypes.c_int
    renameat2.argtypes = [at, folder, at, folder, ctypes.c_uint]
    if renameat2(_AT_FDCWD, bytes(first), _AT_FDCWD, bytes(second), _RENAME_EXCHANGE) == 0:
        return True
    failure = ctypes.get_errno()
    if failure in _NO_EXCHANGE:
        return False
    raise OSError(failure, os.strerror(failure), str(second))


class _StopSignals:
    """For the ``with`` block, SIGINT and SIGTERM raise ``Stopped``, so the temporary folder
    is removed as after an error, instead of the process ending on the spot (SIGTERM's
    default). After ``hold()`` (the swap, the cleanup) a signal waits, and is delivered to
    the previous handlers once they are back. Only the main thread can handle signals; a
    signal the process ignores stays ignored."""

    def __init__(self) -> None:
        self._previous: dict[int, _Handler] = {}
        self._holding = False
        self._held: list[int] = []

    def __enter__(self) -> _StopSignals:
        if threading.current_thread() is threading.main_thread():
            for signum in _STOP_SIGNALS:
                if signal.getsignal(signum) not in {signal.SIG_IGN, None}:
                    self._previous[signum] = signal.signal(signum, self._on_signal)
        return self

    def hold(self) -> None:
        self._holding = True

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        if self._holding:
            self._held.append(signum)
            return
        self._holding = True  # the cleanup that follows must not be cut short
        raise Stopped(f"stopped by {signal.Signals(signum).name}")

    def __exit__(
        self,
        kind: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        if kind is None and self._held:
            signal.raise_signal(self._held[0])
