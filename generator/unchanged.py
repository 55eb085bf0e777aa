"""A build with nothing to do: the inputs are those of the last build, and its site is there.

A site rebuilt every hour is mostly unchanged, and making every page again only to find
the same bytes costs minutes on a large site. So a build notes, in ``.cache/``, the state
of everything it read (every file under the site folder but the built site and the
repository, the kept analysis results, digest's own code and theme, the settings) and
the output folder it swapped in. The next build that finds the same state and the same
output folder stops there, and reports the same counts and problems.

The state of the site's files is read from the file system's sizes and modification
times (nanoseconds), as ``make`` and ``rsync`` do, not from the bytes: reading 30,000
articles back would cost what it saves. A file put back with its old size and time is
the one blind spot, which no editor or ``git`` produces. Any link in the site folder
turns the shortcut off, since a link's own time says nothing of what it points to.
digest's own code and theme, a few hundred kilobytes, are read by their bytes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .atomicwrite import write_text_atomically
from .config import SiteConfig
from .problems import Problem
from .search import COPIES_DIR
from .sitelock import LOCK_FILE
from .theme_files import THEME_DIR
from .write import spare_folder

FILE_NAME = "last-build.json"
_CODE_DIR = Path(__file__).parent
_NOT_INPUTS = (".git", LOCK_FILE)  # besides the output and cache folders


@dataclass(frozen=True, slots=True)
class Counts:
    articles: int
    digests: int
    tags: int
    pages: int
    files: int


@dataclass(frozen=True, slots=True)
class LastBuild:
    inputs: str  # the state of the site's files, the settings and digest itself
    cache: str  # the state of the kept results, as that build left them
    output: tuple[int, int, int]  # the output folder it swapped in: device, inode, time
    counts: Counts
    problems: tuple[Problem, ...]


def inputs_state(config: SiteConfig, cache_dir: Path) -> str | None:
    """The state of what a build reads, or None when it cannot be told (a link)."""
    hashed = hashlib.blake2b(digest_size=20)
    hashed.update(json.dumps((code_state(), repr(config)), ensure_ascii=False).encode())
    output = config.output_dir
    skipped = {output.name, spare_folder(output).name, cache_dir.name, *_NOT_INPUTS}
    for entry in _files(config.root, config.root, skipped):
        if entry is None:
            return None
        hashed.update(entry)
    return hashed.hexdigest()


def code_state() -> str:
    """The state of digest's own code and theme as installed: another version, or an
    edited module or template, makes other pages from the same inputs. Read from the
    files' bytes (a few hundred kilobytes): an install in a fresh CI run gives the same
    files other times."""
    hashed = hashlib.blake2b(__version__.encode(), digest_size=20)
    for folder in (THEME_DIR, _CODE_DIR):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                name = path.relative_to(folder).as_posix().encode("utf-8", "surrogateescape")
                hashed.update(b"%s\0%d\0" % (name, path.stat().st_size))
                hashed.update(path.read_bytes())
    return hashed.hexdigest()


def cache_state(cache_dir: Path) -> str:
    """The state of the kept results, but this module's own note and the pages' copies
    for the search index (made from the site's pages, which a kept site keeps as well)."""
    hashed = hashlib.blake2b(digest_size=20)
    for entry in _files(cache_dir, cache_dir, {FILE_NAME, COPIES_DIR}):
        hashed.update(entry or b"link")
    return hashed.hexdigest()


def output_identity(output_dir: Path) -> tuple[int, int, int] | None:
    """Which folder is the output folder: a build swaps in a new one, so another build,
    a deletion or a folder put in its place gives another identity. Files edited inside
    it by hand are not seen."""
    try:
        status = output_dir.lstat()
    except OSError:
        return None
    return (status.st_dev, status.st_ino, status.st_mtime_ns)


def read(cache_dir: Path) -> LastBuild | None:
    """The last build's note; None when there is none or it cannot be trusted."""
    try:
        kept = json.loads((cache_dir / FILE_NAME).read_text("utf-8"))
        return LastBuild(
            inputs=str(kept["inputs"]),
            cache=str(kept["cache"]),
            output=(int(kept["output"][0]), int(kept["output"][1]), int(kept["output"][2])),
            counts=Counts(**kept["counts"]),
            problems=tuple(Problem(**problem) for problem in kept["problems"]),
        )
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None


def write(cache_dir: Path, last: LastBuild) -> None:
    text = json.dumps(dataclasses.asdict(last), ensure_ascii=False)
    write_text_atomically(cache_dir / FILE_NAME, text, durable=False)


def forget(cache_dir: Path) -> None:
    """No note: the next build builds."""
    (cache_dir / FILE_NAME).unlink(missing_ok=True)


def is_current(
    last: LastBuild | None, inputs: str | None, config: SiteConfig, cache_dir: Path
) -> bool:
    return (
        last is not None
        and inputs is not None
        and last.inputs == inputs
        and last.output == output_identity(config.output_dir)
        and last.cache == cache_state(cache_dir)
    )


def _files(folder: Path, top: Path, skip: set[str]) -> Iterator[bytes | None]:
    """Each file and folder under ``folder`` as its path (a file with its size and time),
    in a fixed order; None for a link. ``skip`` names entries of ``top`` itself; Python's
    compiled files, written as modules are first imported, are no input."""
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError:
        return
    for entry in entries:
        if (folder == top and entry.name in skip) or entry.name == "__pycache__":
            continue
        name = os.path.relpath(entry.path, top).encode("utf-8", "surrogateescape")
        if entry.is_symlink():
            yield None
        elif entry.is_dir():
            yield b"%s/\0" % name  # an empty folder named like an article is read too
            yield from _files(Path(entry.path), top, skip)
        else:
            status = entry.stat()
            yield b"%s\0%d\0%d\0" % (name, status.st_size, status.st_mtime_ns)
