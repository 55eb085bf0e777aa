"""Dates, numbers and the direction of text as readers of a language write them, through Babel.

Formatting never depends on the process locale or the wall clock, so the same input
gives the same pages on any machine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton, format_time

_DIGITS = {"latn": "0123456789", "arab": "٠١٢٣٤٥٦٧٨٩"}


@dataclass(frozen=True, slots=True)
class Localizer:
    language: str
    timezone: str
    digits: str = "latn"  # a CLDR numbering system: latn (0-9) or arab (٠-٩)
    # Each text made once per value: a Babel call takes tens of microseconds, and a site
    # shows the same few hundred days on thousands of pages.
    _texts: dict[tuple[str, date], str] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @property
    def _locale(self) -> str:
        return self.language.replace("-", "_")

    def _digits(self, text: str) -> str:
        return text.translate(str.maketrans(_DIGITS["latn"], _DIGITS[self.digits]))

    def _text(self, kind: str, value: date, babel: Callable[[date, str], str]) -> str:
        """``babel(value, locale)`` in the site's digits, computed once per kind and value."""
        key = (kind, value)
        text = self._texts.get(key)
        if text is None:
            text = self._texts[key] = self._digits(babel(value, self._locale))
        return text

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(ZoneInfo(self.timezone))

    def long_date(self, value: date | datetime) -> str:
        """``13 سبتمبر 2023``: the date a reader sees (a moment is shown in the site zone)."""
        day = self.local(value).date() if isinstance(value, datetime) else value
        return self._text("long", day, lambda v, locale: format_date(v, "long", locale=locale))

    def full_date(self, value: date) -> str:
        """``الأربعاء، 13 سبتمبر 2023``: the heading of a digest."""
        return self._text("full", value, lambda v, locale: format_date(v, "full", locale=locale))

    def time_of_day(self, moment: datetime) -> str:
        return self._text(
            "time", moment, lambda v, locale: format_time(self.local(v), "short", locale=locale)
        )

    def month(self, value: date) -> str:
        """``سبتمبر 2023``: archive headings."""
        return self._text(
            "month", value, lambda v, locale: format_skeleton("yMMMM", v, locale=locale)
        )

    def number(self, value: int) -> str:
        return self._digits(str(value))


def text_direction(language: str) -> str:
    """``rtl`` or ``ltr`` for a language code, as CLDR (through Babel) knows it."""
    try:
        locale = Locale.parse(language.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return "ltr"
    return "rtl" if locale.character_order == "right-to-left" else "ltr"
