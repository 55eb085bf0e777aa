"""The names of countries, territories and large cities in a language, from the Unicode
CLDR (Babel).

A headline that names a country or a city once («الفلبين تستعيد بلدة من داعش», «بغداد
تعاني أزمة خدمية حادة») is about that place, though the summary below never says the
name again and the site writes it too seldom to show it is a name: the name is known to
be a name without the site's evidence.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator

from babel import Locale, UnknownLocaleError


def country_names(languages: Iterable[str]) -> frozenset[str]:
    """The countries' and territories' names in each of these languages (BCP 47 tags;
    those CLDR does not know give none), as CLDR writes them."""
    return frozenset(
        name
        for locale in _locales(languages)
        for code, name in locale.territories.items()
        if code.isalpha() and _is_words(name)
    )


def city_names(languages: Iterable[str]) -> frozenset[str]:
    """The cities CLDR names its time zones by, in each of these languages: the capitals
    and the large cities (بغداد, بروكسل, سول, شيكاغو), which a headline names as the
    place of its story."""
    return frozenset(
        zone["city"]
        for locale in _locales(languages)
        for code, zone in locale.time_zones.items()
        if not code.startswith("Etc/") and _is_words(zone.get("city", ""))
    )


def _locales(languages: Iterable[str]) -> Iterator[Locale]:
    for language in sorted(set(languages)):
        try:
            locale = Locale.parse(language.replace("-", "_"))
        except (ValueError, UnknownLocaleError):
            continue
        yield locale


def _is_words(name: str) -> bool:
    """Whether a name is made of words only, as a headline writes it: CLDR also names
    regions by code and territories with parentheses or dashes (الكونغو - كينشاسا). Its
    marks are letters' (the damma of عُمان, the shadda of عمّان)."""
    return "".join(c for c in name if not unicodedata.combining(c)).replace(" ", "").isalpha()
