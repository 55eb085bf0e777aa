"""Key phrases: the site's words read as phrases, counted, scored and chosen.

Tags given by writers and feeds are merged in tags.py; an article with too few of them
gets key phrases, and what a phrase is lives here: how each written word is read (its
proclitics taken off when the bare word is common, بالسجن: السجن), which runs of words
are candidates, how they score against the whole site (TF-IDF, so words every article
uses score low), and which of an article's phrases repeat each other (قرية and القرية,
كوريا inside كوريا الجنوبية). None of it knows about the ``tags:`` settings.
"""

from __future__ import annotations

import heapq
import itertools
import math
import operator
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .model import Article
from .normalize import clitic_readings, display_form, is_stop_word, word_keys, written_words
from .sanitize import html_to_text

# The written words of an article's title and of the lead of its body: what tagging reads.
Words = tuple[list[str], list[str]]

_BODY_WORDS = 300  # the lead of a news story names its subject; the rest repeats it
_CHARACTERS_PER_WORD = 7  # about, in Arabic news, with the space
# A title occurrence counts as this many more occurrences: the headline names the subject.
_TITLE_BONUS = 4.0
_KNOWN_TAG_BONUS = 2.0  # a phrase that is a given tag elsewhere on the site
_PRONOUN_SUFFIX = re.compile(r"...(?:ها|هم|هما|هن|كم|كما)$")
# A noun is common when its less usual form (with or without the article) is this share
# of its articles: names keep one form (ترامب, الصين) apart from a slip now and then.
_COMMON_NOUN_SHARE = 0.1
# A word stands for a whole name only when it keeps one form more strictly still: a word
# as common as العالم (عالم in one of its articles in ten or so) names nothing alone.
_SHORT_NAME_SHARE = 0.05
# A verb is written for another person (بدأت, بدأوا; يطالب, يطالبون) this often at least.
_OTHER_PERSON_SHARE = 0.1
# Endings a common word takes and a name never does (match keys, ة written ه): attached
# pronouns (وزيره، قمته، يتهمها), the accusative (قتيلا، مجددا), the dual and the sound
# plurals (شركتين، مهاجرين، معلمون، حافلات).
_AFFIXES = ("ه", "ها", "هم", "هما", "كم", "نا", "ا", "ان", "ين", "ون", "ات")
# A word is common when its forms with those endings are this share of its own uses.
_AFFIXED_SHARE = 0.1
# Possessive pronouns a phrase's word may end with (حملته الانتخابية, علاقاتها التجارية): ه
# only after the ت a ة turns into before it, نا not at all, since names end so too (ليروي
# سانيه, ميلينا بوغدير, معاليه أدوميم).
_POSSESSIVE_ENDINGS = ("ته", "ها", "هم", "هما", "كم")
# An adjective without the article is this frequent beside its adverb (رسمي: رسميا).
_ADVERB_STEM_SHARE = 0.3
# A topic is repeated in its articles at least this much more often than words are.
_TOPIC_REPEAT_FACTOR = 1.3
# Articles a word needs before how it is used tells anything about it.
_MIN_EVIDENCE = 5
# A word that ends a clause in fewer than this share of its articles wants a complement
# after it; judged on this many articles at least, since a few summaries may all go on.
_CLAUSE_END_SHARE = 0.08
_COMPLEMENT_EVIDENCE = 10
# A word is a piece of a longer name when this share of its articles has the longer one.
_WHOLE_NAME_SHARE = 0.5
# A name's other word stands for the whole name when this share of its articles has it.
_SHORT_FORM_SHARE = 0.2
# A phrase of several words is a unit when its rarer part occurs inside it this often.
_MIN_COHESION = 0.5
# الكرواتي and الكرواتيه (match keys): the adjective of a name (كرواتيا) ...
_RELATION_ADJECTIVE = re.compile(r"ال(..+?)(?:ي|يه)")
# ... when that name is at least this share as frequent as the adjective.
_NAME_OF_ADJECTIVE_SHARE = 0.2
# A relation adjective made from no name the site writes (الحوثي) names a people, a group
# or a movement (الحوثيون, الحوثيين) when the site writes its plural this share as often as
# the adjective at least, and hardly ever without the article.
_PEOPLE_PLURAL_SHARE = 0.4
# A phrase is an institution many countries have (الجيش, البرلمان) when the site writes it
# followed by the adjectives of this many names, each in two articles or more ...
_KIND_OF_NAMES = 10
# ... among the site's this many most frequent relation adjectives ...
_ADJECTIVES_LOOKED_AT = 200
# ... and says whose it is so in this share of its articles (counted per adjective).
_OWNER_SAID_SHARE = 0.25
# An adjective is written in its other gender at least this share as often (المصري,
# المصرية); a family name of that shape (التميمي) never is.
_OTHER_GENDER_SHARE = 0.05
# A name with the article (العراق) is a place when the site writes its people in the plural
# (العراقيون) this share as often as its adjective (العراقي, العراقية) at least.
_PEOPLE_SHARE = 0.01
# A common noun says what kind of thing the name after it is (مدينة, محافظة, شركة) when
# _KIND_OF_NAMES of this many words the site most often writes after it are names.
_FOLLOWERS_LOOKED_AT = 40
# A noun names a part of the place after it (جنوب السودان) when the site writes its relation
# adjective (جنوبي, الجنوبية) this share as often as the noun at least.
_DIRECTION_SHARE = 0.25
# A phrase of two words is a person's title (الرئيس الأمريكي, الرئيس الروسي) when this share of
# its articles write a first name right after it: a word this share of whose articles write
# a name after it.
_TITLE_SHARE = 0.5
# A word counts or measures things (بالمئة, دولار, الدقيقة, قتيلا, كيلومترا) when the site
# writes it next to a number in this share of its articles at least.
_NUMBERED_SHARE = 2 / 3
# Words inside Arabic names (match keys) that want the name after them: محمد بن سلمان, زايد
# آل نهيان.
_NAME_PARTICLES = frozenset({"بن", "ال"})
# Number words (match keys) that stand for a number as digits do: 3 آلاف, مليون برميل.
_NUMBER_WORDS = frozenset({"الف", "الاف", "مليون", "ملايين", "مليار", "مليارات"})
# A word without the article is the first term of a genitive construct (مكافحة الإرهاب,
# سحب القوات), so a common noun, when the site writes it before this many definite nouns,
# each in two articles or more, ...
_CONSTRUCT_NOUNS = 3
# ... in articles that add up to this share of the word's own at least.
_CONSTRUCT_SHARE = 0.3


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
    occurrences: Mapping[str, int]  # token -> how often the site writes it, in any form
    texts: tuple[Text | None, ...]
    document_frequency: Counter[str]
    repeated: Counter[str]  # word -> articles that use it more than once
    repeat_rate: float  # the share of a word's articles that repeat it, over all words
    numbered: Counter[str]  # token -> articles that write it next to a number
    clause_ends: Counter[str]  # token -> articles that write it last in a clause
    # phrase -> the relation adjectives (الإسرائيلي, اليمني) the site writes after it, in
    # two articles or more, with how many
    owners: Mapping[str, Counter[str]]
    # word without the article, or phrase of two words -> the words the site most often
    # writes after it, in two articles or more, the most frequent first
    followers: Mapping[str, tuple[str, ...]]
    # word without the article -> the articles where a definite noun follows it (a pair
    # of two articles or more), added up over those nouns, and how many nouns they are
    genitives: Mapping[str, tuple[int, int]]
    # phrase of two words starting with بن or آل -> the articles of the names of three
    # words that hold it (محمد بن سلمان holds بن سلمان), added up over those names
    held: Mapping[str, int]
    # the peoples named by a relation adjective alone (الحوثيين), read for both their cases
    peoples: frozenset[str]
    # phrase -> is_topic's answer: many rules ask about the same words again
    topics: dict[str, bool] = field(default_factory=dict, repr=False, compare=False)
    # word with the article -> whether it is a person's title (``_is_title``), as above
    titles: dict[str, bool] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def read(cls, words: Sequence[Words], wanted: Sequence[bool]) -> Corpus:
        """The counts over the articles' words (``article_words``), and the text of those
        ``wanted``."""
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
        peoples = _peoples(frequency)
        reading = {token: _reading(token, frequency) for token in frequency}
        reading = {token: peoples.get(read, read) for token, read in reading.items()}
        topical = {token: not _is_untopical(token) for token in set(reading.values())}
        token_of = {
            word: reading[key] for word, key in key_of.items() if key and topical[reading[key]]
        }
        # words read with a proclitic taken off (وأردوغان, للقضاء): a phrase starts there
        joined = {word for word, token in token_of.items() if token != key_of[word]}
        numbers = {word for word in written if word[-1].isdigit() or key_of[word] in _NUMBER_WORDS}
        texts: list[Text | None] = []
        document_frequency: Counter[str] = Counter()
        repeated: Counter[str] = Counter()
        numbered: Counter[str] = Counter()
        clause_ends: Counter[str] = Counter()
        for (title, body), keep in zip(words, wanted, strict=True):
            title_tokens = [token_of.get(word, "") for word in title]
            body_tokens = [token_of.get(word, "") for word in body]
            in_title = _phrases(title_tokens, [word in joined for word in title])
            counts = _phrases(body_tokens, [word in joined for word in body])
            counts.update(in_title)
            document_frequency.update(counts.keys())
            repeated.update(itertools.compress(counts, map((1).__lt__, counts.values())))
            tokens = title_tokens + body_tokens
            both = title + body
            numbered.update(_next_to_numbers(both, tokens, numbers))
            # a token followed by a boundary (each part ends with one) ends a clause
            clause_ends.update(set(itertools.compress(tokens, map(operator.not_, both[1:]))))
            texts.append(Text(both, tokens, counts, in_title) if keep else None)
        words_used = sum(n for phrase, n in document_frequency.items() if " " not in phrase)
        words_repeated = sum(n for phrase, n in repeated.items() if " " not in phrase)
        rate = words_repeated / words_used if words_used else 0.0
        pairs = _pairs_read(document_frequency, _relation_adjectives(frequency))
        return cls(
            reading,
            forms,
            key_of,
            frequency,
            tuple(texts),
            document_frequency,
            repeated,
            rate,
            numbered,
            clause_ends,
            pairs.owners,
            pairs.followers,
            pairs.genitives,
            pairs.held,
            frozenset(peoples.values()),
        )

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

    def without_proclitic(self, phrase: str) -> str:
        """A phrase of several words whose first word keeps a proclitic, read as the site
        also writes it without one, in other articles too: لكرة القدم as كرة القدم
        (لكرة, of «الاتحاد الدولي لكرة القدم», is more frequent than كرة, so the word
        alone keeps it), بركلات الترجيح as ركلات الترجيح. A name whose first letter
        looks like a proclitic (بيونغ يانغ, براين هوك) is written no other way: two words
        in a row do not look like another phrase by chance. A word alone may (بكين, كين),
        so it keeps its reading."""
        first, space, rest = phrase.partition(" ")
        if not space:
            return phrase
        for reading in clitic_readings(first)[1:]:
            bare = f"{reading} {rest}"
            if self.document_frequency.get(bare, 0) > 1:
                return bare
        return phrase

    def count(self, token: str) -> int:
        return self.occurrences.get(token, 0)

    def reads_with_proclitic(self, token: str) -> bool:
        """Whether the site writes what is left of a token with a proclitic taken off
        (لكرة: كرة, وإثيوبيا: إثيوبيا)."""
        return any(map(self.count, clitic_readings(token)[1:]))

    def is_topic(self, phrase: str) -> bool:
        """Whether a phrase reads as a name or a fixed term rather than a common word, from
        how the site writes it: a common noun or adjective comes both with and without the
        article (شركة and الشركة, عملية عسكرية and العملية العسكرية), a name never does
        (ترامب, الصين, كوريا الشمالية); a phrase that is no unit is mostly made of words
        used elsewhere; an adjective of a name (الكرواتي, for كرواتيا) is not the name,
        nor does a name start with one (المصري محمد صلاح) or hold a verb (ممثلة أمريكية
        تعتذر); a single word must be a name by its forms and its spread (below); and a
        person's title (الرئيس الأمريكي) names nobody in particular."""
        topic = self.topics.get(phrase)
        if topic is None:
            topic = self.topics[phrase] = (
                self._reads_as_name(phrase)
                and not self._is_title(phrase)
                and not self._is_described_name(phrase)
            )
        return topic

    def _reads_as_name(self, phrase: str) -> bool:
        """``is_topic`` but for titles, which are told by what follows them."""
        words = phrase.split()
        if len(words) > 1:
            return (
                not _is_particle(words[-1])  # بن, آل want the name after them
                and self._stands_alone(phrase)
                and self._is_unit(phrase)
                and not self._takes_article_both_ways(phrase)
                and not self._is_relation_adjective(words[0])
                and not self._counts_things(words[0])
                and not any(map(self._is_conjugated, words))
                and not self._is_description(words)
                and not self._is_kind(phrase)
                and not self._wants_more(words[-1])
                and not any(map(self._is_possessed, words))
            )
        return not (
            self._takes_article_both_ways(phrase)
            or self._is_relation_adjective(phrase)
            or self._is_conjugated(phrase)
            or self._takes_affixes(phrase)
            or self._is_adverb(phrase)
            or (self._is_affixed(phrase) and phrase not in self.peoples)
            or self._is_spread(phrase)
            or self._is_kind(phrase)
            or self._counts_things(phrase)
        )

    def _is_description(self, words: Sequence[str]) -> bool:
        """A common noun (written with and without the article on the site) and words
        that name nothing, all without the article (حالة حرجة, رد صيني, عملية عسكرية
        عراقية): a description, where a term is made definite (كأس العالم), a name
        holds a name (قمة هلسنكي) and a person's name starts with one (شيري عادل)."""
        return (
            not any(word.startswith("ال") for word in words)
            and self._takes_article_both_ways(words[0])
            and not any(self.is_topic(word) for word in words[1:])
        )

    def whole_name(self, word: str, pairs: Iterable[str]) -> str | None:
        """The two-word phrase of the article (among ``pairs``, its two-word phrases that
        hold ``word``) that most of the site's uses of ``word`` are inside (دونالد in دونالد
        ترامب, قطاع in قطاع غزة), if there is one: then ``word`` alone is a piece of a
        name."""
        frequency = self.document_frequency.get(word, 0)
        if frequency < _MIN_EVIDENCE:
            return None
        least = frequency * _WHOLE_NAME_SHARE
        frequency, pair = max(
            ((self.document_frequency[pair], pair) for pair in pairs), default=(0, "")
        )
        return pair if frequency >= least and pair else None

    def name_mostly_after(self, pair: str) -> str | None:
        """The second word of a two-word phrase, when it is a name that the site mostly
        writes after the first (الحديدة of مدينة الحديدة; not روسيا of مونديال روسيا, nor
        الحديدة of ميناء الحديدة: those are other things, named after it)."""
        _, space, name = pair.partition(" ")
        if not space or " " in name:
            return None
        mostly_so = self.document_frequency.get(pair, 0) >= _WHOLE_NAME_SHARE * (
            self.document_frequency.get(name, 0)
        )
        return name if mostly_so and self.is_topic(name) else None

    def people_named(self, pair: str) -> str | None:
        """The people, group or movement (``Corpus.peoples``) a two-word phrase is about,
        when it starts with a common noun and ends with that people or its adjective
        (ميليشيات الحوثي, زعيم الحوثيين: الحوثيين): its militia, leader or attacks are the
        people's story, where a person's name (عبد الملك الحوثي) starts with no common
        noun."""
        first, space, last = pair.partition(" ")
        if not space or " " in last or not self._takes_article_both_ways(first):
            return None
        people = self.reading.get(_definite_singular(last) + "ين", last)
        return people if people in self.peoples else None

    def names_kinds(self, word: str) -> bool:
        """Whether a common noun (written with and without the article) is one that the
        site writes before many names: a kind of thing (مدينة, شركة, جزيرة, بطولة); or
        one that starts genitive constructs, which says what kind of thing the name after
        it is just as well, though few names follow it (قطاع غزة beside قطاع النفط,
        تنظيم داعش beside تنظيم القاعدة). Not a direction (جنوب السودان)."""
        return (
            self._takes_article_both_ways(word)
            and not self._is_direction(word)
            and (self._precedes_names(word, _KIND_OF_NAMES) or self.is_construct(word))
        )

    def _is_direction(self, word: str) -> bool:
        """A word the site also writes as its own relation adjective, a quarter as often
        at least (جنوب: جنوبي, الجنوبية; شمال, غرب, شرق): before a name it names a part
        of the place (جنوب السودان, شمال سوريا), often a place of its own, not the place."""
        bare = _without_article(word)
        forms = (f"ال{bare}ي", f"ال{bare}يه", f"{bare}ي", f"{bare}يه")
        adjectives = sum(map(self.count, forms))
        return adjectives >= _DIRECTION_SHARE * (self.count(bare) + self.count("ال" + bare))

    def is_name_of_three(self, phrase: str) -> bool:
        """Whether a phrase of three words reads as one proper name (كيم جونغ أون, رجب طيب
        أردوغان, باريس سان جرمان): its first word has no article and is no common noun
        (not رئيس of رئيس نادي الزمالك, a title, nor قرية of قرية خان الأحمر), and its last
        is no word joined to a name by و (سيرغي سكريبال وابنته, «and his daughter»)."""
        words = phrase.split()
        return (
            len(words) == 3
            and not words[0].startswith("ال")
            and not self._takes_article_both_ways(words[0])
            and not (words[2].startswith("و") and self.count(words[2][1:]))
        )

    def is_personal_name(self, pair: str) -> bool:
        """Whether a two-word name reads as a person's (دييغو مارادونا, بول بوغبا): its
        first word is no common noun (not جنوب السودان, بابا الفاتيكان), has no article
        (not الله غولن, the end of فتح الله غولن) and starts other names too (دييغو
        كوستا; not برميل يوميا), and its last is a name (not يوفنتوس الإيطالي)."""
        first, _, last = pair.partition(" ")
        return (
            " " not in last
            and not first.startswith("ال")
            and not self._takes_article_both_ways(first)
            and self.is_topic(last)
            and self._precedes_names(first, 2)
        )

    def _precedes_names(self, word: str, least: int) -> bool:
        """Whether ``least`` of the words the site most often writes after ``word`` are
        names."""
        followers = self.followers.get(_without_article(word), ())
        names = itertools.islice(filter(self.is_topic, followers), least)
        return sum(1 for _ in names) == least

    def is_mostly_inside(self, word: str, pair: str) -> bool:
        """Whether most of the site's articles with ``word`` have it in ``pair`` (دونالد
        in دونالد ترامب): then the pair is the name the word is a piece of, though the
        article at hand may say only the name's other word (ترامب)."""
        frequency = self.document_frequency.get(word, 0)
        return frequency >= _MIN_EVIDENCE and (
            self.document_frequency.get(pair, 0) >= frequency * _WHOLE_NAME_SHARE
        )

    def is_short_form(self, word: str, whole: str) -> bool:
        """Whether ``word`` is a name often written as part of ``whole``: then it stands
        for it (ترامب for دونالد ترامب, but not العالم, also written عالم, for كأس
        العالم)."""
        often = self.document_frequency.get(whole, 0) >= _SHORT_FORM_SHARE * (
            self.document_frequency.get(word, 0)
        )
        return often and not self._takes_article_both_ways(word, _SHORT_NAME_SHARE)

    def is_common_word(self, phrase: str) -> bool:
        """Whether the site writes a phrase both with and without the article, as it
        does a common noun or adjective (مالي, financial, beside المالي), never a name."""
        return self._takes_article_both_ways(phrase)

    def is_word_too(self, phrase: str) -> bool:
        """Whether the site writes a place's name as a word of its own: with and without
        the article (نوم, sleep, beside النوم), or with a common word's endings in
        stories of every kind (ترك, left: تركه, تركها; ماهي, what is)."""
        return self.is_common_word(phrase) or (
            " " not in phrase and self._takes_affixes(phrase) and self._is_spread(phrase)
        )

    def _takes_article_both_ways(self, phrase: str, share: float = _COMMON_NOUN_SHARE) -> bool:
        definite = indefinite = 0
        for form in itertools.product(*(_with_and_without_article(w) for w in phrase.split())):
            frequency = self.document_frequency.get(" ".join(form), 0)
            if form[0].startswith("ال"):
                definite += frequency
            else:
                indefinite += frequency
        return min(definite, indefinite) >= share * (definite + indefinite)

    def _is_unit(self, phrase: str) -> bool:
        """Whether most uses of a phrase's rarer side are inside it (``_cohesion``), or,
        for two words, inside it or the other name the first word starts most often:
        كوريا is mostly كوريا الشمالية, and its other uses mostly كوريا الجنوبية."""
        if self._cohesion(phrase) >= _MIN_COHESION:
            return True
        first, space, second = phrase.partition(" ")
        if not space or " " in second:
            return False
        other = next((f"{first} {w}" for w in self.followers.get(first, ()) if w != second), "")
        if not other or self._cohesion(other) < _MIN_COHESION:
            return False
        rest = self.document_frequency.get(first, 0) - self.document_frequency.get(other, 0)
        rarer = min(rest, self.document_frequency.get(second, 0))
        return self.document_frequency.get(phrase, 0) >= _MIN_COHESION * max(1, rarer)

    def _cohesion(self, phrase: str) -> float:
        """The least share, over the places a phrase splits in two, of the rarer side's
        articles that have the whole phrase: 1 for one word."""
        words = phrase.split()
        frequency = self.document_frequency.get(phrase, 0)
        shares = (
            frequency
            / max(
                1,
                min(
                    self.document_frequency.get(" ".join(words[:cut]), 0),
                    self.document_frequency.get(" ".join(words[cut:]), 0),
                ),
            )
            for cut in range(1, len(words))
        )
        return min(shares, default=1.0)

    def _is_conjugated(self, token: str) -> bool:
        """A verb: the site also writes it for another person (يعود and تعود, نعود,
        يعودون; بدأت and بدأوا; سيحدث, the future of يحدث). A name may look so beside another name
        (تونس and يونس, of خان يونس), but the site writes its relation adjective
        (التونسي), which no verb has; and a word with the article is a noun, whose
        plural (الحوثيون) is no verb's."""
        if token[:2] in ("سي", "ست", "سن") and self.count(token[1:]):
            token = token[1:]  # not سنغافورة, whose نغافورة the site never writes
        least = max(1, self.count(token) * _OTHER_PERSON_SHARE)
        if self.count(f"ال{token}ي") + self.count(f"ال{token}يه") >= least:
            return False
        others = []
        if token[0] in "يتنا" and len(token) > 2:
            others += [prefix + token[1:] for prefix in "يتنا" if prefix != token[0]]
            if token[0] in "يت":  # يحاول, يحاولون
                others.append(token[:-2] if token.endswith("ون") else token + "ون")
        if token.endswith("ت") and len(token) > 3:  # بدأت is بدات as a key
            others += [token[:-1] + "وا", token[:-1] + "ا"]
        return any(self.count(other) >= least for other in others)

    def _is_spread(self, token: str) -> bool:
        """A word spread thinly over unrelated stories (جراء, أثناء, صحيفة, بدأت): once
        in each article that uses it. The subject of a story comes back in it (the
        headline's name in the lead, the lead's name later), so a topic is repeated in
        its articles more often than words are on the site overall."""
        articles = self.document_frequency.get(token, 0)
        return (
            articles >= _MIN_EVIDENCE
            and self.repeated[token] < _TOPIC_REPEAT_FACTOR * self.repeat_rate * articles
        )

    def _stands_alone(self, phrase: str) -> bool:
        """Whether a name that starts with بن or آل is written on its own (بن سلمان, بن
        لادن), not only at the end of a longer name (سلمان بن عبدالعزيز, زايد آل نهيان):
        in one of its articles in five at least, as far as the names that hold it tell."""
        first, _, rest = phrase.partition(" ")
        if not _is_particle(first) or " " in rest:
            return True
        articles = self.document_frequency.get(phrase, 0)
        return articles - self.held.get(phrase, 0) >= _SHORT_FORM_SHARE * articles

    def wants_complement(self, token: str) -> bool:
        """A word the site almost never writes last in a clause: it wants what follows it
        (مقتل 11 شخصا, اعتقال عشرات, وقف إطلاق النار, الإفراج عن; a first name its
        surname), so alone it names nothing, though it may start a name (الضفة الغربية).
        A topic ends a clause in a good share of its articles (في اليمن., مكافحة الإرهاب.)."""
        articles = self.document_frequency.get(token, 0)
        return (
            articles >= _COMPLEMENT_EVIDENCE
            and self.clause_ends[token] < _CLAUSE_END_SHARE * articles
        )

    def _wants_more(self, last: str) -> bool:
        """Whether a phrase ending on this word is cut short of what the word wants after
        it: a common noun (written with and without the article) that wants a complement
        (``wants_complement``): «قبالة سواحل» of «قبالة سواحل اليمن», «تحت أنقاض». An
        adjective at the end (صندوق النقد الدولي) is followed by more adjectives, not by
        what it lacks. So is one ending on a preposition's genitive that goes on as one
        word (``_goes_on_as_one``)."""
        return self.wants_complement(last) and (
            (not last.endswith(("ي", "يه")) and self._takes_article_both_ways(last))
            or self._goes_on_as_one(last)
        )

    def _goes_on_as_one(self, word: str) -> bool:
        """Whether ``word`` is a preposition's genitive that the site mostly writes before
        the same word (لكرة: القدم, of الاتحاد الدولي لكرة القدم): a phrase ending on it is
        a name of four words or more cut short, since no longer phrase is read. Not any
        word mostly followed by one (جونغ of كيم جونغ أون): a name's words are read in
        their own right (``Corpus.is_name_of_three``)."""
        if word[:1] not in "بكل" or not self.reads_with_proclitic(word):
            return False
        after = next(iter(self.followers.get(word, ())), "")
        articles = self.document_frequency.get(word, 0)
        return bool(after) and self.document_frequency.get(f"{word} {after}", 0) >= (
            _WHOLE_NAME_SHARE * articles
        )

    def _counts_things(self, token: str) -> bool:
        """A word that counts or measures what a number says (7.8 بالمئة, 1200 دولار
        للأوقية, في الدقيقة 23, 10 قتلى و73 جريحا, مليون برميل): the site writes it next
        to a number in most of its articles, where a name is written so now and then
        (مونديال 2018, بوينغ 737)."""
        articles = self.document_frequency.get(token, 0)
        return articles >= _MIN_EVIDENCE and self.numbered[token] >= _NUMBERED_SHARE * articles

    def _is_title(self, phrase: str) -> bool:
        """A person's title: a phrase of two words the site mostly writes right before a
        first name (الرئيس الأمريكي دونالد ترامب, العاهل الأردني الملك عبد الله), or a
        word with the article mostly written before a first name or as the start of such a
        phrase (الشيخ محمد بن راشد, العاهل). It changes holders and names none of them,
        where a place or an institution is rarely followed by a person's name (إقليم
        كردستان العراق, الاتحاد الأوروبي). A word without the article is left out: a
        first name is followed by the rest of its name too (ميلانيا ترامب), and headlines
        name people by it. Such a word before a relation adjective is a title too
        (الرئيس التركي, though the site writes أردوغان after it, no first name), and so
        is one before a first name (الأمير محمد of الأمير محمد بن سلمان), and a
        phrase of three words that starts with either is the title and a first name
        (الرئيس الفرنسي إيمانويل of الرئيس الفرنسي إيمانويل ماكرون, the longest phrase
        read), cut from the name, which is the tag."""
        words = phrase.split()
        if not words[0].startswith("ال"):
            return len(words) == 2 and self._titles_a_name(phrase)
        if len(words) == 1:
            return self._is_one_word_title(phrase)
        return self._titles_a_name(" ".join(words[:2])) or (
            (len(words) > 2 or is_adjective_shaped(words[1]) or self._starts_names(words[1]))
            and self._is_one_word_title(words[0])
        )

    def _is_described_name(self, phrase: str) -> bool:
        """A word with the article and a name of two words after it (الركن تركي المالكي,
        العاصمة الفرنسية باريس is not one: its end is no name): the word says who or what
        the name is (a rank, a trade), and the name is the tag. Told when the name is a
        person's, or when the site writes it without the word in a good share of its
        articles (a fifth), where a name of three words (الحرس الثوري الإيراني) is
        written whole."""
        first, _, name = phrase.partition(" ")
        if name.count(" ") != 1 or not first.startswith("ال") or not self.is_topic(name):
            return False
        if self.is_personal_name(name):
            return True
        articles = self.document_frequency.get(name, 0)
        return articles - self.document_frequency.get(phrase, 0) >= _SHORT_FORM_SHARE * articles

    def _titles_a_name(self, pair: str) -> bool:
        """A two-word title: mostly written right before a first name."""
        return self._mostly_before(pair, pair, self._starts_names)

    def _is_one_word_title(self, word: str) -> bool:
        """A word with the article mostly written before a first name or as the start of
        a two-word title; asked about for many phrases, so kept in ``titles``."""
        title = self.titles.get(word)
        if title is None:
            title = self.titles[word] = self._mostly_before(
                word,
                _without_article(word),
                lambda after: (
                    self._titles_a_name(f"{word} {after}")
                    or (not is_adjective_shaped(after) and self._starts_names(after))
                ),
            )
        return title

    def _starts_names(self, word: str) -> bool:
        """Whether the site mostly writes a name right after ``word``: a first name
        (دونالد, فلاديمير). Names are told here without the title test, which could come
        back to the phrase asking."""
        return self._mostly_before(word, _without_article(word), self._reads_as_name)

    def _mostly_before(self, phrase: str, key: str, wanted: Callable[[str], bool]) -> bool:
        """Whether most of the articles with ``phrase`` write a ``wanted`` word right after
        it; ``key`` finds the words that follow it."""
        articles = self.document_frequency.get(phrase, 0)
        if articles < _MIN_EVIDENCE:
            return False
        after = [
            (self.document_frequency.get(f"{phrase} {word}", 0), word)
            for word in self.followers.get(key, ())
        ]
        least = _TITLE_SHARE * articles
        left = sum(count for count, _ in after)
        found = 0
        for count, word in after:  # the most frequent first: stop once it is decided
            if found >= least or found + left < least:
                break
            left -= count
            found += count if wanted(word) else 0
        return found >= least

    def is_construct(self, token: str) -> bool:
        """A noun the site mostly writes as the first term of a genitive construct, before
        several definite nouns and mostly before none of them in particular (مكافحة
        الإرهاب, الفساد, الشغب; سحب القوات, الثقة): a common noun, which a name never
        is. A word mostly written before one (كأس of كأس العالم, نزع of نزع السلاح) is a
        piece of a longer name, which stands for it. A name may be followed by its
        adjective (أرسنال الإنجليزي), and a word with the article cannot start a
        construct."""
        if token.startswith("ال"):
            return False
        articles, nouns = self.genitives.get(token, (0, 0))
        frequency = self.document_frequency.get(token, 0)
        if nouns < _CONSTRUCT_NOUNS or articles < _CONSTRUCT_SHARE * frequency:
            return False
        first = next(iter(self.followers.get(token, ())), "")
        return self.document_frequency.get(f"{token} {first}", 0) < _WHOLE_NAME_SHARE * frequency

    def _is_kind(self, phrase: str) -> bool:
        """An institution that many countries have (الجيش: الإسرائيلي, اليمني, السوري,
        الليبي…; البرلمان: العراقي, البريطاني, الأوروبي…; رئيس الوزراء): the site writes it
        followed by the adjectives of many names, and in many of its articles says whose
        it is that way, since alone it does not tell. A name is followed by a few at most
        (كوريا: الشمالية, الجنوبية); a subject (كرة القدم, النفط) is mostly said alone."""
        owners, articles = self.owners_of(phrase)
        return (
            len(owners) >= _KIND_OF_NAMES and sum(owners.values()) >= _OWNER_SAID_SHARE * articles
        )

    def owners_of(self, phrase: str) -> tuple[Counter[str], int]:
        """The relation adjectives the site writes after a phrase, with and without the
        article on each of its words, with their articles, and the phrase's articles."""
        forms = [
            " ".join(form)
            for form in itertools.product(*map(_with_and_without_article, phrase.split()))
        ]
        owners: Counter[str] = Counter()
        for form in forms:
            owners.update(self.owners.get(form, {}))
        return owners, sum(self.document_frequency.get(form, 0) for form in forms)

    def _is_affixed(self, token: str) -> bool:
        """A common word with an ending (مسيرته, زميله, عشوائيين, شديدة): the word
        without it is at least as frequent. A name that looks so is the more frequent
        (لبنان, not لبن; السعودية, not السعودي)."""
        bare = _without_article(token)
        own = self.count(bare) + self.count("ال" + bare)
        for ending in _AFFIXES:
            if ending == "ا" or not bare.endswith(ending):
                continue
            stem = bare[: -len(ending)]
            # before an ending a ة is written ت (مسيرته); read so, the base is the word
            # itself, so every word ending in ته counts as affixed. Reading the ت both ways
            # (مسيرة, بيت) was tried: it brought back وابنته and لحيته as tags.
            stems = [stem + "ه"] if stem.endswith("ت") and ending != "ات" else [stem]
            if ending == "ات":
                stems.append(stem + "ه")  # حافلات: حافلة
            for base in stems:
                if len(base) > 2 and self.count(base) + self.count("ال" + base) >= own:
                    return True
        return False

    def _is_possessed(self, token: str) -> bool:
        """Whether a word of a phrase has a possessive pronoun (ولايته, محطاته, علاقاتها):
        the phrase then says whose (المنتهية ولايته, ثاني محطاته الأوروبية, سيرغي سكريبال
        وابنته), and names nothing a page could gather. A word ending in ته is one where the
        site writes it so (مؤقتة and ستة end so once folded too); ``_is_affixed`` reads every
        such word as affixed, so that is the test for it. Any other ending is one where the
        word without it is as frequent (``_is_affixed``)."""
        if not _without_article(token).endswith(_POSSESSIVE_ENDINGS):
            return False
        if token.endswith("ته"):
            written = self.forms.get(token)
            if not written or most_frequent(written).endswith("ة"):
                return False
        return self._is_affixed(token)

    def _is_adverb(self, token: str) -> bool:
        """An adverb or an accusative (رسميا, اقتصاديا, مهاجرا): the word without its
        final alif is common on its own (رسمي, مهاجر). A name in -ia (روسيا, تركيا) is
        far more frequent than its adjective written without the article."""
        return (
            token.endswith("ا")
            and len(token) > 3
            and self.count(token[:-1]) >= _ADVERB_STEM_SHARE * self.count(token)
        )

    def _takes_affixes(self, token: str) -> bool:
        """A common word: the site also writes it with a pronoun, case or number ending
        (وزير: وزيره، وزيرا، وزيرين; قمة: قمته، قمتين، قمات). A name is written one way
        (ترامب، تونس)."""
        bare = _without_article(token)
        forms = {bare + ending for ending in _AFFIXES}
        if bare.endswith("ه"):  # ة before an ending is written ت (قمتها), and goes in قمات
            forms = {bare[:-1] + "ت" + ending for ending in _AFFIXES} | {bare[:-1] + "ات"}
        affixed = sum(self.count(form) + self.count("ال" + form) for form in forms)
        return affixed >= _AFFIXED_SHARE * (self.count(bare) + self.count("ال" + bare))

    def _is_relation_adjective(self, token: str) -> bool:
        return self._name_of_adjective(token) is not None

    def _name_of_adjective(self, token: str) -> str | None:
        return _adjective_name(token, self.count)

    def name_of_adjective(self, token: str, places: frozenset[str] = frozenset()) -> str | None:
        """The name a relation adjective is made from (المصرية: مصر, الإسباني: إسبانيا),
        when that name is a topic: a headline's «الحكومة المصرية» is about مصر. The site
        writes the adjective in both genders (المصري, المصرية): a family name that looks
        like one (التميمي) has no feminine. Where the feminine is all there is of a name
        (السعودي, السعودية), nothing tells the name from the adjective (الديمقراطي,
        الديمقراطية), so none is given. A headline also writes it without the article or
        in the plural (قرار كويتي, الكويتيون, اليمنيين): the same name, when the site
        writes the adjective so more often (not تغني, a verb, beside a rare التغني). The
        name must be a place's (``_names_a_place``), or among ``places`` (``family_key``s
        of names known to be places: الهندية is about الهند, whose people the site calls
        الهنود), or a people's: الأزمة الإنسانية is not about الإنسان."""
        definite = _definite_singular(token)
        people = self.reading.get(definite + "ين")
        if people in self.peoples:
            return people
        if definite != token and self.count(definite) < self.count(token):
            return None
        name = self._name_of_adjective(definite)
        other_gender = definite[:-1] if definite.endswith("يه") else definite + "ه"
        written_both_ways = self.count(other_gender) >= _OTHER_GENDER_SHARE * self.count(definite)
        if name in (None, other_gender) or not written_both_ways:
            return None
        if family_key(name) not in places and not self._names_a_place(definite, name):
            return None
        return name if self.is_topic(name) else None

    def _names_a_place(self, adjective: str, name: str) -> bool:
        """Whether the name an adjective is made from is a place's: one the site hardly
        ever writes otherwise (not العالم, also written عالم), and, for a name with the
        article, one whose people the site names in the plural (الكويتيون, العراقيين;
        not الإنسان of الإنسانية, nor الطب of الطبية, nor الجو of الجوية)."""
        if self._takes_article_both_ways(name, _SHORT_NAME_SHARE):
            return False
        stem = adjective[2:].removesuffix("ه").removesuffix("ي")
        people = self.count(f"ال{stem}يون") + self.count(f"ال{stem}يين")
        uses = self.count(f"ال{stem}ي") + self.count(f"ال{stem}يه")
        return not name.startswith(f"ال{stem}") or people >= _PEOPLE_SHARE * uses


