"""A news page saved as plain text, read into its parts.

A saved page is what a reader gets by copying an article out of a browser: the headline
on the first line, then a date line (``تاريخ النشر: …``), often a desk line
(``المناطق_ متابعات``), the paragraphs one per line, a source line (``المصدر: …``), a
keyword line (``كلمات دلالية: …``) and an ``إقرأ أيضاً`` block with other stories. Sites
spell the labels with or without hamza, tanwin and colon, and any part may be missing,
so the labels are matched loosely and nothing but the headline is required.

Everything here is pure text work; reading files and writing articles is the importer's.
"""

from __future__ import annotations

import difflib
import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from .normalize import display_form, is_stop_word, match_key, strip_clitics, tokenize
from .sanitize import clean_text

MAX_TAG_WORDS = 5  # the longest tag a keyword line is searched for (الأمين العام للأمم المتحدة)
_DESK_MAX_WORDS = 4  # "المناطق_ متابعات", "الرياض - واس"; a real first paragraph is longer
_DATE_LINE_MAX_WORDS = 8  # an unlabelled header line with a year in it is a date line
_TITLE_MAX_CHARS = 300
_REPEAT_MIN_WORDS = 8  # shorter paragraphs count as repeated only when identical
_REPEAT_SHARE = 0.8  # of the shorter paragraph's words, in order, found in the other

_AFTER = r"(?![^\W_])"  # the label is a whole word: المصدر, not المصدرية
_LABELS = {
    "date": r"تاريخ\s*(?:ال)?نشر|نشر\s*(?:في|بتاريخ)|بتاريخ",
    "source": r"(?:ال)?مصدر",
    "keywords": r"(?:ال)?كلمات\s*(?:ال)?(?:دلالية|مفتاحية)|(?:ال)?وسوم",
    "related": r"[إاأآ]قر[أا]\s*(?:[أاإ]يض\u064b?[اى]\u064b?|كذلك)",
}
_LABEL_LINE = re.compile(
    r"^\W*(?:" + "|".join(f"(?P<{name}>{rx})" for name, rx in _LABELS.items()) + rf"){_AFTER}"
    r"\s*(?P<colon>[:：\-–—|]?)\s*(?P<value>.*)$"
)
_UNLABELLED_MAX_WORDS = 12  # "المصدر صحيفة الحياة" without a colon, but not a paragraph
_SENTENCE_END = '.!?؟:…"”»)'
_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")
_KEYWORD_SEPARATORS = re.compile(r"\s*[,،;؛|#/]\s*")
# Between two words of a phrase in the text: spaces, a hyphen, or a hashtag's # and _
# (بأسعار #النفط, #أسواق_النفط); the phrase is shown with a space there instead of # or _.
_IN_PHRASE = " -‐–#_"
_HASHTAG_MARKS = re.compile(r"\s*[#_]+\s*")
# Words that name nothing alone and head the phrase a reader writes (أسعار النفط, شركة
# أرامكو, دراسة حديثة, وزير الخارجية, خام برنت), and words that end one (أوبك بلس).
_HEADS = (
    "أسعار سعر أسواق سوق أسهم سهم بورصة مؤشر قطاع شركة شركات بنك مصرف صندوق عملة خام "
    "دراسة دراسات تقرير بحث وزارة وزير وزيرة وزراء رئيس رئيسة رئاسة مجلس منظمة هيئة "
    "جامعة حزب حركة جماعة محكمة قانون قرار مشروع برنامج خطة مدينة محافظة ولاية منطقة "
    "مطار ميناء كأس بطولة دوري نادي منتخب مهرجان معرض مؤتمر قمة اتفاق اتفاقية أزمة "
    "ارتفاع انخفاض تراجع حجم قيمة عدد نسبة"
)
_TAILS = "بلس"
_HEAD_KEYS = frozenset(tokenize(_HEADS))
_TAIL_KEYS = frozenset(tokenize(_TAILS))
_QUOTED = re.compile(r"[“”\"«»„]\s*([^“”\"«»„]+?)\s*[“”\"«»„]")
_QUOTED_NAME_MAX_WORDS = 3
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([.,،;؛:!?؟])(?=\s|$)")
_JOINERS = "\u200c\u200d"  # part of Persian spelling, so not stray


class PageError(ValueError):
    """The text is not a saved page (no headline); the message says what was found."""


@dataclass(frozen=True, slots=True)
class SavedPage:
    """One story of a saved page, every field as printed (dates are read later)."""

    title: str
    date: str = ""
    source: str = ""
    keywords: str = ""
    paragraphs: tuple[str, ...] = ()
    related: tuple[SavedPage, ...] = ()


