"""Which charset a feed's bytes are read in: the one declared, or UTF-8 when the bytes are.

A feed may name its charset in three places (the server's Content-Type, a byte-order
mark, its XML declaration), and servers often name the wrong one: many label every feed
ISO-8859-1. Bytes in a legacy charset (windows-1252, -1256 …) almost never form valid
UTF-8, so bytes that are mostly valid UTF-8 are read as UTF-8 whatever a server header
says; a legacy charset is obeyed when the bytes are not UTF-8, or when the feed's own
XML declaration names it and the server does not say UTF-8. UTF-8 wins the doubt because
reading UTF-8 as windows-1252 turns every Arabic letter into mojibake, while reading it
as UTF-8 costs at most a few damaged bytes, each shown as U+FFFD and reported.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_CHARSET = re.compile(r";\s*charset\s*=\s*[\"']?([^\"';\s]+)", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"^\s*<\?xml[^>]*encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")


def _is_utf8(name: str) -> bool:
    return name.lower().replace("-", "").replace("_", "") == "utf8"


def _mostly_utf8(data: bytes) -> bool:
    """Whether the bytes beyond ASCII are mostly well-formed UTF-8.

    Text in a legacy charset (windows-1252, -1255, -1256 …) almost never forms a valid
    UTF-8 sequence, while a UTF-8 feed with a few damaged bytes is still mostly valid: so
    more valid letters than damaged spots means UTF-8.
    """
    text = data.decode("utf-8", errors="replace")
    damaged = text.count("\ufffd") - data.count("\ufffd".encode())
    letters = len(text) - len(text.encode("ascii", "ignore")) - damaged  # beyond ASCII
    return letters > damaged


def settle_charset(
    data: bytes, headers: Mapping[str, str]
) -> tuple[bytes, dict[str, str], list[str]]:
    """The bytes and headers to give feedparser, and notes on the charset.

    feedparser, given UTF-8 with a few bad bytes, decodes the whole feed as windows-1252
    and turns every Arabic letter into mojibake. So a feed that is UTF-8 (every charset
    it declares says so, or its bytes are UTF-8 and nothing but a server header says
    otherwise) is decoded here, each bad byte becoming U+FFFD, and handed on as clean
    UTF-8. Servers often label UTF-8 feeds ISO-8859-1; that is reported, not obeyed. A
    feed in a real legacy charset, declared as such, is left to feedparser.
    """
    headers = {name.lower(): value for name, value in headers.items()}
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or data.isascii():  # UTF-16/32, or ASCII
        return data, headers, []
    content_type = headers.get("content-type", "")
    match = _CHARSET.search(content_type)
    said = match[1].lower() if match else ""
    declared = _XML_ENCODING.match(data)
    xml = declared[1].decode("ascii").lower() if declared else ""
    named = [
        name for name in (said, "utf-8" if data.startswith(b"\xef\xbb\xbf") else "", xml) if name
    ]
    mostly = _mostly_utf8(data)
    if not (named and all(map(_is_utf8, named))) and not (
        mostly and (_is_utf8(said) or xml in ("", "utf-8", "utf8"))
    ):
        return data, headers, []
    notes = []
    if said and not _is_utf8(said):
        notes.append(f"the server says the charset is {said}, but the feed is UTF-8: read as UTF-8")
    # said outright: feedparser takes an HTTP answer without a charset for ISO-8859-1
    headers["content-type"] = (
        _CHARSET.sub("", content_type) or "application/xml"
    ) + "; charset=utf-8"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        text = data.decode("utf-8", errors="replace")
        bad = text.count("\ufffd") - data.count("\ufffd".encode())
        notes.append(
            f"the feed is UTF-8 but has {bad} damaged "
            + ("byte" if bad == 1 else "bytes")
            + f", the first at byte offset {error.start}: "
            "each was replaced by \ufffd and the rest was read as UTF-8"
        )
        data = text.encode("utf-8")
    return data, headers, notes