def is_adjective_shaped(word: str) -> bool:
    """A word with the article and the ending of a relation adjective (العربية, الأمريكي)."""
    return word.startswith("ال") and word.endswith(("ي", "يه"))


def _definite_singular(token: str) -> str:
    """A word of the shape of a relation adjective in its definite singular (كويتي,
    الكويتيون and الكويتيين: الكويتي)."""
    for plural in ("يون", "يين"):
        if token.endswith(plural) and len(token) > len(plural) + 2:
            token = token[: -len(plural)] + "ي"
            break
    return token if token.startswith("ال") else "ال" + token


def _adjective_name(token: str, count: Callable[[str], int]) -> str | None:
    """The name a word of the shape of a relation adjective is made from (المصري: مصر),
    when the site writes that name often enough beside it; else, for a masculine one, a
    name that is the adjective's feminine (السعودي: السعودية)."""
    match = _RELATION_ADJECTIVE.fullmatch(token)
    if match is None:
        return None
    least = count(token) * _NAME_OF_ADJECTIVE_SHARE
    frequency, name = max((count(name), name) for name in _names_of_stem(match[1]))
    if frequency >= least:
        return name
    feminine = f"ال{match[1]}يه"
    return feminine if token.endswith("ي") and count(feminine) >= least else None


def _peoples(frequency: Counter[str]) -> dict[str, str]:
    """The two case forms (الحوثيون, الحوثيين) of each people, group or movement that a
    relation adjective names by itself (الحوثي, whose stem no name of the site has): each
    read as the more frequent. The plural of such an adjective is the name of those who
    bear it, as a country's name is for its adjective (التونسي: تونس); written with the
    article nearly always, where a common adjective also describes (سياسي, سياسيون)."""
    found = {}
    for token, count in frequency.items():
        if not token.endswith("ي") or count < _MIN_EVIDENCE or not token.startswith("ال"):
            continue
        stem = token[2:-1]
        if len(stem) < 2 or max(map(frequency.__getitem__, _names_of_stem(stem))) >= (
            _NAME_OF_ADJECTIVE_SHARE * count
        ):
            continue
        plurals = (token + "ين", token + "ون")
        plural = sum(frequency.get(form, 0) for form in plurals)
        indefinite = sum(frequency.get(form[2:], 0) for form in (token, *plurals))
        if plural >= _PEOPLE_PLURAL_SHARE * count and indefinite < _COMMON_NOUN_SHARE * (
            count + plural + indefinite
        ):
            people = max(plurals, key=lambda form: (frequency.get(form, 0), form))
            found.update(dict.fromkeys(plurals, people))
    return found


