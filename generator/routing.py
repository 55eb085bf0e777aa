"""Which file of a built site answers a request path, as GitHub Pages decides.

Both the preview server and the link check ask this, so a link ``digest check`` accepts
is one the preview serves and one Pages will serve.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import quote, unquote

Kind = Literal["file", "dir"] | None


@dataclass(frozen=True, slots=True)
class Route:
    """How to answer one request: send a site file, or redirect."""

    status: int  # 200, 301 or 404
    file: str = ""  # the site file to send: the page, or 404.html (empty: none)
    location: str = ""  # where a 301 points


def route(raw_path: str, base_path: str, kind: Callable[[str], Kind]) -> Route:
    """Map a request path to a site file as GitHub Pages does for a site under ``base_path``.

    ``kind`` tells whether a site-relative path is a file, a folder or nothing; it is the
    only contact with the disk, so the mapping itself can be tested without one.
    """
    path, _, query = raw_path.partition("?")
    path = path.partition("#")[0]
    base = unquote(base_path)
    try:
        decoded = unquote(path, errors="strict")
    except UnicodeDecodeError:
        return _missing(kind)
    if decoded + "/" == base or (decoded == "/" and base != "/"):
        return Route(301, location=quote(base, safe="/"))
    if not decoded.startswith(base):
        return _missing(kind)
    relative = decoded[len(base) :]
    if "\\" in relative or "\x00" in relative or {".", ".."} & set(relative.split("/")):
        return _missing(kind)
    if relative == "" or relative.endswith("/"):
        index = relative + "index.html"
        return Route(200, index) if kind(index) == "file" else _missing(kind)
    found = kind(relative)
    if found == "file":
        return Route(200, relative)
    if found == "dir":
        return Route(301, location=path + "/" + (f"?{query}" if query else ""))
    if kind(relative + ".html") == "file":
        return Route(200, relative + ".html")
    return _missing(kind)


def _missing(kind: Callable[[str], Kind]) -> Route:
    return Route(404, "404.html" if kind("404.html") == "file" else "")


def site_kind(site_dir: Path) -> Callable[[str], Kind]:
    """``kind`` for ``route`` over a built site folder on disk."""

    def kind(relative: str) -> Kind:
        path = site_dir / relative
        if path.is_file():
            return "file"
        return "dir" if path.is_dir() else None

    return kind
