"""Files the tool keeps for itself (the feed store, the caches), replaced whole or not at all.

A reader, or the next build after a killed one, sees the old file or the new one, never
half of one. A failure names the file, as the user knows it: "the disk is full" alone
does not say which of the site's folders filled it.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_text_atomically(path: Path, text: str, *, durable: bool = True) -> None:
    """Replace ``path`` with ``text``. ``durable``: the text reaches the disk before the
    rename, so even a power cut cannot leave the new name on an empty file (the feed
    store's history needs that; a cache, which is checked when read and made again when
    damaged, does not)."""
    write_bytes_atomically(path, text.encode("utf-8"), durable=durable)


def write_bytes_atomically(path: Path, content: bytes, *, durable: bool = True) -> None:
    """``write_text_atomically`` for bytes (a cache of arrays)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
        )
    except OSError as error:
        raise OSError(error.errno, error.strerror, str(path)) from error
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            if durable:
                stream.flush()
                os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise OSError(error.errno, error.strerror, str(path)) from error
        raise
