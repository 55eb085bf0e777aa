"""Topic tags: the ones writers and feeds gave, cleaned and merged, plus key phrases.

Given tags arrive in every spelling (diacritics, Persian keyboards, hamza or not); they
are merged by their match key and shown in their most frequent spelling. Articles with
fewer given tags than ``max_per_article`` get key phrases of one to three words, scored
against the whole site (TF-IDF), so a tag links articles about the same subject rather
than repeating words every article uses.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .config import TagsConfig
from .model import Article, Tag
from .normalize import (
    clitic_readings,
    display_form,
    is_stop_word,
    tokenize,
    word_keys,
    written_words,
)
from .problems import Problem
from .sanitize import clean_text, html_to_text
from .slugs import slugify, unique_slugs

_MAX_WORDS = 3
_BODY_WORDS = 300  # the lead of a news story names its subject; the rest repeats it
_CHARACTERS_PER_WORD = 7  # about, in Arabic news, with the space
_TITLE_BONUS = 2.0  # a title occurrence counts as this many more occurrences
_KNOWN_TAG_BONUS = 2.0  # a phrase that is a given tag elsewhere on the site
_CANDIDATES = 3  # phrases considered per place, best first
# Phrases kept per free place: the best ones that other articles share become tags.
_SPARE = 2
_PRONOUN_SUFFIX = re.compile(r"...(?:ها|هم|هما|هن|كم|كما)$")


@dataclass(frozen=True, slots=True)
class _Rules:
    """The ``tags:`` settings as match keys."""

    canonical: Mapping[str, str]  # synonym key -> canonical key
    labels: Mapping[str, str]  # canonical key -> its configured label
    ignore: frozenset[str]
    max_per_article: int
    min_articles: int

    @classmethod
    def from_config(cls, config: TagsConfig) -> _Rules:
        canonical: dict[str, str] = {}
        labels: dict[str, str] = {}
        for name, synonyms in sorted(config.aliases.items()):
            key = _key(name)
            labels[key] = display_form(clean_text(name))
            for synonym in (name, *synonyms):
                canonical[_key(synonym)] = key
        ignore = frozenset(_key(name) for name in config.ignore)
        return cls(canonical, labels, ignore, config.max_per_article, config.min_articles)

    def resolve(self, key: str) -> str | None:
        """The tag a key stands for, or None when it is ignored."""
        key = self.canonical.get(key, key)
        return None if not key or key in self.ignore else key


def assign_tags(
    articles: Sequence[Article], config: TagsConfig
) -> tuple[tuple[Article, ...], tuple[Tag, ...]]:
    """Every article with its tags, and the tags carried by at least ``min_articles``
    articles (those get a page), sorted by label."""
    rules = _Rules.from_config(config)
    given = tuple(_given_keys(article, rules) for article in articles)
    labels = _given_labels(articles, rules)
    extracted, new_labels = _extract(articles, given, rules)
    chosen = tuple((*keys, *more) for keys, more in zip(given, extracted, strict=True))
    labels = {**new_labels, **labels, **rules.labels}  # a configured label wins
    used = sorted({key for keys in chosen for key in keys})
    slugs = unique_slugs([(key, slugify(labels[key]) or key) for key in used])
    tags = {key: Tag(key=key, label=labels[key], slug=slugs[key]) for key in used}
    tagged = tuple(
        dataclasses.replace(article, tags=tuple(tags[key] for key in keys))
        for article, keys in zip(articles, chosen, strict=True)
    )
    return tagged, tags_with_pages(tagged, rules.min_articles)


def tags_with_pages(articles: Sequence[Article], min_articles: int) -> tuple[Tag, ...]:
    """The tags that at least ``min_articles`` of these articles carry, sorted by label.

    The build keeps only those still carried by as many once reposts are merged."""
    counts = Counter(tag for article in articles for tag in article.tags)
    return tuple(
        sorted(
            (tag for tag, count in counts.items() if count >= min_articles),
            key=lambda tag: (tag.label, tag.key),
        )
    )


@dataclass(frozen=True, slots=True)
class PhraseScore:
    """The numbers a key phrase's score is made of, to tell why it became a tag."""

    phrase: str  # as read: match keys, proclitics taken off
    count: int  # occurrences in the title and the lead
    in_title: int
    articles: int  # articles of the site with the phrase
    known: bool  # given as a tag elsewhere, or named in config.yaml
    score: float


