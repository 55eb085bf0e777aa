"""Labels in Arabic alphabetical order, and the letter each is listed under.

A tag index by first letter is only useful in the order readers know: the Arabic
alphabet (ا ب ت ث …), not the order of Unicode code points (which puts ء before ا and ة
before ت). A label is filed under its first letter once the article «ال» is set aside,
as Arabic indexes do: «الصين» is under ص. Hamza forms count as their seat letter (أ إ آ
ء under ا, ؤ under و, ئ and ى under ي), and the Persian letters sit beside their Arabic
base as in the Persian alphabet. Latin letters come after, by their letter without
accents or case; other scripts after those, each letter in code point order; a label
that starts with no letter at all (a number) is filed last, under ``#``.
"""

from __future__ import annotations

import unicodedata

ORDER = "ابپتثجچحخدذرزژسشصضطظعغفقكگلمنهوي"
# Letters filed as another: hamza on its seat, Persian and Urdu forms of Arabic letters.
_SAME_AS = {
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ء": "ا",
    "ؤ": "و",
    "ئ": "ي",
    "ى": "ي",
    "ی": "ي",
    "ې": "ي",
    "ک": "ك",
    "ة": "ه",
    "ۀ": "ه",
    "ہ": "ه",
    "ھ": "ه",
}
_RANK = {letter: position for position, letter in enumerate(ORDER)}
ARTICLE = "ال"
NO_LETTER = "#"
TATWEEL = "\u0640"

Key = tuple[tuple[int, int], ...]


def without_article(label: str) -> str:
    """The label as an index files it: without a leading «ال» (but «ال» alone stays)."""
    rest = label.removeprefix(ARTICLE)
    return rest if rest and rest[0].isalpha() and label != rest else label


def letter_of(label: str) -> str:
    """The letter a label is listed under: an Arabic letter of ``ORDER``, a capital letter
    of another script, or ``NO_LETTER``."""
    for char in _shown(without_article(label)):
        if char.isalpha():
            base = _base(char)
            capital = base.upper()
            return capital if len(capital) == 1 else base
    return NO_LETTER


def letter_key(letter: str) -> tuple[int, int]:
    """Where a letter of ``letter_of`` comes among the others."""
    if letter == NO_LETTER:
        return (3, 0)
    if letter in _RANK:
        return (0, _RANK[letter])
    return (1 if _is_latin(letter) else 2, ord(letter.casefold()[:1]))


def sort_key(label: str) -> Key:
    """A label's place in alphabetical order, its «ال» set aside; equal keys keep their
    given order (sort with a stable tie-break after this key)."""
    return tuple(
        letter_key(_base(char)) if char.isalpha() else (-1, ord(char))
        for char in _shown(without_article(label))
    )


def _shown(text: str) -> str:
    """The text without vowel marks and the stretching tatweel, which order nothing."""
    return "".join(
        char for char in text if char != TATWEEL and not unicodedata.category(char).startswith("M")
    )


def _base(char: str) -> str:
    """The letter without case, accents or hamza: ``É`` → ``e``, ``أ`` → ``ا``."""
    char = _SAME_AS.get(char, char)
    if char in _RANK:
        return char
    decomposed = unicodedata.normalize("NFD", char.casefold())
    return decomposed[0] if decomposed and decomposed[0].isalpha() else char.casefold()[:1]


def _is_latin(letter: str) -> bool:
    return unicodedata.name(letter, "").startswith("LATIN")