def _relation_adjectives(frequency: Counter[str]) -> frozenset[str]:
    """The site's most frequent relation adjectives."""
    shaped = (token for token in frequency if token.startswith("ال") and token[-1] in "يه")
    found = [(-frequency[token], token) for token in shaped]
    found = [pair for pair in found if _adjective_name(pair[1], frequency.__getitem__)]
    return frozenset(token for _, token in sorted(found)[:_ADJECTIVES_LOOKED_AT])


@dataclass(frozen=True, slots=True)
class _Pairs:
    """What one pass over the phrases of two articles or more tells (see ``Corpus``)."""

    owners: dict[str, Counter[str]]
    followers: dict[str, tuple[str, ...]]
    genitives: dict[str, tuple[int, int]]
    held: Counter[str]


def _pairs_read(document_frequency: Counter[str], adjectives: frozenset[str]) -> _Pairs:
    """One pass over the phrases of two articles or more: each phrase the site writes
    before one of ``adjectives``, with those adjectives and their articles
    (``Corpus.owners``), the words after each word and each phrase of two
    (``Corpus.followers``), the definite nouns after each word without the article
    (``Corpus.genitives``: a word of the shape of a relation adjective, الإنجليزي, is
    taken for one), and the longer names that hold each name starting with بن or آل
    (``Corpus.held``)."""
    owners: dict[str, Counter[str]] = defaultdict(Counter)
    after: dict[str, list[tuple[int, str]]] = defaultdict(list)
    genitives: dict[str, tuple[int, int]] = {}
    held: Counter[str] = Counter()
    for phrase, articles in document_frequency.items():
        if articles > 1:
            head, space, last = phrase.rpartition(" ")
            if not space:
                continue
            if last in adjectives:
                owners[head][last] = articles
            if " " in head:
                middle = head.partition(" ")[2]
                if " " not in middle:
                    after[head].append((-articles, last))
                    if _is_particle(middle):
                        held[f"{middle} {last}"] += articles
                continue
            after[_without_article(head)].append((-articles, last))
            definite_noun = last.startswith("ال") and len(last) > 2  # not آل, read ال
            if definite_noun and not head.startswith("ال") and not is_adjective_shaped(last):
                total, nouns = genitives.get(head, (0, 0))
                genitives[head] = (total + articles, nouns + 1)
    followers = {
        head: tuple(word for _, word in heapq.nsmallest(_FOLLOWERS_LOOKED_AT, words))
        for head, words in after.items()
    }
    return _Pairs(owners, followers, genitives, held)