@dataclass(frozen=True, slots=True)
class _Line:
    text: str
    label: str = ""  # date, source, keywords, related, or "" for a paragraph
    value: str = ""


def parse_saved_page(text: str) -> SavedPage:
    """The main story of a saved page, with the stories of its ``إقرأ أيضاً`` block."""
    lines = [line for line in map(_classify, text.splitlines()) if line.text]
    split = next((i for i, line in enumerate(lines) if line.label == "related"), len(lines))
    main = _parse_story(lines[:split])
    related = tuple(_parse_story(story) for story in _related_stories(lines[split:]))
    return SavedPage(
        title=main.title,
        date=main.date,
        source=main.source,
        keywords=main.keywords,
        paragraphs=main.paragraphs,
        related=related,
    )


def clean_line(text: str) -> str:
    """One line without invisible characters, stray spaces or a space before punctuation."""
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf" or ch in _JOINERS)
    return _SPACE_BEFORE_PUNCTUATION.sub(r"\1", clean_text(unicodedata.normalize("NFC", text)))


def clean_title(title: str) -> str:
    """The headline without quote marks around short names: “بوتين” يلتقي → بوتين يلتقي.

    Quotes around a longer span are a quotation, which the headline keeps.
    """

    def unquote(match: re.Match[str]) -> str:
        inner = match[1]
        short = len(inner.split()) <= _QUOTED_NAME_MAX_WORDS
        return inner if short and not any(ch in _SENTENCE_END for ch in inner) else match[0]

    return " ".join(_QUOTED.sub(unquote, title).split())


def _classify(raw: str) -> _Line:
    text = clean_line(raw)
    match = _LABEL_LINE.match(text)
    if not match:
        return _Line(text)
    label = next(name for name in _LABELS if match[name])
    value = match["value"].strip()
    unlabelled = label in {"source", "keywords"} and not match["colon"]
    if unlabelled and len(value.split()) > _UNLABELLED_MAX_WORDS:
        return _Line(text)  # a paragraph that happens to start with the word
    return _Line(text, label, value)


def _related_stories(lines: Sequence[_Line]) -> list[list[_Line]]:
    """The ``إقرأ أيضاً`` block cut into stories.

    A story starts at each related label, after a story's source or keyword line, and at
    a line followed by a date line once the current story has a paragraph. Short lines
    without a full stop are not taken as headlines, because bodies have subheadings too.
    """
    stories: list[list[_Line]] = []
    closed = True
    for index, line in enumerate(lines):
        if line.label == "related":
            stories.append([_Line(line.value)] if line.value else [])
            closed = False
            continue
        following = next((after for after in lines[index + 1 :] if after.text), None)
        starts_dated_story = (
            not line.label
            and following is not None
            and following.label == "date"
            and bool(stories)
            and any(not item.label for item in stories[-1][1:])
        )
        if (closed and not line.label) or starts_dated_story:
            stories.append([])
            closed = False
        if not stories:
            stories.append([])
        stories[-1].append(line)
        closed = closed or line.label in {"source", "keywords"}
    return [story for story in stories if any(not line.label for line in story)]


def _parse_story(lines: Sequence[_Line]) -> SavedPage:
    if not lines:
        raise PageError("the file is empty")
    first = lines[0]
    if first.label or len(first.text) > _TITLE_MAX_CHARS:
        raise PageError(f"no headline: the first line is {_excerpt(first.text)!r}")
    title = clean_title(first.text)
    fields: dict[str, str] = {}
    paragraphs: list[str] = []
    pending_label = ""
    for line in lines[1:]:
        if pending_label and not line.label:
            fields.setdefault(pending_label, line.text)
            pending_label = ""
        elif line.label:
            if line.value:
                fields.setdefault(line.label, line.value)
            else:
                pending_label = line.label
        elif not paragraphs and "date" not in fields and _looks_like_date(line.text):
            fields["date"] = line.text
        elif not paragraphs and _looks_like_desk(line.text):
            continue
        else:
            paragraphs.append(line.text)
    body = [p for p in paragraphs if tokenize(p) != tokenize(title)]
    return SavedPage(
        title=title,
        date=fields.get("date", ""),
        source=fields.get("source", "").strip(_SENTENCE_END + " "),
        keywords=fields.get("keywords", ""),
        paragraphs=drop_repeats(body),
    )


def _looks_like_date(text: str) -> bool:
    return len(text.split()) <= _DATE_LINE_MAX_WORDS and bool(_YEAR.search(text))


def _looks_like_desk(text: str) -> bool:
    return len(text.split()) <= _DESK_MAX_WORDS and text[-1] not in _SENTENCE_END


def _excerpt(text: str, length: int = 60) -> str:
    return text if len(text) <= length else text[:length] + "…"


