"""Reading the site's own input files within bounds: a size limit, and a folder to stay in.

A local feed file or a saved article is read whole into memory, so its size is limited
like a fetched feed's. And a path in ``config.yaml`` or a link in ``content/`` can point
anywhere (``/etc/passwd``, ``../../secrets``), while what is read gets published, so the
callers check that the file really lies in the folder it is meant to be in.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path


class TooLarge(Exception):
    """The file is larger than the limit it was read under."""


def read_limited(path: Path, limit: int) -> bytes:
    """The bytes of ``path``, or TooLarge beyond ``limit`` bytes.

    The read itself stops at the limit: the size a file reports can lie (a device such as
    ``/dev/zero``, a file still being written).
    """
    with path.open("rb") as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(path)
    return data


def is_inside(path: Path, folder: Path) -> bool:
    """Whether ``path``, once every link and ``..`` is followed, lies within ``folder``; a
    link that leads round in a loop leads nowhere inside it."""
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except (RuntimeError, OSError):  # a loop of links: RuntimeError up to Python 3.12
        return False


def inside_checker(folder: Path) -> Callable[[Path], bool]:
    """``is_inside`` for many files of a few folders (every saved article): a file that is
    no link lies where its folder really is, so each folder is resolved once, and only a
    link is followed on its own."""
    real = functools.cache(Path.resolve)

    def inside(path: Path) -> bool:
        if path.is_symlink():
            return is_inside(path, folder)
        try:
            return (real(path.parent) / path.name).is_relative_to(real(folder))
        except (RuntimeError, OSError):  # a loop of links on the way
            return False

    return inside
