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
from hijridate import Gregorian

_DIGITS = {"latn": "0123456789", "arab": "٠١٢٣٤٥٦٧٨٩"}


@dataclass(frozen=True, slots=True)
class Localizer:
    language: str
    timezone: str
    digits: str = "latn"  # a CLDR numbering system: latn (0-9) or arab (٠-٩)
    hijri: bool = False  # the Umm al-Qura date beside the Gregorian one
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
        """``13 سبتمبر 2023``: the date a reader sees (a moment is shown in the site zone),
        with ``· 28 صفر 1445 هـ`` after it when the site shows Hijri dates."""
        day = self.local(value).date() if isinstance(value, datetime) else value
        return self._text(
            "long",
            day,
            lambda v, locale: self._with_hijri(format_date(v, "long", locale=locale), v),
        )

    def full_date(self, value: date) -> str:
        """``الأربعاء، 13 سبتمبر 2023``: the heading of a digest."""
        return self._text(
            "full",
            value,
            lambda v, locale: self._with_hijri(format_date(v, "full", locale=locale), v),
        )

    def _with_hijri(self, text: str, day: date) -> str:
        """The Gregorian date and, when the site shows it, the Hijri one: Umm al-Qura,
        the calendar of Saudi Arabia, whose tables cover 1924 to 2077; a date outside
        them keeps the Gregorian date alone rather than a guessed one."""
        if not self.hijri:
            return text
        try:
            hijri = Gregorian(day.year, day.month, day.day).to_hijri()
        except OverflowError:
            return text
        return f"{text} · {hijri.day} {hijri.month_name('ar')} {hijri.year} هـ"

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