def _is_particle(word: str) -> bool:
    """بن or آل (read ال): words inside Arabic names that want the name after them."""
    return word in _NAME_PARTICLES


def _names_of_stem(stem: str) -> tuple[str, ...]:
    """The forms a name takes beside its relation adjective's stem (مصر, اسبانيا,
    البرازيل)."""
    return (stem, stem + "ا", stem + "يا", "ال" + stem)


def _reading(token: str, frequency: Mapping[str, int]) -> str:
    """The most frequent of the token's readings with proclitics read off (لكرة: كرة,
    بالسجن: السجن, وبكين: بكين rather than كين). Names whose first letter looks like a
    proclitic (بكين, لبنان) are more frequent than what is left without it."""
    readings = clitic_readings(token)
    return max(reversed(readings), key=lambda reading: frequency.get(reading, 0))


def _is_untopical(token: str) -> bool:
    """Stop words, and words with an attached pronoun (دورها، إصلاحاتهم): "her role"
    is never the subject of a story."""
    return is_stop_word(token) or bool(_PRONOUN_SUFFIX.search(token))


def with_one_copy(words: Iterable[Words]) -> tuple[Words, ...]:
    """The articles' words with one string for each distinct word: a site of 30,000
    articles writes some 200,000 distinct words 7 million times, and a string for each
    time was a third of tagging's memory."""
    copies: dict[str, str] = {}
    one = copies.setdefault
    return tuple(([one(w, w) for w in title], [one(w, w) for w in lead]) for title, lead in words)