def phrase_scores(
    articles: Sequence[Article], config: TagsConfig, article_id: str
) -> dict[str, PhraseScore]:
    """Each tag key the phrases of one article stand for, with its best-scoring phrase:
    every tag the article got by extraction is among them. The articles are those the
    site was tagged from, since a score depends on all of them."""
    rules = _Rules.from_config(config)
    index = next(i for i, article in enumerate(articles) if article.id == article_id)
    corpus = _Corpus.read(articles, [i == index for i in range(len(articles))])
    known = _known(corpus, [_given_keys(article, rules) for article in articles], rules)
    text = corpus.texts[index]  # read, as the only one wanted
    found: dict[str, PhraseScore] = {}
    for phrase, count in text.counts.items():
        family = _family(phrase)
        key = rules.resolve(known.get(family, family))
        frequency = corpus.document_frequency[phrase]
        score = _score(text, phrase, frequency, len(articles), family in known)
        if key and (key not in found or score > found[key].score):
            in_title = text.title[phrase]
            found[key] = PhraseScore(phrase, count, in_title, frequency, family in known, score)
    return found


def tag_key(name: str) -> str:
    """The key a tag written this way is matched by, before aliases and ``ignore`` apply."""
    return _key(name)


def given_spellings(article: Article, config: TagsConfig) -> dict[str, tuple[str, ...]]:
    """Each tag key the article's given tags stand for, with the spellings given."""
    rules = _Rules.from_config(config)
    found: dict[str, list[str]] = defaultdict(list)
    for name in article.given_tags:
        key = rules.resolve(_key(name))
        if key:
            found[key].append(name)
    return {key: tuple(names) for key, names in found.items()}


def _key(text: str) -> str:
    return _family(" ".join(tokenize(text)))


def _family(phrase: str) -> str:
    """The key a phrase shares with its definite and indefinite forms (الانتخابات,
    انتخابات): one tag, not two pages."""
    return " ".join(_bare(phrase))


def given_tag_problems(articles: Sequence[Article], config: TagsConfig) -> tuple[Problem, ...]:
    """One problem for each article whose given tags were not all used: more than
    ``max_per_article``, or some with no letter or digit to make a tag of. A feed that
    gives a thousand tags an item would otherwise lose all but five without a word.
    Tags left out on purpose (``tags: ignore``) and spellings of a tag already given
    are not problems."""
    rules = _Rules.from_config(config)
    problems = []
    for article in articles:
        over = len(_distinct_given(article, rules)) - rules.max_per_article
        blank = sum(not _key(name) for name in article.given_tags)
        reasons = [
            *([f"{over:,} more than the {rules.max_per_article:,} an article keeps"
               " (max_per_article under tags: in config.yaml)"] if over > 0 else []),
            *([f"{blank:,} with no letter or digit"] if blank else []),
        ]  # fmt: skip
        if reasons:
            title = article.title if len(article.title) <= 60 else f"{article.title[:60]}…"
            message = f'"{title}" has {len(article.given_tags):,} tags: {" and ".join(reasons)}'
            problems.append(Problem(article.origin, None, message, "left out"))
    return tuple(problems)


def _given_keys(article: Article, rules: _Rules) -> tuple[str, ...]:
    return _distinct_given(article, rules)[: rules.max_per_article]


def _distinct_given(article: Article, rules: _Rules) -> tuple[str, ...]:
    """The tags the given names stand for, each once, in order (a name with no letter
    or digit, or an ignored one, stands for none)."""
    keys = (rules.resolve(_key(name)) for name in article.given_tags)
    return tuple(dict.fromkeys(key for key in keys if key))


def _given_labels(articles: Sequence[Article], rules: _Rules) -> dict[str, str]:
    """Each given tag's most frequent spelling."""
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for article in articles:
        for name in article.given_tags:
            label = display_form(clean_text(name), lang=article.lang)
            key = rules.resolve(_key(label))
            if key:
                spellings[key][label] += 1
    return {key: _most_frequent(counts) for key, counts in spellings.items()}


def _most_frequent(counts: Counter[str]) -> str:
    """The most frequent string; on a tie the shortest (بدعم and دعم: دعم), then the
    first in alphabetical order."""
    return min(counts.items(), key=lambda item: (-item[1], len(item[0]), item[0]))[0]


@dataclass(frozen=True, slots=True)
class _Text:
    """One article's words as written and as read for phrases (aligned; an empty token
    marks a clause boundary or a stop word), and its phrase counts."""

    words: list[str]
    tokens: list[str]
    counts: Counter[str]  # in the title and the body
    title: Counter[str]


