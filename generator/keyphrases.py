"""Key phrases: the site's words read as phrases, counted, scored and chosen.

Tags given by writers and feeds are merged in tags.py; an article with too few of them
gets key phrases, and what a phrase is lives here: how each written word is read (its
proclitics taken off when the bare word is common, بالسجن: السجن), which runs of words
are candidates, how they score against the whole site (TF-IDF, so words every article
uses score low), and which of an article's phrases repeat each other (قرية and القرية,
كوريا inside كوريا الجنوبية). None of it knows about the ``tags:`` settings.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .model import Article
from .normalize import clitic_readings, display_form, is_stop_word, word_keys, written_words
from .sanitize import html_to_text

_BODY_WORDS = 300  # the lead of a news story names its subject; the rest repeats it
_CHARACTERS_PER_WORD = 7  # about, in Arabic news, with the space
_TITLE_BONUS = 2.0  # a title occurrence counts as this many more occurrences
_KNOWN_TAG_BONUS = 2.0  # a phrase that is a given tag elsewhere on the site
_PRONOUN_SUFFIX = re.compile(r"...(?:ها|هم|هما|هن|كم|كما)$")


@dataclass(frozen=True, slots=True)
class Text:
    """One article's words as written and as read for phrases (aligned; an empty token
    marks a clause boundary or a stop word), and its phrase counts."""

    words: list[str]
    tokens: list[str]
    counts: Counter[str]  # in the title and the body
    title: Counter[str]


@dataclass(frozen=True, slots=True)
class Corpus:
    """Counts over the whole site: how each word is read and spelled, how many
    articles each phrase occurs in, and the text of the articles needing phrases."""

    reading: Mapping[str, str]  # token -> its most frequent reading without proclitics
    forms: Mapping[str, Counter[str]]  # token -> how often each written word reads as it
    key_of: Mapping[str, str]  # written word -> token
    texts: tuple[Text | None, ...]
    document_frequency: Counter[str]

    @classmethod
    def read(cls, articles: Sequence[Article], wanted: Sequence[bool]) -> Corpus:
        words = tuple(_words(article) for article in articles)
        written: Counter[str] = Counter()
        for title, body in words:
            written.update(title)
            written.update(body)
        del written[""]
        key_of = dict(zip(written, word_keys(list(written)), strict=True))
        frequency: Counter[str] = Counter()
        forms: dict[str, Counter[str]] = defaultdict(Counter)
        for word, count in written.items():
            frequency[key_of[word]] += count
            forms[key_of[word]][word] = count
        reading = {token: _reading(token, frequency) for token in frequency}
        topical = {token: not _is_untopical(token) for token in set(reading.values())}
        token_of = {
            word: reading[key] for word, key in key_of.items() if key and topical[reading[key]]
        }
        texts: list[Text | None] = []
        document_frequency: Counter[str] = Counter()
        for (title, body), keep in zip(words, wanted, strict=True):
            title_tokens = [token_of.get(word, "") for word in title]
            body_tokens = [token_of.get(word, "") for word in body]
            in_title = _phrases(title_tokens)
            counts = _phrases(body_tokens)
            counts.update(in_title)
            document_frequency.update(counts.keys())
            texts.append(
                Text(title + body, title_tokens + body_tokens, counts, in_title) if keep else None
            )
        return cls(reading, forms, key_of, tuple(texts), document_frequency)

    def phrase_of(self, key: str) -> str:
        """A tag key read the way phrases are: each word without its proclitics."""
        return " ".join(self.reading.get(token, token) for token in key.split())

    def spelling(self, token: str) -> str:
        """The most frequent written form of a token."""
        spellings: Counter[str] = Counter()
        for word, count in self.forms[token].items():
            spellings[display_form(word)] += count
        return most_frequent(spellings)

    def written(self, words: Sequence[str], phrase: str) -> str:
        """How ``words`` (where an article has the phrase) write a phrase: their own
        spelling of each word (عملة, where the site's most frequent spelling of that
        key is عمله), without the proclitics read off (بدعم: دعم, والصين: الصين) unless
        the word is more frequent with them than without: then they are likely part of
        a name (بيونغ يانغ, though يونغ is a name too)."""
        tokens = phrase.split()
        return " ".join(
            display_form(word)
            if self.key_of[word] == token or self.count(self.key_of[word]) > self.count(token)
            else self.spelling(token)
            for word, token in zip(words, tokens, strict=True)
        )

    def count(self, token: str) -> int:
        return sum(self.forms[token].values())


def _reading(token: str, frequency: Mapping[str, int]) -> str:
    """The token with the most proclitics read off (لكرة: كرة, بالسجن: السجن) that is
    still a common word on its own: at least half as frequent as the token. Names
    whose first letter looks like a proclitic (بكين, لبنان) have no such reading."""
    least = frequency.get(token, 0) / 2
    readings = clitic_readings(token)
    return next(r for r in reversed(readings) if r == token or frequency.get(r, 0) >= least)


def _is_untopical(token: str) -> bool:
    """Stop words, and words with an attached pronoun (دورها، إصلاحاتهم): "her role"
    is never the subject of a story."""
    return is_stop_word(token) or bool(_PRONOUN_SUFFIX.search(token))


def _words(article: Article) -> tuple[list[str], list[str]]:
    """The written words of the title and of the lead of the body, an empty string
    between clauses and at the end."""
    limit = _BODY_WORDS * _CHARACTERS_PER_WORD
    # only the lead is read: the markup is cut first (twice the text's length leaves room
    # for the tags), so a long body costs no more than a short one
    body = html_to_text(article.body_html[: 2 * limit]) if article.body_html else article.summary
    lead = body if len(body) <= limit else body[:limit].rpartition(" ")[0]
    return [*written_words(article.title), ""], [*written_words(lead), ""]


def _phrases(tokens: list[str]) -> Counter[str]:
    """Every run of one to three words without a stop word or clause boundary in it
    (those are empty strings in ``tokens``, which ends with one)."""
    pairs = [f"{a} {b}" if a and b else "" for a, b in itertools.pairwise(tokens)]
    triples = [f"{ab} {c}" for ab, c in zip(pairs, tokens[2:], strict=False) if ab and c]
    found = Counter([token for token in tokens if len(token) > 2] + pairs + triples)
    del found[""]
    return found


def tf_idf(text: Text, phrase: str, frequency: int, total: int, known: bool) -> float:
    """TF-IDF of a phrase in one article, among ``total`` articles of which ``frequency``
    have it; higher for a title occurrence and for a phrase given as a tag elsewhere."""
    weight = text.counts[phrase] + _TITLE_BONUS * text.title[phrase]
    return weight * math.log(1 + total / frequency) * (_KNOWN_TAG_BONUS if known else 1.0)


def pick(ranked: list[tuple[str, str]], counts: Counter[str], room: int) -> list[tuple[str, str]]:
    """The best ``(phrase, key)`` pairs that do not repeat each other. A longer phrase
    takes the place of the shorter ones inside it when it is at least half as frequent
    (كوريا الجنوبية rather than كوريا and الجنوبية)."""
    picked: list[tuple[str, str, tuple[str, ...]]] = []
    for phrase, key in ranked:
        words = _bare(phrase)
        vocabulary = set(words)
        clashing = [
            index
            for index, (_, other_key, other) in enumerate(picked)
            if other_key == key or (not vocabulary.isdisjoint(other) and _overlaps(words, other))
        ]
        if not clashing:
            if len(picked) < room:
                picked.append((phrase, key, words))
        elif all(
            _inside(picked[index][2], words) and 2 * counts[phrase] >= counts[picked[index][0]]
            for index in clashing
        ):
            picked[clashing[0]] = (phrase, key, words)
            for index in reversed(clashing[1:]):
                del picked[index]
    return [(phrase, key) for phrase, key, _ in picked]


def prefer_longer(
    picks: list[list[tuple[str, str]]], texts: Sequence[Text | None]
) -> list[list[tuple[str, str]]]:
    """One tag where articles picked a phrase and a longer one holding it (صندوق النقد,
    صندوق النقد الدولي): the longer one, in each article where it is at least half
    as frequent as the shorter and repeats none of the article's other phrases."""
    key_of = {phrase: key for picked in picks for phrase, key in picked}
    longer: dict[str, set[str]] = defaultdict(set)
    for phrase in key_of:
        words = phrase.split()
        for size in range(1, len(words)):
            for start in range(len(words) - size + 1):
                longer[" ".join(words[start : start + size])].add(phrase)
    result = []
    for picked, text in zip(picks, texts, strict=True):
        replaced: dict[str, tuple[str, str]] = {}
        for phrase, key in picked:
            holders = (
                [
                    other
                    for other in longer[phrase].intersection(text.counts)
                    if 2 * text.counts[other] >= text.counts[phrase]
                    and not any(
                        _overlaps(_bare(other), _bare(rest)) for rest, _ in picked if rest != phrase
                    )
                ]
                if text is not None and phrase in longer
                else []
            )
            if holders:
                phrase = min(holders, key=lambda other: (-text.counts[other], other))
                key = key_of[phrase]
            replaced.setdefault(key, (phrase, key))
        result.append(list(replaced.values()))
    return result


