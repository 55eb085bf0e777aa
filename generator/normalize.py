"""Arabic-aware text normalization: one key for matching, one clean form for display.

Arabic news spells the same word many ways: with or without diacritics and tatweel,
with أ إ آ ٱ or a bare ا, with ى or ي at the end, with ة or ه, typed on a Persian
keyboard (ی ک), with Arabic-Indic digits, with invisible bidi marks pasted from the web.
``match_key`` folds all of these into one key so that tags, keyword lines and titles can
be compared; ``display_form`` only tidies what readers see and keeps the spelling.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import stopwordsiso

# Harakat, tanwin, shadda, sukun, superscript alef and the Quranic annotation marks.
_ARABIC_MARKS = (
    "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e4\u06e7\u06e8\u06ea-\u06ed"
    "\u08d3-\u08e1\u08e3-\u08ff"
)
_TATWEEL = "\u0640"
# Bidi marks, embeddings, overrides and isolates, the Arabic letter mark, zero-width
# space, byte order mark and soft hyphen: invisible, and never part of a word.
_INVISIBLE = "\u00ad\u061c\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff"
_JOINERS = "\u200c\u200d"  # ZWNJ and ZWJ: spelling in Persian, noise in Arabic
_DROP_FOR_KEY = re.compile(f"[{_ARABIC_MARKS}{_TATWEEL}{_INVISIBLE}{_JOINERS}]+")

# Letters that are one letter for matching purposes, and digits as ASCII.
_KEY_LETTERS = str.maketrans(
    {
        "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا",
        "ى": "ي", "ی": "ي", "ې": "ي", "ے": "ي", "ۓ": "ي",
        "ة": "ه", "ۃ": "ه", "ہ": "ه", "ۀ": "ه", "ھ": "ه", "ە": "ه",
        "ک": "ك", "ڪ": "ك",
        "ؤ": "ء", "ئ": "ء",
        **{chr(0x0660 + d): str(d) for d in range(10)},
        **{chr(0x06F0 + d): str(d) for d in range(10)},
    }
)  # fmt: skip
# What Persian and Urdu keyboards type for Arabic letters: fixed in Arabic text only.
# ے (Urdu's final ye) is left alone: it is a letter of its own, not one typed for ي.
_PERSIAN_TO_ARABIC = str.maketrans({"ی": "ي", "ک": "ك", "ہ": "ه", "ھ": "ه", "ۃ": "ة"})
# Persian or Urdu letters, and ZWNJ which Arabic never uses: there ی and ک are right.
_NOT_ARABIC_LETTERS = frozenset("پچژگٹڈڑںےہھۃ\u200c")
_SPACES = re.compile(r"\s+")
_TOKEN = re.compile(r"[^\W_]+")
_NOT_IN_TOKEN = re.compile(r"[^\w\n]+|_+")
# A word as written, or (matched as an empty group) a sentence or clause boundary.
_WORD_OR_BOUNDARY = re.compile(
    f"([\\w{_ARABIC_MARKS}{_TATWEEL}{_JOINERS}]+)"
    r"|[.!?؟،,;؛:()\[\]{}\"'«»“”„‘’…|/\\\n\t*#•·–—]+|\s-+\s|-{2,}"
)

# Proclitics written joined to the next word: a conjunction, then a preposition, then
# the article (ل + ال is written لل). Longest first, so the greediest reading wins.
_PROCLITICS = tuple(
    sorted(
        {c + p for c in ("", "و", "ف") for p in ("", "ب", "ك", "ل", "ال", "بال", "كال", "لل")}
        - {""},
        key=len,
        reverse=True,
    )
)
_MIN_STEM = 3  # shorter remainders are more often a whole short word (بين، كما، لكن)

# Content words that the stop word list would wrongly hide (وقف إطلاق النار, الحكم
# الذاتي, شبه الجزيرة, قوة القدس, الأمم المتحدة, عين الحلوة, السنة والشيعة, الأمين العام,
# محمد بن سلمان).
_NOT_STOP_WORDS = ("الذاتي", "شبه", "قوة", "وقف", "عين", "سنة", "للامم", "عام", "حار", "بن")
# News boilerplate: reporting verbs, time words, agencies' filler; never a topic.
_NEWS_BOILERPLATE = (
    "قال قالت يقول تقول وقال وقالت اضاف اضافت واضاف واضافت اكد اكدت واكد واكدت اوضح "
    "اوضحت واوضح واوضحت اشار اشارت واشار واشارت ذكر ذكرت وذكر وذكرت افاد افادت اعلن "
    "اعلنت واعلن واعلنت اعتبر اعتبرت تابع تابعت وتابع وتابعت اعرب بحسب وبحسب حسب "
    "حسبما وفقا وفق طبقا نقلا نقل ونقلت لوكالة وكالة الوكالة المصدر مصادر مصدر "
    "تقرير التقرير بيان البيان صحفي صحفية الصحفي الصحيفة خبر الخبر اخبار متابعات "
    "اليوم امس غدا الليله الاحد الاثنين الثلاثاء الاربعاء الخميس الجمعه السبت يوم "
    "يناير فبراير مارس ابريل مايو يونيو يوليو اغسطس سبتمبر اكتوبر نوفمبر ديسمبر "
    "كانون شباط اذار نيسان ايار حزيران تموز اب ايلول تشرين "
    "الساعه ساعه دقيقه الاسبوع اسبوع الشهر شهر الماضي الماضيه المقبل "
    "المقبله الجاري الحالي الحاليه مساء صباح ايضا حاليا نحو حوالي اكثر اقل "
    "خلال حيث بينما الذي التي كذلك عبر لدي ضمن اطار شان "
    "عنه عنها عنهم منه منهم معه معها معهم لديه لديها لديهم اليه اليها اليهم بينهم "
    "يجب ينبغي يمكن يتوقع توقع يعتزم الامر امر "
    "جديد جديده الجديد الجديده اخر اخري الاخر الاخري اسم اكبر اصغر الاكبر الاصغر "
    "العديد بعض جميع مره المره سنوات عاما اعوام مليون مليار الف الاف نسبه خلفا مسبوق مسبوقه "
    # prepositions and conjunctions the stop word list lacks: «التوحد بدل المطالبة»,
    # «تضارب الأنباء بخصوص» are two clauses' pieces, not a phrase
    "رغم برغم بخصوص بدل بدلا حيال ازاء بعدما عقب جراء قبيل بفعل"
)


def match_key(text: str) -> str:
    """The form used to compare words, never to show them (see the module docstring)."""
    text = unicodedata.normalize("NFKC", text)
    text = _DROP_FOR_KEY.sub("", text).translate(_KEY_LETTERS).casefold()
    return _SPACES.sub(" ", text).strip()


def match_keys(words: Sequence[str]) -> list[str]:
    """``match_key`` of each word (no word holds a line break), computed on all at once:
    the same as one call a word, at a fraction of the cost on a page's thousand words."""
    folded = unicodedata.normalize("NFKC", "\n".join(words))
    folded = _DROP_FOR_KEY.sub("", folded).translate(_KEY_LETTERS).casefold()
    return [" ".join(key.split()) for key in folded.split("\n")] if words else []