@dataclass(frozen=True, slots=True)
class _Corpus:
    """Counts over the whole site: how each word is read and spelled, how many
    articles each phrase occurs in, and the text of the articles needing phrases."""

    reading: Mapping[str, str]  # token -> its most frequent reading without proclitics
    forms: Mapping[str, Counter[str]]  # token -> how often each written word reads as it
    key_of: Mapping[str, str]  # written word -> token
    texts: tuple[_Text | None, ...]
    document_frequency: Counter[str]

    @classmethod
    def read(cls, articles: Sequence[Article], wanted: Sequence[bool]) -> _Corpus:
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
        texts: list[_Text | None] = []
        document_frequency: Counter[str] = Counter()
        for (title, body), keep in zip(words, wanted, strict=True):
            title_tokens = [token_of.get(word, "") for word in title]
            body_tokens = [token_of.get(word, "") for word in body]
            in_title = _phrases(title_tokens)
            counts = _phrases(body_tokens)
            counts.update(in_title)
            document_frequency.update(counts.keys())
            texts.append(
                _Text(title + body, title_tokens + body_tokens, counts, in_title) if keep else None
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
        return _most_frequent(spellings)

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


def _extract(
    articles: Sequence[Article], given: Sequence[tuple[str, ...]], rules: _Rules
) -> tuple[tuple[tuple[str, ...], ...], dict[str, str]]:
    """Key phrases per article (as tag keys, best first) and the labels of new tags."""
    wanted = tuple(len(keys) < rules.max_per_article for keys in given)
    if not any(wanted):
        return tuple(() for _ in articles), {}
    corpus = _Corpus.read(articles, wanted)
    known = _known(corpus, given, rules)
    total = len(articles)
    families: dict[str, str] = {}  # phrase -> _family(phrase): phrases recur across articles
    picks: list[list[tuple[str, str]]] = []
    for text, keys in zip(corpus.texts, given, strict=True):
        if text is None:
            picks.append([])
            continue
        scored = []
        # The phrases found more than once; compress and map keep the loop out of Python.
        for phrase in itertools.compress(text.counts, map((1).__lt__, text.counts.values())):
            frequency = corpus.document_frequency[phrase]
            if frequency < 2:
                continue
            family = families.get(phrase) or families.setdefault(phrase, _family(phrase))
            score = _score(text, phrase, frequency, total, family in known)
            scored.append((-score, phrase))
        ranked = []
        room = _SPARE * (rules.max_per_article - len(keys))
        for _, phrase in sorted(scored)[: _CANDIDATES * room]:
            family = families[phrase]
            key = rules.resolve(known.get(family, family))
            if key is not None and key not in keys:
                ranked.append((phrase, key))
        picks.append(_pick(ranked, text.counts, room))
    picks = _shared(_prefer_longer(picks, corpus.texts), given, rules)
    return tuple(tuple(key for _, key in picked) for picked in picks), _labels(corpus, picks, known)


def _known(corpus: _Corpus, given: Sequence[tuple[str, ...]], rules: _Rules) -> dict[str, str]:
    """Phrase -> the tag key it stands for: given tags, aliases and ignored tags, read
    the way phrases are."""
    known: dict[str, str] = {}
    for key in sorted({*(k for keys in given for k in keys), *rules.canonical, *rules.ignore}):
        known.setdefault(_family(corpus.phrase_of(key)), key)
    return known


def _score(text: _Text, phrase: str, frequency: int, total: int, known: bool) -> float:
    """TF-IDF of a phrase in one article, among ``total`` articles of which ``frequency``
    have it; higher for a title occurrence and for a phrase given as a tag elsewhere."""
    weight = text.counts[phrase] + _TITLE_BONUS * text.title[phrase]
    return weight * math.log(1 + total / frequency) * (_KNOWN_TAG_BONUS if known else 1.0)


def _shared(
    picks: list[list[tuple[str, str]]], given: Sequence[tuple[str, ...]], rules: _Rules
) -> list[list[tuple[str, str]]]:
    """The picks that become tags. A phrase of one article only would make a tag without
    a page: phrases are kept where other articles share them (as a given tag or among
    their best phrases), and then only those that enough articles carry in the end."""
    kept = picks
    for _ in range(2):
        carried = Counter(key for keys in given for key in keys)
        carried.update(key for picked in kept for _, key in picked)
        kept = [
            [(phrase, key) for phrase, key in picked if carried[key] >= rules.min_articles][
                : rules.max_per_article - len(keys)
            ]
            for picked, keys in zip(kept, given, strict=True)
        ]
    return kept


def _labels(
    corpus: _Corpus, picks: list[list[tuple[str, str]]], known: Mapping[str, str]
) -> dict[str, str]:
    """Each new tag's label: its most frequent spelling in the articles it tags."""
    found: dict[str, Counter[tuple[str, tuple[str, ...]]]] = defaultdict(Counter)
    for text, picked in zip(corpus.texts, picks, strict=True):
        if text is not None and picked:
            joined = f" {' '.join(text.tokens)} "
            for phrase, key in picked:
                if _family(phrase) not in known:
                    start = joined[: joined.index(f" {phrase} ")].count(" ")
                    size = phrase.count(" ") + 1
                    found[key][phrase, tuple(text.words[start : start + size])] += 1
    labels = {}
    for key, occurrences in found.items():
        spellings: Counter[str] = Counter()
        for (phrase, words), count in occurrences.items():
            spellings[corpus.written(words, phrase)] += count
        labels[key] = _most_frequent(spellings)
    return labels


def _prefer_longer(
    picks: list[list[tuple[str, str]]], texts: Sequence[_Text | None]
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


def _pick(ranked: list[tuple[str, str]], counts: Counter[str], room: int) -> list[tuple[str, str]]:
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
