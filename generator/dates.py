"""Publication dates as news pages print them, read into aware datetimes.

dateparser knows the Egyptian-Gulf month names (سبتمبر), English ones and the many
orders of day, month and year, but not the Levantine (أيلول) or Maghrebi (شتنبر, جوان)
month names, so those are rewritten to the names it knows first. Only absolute dates
with a day, a month and a year are accepted: a saved page does not record when it was
saved, so reading ``أمس`` or ``سبتمبر 2023`` would be a guess, and a wrong date is worse
than an error the curator can fix in one line.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timedelta, timezone, tzinfo
from email.utils import parsedate_tz

import dateparser

# Month names that dateparser does not know, by month, mapped to the ones it does.
_STANDARD_MONTHS = (
    "يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو",
    "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر",
)  # fmt: skip
_OTHER_MONTHS = (
    r"كانون\s+ال[ثت]اني|جانفي",
    r"شباط|فيفري",
    r"[أاآ]ذار",
    r"نيسان|[أا]فريل",
    r"[أا]يار|ماي",
    r"حزيران|جوان",
    r"تموز|يوليوز|جويلية",
    r"آب|[أا]وت|غشت",
    r"[أا]يلول|شتنبر",
    r"تشرين\s+ال[أا]ول",
    r"تشرين\s+ال[ثت]اني|نونبر",
    r"كانون\s+ال[أا]ول|دجنبر",
)
_WORD_END = r"(?![^\W\d_])"
_MONTH_NAMES = tuple(
    (re.compile(rf"(?<![^\W\d_])(?:{names}){_WORD_END}"), standard)
    for names, standard in zip(_OTHER_MONTHS, _STANDARD_MONTHS, strict=True)
)
# "أيلول/سبتمبر" and "سبتمبر (أيلول)": one month written twice.
_SAME_MONTH_TWICE = re.compile(
    rf"(?P<month>{'|'.join(_STANDARD_MONTHS)})\s*(?:/|-|\()\s*(?P=month)\s*\)?"
)
_GREENWICH = re.compile(rf"(?:بتوقيت\s+)?(?:[غج]رينت?[شتس]|ت\s*\.\s*غ\s*\.?){_WORD_END}")
# "GMT +3" as "GMT+3", which dateparser reads.
_ZONE_GAP = re.compile(r"\b(GMT|UTC?)\s+(?=[+-]\d)")
# RFC 822 as nearly every feed writes it, with a zone that email.utils reads right (it
# takes any other name, CET or GMT+3, for UTC).
_RFC_822 = re.compile(
    r"(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d{1,2}:\d{2}(?::\d{2})?"
    r"\s+(?:[+-]\d{4}|GMT|UTC?|Z)"
)
_SETTINGS = {
    "PARSERS": ["absolute-time"],
    "REQUIRE_PARTS": ["day", "month", "year"],
    "DATE_ORDER": "DMY",  # as Arabic (and British) pages write 03/04/2023
}


class DateError(ValueError):
    """A date that cannot be read without guessing; the message quotes it."""


def parse_date(text: str, tz: tzinfo) -> datetime:
    """The moment ``text`` names; without a time zone in the text it is taken in ``tz``.

    The result keeps the offset the page gave (``GMT`` stays ``+00:00``), so that the
    saved article shows the date as the source printed it.
    """
    prepared = _prepare(text)
    if not prepared:
        raise DateError("the date is empty")
    try:
        parsed = datetime.fromisoformat(prepared)
    except ValueError:
        parsed = _rfc_822(prepared) or dateparser.parse(
            prepared, languages=["ar", "en"], settings=_SETTINGS
        )
    if parsed is None:
        raise DateError(f"cannot read the date {text.strip()!r}: write it like 2023-09-13")
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=tz)
    offset = parsed.utcoffset() or timedelta(0)
    return parsed.replace(tzinfo=timezone(offset))


def _rfc_822(text: str) -> datetime | None:
    """The common feed date read at once: dateparser takes a millisecond a date, which a
    feed of thousands of items would pay on every fetch."""
    fields = parsedate_tz(text) if _RFC_822.fullmatch(text) else None
    if fields is None:
        return None
    try:  # -0000 ("zone unknown") comes back as None: it is still UTC
        return datetime(*fields[:6], tzinfo=timezone(timedelta(seconds=fields[9] or 0)))
    except ValueError:  # 31 Feb
        return None


def _prepare(text: str) -> str:
    """Digits in ASCII and month names that dateparser knows, everything else as written."""
    text = "".join(
        str(unicodedata.digit(ch)) if ch.isdigit() else ch
        for ch in unicodedata.normalize("NFC", text)
    )
    text = text.replace("،", ",").replace("\u0640", "")
    for pattern, standard in _MONTH_NAMES:
        text = pattern.sub(standard, text)
    text = _SAME_MONTH_TWICE.sub(r"\g<month>", text)
    return " ".join(_ZONE_GAP.sub(r"\1", _GREENWICH.sub("GMT", text)).split())