def drop_repeats(paragraphs: Sequence[str]) -> tuple[str, ...]:
    """The paragraphs with repeats kept once: identical ones, and long ones whose words
    mostly reappear in order in another (sites repeat a paragraph with a new opening).
    Of two near-repeats the longer text is kept, where the first one stood.
    """
    kept: list[tuple[list[str], str]] = []
    for paragraph in paragraphs:
        words = tokenize(paragraph)
        for index, (other_words, other) in enumerate(kept):
            if _repeats(words, other_words) or match_key(paragraph) == match_key(other):
                if len(paragraph) > len(other):
                    kept[index] = (words, paragraph)
                break
        else:
            kept.append((words, paragraph))
    return tuple(paragraph for _, paragraph in kept)


def _repeats(words: list[str], other: list[str]) -> bool:
    if not words or not other:
        return False
    if words == other:
        return True
    shorter = min(len(words), len(other))
    if shorter < _REPEAT_MIN_WORDS:
        return False
    if len(set(words) & set(other)) < _REPEAT_SHARE * min(len(set(words)), len(set(other))):
        return False
    matcher = difflib.SequenceMatcher(None, words, other, autojunk=False)
    same = sum(block.size for block in matcher.get_matching_blocks())
    return same >= _REPEAT_SHARE * shorter


# --- Keyword lines -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Word:
    key: str  # match key
    start: int  # where the word is in its text
    end: int
    joined: bool  # no punctuation between it and the word before


@dataclass(frozen=True, slots=True)
class _Phrase:
    """Words of a keyword line, and how the article spells them when it has them."""

    position: int
    words: tuple[str, ...]  # as written on the keyword line
    in_text: bool = False
    spelling: str = ""  # as the article writes it, when that could be cut out

    @property
    def label(self) -> str:
        return display_form(self.spelling or " ".join(self.words))


def split_keywords(line: str, texts: Sequence[str]) -> tuple[str, ...]:
    """The tags of a keyword line, looked up in ``texts`` (the body, then the title).

    A line with separators (commas, ``،``, ``#``…) is split on them. A flattened line
    (``بوتين روسيا كوريا الشمالية``) is cut where its words occur together in the
    article (see ``_split_flat``); the first word of a phrase may carry a joined clitic
    in the text (كرة القدم in لكرة القدم). Spelling variants of one tag become one,
    shown as the article spells it.
    """
    index = _phrase_index(texts)
    pieces = [piece for piece in _KEYWORD_SEPARATORS.split(line) if piece.strip()]
    if len(pieces) > 1:
        phrases = [
            _lookup(position, tuple(piece.split()), index) for position, piece in enumerate(pieces)
        ]
    else:
        phrases = _split_flat(line, index)
    return _merge_variants(phrases)


def _words(text: str) -> list[_Word]:
    words: list[_Word] = []
    position = 0
    joined = True
    for is_word, run in itertools.groupby(text, key=_is_word_char):
        chunk = "".join(run)
        if is_word:
            keys = tokenize(chunk)
            end = position + len(chunk)
            if len(keys) == 1:
                words.append(_Word(keys[0], position, end, joined))
            else:  # letters that normalize into several words: no usable spelling
                words.extend(_Word(key, position, end, joined) for key in keys)
            joined = True
        else:
            joined = joined and not chunk.strip(_IN_PHRASE)
        position += len(chunk)
    return words


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or unicodedata.category(ch) in {"Mn", "Mc", "Cf"}


def _lookup_key(keys: Sequence[str]) -> tuple[str, ...]:
    return (strip_clitics(keys[0]), *keys[1:])


def _phrase_index(texts: Sequence[str]) -> dict[tuple[str, ...], list[str]]:
    """Every run of up to ``MAX_TAG_WORDS`` words not broken by punctuation, by lookup key,
    with each spelling in order of appearance (the first word without its clitics)."""
    index: dict[tuple[str, ...], list[str]] = {}
    for text in texts:
        words = _words(text)
        for start, first in enumerate(words):
            for end in range(start + 1, min(start + MAX_TAG_WORDS, len(words)) + 1):
                if end - 1 > start and not words[end - 1].joined:
                    break
                keys = [word.key for word in words[start:end]]
                spelling = _HASHTAG_MARKS.sub(" ", text[first.start : words[end - 1].end])
                index.setdefault(_lookup_key(keys), []).append(spelling)
    return index


def _lookup(position: int, words: Sequence[str], index: dict) -> _Phrase:
    keys = tokenize(" ".join(words))
    spellings = index.get(_lookup_key(keys), ()) if keys else ()
    wanted = " ".join(keys)
    for spelling in spellings:
        # Drop a clitic joined to the first word: لكرة القدم is shown as كرة القدم.
        for cut in range(len(spelling)):
            if " ".join(tokenize(spelling[cut:])) == wanted:
                return _Phrase(position, tuple(words), True, spelling[cut:])
            if not _is_word_char(spelling[cut]):
                break
    return _Phrase(position, tuple(words), in_text=bool(spellings))


