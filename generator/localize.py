"""Dates, numbers and the direction of text as readers of a language write them, through Babel.

Formatting never depends on the process locale or the wall clock, so the same input
gives the same pages on any machine.
"""

from __future__ import annotations

from dataclasses import dataclass
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

    @property
    def _locale(self) -> str:
        return self.language.replace("-", "_")

    def _digits(self, text: str) -> str:
        return text.translate(str.maketrans(_DIGITS["latn"], _DIGITS[self.digits]))

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(ZoneInfo(self.timezone))

    def long_date(self, value: date | datetime) -> str:
        """``13 سبتمبر 2023``: the date a reader sees (a moment is shown in the site zone)."""
        day = self.local(value).date() if isinstance(value, datetime) else value
        return self._digits(format_date(day, "long", locale=self._locale))

    def full_date(self, value: date) -> str:
        """``الأربعاء، 13 سبتمبر 2023``: the heading of a digest."""
        return self._digits(format_date(value, "full", locale=self._locale))

    def time_of_day(self, moment: datetime) -> str:
        return self._digits(format_time(self.local(moment), "short", locale=self._locale))

    def month(self, value: date) -> str:
        """``سبتمبر 2023``: archive headings."""
        return self._digits(format_skeleton("yMMMM", value, locale=self._locale))

    def number(self, value: int) -> str:
        return self._digits(str(value))


def text_direction(language: str) -> str:
    """``rtl`` or ``ltr`` for a language code, as CLDR (through Babel) knows it."""
    try:
        locale = Locale.parse(language.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return "ltr"
    return "rtl" if locale.character_order == "right-to-left" else "ltr"
