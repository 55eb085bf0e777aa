"""Writing the built site: all or nothing.

The new site is written to a temporary folder beside the output folder and swapped in
only when every file is there, so a build that fails midway leaves the previous site
exactly as it was. No file is ever written outside the output folder.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from .model import OutputFile


class UnsafePathError(ValueError):
    """An output path that would land outside the output folder."""


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
    return relative


def write_site(files: Iterable[OutputFile], output_dir: Path) -> int:
    """Replace ``output_dir`` with exactly ``files``; returns how many were written."""
    output_dir = output_dir.resolve()
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output_dir.name}-new-", dir=output_dir.parent))
    try:
        count = 0
        for file in files:
            target = staging.joinpath(*safe_relative_path(file.path).parts)
            if staging not in target.resolve().parents:
                raise UnsafePathError(f"refusing to write '{file.path}' outside the output folder")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(file.content)
            count += 1
        _swap(staging, output_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return count


def _swap(staging: Path, output_dir: Path) -> None:
    """Put ``staging`` in place of ``output_dir``; the old one is removed only afterwards."""
    os.chmod(staging, 0o755)
    if not output_dir.exists():
        staging.rename(output_dir)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{output_dir.name}-old-", dir=output_dir.parent))
    retired.rmdir()
    output_dir.rename(retired)
    try:
        staging.rename(output_dir)
    except BaseException:
        retired.rename(output_dir)
        raise
    shutil.rmtree(retired, ignore_errors=True)