def tokenize(text: str) -> list[str]:
    """The words and numbers of a text, as match keys (marks are folded away first,
    because regular expressions do not count Arabic diacritics as word characters)."""
    return _TOKEN.findall(match_key(text))


def word_keys(words: Sequence[str]) -> list[str]:
    """The match key of each written word, without what ``tokenize`` would drop:
    ``"".join(tokenize(word))`` for each, computed on all words at once because a site
    has hundreds of thousands of distinct ones."""
    folded = unicodedata.normalize("NFKC", "\n".join(words))
    folded = _DROP_FOR_KEY.sub("", folded).translate(_KEY_LETTERS).casefold()
    return _NOT_IN_TOKEN.sub("", folded).split("\n") if words else []


def written_words(text: str) -> list[str]:
    """The words of a text as written, diacritics included, and an empty string at each
    sentence or clause boundary (punctuation, a dash between spaces): what ``tokenize``
    finds, before folding, so that a phrase can be shown as its writers spelled it and
    is never taken across a boundary."""
    return _WORD_OR_BOUNDARY.findall(text.replace("_", " "))


def display_form(text: str, *, lang: str = "") -> str:
    """The text as written, tidied for readers: NFC, no invisible controls or tatweel,
    single spaces, and Arabic text in Arabic letters (``arabic_letters``). Hamza forms
    and diacritics are kept. Without ``lang``, text is taken as Arabic unless it has
    Persian or Urdu letters or zero-width non-joiners."""
    text = unicodedata.normalize("NFC", text)
    text = re.sub(f"[{_INVISIBLE}{_TATWEEL}]+", "", text)
    if not lang and _NOT_ARABIC_LETTERS.isdisjoint(text):
        lang = "ar"
    return _SPACES.sub(" ", arabic_letters(text, lang)).strip()


