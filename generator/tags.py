"""Topic tags: the ones writers and feeds gave, cleaned and merged, plus key phrases.

Given tags arrive in every spelling (diacritics, Persian keyboards, hamza or not); they
are merged by their match key and shown in their most frequent spelling. Articles with
fewer given tags than ``max_per_article`` get key phrases of one to three words, scored
against the whole site (TF-IDF), or against their month's articles (``window: month``), so
a tag links articles about the same subject rather than repeating words every article
uses. What a phrase is, and how it scores, is
keyphrases.py; which phrases become which tags is here.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import itertools
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, tzinfo

from .config import TagsConfig
from .keyphrases import (
    Corpus,
    Text,
    Words,
    article_words,
    family_key,
    is_adjective_shaped,
    most_frequent,
    pairs_by_word,
    pick,
    prefer_longer,
    repeats,
    tf_idf,
    with_one_copy,
)
from .model import Article, Tag
from .normalize import display_form, tokenize
from .places import city_names, country_names
from .problems import Problem
from .sanitize import clean_text
from .slugs import slugify, unique_slugs
from .spellings import one_spelling

_CANDIDATES = 3  # phrases considered per place, best first
# Extracted tags per article at most: beyond the best few, phrases are mostly generic.
_MAX_EXTRACTED = 4
# Phrases kept per free place: the best ones that other articles share become tags.
_SPARE = 2
# Articles that got a phrase as a tag from their words before a headline's phrase
# becomes a tag in the room left.
_KNOWN_TOPIC = 3
# Articles that must pick a phrase they repeat before an article saying it once gets it.
_CONFIRMING = 2
# A headline's phrase that the article says this many times is its subject.
_SUBJECT_SAID = 3
# A word stands for the longer name it is a piece of when that name has this share of
# the articles of all the names it is a piece of.
_ONE_NAME_SHARE = 2 / 3
# A phrase followed by countries' adjectives in this share of its articles, no country
# in more than _ONE_COUNTRY_SHARE of them, is a kind of thing countries have.
_COUNTRIES_SAID_SHARE = 0.2
_ONE_COUNTRY_SHARE = 2 / 3


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
            key = tag_key(name)
            labels[key] = display_form(clean_text(name))
            for synonym in (name, *synonyms):
                canonical[tag_key(synonym)] = key
        ignore = frozenset(tag_key(name) for name in config.ignore)
        return cls(canonical, labels, ignore, config.max_per_article, config.min_articles)

    def resolve(self, key: str) -> str | None:
        """The tag a key stands for, or None when it is ignored."""
        key = self.canonical.get(key, key)
        return None if not key or key in self.ignore else key


@dataclass(frozen=True, slots=True)
class Extracted:
    """What the key phrases of some articles give: each article's new tag keys, best
    first, and how often each new tag is written each way (its label is the spelling
    most articles use, counted over the whole site)."""

    keys: tuple[tuple[str, ...], ...]
    spellings: Mapping[str, Mapping[str, int]]


# How a window's key phrases are found (``extract_phrases``, or the same kept on disk),
# given the window's name, articles and a function giving their words.
Extractor = Callable[[str, Sequence[Article], Callable[[], Sequence[Words]]], Extracted]


def assign_tags(
    articles: Sequence[Article],
    config: TagsConfig,
    words: Sequence[Words] | None = None,
    extract: Extractor | None = None,
    zone: tzinfo = UTC,
) -> tuple[tuple[Article, ...], tuple[Tag, ...]]:
    """Every article with its tags, and the tags carried by at least ``min_articles``
    articles, sorted by label: those get a page, unless merging reposts leaves fewer.
    ``words`` are the articles' ``article_words``, when they are known already; key
    phrases are found in each of the ``windows`` (months in the site's time ``zone``) by
    ``extract``."""
    rules = _Rules.from_config(config)
    given = tuple(_given_keys(article, rules) for article in articles)
    labels = _given_labels(articles, rules)
    if words is None:
        words = with_one_copy(map(article_words, articles))
    if extract is None:
        extract = functools.partial(extract_phrases, config=config)
    extracted: list[tuple[str, ...]] = [()] * len(articles)
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for name, window in windows(articles, config, zone):
        taken = functools.partial(_taken, words, window)  # split when needed: not if kept
        found = extract(name, [articles[i] for i in window], taken)
        for index, keys in zip(window, found.keys, strict=True):
            extracted[index] = keys
        for key, counts in found.spellings.items():
            spellings[key].update(counts)
    chosen = tuple((*keys, *more) for keys, more in zip(given, extracted, strict=True))
    chosen = one_spelling(chosen, [article.source for article in articles], frozenset(rules.labels))
    labels = {**_labels_of(spellings), **labels, **rules.labels}  # a configured label wins
    used = sorted({key for keys in chosen for key in keys})
    slugs = unique_slugs([(key, slugify(labels[key]) or key) for key in used])
    tags = {key: Tag(key=key, label=labels[key], slug=slugs[key]) for key in used}
    tagged = tuple(
        dataclasses.replace(article, tags=tuple(tags[key] for key in keys))
        for article, keys in zip(articles, chosen, strict=True)
    )
    return tagged, _with_pages(tagged, rules.min_articles)


def windows(
    articles: Sequence[Article], config: TagsConfig, zone: tzinfo = UTC
) -> list[tuple[str, tuple[int, ...]]]:
    """The articles whose phrases are scored against each other, by position, each set
    named (``window_of``): all of them, or those of each calendar month, so that a change
    re-tags its month alone, at the price of less evidence."""
    named: dict[str, list[int]] = defaultdict(list)
    for index, article in enumerate(articles):
        named[window_of(article, config, zone)].append(index)
    return [(name, tuple(named[name])) for name in sorted(named)]


def window_of(article: Article, config: TagsConfig, zone: tzinfo = UTC) -> str:
    """The name of the window an article is tagged in: ``site``, or its month in the
    site's time zone (``2023-09``), the month its digest day is in."""
    if config.window == "site":
        return "site"
    return article.published.astimezone(zone).strftime("%Y-%m")


def _taken(words: Sequence[Words], window: Sequence[int]) -> list[Words]:
    return [words[i] for i in window]


def extract_phrases(
    name: str,
    articles: Sequence[Article],
    words: Callable[[], Sequence[Words]],
    *,
    config: TagsConfig,
) -> Extracted:
    """The key phrases of these articles (a window ``name``d by ``windows``), each scored
    against the others."""
    rules = _Rules.from_config(config)
    given = tuple(_given_keys(article, rules) for article in articles)
    written = words()
    copy_of = _first_copies(articles, written)
    reposts = tuple(first != index for index, first in enumerate(copy_of))
    found, spellings = _extract(written, given, rules, tuple(map(_is_arabic, articles)), reposts)
    # a repost gets its first copy's tags, less those given to it and within its room
    keys = tuple(
        tuple(key for key in found[first] if key not in own)[
            : min(_MAX_EXTRACTED, rules.max_per_article - len(own))
        ]
        for first, own in zip(copy_of, given, strict=True)
    )
    return Extracted(keys, spellings)


def _first_copies(articles: Sequence[Article], words: Sequence[Words]) -> list[int]:
    """For each article, the position of the first of the articles of its source with the
    same title and lead: itself, or the text it reposts. The site shows a repost once
    (same-story grouping merges it away), so a phrase of one text that a source published
    twice (in two sections' feeds) is not one that two articles share."""
    first: dict[tuple[str, tuple[str, ...], tuple[str, ...]], int] = {}
    return [
        first.setdefault((article.source, tuple(title), tuple(lead)), index)
        for index, (article, (title, lead)) in enumerate(zip(articles, words, strict=True))
    ]


def _with_pages(articles: Sequence[Article], min_articles: int) -> tuple[Tag, ...]:
    """The tags that at least ``min_articles`` of these articles carry, sorted by label."""
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
    place: bool = False  # a country or city the headline names (by this phrase): a tag by that


def phrase_scores(
    articles: Sequence[Article], config: TagsConfig, article_id: str, zone: tzinfo = UTC
) -> dict[str, PhraseScore]:
    """Each tag key the phrases of one article stand for, with its best-scoring phrase,
    and each place its headline names (``_with_headline_places``): every tag the
    article got by extraction is among them. The articles are those the site was tagged
    from, since a score depends on all of them: those of its window (``windows``)."""
    rules = _Rules.from_config(config)
    index = next(i for i, article in enumerate(articles) if article.id == article_id)
    window = next(window for _, window in windows(articles, config, zone) if index in window)
    articles = [articles[i] for i in window]
    index = window.index(index)
    wanted = [i == index for i in range(len(articles))]
    corpus = Corpus.read(with_one_copy(map(article_words, articles)), wanted)
    known = _known(corpus, [_given_keys(article, rules) for article in articles], rules)
    text = corpus.texts[index]  # read, as the only one wanted
    found: dict[str, PhraseScore] = {}
    for phrase, count in text.counts.items():
        family = family_key(phrase)
        key = rules.resolve(known.get(family, family))
        frequency = corpus.document_frequency[phrase]
        if frequency < 2:  # as in extraction: a phrase of one article makes no tag
            continue
        score = tf_idf(text, phrase, frequency, len(articles), family in known)
        if key and (key not in found or score > found[key].score):
            in_title = text.title[phrase]
            found[key] = PhraseScore(phrase, count, in_title, frequency, family in known, score)
    places = _Places.of(corpus)
    for phrase in text.title if _is_arabic(articles[index]) else ():
        name = _place_named(phrase, corpus, places)
        if name is None or _in_longer_name(phrase, text.title, corpus, places):
            continue
        family = family_key(name)
        key = rules.resolve(known.get(family, family))
        if key and key in found:
            found[key] = dataclasses.replace(found[key], place=True)
        elif key:
            frequency = corpus.document_frequency[phrase]
            score = tf_idf(text, phrase, frequency, len(articles), family in known)
            count, in_title = text.counts[phrase], text.title[phrase]
            found[key] = PhraseScore(
                phrase, count, in_title, frequency, family in known, score, True
            )
    return found


def _is_arabic(article: Article) -> bool:
    """Whether an article is in Arabic: of no stated language, as ``display_form`` takes
    it, or of one of Arabic's tags (ar, ar-SA)."""
    return article.lang.split("-")[0].lower() in ("", "ar")


def _country_keys(corpus: Corpus) -> frozenset[str]:
    """The countries' names in Arabic as ``family_key``s of phrases read on this site.
    Arabic only: the guard against a common word of the same letters (``_place_named``)
    reads the article ال, and in a Hebrew feed ירדן is as often a person as Jordan."""
    return frozenset(family_key(corpus.phrase_of(tag_key(name))) for name in country_names(["ar"]))


@dataclass(frozen=True)
class _Places:
    """The places a headline names as its story's: the countries (as ``family_key``s of
    phrases read on the site), by name or by their people's adjective, and the large
    cities that are no country (as phrases, with the article where the city's name has
    it: not القاهرة in «قاهرة الكبار»), by name."""

    countries: frozenset[str]
    cities: frozenset[str]

    def is_kind(self, phrase: str, corpus: Corpus) -> bool:
        """An institution or a thing that several countries have, which the site says
        whose in a good share of its articles, no country most of the time (مجلس النواب:
        المصري, العراقي, الأردني; المعارضة: السورية, الإيرانية): alone it tells no reader
        which. A name is one country's when it is followed by one (ريال مدريد الإسباني)."""
        owners, articles = corpus.owners_of(phrase)
        if sum(owners.values()) < _COUNTRIES_SAID_SHARE * articles:
            return False  # the lookups below are the costly part, and mostly not needed
        countries: Counter[str] = Counter()
        for adjective, count in owners.items():
            name = corpus.name_of_adjective(adjective, self.countries)
            country = None if name is None else family_key(name)
            if country in self.countries:
                countries[country] += count
        said = sum(countries.values())
        return (
            len(countries) > 1
            and said >= _COUNTRIES_SAID_SHARE * articles
            and countries.most_common(1)[0][1] <= _ONE_COUNTRY_SHARE * said
        )

    @classmethod
    def of(cls, corpus: Corpus) -> _Places:
        """The cities the site reads as their names only: not one it reads with a
        proclitic taken off (كايمان as ايمان, faith), nor one it writes as a word of its
        own (``Corpus.is_word_too``)."""
        countries = _country_keys(corpus)
        phrases = (" ".join(tokenize(name)) for name in city_names(["ar"]))
        cities = frozenset(
            phrase
            for phrase in phrases
            if corpus.phrase_of(phrase) == phrase
            and family_key(phrase) not in countries
            and not corpus.is_word_too(phrase)
        )
        return cls(countries, cities)


def tag_key(name: str) -> str:
    """The key a tag written this way is matched by, before aliases and ``ignore`` apply."""
    return family_key(" ".join(tokenize(name)))


def given_spellings(article: Article, config: TagsConfig) -> dict[str, tuple[str, ...]]:
    """Each tag key the article's given tags stand for, with the spellings given."""
    rules = _Rules.from_config(config)
    found: dict[str, list[str]] = defaultdict(list)
    for name in article.given_tags:
        key = rules.resolve(tag_key(name))
        if key:
            found[key].append(name)
    return {key: tuple(names) for key, names in found.items()}


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
        blank = sum(not tag_key(name) for name in article.given_tags)
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
    keys = (rules.resolve(tag_key(name)) for name in article.given_tags)
    return tuple(dict.fromkeys(key for key in keys if key))


def _given_labels(articles: Sequence[Article], rules: _Rules) -> dict[str, str]:
    """Each given tag's most frequent spelling."""
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for article in articles:
        for name in article.given_tags:
            label = display_form(clean_text(name), lang=article.lang)
            key = rules.resolve(tag_key(label))
            if key:
                spellings[key][label] += 1
    return {key: most_frequent(counts) for key, counts in spellings.items()}


def _extract(
    words: Sequence[Words],
    given: Sequence[tuple[str, ...]],
    rules: _Rules,
    arabic: Sequence[bool],
    reposts: Sequence[bool],
) -> tuple[tuple[tuple[str, ...], ...], dict[str, Counter[str]]]:
    """Key phrases per article (as tag keys, best first) and the spellings of new tags.
    ``arabic`` tells the articles in Arabic (``_is_arabic``); ``reposts`` those that
    repeat an earlier article's text (``_first_copies``): they count in the site's
    statistics, as the words are the site's, but pick no phrases, so a phrase of one text
    is carried by one article, and they get none."""
    wanted = tuple(
        len(keys) < rules.max_per_article and not repost
        for keys, repost in zip(given, reposts, strict=True)
    )
    if not any(wanted):
        return tuple(() for _ in given), {}
    corpus = Corpus.read(words, wanted)
    known = _known(corpus, given, rules)
    places = _Places.of(corpus)
    # names the settings give (aliases): the curator's word that they are topics
    configured = frozenset(family_key(corpus.phrase_of(key)) for key in rules.canonical)
    total = len(given)
    families: dict[str, str] = {}  # phrase -> family_key(phrase): phrases recur across articles
    whole_names: dict[str, str] = {}  # a word -> the name it is mostly a piece of
    pairs_seen: set[str] = set()  # two-word topics whose words were looked up in it
    bare_phrase = functools.cache(corpus.without_proclitic)
    is_kind = functools.cache(functools.partial(places.is_kind, corpus=corpus))

    def family_of(phrase: str) -> str:
        return families.get(phrase) or families.setdefault(phrase, family_key(phrase))

    picks: list[list[tuple[str, str]]] = []
    for text, keys in zip(corpus.texts, given, strict=True):
        if text is None:
            picks.append([])
            continue
        scored = []
        scored_phrases: set[str] = set()
        pairs: dict[str, list[str]] | None = None  # the article's two-word phrases by word
        # The phrases found more than once, and those of the title (a summary may name
        # the headline's subject once); compress and map keep the loop out of Python.
        once = itertools.compress(text.counts, map((1).__eq__, text.counts.values()))
        repeated = itertools.compress(text.counts, map((1).__lt__, text.counts.values()))
        for said in itertools.chain(repeated, (p for p in once if p in text.title)):
            frequency = corpus.document_frequency[said]
            if frequency < 2:
                continue
            # scored by how often the article says it, counted as the site's own phrase
            counted, phrase = said, bare_phrase(said)
            frequency = max(frequency, corpus.document_frequency[phrase])
            if not (corpus.is_topic(phrase) or (configured and family_of(phrase) in configured)):
                name = (
                    corpus.name_of_adjective(phrase, places.countries)
                    if text.title[counted]
                    else None
                )
                if (
                    name is not None
                    and name not in scored_phrases
                    and corpus.document_frequency[name] > 1
                ):
                    # ranked as the adjective the headline says, counted as the name
                    scored_phrases.add(name)
                    families.setdefault(name, family_key(name))
                    frequency = corpus.document_frequency[name]
                    score = tf_idf(text, counted, frequency, total, families[name] in known)
                    scored.append((-score, name))
                continue
            if is_kind(phrase):
                continue
            piece_score = 0.0
            if " " not in phrase:
                if pairs is None:
                    pairs = pairs_by_word(text)
                whole_said = corpus.whole_name(phrase, pairs.get(phrase, ()))
                if whole_said is not None:
                    whole = bare_phrase(whole_said)
                    whole_names[phrase] = whole
                    if whole in scored_phrases or not corpus.is_topic(whole) or is_kind(whole):
                        continue
                    # ranked as the piece: a headline's name (الحديدة) that only the
                    # text writes whole (مدينة الحديدة) keeps the headline's weight
                    piece_score = tf_idf(text, phrase, frequency, total, False)
                    counted, phrase = whole_said, whole
                    frequency = max(map(corpus.document_frequency.get, (whole_said, whole)))
                elif corpus.wants_complement(phrase):
                    continue  # مقتل (11 شخصا), غادة (عادل): no topic alone
            if phrase.count(" ") == 1 and phrase not in pairs_seen:
                pairs_seen.add(phrase)
                _learn_whole_name(phrase, corpus, whole_names)
            scored_phrases.add(phrase)
            family = family_of(phrase)
            score = tf_idf(text, counted, frequency, total, family in known)
            scored.append((-max(score, piece_score), phrase))
        ranked = []
        room = _SPARE * min(_MAX_EXTRACTED, rules.max_per_article - len(keys))
        for _, phrase in sorted(scored)[: _CANDIDATES * room]:
            family = families[phrase]
            key = rules.resolve(known.get(family, family))
            if key is not None and key not in keys:
                ranked.append((phrase, key))
        picks.append(_joined_names(pick(ranked, text.counts, room), text, corpus, known, rules))
    picks = prefer_longer(picks, corpus.texts)
    picks = _with_whole_names(picks, corpus, whole_names, known, rules)
    picks = _inside_one_phrase(picks, corpus, known, rules, arabic)
    picks = _with_kinds_named(picks, corpus, known, rules)
    picks = _said_once_if_known(picks, corpus.texts, frozenset(rules.canonical.values()))
    picks = _shared(picks, given, corpus.texts, rules)
    picks = _with_headline_topics(picks, corpus.texts, given, known, rules)
    picks = _with_headline_places(picks, corpus, places, given, known, rules, arabic)
    picks = _not_straddling(picks, given)
    keys = tuple(tuple(key for _, key in picked) for picked in picks)
    return keys, _spellings(corpus, picks, known)


def _not_straddling(
    picks: list[list[tuple[str, str]]], given: Sequence[tuple[str, ...]]
) -> list[list[tuple[str, str]]]:
    """The picks less those that run across the edge of a longer tag of their article,
    or of one it was given: «الشمالي كيم» of «الزعيم الكوري الشمالي كيم جونغ أون»,
    beside كيم جونغ أون, is the end of one name and the start of another, not a topic."""
    result = []
    for picked, keys in zip(picks, given, strict=True):
        tags = [*keys, *(key for _, key in picked)]
        result.append(
            [
                (phrase, key)
                for phrase, key in picked
                if not any(
                    _straddles(key, other) and (other in keys or other.count(" ") > key.count(" "))
                    for other in tags
                )
            ]
        )
    return result


def _straddles(key: str, other: str) -> bool:
    """Whether two tag keys overlap at an edge only: the last word of one is the first of
    the other, and neither is a run of the other's words."""
    words, others = key.split(), other.split()
    if len(words) < 2 or f" {key} " in f" {other} " or f" {other} " in f" {key} ":
        return False
    return words[-1] == others[0] or words[0] == others[-1]


def _learn_whole_name(pair: str, corpus: Corpus, whole_names: dict[str, str]) -> None:
    """Each word of a two-word name that the site mostly writes inside it (دونالد and
    ترامب in دونالد ترامب) as a piece of it, though an article may say one word alone
    and the other word, said once per article, is no name by itself. Of a person's name,
    the surname is enough (مارادونا of دييغو مارادونا): the first name starts other
    people's names too (دييغو كوستا)."""
    words = pair.split()
    inside = [word for word in words if corpus.is_mostly_inside(word, pair)]
    if len(inside) == len(words) or (inside == words[-1:] and corpus.is_personal_name(pair)):
        for word in inside:
            whole_names[word] = max(
                (whole_names.get(word, pair), pair),
                key=lambda whole: (corpus.document_frequency[whole], whole),
            )


def _joined_names(
    picked: list[tuple[str, str]],
    text: Text,
    corpus: Corpus,
    known: Mapping[str, str],
    rules: _Rules,
) -> list[tuple[str, str]]:
    """One tag for two picked words that the article writes side by side, in its title
    or more than once (أحمد موسى, معز مسعود): a name whose words are each common in
    other names (أحمد, موسى) is no unit site-wide, but in its own article it is one
    person. A pair said once, in the headline, is one only when other articles write it
    too: a name and the verb after it (نيمار تفوق) would make a tag of one article, and
    the name would be lost with it. A common noun that starts a genitive construct
    (مكافحة, سحب) is kept only so joined (مكافحة الإرهاب), never alone."""
    words = [phrase for phrase, _ in picked if " " not in phrase]
    joined = {}
    for first, second in itertools.permutations(words, 2):
        pair = f"{first} {second}"
        # not سجل صلاح هدفا; nor a name and the verb after it in a headline (نيمار تفوق)
        written_as_one = text.counts[pair] > 1 or (
            text.title[pair] and corpus.document_frequency[pair] > 1
        )
        if written_as_one and first not in joined and second not in joined:
            family = family_key(pair)
            key = rules.resolve(known.get(family, family))
            if key is not None:
                joined[first] = joined[second] = (pair, key)
    merged = (joined.get(phrase, (phrase, key)) for phrase, key in picked)
    # a noun that starts a construct is a tag only as the start of one (مكافحة الإرهاب)
    return [pair for pair in dict.fromkeys(merged) if not corpus.is_construct(pair[0])]


def _inside_one_phrase(
    picks: list[list[tuple[str, str]]],
    corpus: Corpus,
    known: Mapping[str, str],
    rules: _Rules,
    arabic: Sequence[bool],
) -> list[list[tuple[str, str]]]:
    """Each Arabic article's tags, less the words it says more than once and always inside one
    two-word phrase (الأحمر of الميدان الأحمر, يارا of يارا بوريللو): the article is about
    that phrase, tagged as it when it reads as a name that other articles write too (as
    every extracted tag is), and not about the word. Not a word that stands for a longer
    name (كيم: كيم جونغ أون), nor a name after a common noun it is the genitive of (وسط
    القاهرة, شركة أبل), nor a word before its place's adjective (النازحين السوريين): there
    the word is the topic, the other word says which part or which one. Nor a word
    before one that reads with a proclitic (السودان وإثيوبيا): two things side by side,
    not one name. Arabic only, where it was measured, and where those exceptions are read
    (the article ال, the proclitics): in a Hebrew shop's feed it took ספוילר, בלם and מפתח,
    each said twice in a product's name, as pieces."""
    result = []
    for picked, text, is_arabic in zip(picks, corpus.texts, arabic, strict=True):
        kept = []
        for phrase, key in picked:
            holder = _only_phrase_of(phrase, text) if text is not None and is_arabic else None
            if holder is None:
                kept.append((phrase, key))
                continue
            family = family_key(phrase)
            first, _, second = holder.partition(" ")
            if (
                key != rules.resolve(known.get(family, family))
                or (
                    second == phrase and not first.startswith("ال") and corpus.is_common_word(first)
                )
                or (first == phrase and corpus.name_of_adjective(second) is not None)
                or corpus.reads_with_proclitic(second)
            ):
                kept.append((phrase, key))
                continue
            whole = corpus.without_proclitic(holder)
            family = family_key(whole)
            whole_key = rules.resolve(known.get(family, family))
            if corpus.document_frequency[whole] > 1 and corpus.is_topic(whole) and whole_key:
                kept.append((whole, whole_key))
        result.append(list(dict.fromkeys(kept)))
    return result


def _only_phrase_of(word: str, text: Text) -> str | None:
    """The two-word phrase that holds every one of a word's uses in an article, if the
    article says it more than once; looked up by the word's places in the text."""
    count = text.counts[word]
    if count < 2 or " " in word:
        return None
    tokens = text.tokens
    places = _places(word, tokens)
    if len(places) < count:
        return None
    last = len(tokens) - 1
    for side in (1, -1):
        beside = {tokens[place + side] if 0 <= place + side <= last else "" for place in places}
        other = beside.pop()
        if other and not beside:
            pair = f"{word} {other}" if side == 1 else f"{other} {word}"
            if text.counts[pair] == count:
                return pair
    return None


def _with_whole_names(
    picks: list[list[tuple[str, str]]],
    corpus: Corpus,
    whole_names: Mapping[str, str],
    known: Mapping[str, str],
    rules: _Rules,
) -> list[list[tuple[str, str]]]:
    """One tag for a name and its longer form (ترامب and دونالد ترامب, غزة and قطاع
    غزة): the other word of a whole name whose first word is mostly a piece of it is
    tagged as the whole name, when it is often written in it (not روسيا of مونديال
    روسيا) and is a name itself (not العالم of كأس العالم); the label is the spelling
    most of its articles use. Not where the article writes the word in another name
    (كوريا in كوريا الجنوبية, where the site's كوريا is mostly كوريا الشمالية), nor for
    a piece of several names none of which the site mostly writes (مانشستر of مانشستر
    سيتي and مانشستر يونايتد): alone, it is something else still (the city). Two words
    mostly written inside a proper name of three (``Corpus.is_name_of_three``) are that
    name too (كيم جونغ and جونغ أون: كيم جونغ أون), and so is a word that stands for them
    (كيم)."""
    shorter: dict[str, set[str]] = defaultdict(set)  # a whole name -> the words for it
    for piece, whole in whole_names.items():
        person = corpus.is_personal_name(whole)
        shorter[whole].update(word for word in whole.split() if word != piece or person)
    found: dict[str, list[tuple[int, str, str]]] = defaultdict(list)  # a word's key -> names
    for whole, words in shorter.items():
        family = family_key(whole)
        key = rules.resolve(known.get(family, family))
        if key is not None:
            frequency = corpus.document_frequency[whole]
            for word in words:
                if corpus.is_short_form(word, whole):
                    found[family_key(word)].append((frequency, whole, key))
    for whole, key in _names_of_three(picks, corpus, known, rules):
        if not corpus.is_name_of_three(whole):
            continue
        frequency = corpus.document_frequency[whole]
        words = whole.split()
        for run in (" ".join(words[:2]), " ".join(words[1:])):  # كيم جونغ, جونغ أون
            if corpus.is_mostly_inside(run, whole):
                found[family_key(run)].append((frequency, whole, key))
    longer = {}
    for word, names in found.items():
        frequency, whole, key = max(names)
        if frequency >= _ONE_NAME_SHARE * sum(count for count, _, _ in names):
            longer[word] = (key, whole)
    for word, (key, whole) in list(longer.items()):  # كيم: كيم جونغ, so كيم جونغ أون
        longer[word] = longer.get(key, (key, whole))
    merged = []
    for picked, text in zip(picks, corpus.texts, strict=True):
        keys: dict[str, tuple[str, str]] = {}
        for phrase, key in picked:
            whole_key, whole = longer.get(key, (key, phrase))
            if text is None or not _in_other_name(phrase, whole, text, corpus):
                key = whole_key
                if " " in phrase and text is not None and text.counts[whole]:
                    phrase = whole  # written whole here: its spelling counts for the label
            keys.setdefault(key, (phrase, key))
        merged.append(list(keys.values()))
    return merged


def _names_of_three(
    picks: list[list[tuple[str, str]]],
    corpus: Corpus,
    known: Mapping[str, str],
    rules: _Rules,
) -> set[tuple[str, str]]:
    """The phrases of three words picked, and those an article writes as a word before a
    pair it picked (رجب طيب أردوغان, فتح الله غولن), as ``(phrase, key)``: a summary may
    say the whole name once in its body and so never pick it, though it is the name the
    pair stands for. Not a word after the pair: an adjective or a direction (سبورتنغ
    لشبونة البرتغالي, محافظة حمص وسط) says which or where, and is no part of the name; nor a
    noun that starts genitive constructs before it (رفع سن التقاعد)."""
    found = {pair for picked in picks for pair in picked if pair[0].count(" ") == 2}
    for picked, text in zip(picks, corpus.texts, strict=True):
        if text is None:
            continue
        for phrase, _ in picked:
            if phrase.count(" ") != 1:
                continue
            for first in _words_before(phrase, text.tokens):
                whole = f"{first} {phrase}"
                if corpus.document_frequency[whole] < 2 or corpus.is_construct(first):
                    continue
                family = family_key(whole)
                key = rules.resolve(known.get(family, family))
                if key and corpus.is_topic(whole):
                    found.add((whole, key))
    return found


def _words_before(pair: str, tokens: Sequence[str]) -> set[str]:
    """The words an article's tokens hold right before a pair of words."""
    first, _, second = pair.partition(" ")
    last = len(tokens) - 1
    return {
        tokens[place - 1]
        for place in _places(first, tokens)
        if 0 < place < last and tokens[place + 1] == second and tokens[place - 1]
    }


def _places(word: str, tokens: Sequence[str]) -> list[int]:
    """Where a word is in an article's tokens, found by ``index`` (a loop in C)."""
    places: list[int] = []
    with contextlib.suppress(ValueError):
        while True:
            places.append(tokens.index(word, places[-1] + 1 if places else 0))
    return places


def _with_kinds_named(
    picks: list[list[tuple[str, str]]],
    corpus: Corpus,
    known: Mapping[str, str],
    rules: _Rules,
) -> list[list[tuple[str, str]]]:
    """One tag for a name and its longer form that first says what kind of thing it is
    (الحديدة and مدينة الحديدة, إدلب and محافظة إدلب, غزة and قطاع غزة): a common noun the
    site writes before many names or that starts genitive constructs, never a direction
    (``Corpus.names_kinds``), and a name it mostly writes after that noun; and a people
    and any common noun before it (ميليشيات الحوثي, ``Corpus.people_named``). The tag
    is the name; its label is still the spelling most of its articles use. A tag an
    article was given, or one configured, keeps its key."""
    kinds = functools.cache(corpus.names_kinds)
    given_keys = set(known.values())
    name_of: dict[str, str] = {}  # the longer form's key -> the name's key
    for phrase, key in sorted({pair for picked in picks for pair in picked}):
        if key in name_of or key in given_keys:
            continue
        name = corpus.people_named(phrase) or corpus.name_mostly_after(phrase)
        if name is None or not (name in corpus.peoples or kinds(phrase.partition(" ")[0])):
            continue
        name_key = rules.resolve(known.get(family_key(name), family_key(name)))
        if name_key is not None and name_key != key:
            name_of[key] = name_key
    merged = []
    for picked in picks:
        keys: dict[str, tuple[str, str]] = {}
        for phrase, key in picked:
            keys.setdefault(name_of.get(key, key), (phrase, name_of.get(key, key)))
        merged.append(list(keys.values()))
    return merged


def _in_other_name(word: str, whole: str, text: Text, corpus: Corpus) -> bool:
    """Whether the article writes ``word`` in a name other than ``whole`` (كوريا in كوريا
    الجنوبية), not merely after an adjective, which starts no name (الزعيم الكوري الشمالي
    كيم, الأرجنتيني مارادونا), nor as the end of a longer form of ``whole`` itself
    (أرماندو مارادونا, written after دييغو)."""
    first = whole.partition(" ")[0]
    return whole != word and any(
        pair != whole
        and pair.count(" ") == 1
        and word in pair.split()
        and f"{first} {pair}" not in text.counts
        and not is_adjective_shaped(pair.partition(" ")[0])
        and corpus.is_short_form(word, pair)
        for pair in text.counts
    )


def _said_once_if_known(
    picks: list[list[tuple[str, str]]], texts: Sequence[Text | None], configured: frozenset[str]
) -> list[list[tuple[str, str]]]:
    """A word an article says once (a summary's headline) only when other articles
    pick it, or the name it stands for, as more than a word said once: a name (نيمار,
    ترامب for دونالد ترامب) is repeated or written whole where it is the story, a
    headline's verb (تفوق, يترك) nowhere. A tag the settings name (``configured``, as
    aliases) needs no such word from other articles."""
    confirmed = Counter(
        key
        for picked, text in zip(picks, texts, strict=True)
        for phrase, key in picked
        if not _said_once(phrase, text)
    )
    return [
        [
            (phrase, key)
            for phrase, key in picked
            if not _said_once(phrase, text) or confirmed[key] >= _CONFIRMING or key in configured
        ]
        for picked, text in zip(picks, texts, strict=True)
    ]


def _said_once(phrase: str, text: Text | None) -> bool:
    return text is not None and " " not in phrase and text.counts[phrase] == 1


def _known(corpus: Corpus, given: Sequence[tuple[str, ...]], rules: _Rules) -> dict[str, str]:
    """Phrase -> the tag key it stands for: given tags, aliases and ignored tags, read
    the way phrases are."""
    known: dict[str, str] = {}
    for key in sorted({*(k for keys in given for k in keys), *rules.canonical, *rules.ignore}):
        known.setdefault(family_key(corpus.phrase_of(key)), key)
    return known


def _shared(
    picks: list[list[tuple[str, str]]],
    given: Sequence[tuple[str, ...]],
    texts: Sequence[Text | None],
    rules: _Rules,
) -> list[list[tuple[str, str]]]:
    """The picks that become tags. A phrase of one article only would make a tag without
    a page: phrases are kept where other articles share them (as a given tag or among
    their best phrases), and then only those that enough articles carry in the end. The
    headline's subject is kept all the same, when the article comes back to it (said
    three times, ياهو, مازدا): a reader wants the story's name, linked or not. A pick
    merged into a tag the article was given (كوريا into كوريا الشمالية) is dropped."""
    kept = picks
    for _ in range(2):
        carried = Counter(key for keys in given for key in keys)
        carried.update(key for picked in kept for _, key in picked)
        kept = [
            [
                (phrase, key)
                for phrase, key in picked
                if (carried[key] >= rules.min_articles or _is_subject(phrase, text))
                and key not in keys
            ][: min(_MAX_EXTRACTED, rules.max_per_article - len(keys))]
            for picked, keys, text in zip(kept, given, texts, strict=True)
        ]
    return kept


def _is_subject(phrase: str, text: Text | None) -> bool:
    """Whether the headline names a phrase that the article says again and again."""
    return text is not None and text.title[phrase] > 0 and text.counts[phrase] >= _SUBJECT_SAID


def _with_headline_topics(
    picks: list[list[tuple[str, str]]],
    texts: Sequence[Text | None],
    given: Sequence[tuple[str, ...]],
    known: Mapping[str, str],
    rules: _Rules,
) -> list[list[tuple[str, str]]]:
    """Each article's tags, and in the room left the headline's phrases that several
    other articles, written the same way, got as tags from their words: a subject the
    site knows is the article's subject when its headline names it, though its lead
    says it once or in other words. Given tags (a feed's sections) are not such
    subjects, nor a common word written otherwise (معارضة, where the tag is المعارضة)."""
    carried = Counter(pair for picked in picks for pair in picked)
    topics = {phrase for (phrase, _), count in carried.items() if count >= _KNOWN_TOPIC}
    result = []
    for picked, keys, text in zip(picks, given, texts, strict=True):
        room = min(_MAX_EXTRACTED, rules.max_per_article - len(keys)) - len(picked)
        added = list(picked)
        for phrase in (p for p in text.title if p in topics) if text and room > 0 else ():
            family = family_key(phrase)
            key = rules.resolve(known.get(family, family))
            if (
                key is not None
                and carried[phrase, key] >= _KNOWN_TOPIC
                and key not in keys
                and not any(key == other or repeats(phrase, word) for word, other in added)
            ):
                added.append((phrase, key))
                if len(added) == len(picked) + room:
                    break
        result.append(added)
    return result


def _with_headline_places(
    picks: list[list[tuple[str, str]]],
    corpus: Corpus,
    places: _Places,
    given: Sequence[tuple[str, ...]],
    known: Mapping[str, str],
    rules: _Rules,
    arabic: Sequence[bool],
) -> list[list[tuple[str, str]]]:
    """Each Arabic article's tags, and in the room left the places its headline names
    (``_place_named``). A headline's country or city is its subject, though the lead may
    never say it again and no other article of a small site name it (الفلبين تستعيد
    بلدة من داعش), or the few that do say it once each (بغداد تعاني أزمة خدمية حادة):
    the site's own evidence cannot tell it from a word said once, the world's lists of
    countries and cities can. It takes no other tag's place: a headline that names a
    place often names a person too (هايلي توبخ روسيا), whose tag is the more telling."""
    read = [text for text, is_arabic in zip(corpus.texts, arabic, strict=True) if is_arabic]
    said = set().union(*(text.title for text in read if text is not None))
    place_of = {phrase: _place_named(phrase, corpus, places) for phrase in said}
    place_of = {phrase: name for phrase, name in place_of.items() if name is not None}
    result = []
    for picked, keys, text, is_arabic in zip(picks, given, corpus.texts, arabic, strict=True):
        room = min(_MAX_EXTRACTED, rules.max_per_article - len(keys))
        added = list(picked)
        in_title = text.title if text and is_arabic else ()
        for phrase in (p for p in in_title if p in place_of):
            if len(added) >= room:
                break
            name = place_of[phrase]
            family = family_key(name)
            key = rules.resolve(known.get(family, family))
            if (
                key is not None
                and key not in keys
                and not _in_longer_name(phrase, in_title, corpus, places)
                and not any(key == other or repeats(name, word) for word, other in added)
            ):
                added.append((name, key))
        result.append(added)
    return result


def _place_named(phrase: str, corpus: Corpus, places: _Places) -> str | None:
    """The country or city a headline's phrase names, as phrases are read: by its name
    (الفلبين, بغداد) or, for a country, by a relation adjective the site reads as its
    name (الكويتيون, بلجيكيين)."""
    if phrase in places.cities:
        return phrase
    if family_key(phrase) in places.countries:
        # مالي, financial, beside المالي: not مالي the country
        return None if corpus.is_common_word(phrase) else phrase
    if " " in phrase or not phrase.endswith(("ي", "يه", "يون", "يين")):
        return None
    name = corpus.name_of_adjective(phrase, places.countries)
    return name if name is not None and family_key(name) in places.countries else None


def _in_longer_name(phrase: str, title: Iterable[str], corpus: Corpus, places: _Places) -> bool:
    """Whether the headline writes a city's name as the end of a longer name (ريال مدريد,
    القوة القاهرة, القارة السمراء, سبارتاك موسكو): the story is then that name's, not the
    city's. Not asked of a country: مونديال روسيا, جنوب السودان are stories of the
    country too."""
    return phrase in places.cities and any(
        other.count(" ") == 1 and other.endswith(f" {phrase}") and corpus.is_topic(other)
        for other in title
    )


def _spellings(
    corpus: Corpus, picks: list[list[tuple[str, str]]], known: Mapping[str, str]
) -> dict[str, Counter[str]]:
    """How often each new tag is written each way in the articles it tags."""
    found: dict[str, Counter[tuple[str, tuple[str, ...]]]] = defaultdict(Counter)
    for text, picked in zip(corpus.texts, picks, strict=True):
        if text is not None and picked:
            joined = f" {' '.join(text.tokens)} "
            for phrase, key in picked:
                if family_key(phrase) not in known:
                    found[key][phrase, _written_at(phrase, text, joined)] += 1
    spellings: dict[str, Counter[str]] = {}
    for key, occurrences in found.items():
        counts = spellings[key] = Counter()
        for (phrase, words), count in occurrences.items():
            written = corpus.written(words, phrase) if words else None
            counts[written or " ".join(map(corpus.spelling, phrase.split()))] += count
    return spellings


def _labels_of(spellings: Mapping[str, Mapping[str, int]]) -> dict[str, str]:
    """Each new tag's label: its most frequent spelling, a name written whole
    (مانويل لوبيز أوبرادور, not لوبيز) if it is anywhere."""
    labels = {}
    for key, counts in spellings.items():
        size = _word_count(key)
        whole = Counter({name: n for name, n in counts.items() if _word_count(name) >= size})
        labels[key] = most_frequent(whole or Counter(counts))
    return labels


def _word_count(phrase: str) -> int:
    return phrase.count(" ") + 1


def _written_at(phrase: str, text: Text, joined: str) -> tuple[str, ...]:
    """The article's own words for a phrase it holds; none for a name it only implies
    (مصر of a headline's المصرية)."""
    at = joined.find(f" {phrase} ")
    if at < 0:
        return ()
    start = joined[:at].count(" ")
    return tuple(text.words[start : start + phrase.count(" ") + 1])
