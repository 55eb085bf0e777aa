"""The Content-Security-Policy every page carries, in a ``<meta>`` tag of ``base.html``.

Article bodies are sanitized, so the policy is a second wall: were some markup to slip
through, the browser would still run no script and load no plugin it did not come from
the site itself, and no ``<base>`` could redirect the page's links. Images may come from
any https site, since feed articles show their sources' images.

A theme may have inline ``<script>`` or ``<style>`` elements: their hashes are computed
here from the templates' own text, so exactly those run and nothing injected does. An
inline one whose text holds template values has no fixed hash and stops the build, with
a hint to move it into a file under ``templates/static/``.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable

from .problems import BuildError

_INLINE = re.compile(
    r"<(script|style)\b([^>]*)>(.*?)</\1\s*>", re.IGNORECASE | re.DOTALL
)  # fmt: skip
_HAS_SRC = re.compile(r"\bsrc\s*=", re.IGNORECASE)
_DATA_BLOCK = re.compile(r"""\btype\s*=\s*["']?application/(?:ld\+)?json\b""", re.IGNORECASE)
_TEMPLATE_CODE = ("{{", "{%", "{#")
_NEWLINES = re.compile(r"\r\n?")


def page_policy(templates: Iterable[tuple[str, str]], *, wasm: bool = False) -> str:
    """The policy for the pages made from these templates, each given as (name, text).
    ``wasm`` lets the site's own scripts compile WebAssembly, as the search does (Pagefind
    runs its index in WebAssembly); it allows no ``eval`` of script text."""
    hashes: dict[str, list[str]] = {"script": [], "style": []}
    for name, text in templates:
        for kind, digest in _inline_hashes(name, text):
            if digest not in hashes[kind]:
                hashes[kind].append(digest)
    script = " ".join(("'self'", *hashes["script"], *(["'wasm-unsafe-eval'"] if wasm else [])))
    style = " ".join(("'self'", *hashes["style"]))
    return (
        f"default-src 'self'; img-src 'self' https:; style-src {style}; "
        f"script-src {script}; object-src 'none'; base-uri 'none'; form-action 'none'"
    )


def _inline_hashes(name: str, text: str) -> Iterable[tuple[str, str]]:
    """The hash of each inline script and style: what the browser computes from the
    element's text as the page holds it."""
    text = _NEWLINES.sub("\n", text)  # as Jinja and HTML parsers both read it
    for found in _INLINE.finditer(text):
        kind, attributes, body = found[1].lower(), found[2], found[3]
        if kind == "script" and (_HAS_SRC.search(attributes) or _DATA_BLOCK.search(attributes)):
            continue  # loaded from the site, or data (JSON-LD) the browser never runs
        if any(code in body for code in _TEMPLATE_CODE):
            line = text.count("\n", 0, found.start()) + 1
            raise BuildError(
                f"{name}, line {line}: an inline <{kind}> uses template values, so the "
                "pages' security policy cannot allow it; put it in a file under "
                "templates/static/ and link to it"
            )
        yield kind, f"'sha256-{base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()}'"