def arabic_letters(text: str, lang: str) -> str:
    """Arabic-language text with the letters a Persian or Urdu keyboard types for Arabic
    ones made Arabic (ک ی ہ ھ ۃ: ك ي ه ه ة) and without zero-width joiners; text in any
    other language is returned unchanged, because there those letters are right.

    A title typed on such a keyboard looks right on screen but is another word to search
    engines and in addresses: الکتاب and الكتاب would be two pages.
    """
    if lang.split("-")[0].casefold() != "ar":
        return text
    return re.sub(f"[{_JOINERS}]+", "", text).translate(_PERSIAN_TO_ARABIC)


def strip_clitics(token: str) -> str:
    """A key for one normalized token that is the same with or without joined
    proclitics (و ف ب ك ل ال لل وال بال فال ...): كره = لكره, بوتين = وبوتين = لبوتين.

    Whether ``ب`` in بوتين is a letter of the name or a preposition cannot be told
    without a lexicon, so stripping is repeated until nothing more can go while
    keeping three letters; both spellings then reduce to the same key. The result is
    for comparing, not for showing: it may not be a word.
    """
    stripped = True
    while stripped:
        stripped = False
        for prefix in _PROCLITICS:
            if token.startswith(prefix) and len(token) - len(prefix) >= _MIN_STEM:
                token = token[len(prefix) :]
                stripped = True
                break
    return token


def clitic_readings(token: str) -> tuple[str, ...]:
    """A normalized token and what it could be with joined proclitics taken off, one
    letter at a time (وبالصين, بالصين, الصين), three letters kept; لل also reads as ال
    (للصين: الصين). Proclitics come in their order: a conjunction (و, ف), then a
    preposition (ب, ك, ل), so nothing is taken off after a preposition: بوروسيا (of
    بوروسيا دورتموند) is no ب + و + روسيا.

    The article ال is never taken off on its own: القدم and قدم are different words.
    Which reading is right depends on the corpus; the caller chooses.
    """
    readings = [token]
    for letters in ("وف", "بكل"):
        if len(token) > _MIN_STEM and token[0] in letters:
            if token.startswith("لل"):
                readings.append("ا" + token[1:])
            token = token[1:]
            readings.append(token)
    return tuple(readings)


def _stop_words() -> frozenset[str]:
    listed = {match_key(word) for word in stopwordsiso.stopwords("ar")}
    listed |= {match_key(word) for word in _NEWS_BOILERPLATE.split()}
    kept = {match_key(word) for word in _NOT_STOP_WORDS}
    return frozenset(word for word in listed - kept if _TOKEN.fullmatch(word))


STOP_WORDS = _stop_words()


_STOP_PREFIXES = ("و", "ف", "ب", "ك", "ل", "وب", "ول", "وك", "فب", "فل", "فك")


def is_stop_word(token: str) -> bool:
    """Whether a normalized token carries no topic: a function word, also with one
    joined conjunction or preposition (وقال، ولكن، لذلك), a bare number, one letter.

    Only one step of proclitics is tried: stripping further turns names into function
    words (بوتين would end as تين).
    """
    return (
        len(token) < 2
        or token.isdigit()
        or token in STOP_WORDS
        or any(
            token.startswith(prefix) and token[len(prefix) :] in STOP_WORDS
            for prefix in _STOP_PREFIXES
        )
    )