def article_words(article: Article) -> Words:
    """The written words of the title and of the lead of the body, an empty string
    between clauses and at the end. Nothing else of an article's text is read for tags,
    so an edit further down the body leaves its tags as they were."""
    limit = _BODY_WORDS * _CHARACTERS_PER_WORD
    # only the lead is read: the markup is cut first (twice the text's length leaves room
    # for the tags), so a long body costs no more than a short one
    body = html_to_text(article.body_html[: 2 * limit]) if article.body_html else article.summary
    lead = body if len(body) <= limit else body[:limit].rpartition(" ")[0]
    return [*written_words(article.title), ""], [*written_words(lead), ""]


def _next_to_numbers(words: list[str], tokens: list[str], numbers: set[str]) -> set[str]:
    """The tokens of one article written right before or after a number."""
    found = set()
    for at in (at for at, word in enumerate(words) if word in numbers):
        found.update(tokens[at - 1 : at + 2 : 2] if at else tokens[1:2])
    found.discard("")
    return found


def pairs_by_word(text: Text) -> dict[str, list[str]]:
    """The article's two-word phrases, under each of their words."""
    found: dict[str, list[str]] = defaultdict(list)
    for phrase in text.counts:
        first, space, second = phrase.partition(" ")
        if space and " " not in second:
            found[first].append(phrase)
            if second != first:
                found[second].append(phrase)
    return found