def family_key(phrase: str) -> str:
    """The key a phrase shares with its definite and indefinite forms (الانتخابات,
    انتخابات): one tag, not two pages."""
    return " ".join(_bare(phrase))


def _bare(phrase: str) -> tuple[str, ...]:
    """The words without the article, to tell that قرية and القرية repeat each other.

    Match keys write أل as ال, so ألماني and الألماني read as الماني and الالماني: the
    article is taken off as long as it can be, and both come to ماني."""
    return tuple(map(_without_article, phrase.split()))


def _without_article(word: str) -> str:
    while word.startswith("ال") and len(word) > 4:
        word = word[2:]
    return word


def _inside(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    """Whether ``long`` has more words and ``short`` is a run of them."""
    size = len(short)
    return size < len(long) and any(
        long[start : start + size] == short for start in range(len(long) - size + 1)
    )


def _overlaps(one: tuple[str, ...], other: tuple[str, ...]) -> bool:
    """Whether two phrases share a run of words: equal, one inside the other, or one
    ending where the other begins (مؤشر أسعار, أسعار المستهلكين)."""
    shortest = min(len(one), len(other))
    return (
        one == other
        or _inside(one, other)
        or _inside(other, one)
        or any(one[-n:] == other[:n] or other[-n:] == one[:n] for n in range(1, shortest + 1))
    )


def most_frequent(counts: Counter[str]) -> str:
    """The most frequent string; on a tie the shortest (بدعم and دعم: دعم), then the
    first in alphabetical order."""
    return min(counts.items(), key=lambda item: (-item[1], len(item[0]), item[0]))[0]