def _split_flat(line: str, index: dict) -> list[_Phrase]:
    """A flattened keyword line cut into the phrases a reader would write, by the text.

    Of all the ways to cut the line, the one kept has, in this order of importance: the
    fewest phrases that lack a word they need (أسعار alone or at the end, بلس at the
    start: see ``_HEADS``), the most words in phrases found in the text, the fewest
    tags, and then the longest phrases first. Consecutive words found nowhere form one
    tag (a name spelt differently in the text), unless there are more of them than a
    tag can have: then each is a tag. A head joins the word after it (and a tail the
    word before it) even where the text never writes the two together: أسعار النفط
    from الأسعار and النفط (see ``joins``).
    """
    found = _words(line)
    words = [line[word.start : word.end] for word in found]
    keys = [word.key for word in found]
    heads = [_is_one_of(key, _HEAD_KEYS) for key in keys]
    tails = [_is_one_of(key, _TAIL_KEYS) for key in keys]
    unfound_runs = _unfound_runs(keys, index)

    def lacking(start: int, end: int) -> int:
        """A head at the end of a phrase lacks its word, unless a definite one ends a
        longer phrase (ارتفاع الأسعار); a tail at the start lacks its word."""
        head_ends = heads[end - 1] and (end - start == 1 or not keys[end - 1].startswith("ال"))
        return int(head_ends) + int(tails[start])

    def in_text(start: int, end: int) -> bool:
        return 0 <= start < end <= len(keys) and _lookup_key(keys[start:end]) in index

    def joins(start: int, end: int) -> bool:
        """Heads and the word after them (رئيس وزراء كندا), or a word and a tail after it;
        not a function word, nor one that begins (or ends) a longer phrase of the text:
        دراسة and الصحة العقلية stay apart."""
        first, last = start, end - 1
        longer = range(2, MAX_TAG_WORDS + 1)
        if last > first and all(heads[first:last]) and not heads[last]:
            partner, phrases = last, (in_text(last, last + size) for size in longer)
        elif last == first + 1 and tails[last] and not tails[first]:
            partner, phrases = first, (in_text(end - size, end) for size in longer)
        else:
            return False
        return not is_stop_word(keys[partner]) and not any(phrases)

    # best[-1]: the cost of the best cut of words[start:] and its phrases, from the end.
    best: list[tuple[tuple[int, int, int], tuple[_Phrase, ...]]] = [((0, 0, 0), ())]
    for start in range(len(words) - 1, -1, -1):
        options = []
        for end in range(start + 1, min(start + MAX_TAG_WORDS, len(words)) + 1):
            size = end - start
            if in_text(start, end):
                phrase, missing = _lookup(start, words[start:end], index), 0
            elif size == 1 or (start, end) in unfound_runs or joins(start, end):
                phrase, missing = _Phrase(start, tuple(words[start:end])), size
            else:
                continue
            (lack, missed, count), rest = best[len(words) - end]
            cost = (lack + lacking(start, end), missed + missing, count + 1)
            options.append(((cost, -size), (phrase, *rest)))
        (cost, _), phrases = min(options, key=lambda option: option[0])
        best.append((cost, phrases))
    return list(best[-1][1])


def _is_one_of(key: str, words: frozenset[str]) -> bool:
    return key.removeprefix("ال") in words


def _unfound_runs(keys: Sequence[str], index: dict) -> set[tuple[int, int]]:
    """Where consecutive words found nowhere in the text make one tag: each longest
    such run of two words or more, if a tag can be that long."""
    unfound = [_lookup_key([key]) not in index for key in keys]
    runs: set[tuple[int, int]] = set()
    start = 0
    for is_unfound, group in itertools.groupby(unfound):
        size = len(list(group))
        if is_unfound and 1 < size <= MAX_TAG_WORDS:
            runs.add((start, start + size))
        start += size
    return runs


def _merge_variants(phrases: Sequence[_Phrase]) -> tuple[str, ...]:
    """One tag per match key, where it first appears, spelt as the text spells it if any."""
    groups: dict[str, list[_Phrase]] = {}
    for phrase in sorted(phrases, key=lambda phrase: phrase.position):
        if match_key(phrase.label):
            groups.setdefault(match_key(phrase.label), []).append(phrase)
    return tuple(
        next(
            (p for p in group if p.spelling), next((p for p in group if p.in_text), group[0])
        ).label
        for group in groups.values()
    )