def _phrases(tokens: list[str], joined: list[bool]) -> Counter[str]:
    """Every run of one to three words without a stop word or clause boundary in it
    (those are empty strings in ``tokens``, which ends with one), and with a joined
    proclitic on its first word only: «عملية عسكرية عراقية للقضاء على» and «الانقلاب
    الفاشل وأردوغان» end a phrase before the last word."""
    pairs = [
        f"{a} {b}" if a and b and not later else ""
        for (a, b), later in zip(itertools.pairwise(tokens), joined[1:], strict=False)
    ]
    triples = [
        f"{ab} {c}"
        for ab, c, later in zip(pairs, tokens[2:], joined[2:], strict=False)
        if ab and c and not later
    ]
    found = Counter([token for token in tokens if len(token) > 2] + pairs + triples)
    del found[""]
    return found


def tf_idf(text: Text, phrase: str, frequency: int, total: int, known: bool) -> float:
    """TF-IDF of a phrase in one article, among ``total`` articles of which ``frequency``
    have it; higher for a title occurrence and for a phrase given as a tag elsewhere. The
    rarity weighs by its square root: a name in thousands of articles, in the headline
    and five times in the lead (ترامب), must stay above a rare word said once."""
    weight = text.counts[phrase] + _TITLE_BONUS * text.title[phrase]
    return (
        weight * math.sqrt(math.log(1 + total / frequency)) * (_KNOWN_TAG_BONUS if known else 1.0)
    )


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


def repeats(one: str, other: str) -> bool:
    """Whether two phrases share a run of words, the article aside (قرية, القرية;
    مؤشر أسعار, أسعار المستهلكين)."""
    return _overlaps(_bare(one), _bare(other))


def family_key(phrase: str) -> str:
    """The key a phrase shares with its definite and indefinite forms (الانتخابات,
    انتخابات): one tag, not two pages."""
    return " ".join(_bare(phrase))


def _bare(phrase: str) -> tuple[str, ...]:
    """The words without the article, to tell that قرية and القرية repeat each other.

    Match keys write أل as ال, so ألماني and الألماني read as الماني and الالماني: the
    article is taken off as long as it can be, and both come to ماني."""
    return tuple(map(_without_article, phrase.split()))


def _with_and_without_article(word: str) -> tuple[str, str]:
    bare = _without_article(word)
    return bare, "ال" + bare


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
