"""Spelling variants of one tag (ترامب and ترمب, بوتين and بوتن, إنجلترا and إنكلترا),
learned from how the site's articles use them rather than from a list of names.

Sources transliterate a foreign name each their own way, so one subject gets a tag per
spelling and its articles are split across pages. Two tags are candidates when they have
the same skeleton (their consonants: long vowels, hamza seats and spaces dropped), and
are one tag only with evidence that they are used the same way: the articles carrying
them carry the same other tags (rarer ones weighing more) far more than two such
candidates do by chance, or carry some of the same other tags while coming from
different sources (each source keeps its own house spelling: ترمب, بوتن). Few articles
may carry both: where many do, they are two things (an article naming one spelling twice
is a slip; one naming two people of one skeleton is not). The spelling most articles use
names the tag.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence

# Letters a transliteration adds or leaves out at will inside a word: long vowels and
# hamza seats (a word's last letter stays: there it is grammar, لاعبو and لاعبي).
_VOWELS_AND_SEATS = str.maketrans("", "", "اويىءأإآؤئ")
# The letters a hard g is written with (إنجلترا, إنكلترا).
_HARD_G = str.maketrans("جغ", "كك")
# Consonants a skeleton needs, so that short words do not meet by accident.
_MIN_SKELETON = 3
# The least cosine between two tags' co-occurring tags (weighted by rarity) for them to
# be one: unrelated tags of one field (two football clubs) stay well under it.
_MIN_SIMILARITY = 0.3
# ... or the least cosine when the two spellings come from different sources: unrelated
# candidates share no co-occurring tag at all.
_MIN_SIMILARITY_ACROSS_SOURCES = 0.05
# At most this share of the sources of two spellings in common (the sum over sources of
# the lesser share of each spelling's articles) for them to come from different sources.
_MAX_SOURCE_OVERLAP = 0.2
# Articles each spelling needs before how it is used tells anything.
_MIN_EVIDENCE = 2
# At most this share of the rarer spelling's articles may carry both spellings.
_MAX_BOTH_SHARE = 0.2


def skeleton(key: str) -> str:
    """A tag key without what spellings of one name differ by (ترامب and ترمب: ترمب;
    بيونغ يانغ and بيونغيانغ: بنكنك)."""
    joined = key.replace(" ", "").translate(_HARD_G)
    return joined[:1] + joined[1:-1].translate(_VOWELS_AND_SEATS) + joined[-1:]


def one_spelling(
    chosen: Sequence[tuple[str, ...]],
    sources: Sequence[str],
    fixed: frozenset[str] = frozenset(),
) -> tuple[tuple[str, ...], ...]:
    """Each article's tag keys with every spelling variant replaced by the spelling most
    articles use; ``sources`` are the articles' sources; keys in ``fixed`` (configured
    in ``tags: aliases``) are left alone."""
    variant = spelling_variants(chosen, sources, fixed)
    if not variant:
        return tuple(chosen)
    return tuple(tuple(dict.fromkeys(variant.get(key, key) for key in keys)) for keys in chosen)


def spelling_variants(
    chosen: Sequence[tuple[str, ...]],
    sources: Sequence[str],
    fixed: frozenset[str] = frozenset(),
) -> dict[str, str]:
    """Variant key -> the key of the same tag's most used spelling."""
    carried = Counter(key for keys in chosen for key in set(keys))
    groups: dict[str, list[str]] = defaultdict(list)
    for key, count in carried.items():
        bones = skeleton(key)
        if count >= _MIN_EVIDENCE and len(bones) >= _MIN_SKELETON and key not in fixed:
            groups[bones].append(key)
    groups = {bones: keys for bones, keys in groups.items() if len(keys) > 1}
    if not groups:
        return {}
    wanted = {key for keys in groups.values() for key in keys}
    together: dict[str, Counter[str]] = defaultdict(Counter)
    where: dict[str, Counter[str]] = defaultdict(Counter)
    both: Counter[frozenset[str]] = Counter()
    for keys, source in zip(chosen, sources, strict=True):
        present = set(keys)
        for key in present & wanted:
            together[key].update(present - {key})
            where[key][source] += 1
            both.update(frozenset((key, other)) for other in present & wanted if key < other)
    total = len(chosen)
    rarity = {key: math.log(total / count) for key, count in carried.items()}
    variant: dict[str, str] = {}
    for keys in groups.values():
        # most used first: each other spelling joins the first one it is used like
        keys.sort(key=lambda key: (-carried[key], key))
        for index, key in enumerate(keys):
            for main in keys[:index]:
                carrying_both = both[frozenset((key, main))]
                if main not in variant and carrying_both <= _MAX_BOTH_SHARE * carried[key]:
                    similarity = _similarity(together[key], together[main], rarity)
                    across = _overlap(where[key], where[main]) <= _MAX_SOURCE_OVERLAP
                    least = _MIN_SIMILARITY_ACROSS_SOURCES if across else _MIN_SIMILARITY
                    if similarity < least:
                        continue
                    variant[key] = main
                    break
    return variant


def _overlap(one: Counter[str], other: Counter[str]) -> float:
    """The share of articles two spellings have in common by source: 0 when no source
    writes both, 1 when each source writes both equally often."""
    size, other_size = one.total(), other.total()
    return sum(min(one[s] / size, other[s] / other_size) for s in one.keys() & other.keys())


def _similarity(one: Counter[str], other: Counter[str], rarity: dict[str, float]) -> float:
    """Cosine of two tags' co-occurring tags, each weighted by how rare it is on the site."""
    shared = one.keys() & other.keys()
    if not shared:
        return 0.0
    dot = sum(one[t] * other[t] * rarity[t] ** 2 for t in shared)
    norm = math.sqrt(sum((n * rarity[t]) ** 2 for t, n in one.items())) * math.sqrt(
        sum((n * rarity[t]) ** 2 for t, n in other.items())
    )
    return dot / norm if norm else 0.0
