"""The names of countries and territories in a language, from the Unicode CLDR (Babel).

A headline that names a country once («الفلبين تستعيد بلدة من داعش») is about that
country, though the summary below never says the name again and no other article of
the site happens to: the name is known to be a name without the site's evidence.
"""

from __future__ import annotations

from collections.abc import Iterable

from babel import Locale, UnknownLocaleError


def country_names(languages: Iterable[str]) -> frozenset[str]:
    """The countries' and territories' names in each of these languages (BCP 47 tags;
    those CLDR does not know give none), as CLDR writes them."""
    names: set[str] = set()
    for language in sorted(set(languages)):
        try:
            locale = Locale.parse(language.replace("-", "_"))
        except (ValueError, UnknownLocaleError):
            continue
        names.update(
            name
            for code, name in locale.territories.items()
            if code.isalpha() and name.replace(" ", "").isalpha()
        )
    return frozenset(names)
