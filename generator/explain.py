"""``digest explain``: why an article has its tags, its related links and its other versions.

Tags, "اقرأ أيضاً" links and same-story grouping are computed, not written by hand, so
a surprising result needs its reasons shown: the site is computed as ``digest build
--offline`` computes it, nothing is written, and the numbers each stage decided by are
printed, with the lines of ``config.yaml`` that would drop or merge a tag.
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

import yaml

from .build import SiteData, compute_site
from .config import SiteConfig, TagsConfig, load_config
from .dedupe import similar_pairs
from .model import Article, Site, Tag
from .normalize import display_form, strip_clitics, word_keys, written_words
from .related import shared
from .report import EXIT_OK, Count, error
from .slugs import slugify
from .spellings import skeleton
from .tags import PhraseScore, given_spellings, phrase_scores, tag_key, window_of
from .textindex import article_text

_SUGGESTIONS = 3  # close names offered for a PAGE that names no article
# The endings of a relation adjective, as a tag key writes them (كويتي, مصريه, يمنيين).
_ADJECTIVE_ENDING = re.compile(r"(?:يون|يين|يه|ي)$")


@dataclass(frozen=True, slots=True)
class TagReason:
    tag: Tag
    articles: int  # the site's articles carrying it
    has_page: bool
    given_by: str  # where the given spellings come from; empty for an extracted tag
    given: tuple[str, ...]  # the spellings given
    extracted: PhraseScore | None
    other_form: bool  # the phrase extracted is another form of the tag (مارادونا, كويتي)
    drop: str  # config.yaml lines that drop the tag
    merge: str  # config.yaml lines that merge it into a tag it overlaps; empty if none
    merge_into: str  # that tag's label
    window: str  # what an extracted phrase was scored against: "site", or its month (2023-09)


@dataclass(frozen=True, slots=True)
class LinkReason:
    article: Article
    named: bool  # written under related: in the front matter
    score: float
    words: tuple[str, ...]  # as the article spells them
    tags: tuple[str, ...]  # labels


@dataclass(frozen=True, slots=True)
class Version:
    article: Article
    similarity: float | None  # None: matched through another version, not directly
    through: Article | None


@dataclass(frozen=True, slots=True)
class Explanation:
    article: Article
    tags: tuple[TagReason, ...]
    related: tuple[LinkReason, ...]
    same_story: tuple[Version, ...]


def run(site_dir: Path, page: str | None, *, as_json: bool) -> int:
    """Explain one article (``page``), or list the site's same-story groups."""
    config = load_config(site_dir)
    data = compute_site(config, now=datetime.now(UTC), offline=True, keep=False)
    zone = config.tz
    if page is None:
        groups = story_groups(data.site)
        print(_json(_stories_json(groups)) if as_json else "\n".join(_story_lines(groups, zone)))
        return EXIT_OK
    article = find_article(data.site, page)
    if article is None:
        return error(_unknown(data.site, page))
    explanation = explain(data, article)
    print(
        _json(_explanation_json(explanation, zone))
        if as_json
        else "\n".join(_lines(explanation, zone))
    )
    return EXIT_OK


# --- finding the article ---------------------------------------------------------------


def find_article(site: Site, page: str) -> Article | None:
    """The article a PAGE argument names: its file, slug, address on the site or original."""
    names = _names(site)
    for form in _forms(page, site):
        if form in names:
            return site.articles[names[form]]
    return None


def _names(site: Site) -> dict[str, str]:
    """Every name an article answers to, to its id."""
    names: dict[str, str] = {}
    for article in site.articles.values():
        saved = (
            (article.origin, Path(article.origin).name) if article.origin.endswith(".md") else ()
        )
        for name in (unquote(article.url), article.id, *saved):
            names.setdefault(name, article.id)
    for article in site.articles.values():  # a slug wins over another article's file name
        names[article.slug] = article.id
    names.pop("", None)
    return names


def _forms(page: str, site: Site) -> Iterator[str]:
    """What PAGE may be written as: itself, a file of the site folder, an address of the
    site (absolute, or a site path such as articles/slug/), a title."""
    text = unicodedata.normalize("NFC", unquote(page.strip()))
    yield text
    path, root = Path(text).resolve(), site.config.root.resolve()
    if path.is_file() and path.is_relative_to(root):
        yield path.relative_to(root).as_posix()
    address = urlsplit(text).path if "://" in text else text
    address = address.removesuffix("index.html")
    if "articles/" in address:  # articles/x/, and site/articles/x/index.html too
        yield address.rpartition("articles/")[2].strip("/")
    yield slugify(text)


def _unknown(site: Site, page: str) -> str:
    """The error for a PAGE that names no article, with the names closest to it."""
    names = _names(site)
    close = difflib.get_close_matches(page.strip(), sorted(names), n=_SUGGESTIONS, cutoff=0.5)
    slugs = dict.fromkeys(site.articles[names[name]].slug for name in close)
    hint = f"; did you mean {' or '.join(slugs)}?" if slugs else ""
    return (
        f"'{page}' is no article of this site: give its file name in content/articles/, "
        f"its slug or its address{hint}"
    )


# --- the reasons -----------------------------------------------------------------------


def explain(data: SiteData, article: Article) -> Explanation:
    """The reasons behind one article's tags, links and versions, from the computed site."""
    site = data.site
    return Explanation(
        article,
        _tag_reasons(data, article),
        _link_reasons(site, article),
        _versions(site, article),
    )


def _tag_reasons(data: SiteData, article: Article) -> tuple[TagReason, ...]:
    site = data.site
    config = site.config.tags
    given = given_spellings(article, config)
    extracted = any(tag.key not in given for tag in article.tags)
    zone = site.config.tz
    scores = phrase_scores(data.tagged, config, article.id, zone) if extracted else {}
    everywhere = {tag.key: tag for a in data.tagged for tag in a.tags}
    with_page = {tag.key for tag in site.tags}
    window = window_of(article, config, zone)
    reasons = []
    for tag in article.tags:
        other = _overlapping(tag, everywhere.values(), site.tag_index)
        phrase = None if tag.key in given else scores.get(tag.key)
        written_as = _written_as(tag.key, scores) if tag.key not in given and not phrase else None
        reasons.append(
            TagReason(
                tag=tag,
                articles=len(site.tag_index.get(tag.key, ())),
                has_page=tag.key in with_page,
                given_by=_given_by(article, given.get(tag.key, ()), site.config),
                given=given.get(tag.key, ()),
                extracted=phrase or written_as,
                other_form=written_as is not None,
                drop=_yaml({"ignore": [*config.ignore, tag.label]}),
                merge=_yaml({"aliases": _merged(config, other, tag)}) if other else "",
                merge_into=other.label if other else "",
                window=window,
            )
        )
    return tuple(reasons)


def _written_as(key: str, scores: Mapping[str, PhraseScore]) -> PhraseScore | None:
    """The article's best-scoring phrase that stands for an extracted tag it writes no
    other way: a shorter or longer form of the name (مارادونا for دييغو مارادونا,
    الحديدة for مدينة الحديدة), another spelling (ترمب for ترامب), or the name's adjective
    (كويتي for الكويت); none when there is no such phrase."""
    words, bones = set(key.split()), skeleton(key)
    forms = [
        found
        for phrase_key, found in scores.items()
        if not words.isdisjoint(phrase_key.split())
        or skeleton(phrase_key) == bones
        or _ADJECTIVE_ENDING.sub("", phrase_key) == key
    ]
    return max(forms, key=lambda found: (found.score, found.phrase), default=None)


def _given_by(article: Article, spellings: tuple[str, ...], config: SiteConfig) -> str:
    if not spellings:
        return ""
    feed = next((feed for feed in config.feeds if feed.url == article.origin), None)
    if feed is None:
        return "the front matter"
    if all(name in feed.tags for name in spellings):
        return "the feed's tags in config.yaml"
    return "the feed's categories"


def _overlapping(
    tag: Tag, others: Iterable[Tag], tag_index: Mapping[str, tuple[Article, ...]]
) -> Tag | None:
    """The tag of the site most worth merging this one into: one whose words hold all of
    this tag's words (كوريا, كوريا الشمالية), the most carried first."""
    words = set(tag.key.split())
    close = [other for other in others if other.key != tag.key and words < set(other.key.split())]
    return min(close, key=lambda o: (-len(tag_index.get(o.key, ())), o.label), default=None)


def _merged(config: TagsConfig, into: Tag, tag: Tag) -> dict[str, list[str]]:
    """The aliases entry that merges ``tag`` into ``into``, keeping its synonyms."""
    for name, synonyms in config.aliases.items():
        if tag_key(name) == into.key:
            return {name: [*synonyms, tag.label]}
    return {into.label: [tag.label]}


def _yaml(tags: dict[str, Any]) -> str:
    return yaml.safe_dump(
        {"tags": tags}, allow_unicode=True, default_flow_style=None, sort_keys=False, width=10**6
    ).rstrip("\n")


def _link_reasons(site: Site, article: Article) -> tuple[LinkReason, ...]:
    others = [site.articles[i] for i in article.related]
    why = shared(list(site.articles.values()), site.config.related, article.id, article.related)
    labels = {tag.key: tag.label for a in site.articles.values() for tag in a.tags}
    return tuple(
        LinkReason(
            article=other,
            named=other.id in article.explicit_related,
            score=why[other.id].score,
            words=tuple(_spelled(why[other.id].words, article, other)),
            tags=tuple(labels[key] for key in why[other.id].tags),
        )
        for other in others
    )


def _spelled(stems: tuple[str, ...], *articles: Article) -> Iterator[str]:
    """Words as compared (match keys without proclitics) as the articles write them: the
    shortest way, which is the one with the fewest joined proclitics (كوريا, not وكوريا)."""
    spellings: dict[str, str] = {}
    for article in articles:
        words = [w for w in written_words(f"{article.title}\n{article_text(article)}") if w]
        for word, key in zip(words, word_keys(words), strict=True):
            stem, shown = strip_clitics(key), display_form(word)
            if key and len(shown) < len(spellings.get(stem, shown + " ")):
                spellings[stem] = shown
    return (spellings.get(stem, stem) for stem in stems)


def _versions(site: Site, article: Article) -> tuple[Version, ...]:
    """The other versions of the article's story, each with the similarity it was matched
    by, or the version through which it joined the story."""
    if not article.same_story:
        return ()
    group = {article.id, *article.same_story}
    matched: dict[str, dict[str, float]] = defaultdict(dict)
    # compared among all the site's articles, as the build compares them: how rare a
    # word is depends on the whole site, not on the story's few versions
    for one, other, similarity in similar_pairs(
        sorted(site.articles.values(), key=lambda a: a.id), site.config.same_story
    ):
        if one in group and other in group:
            matched[one][other] = matched[other][one] = similarity
    previous = _paths(article.id, matched)
    return tuple(
        Version(
            article=site.articles[member],
            similarity=matched[article.id].get(member),
            through=None
            if member in matched[article.id] or member not in previous
            else site.articles[previous[member]],
        )
        for member in article.same_story
    )


def _paths(start: str, matched: Mapping[str, Mapping[str, float]]) -> dict[str, str]:
    """Each version reached from ``start`` through matched pairs, to the one before it."""
    previous: dict[str, str] = {}
    waiting = deque([start])
    while waiting:
        node = waiting.popleft()
        for other in sorted(matched[node]):
            if other != start and other not in previous:
                previous[other] = node
                waiting.append(other)
    return previous


# --- the same-story groups -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StoryGroup:
    date: str  # the digest's day, in the site's time zone
    articles: tuple[Article, ...]  # the headline first


def story_groups(site: Site) -> tuple[StoryGroup, ...]:
    """Every story told by more than one source, newest digest first."""
    return tuple(
        StoryGroup(
            digest.slug,
            tuple(site.articles[i] for i in (story.headline, *story.also_reported_by)),
        )
        for digest in site.digests
        for story in digest.stories
        if story.also_reported_by
    )


# --- what is printed -------------------------------------------------------------------


def _story_lines(groups: tuple[StoryGroup, ...], zone: ZoneInfo) -> Iterator[str]:
    if not groups:
        yield "No story of this site was reported by more than one source."
    for group in groups:
        yield f"{group.date}: one story, {Count(len(group.articles), 'version')}"
        for article in group.articles:
            yield f"  {article.slug}"
            yield f"    {article.title}"
            yield f"    {article.source}, {_when(article, zone)}"
            yield f"    {article.url or '(no original address)'}"


def _stories_json(groups: tuple[StoryGroup, ...]) -> list[dict[str, Any]]:
    return [
        {
            "date": group.date,
            "articles": [
                {"slug": a.slug, "title": a.title, "source": a.source, "url": a.url}
                for a in group.articles
            ],
        }
        for group in groups
    ]


def _lines(explanation: Explanation, zone: ZoneInfo) -> Iterator[str]:
    article = explanation.article
    yield f"{article.slug}: {article.title}"
    yield f"  {article.source}, {_when(article, zone)}, from {article.origin}"
    yield ""
    yield f"Tags ({len(explanation.tags)}):" if explanation.tags else "Tags: none"
    for reason in explanation.tags:
        yield from _tag_lines(reason)
    yield ""
    yield (
        f"Related stories ({len(explanation.related)}):"
        if explanation.related
        else "Related stories: none scores min_score or more"
    )
    for link in explanation.related:
        named = "named under related: in the front matter; " if link.named else ""
        yield f"  {link.article.slug}: {link.article.title}"
        yield f"    {named}score {link.score:.3f}"
        yield f"    shared words: {', '.join(link.words) or 'none'}"
        yield f"    shared tags: {', '.join(link.tags) or 'none'}"
    yield ""
    yield (
        f"Same story ({Count(len(explanation.same_story), 'other version')}):"
        if explanation.same_story
        else "Same story: no other source's version"
    )
    for version in explanation.same_story:
        other = version.article
        yield f"  {other.slug}: {other.title}"
        yield f"    {other.source}, {_when(other, zone)}"
        if version.similarity is not None:
            yield f"    similarity {version.similarity:.3f}"
        elif version.through is not None:
            yield f"    joined the story through {version.through.slug}"


def _among(window: str) -> str:
    return "the site" if window == "site" else f"its month ({window})"


def _tag_lines(reason: TagReason) -> Iterator[str]:
    tag = reason.tag
    page = "has a page" if reason.has_page else "no page: too few articles (min_articles)"
    yield f"  {tag.label}  (key: {tag.key}; on {Count(reason.articles, 'article')}, {page})"
    if reason.given:
        yield f"    given in {reason.given_by} as: {', '.join(reason.given)}"
    elif reason.extracted is not None:
        phrase = reason.extracted
        known = ", doubled as a tag given elsewhere" if phrase.known else ""
        if reason.other_form:
            yield (
                f"    written in the article as '{phrase.phrase}', another form of it "
                "(a shorter or longer form, another spelling, or its adjective)"
            )
        yield (
            f"    extracted: the phrase '{phrase.phrase}' appears {Count(phrase.count, 'time')} "
            f"({phrase.in_title} in the title), in {Count(phrase.articles, 'article')} "
            f"of {_among(reason.window)}; score {phrase.score:.2f}{known}"
        )
        if phrase.place:
            yield (
                "    a country or city the headline names: a tag even when no other "
                "article names it"
            )
    yield "    to drop it, put in config.yaml (this ignore: line replaces yours):"
    yield from _indented(reason.drop)
    if reason.merge:
        yield f"    to merge it into '{reason.merge_into}', put in config.yaml:"
        yield from _indented(reason.merge)


def _indented(text: str) -> Iterator[str]:
    return (f"      {line}" for line in text.splitlines())


def _explanation_json(explanation: Explanation, zone: ZoneInfo) -> dict[str, Any]:
    return {
        "article": {**_article_json(explanation.article, zone), "from": explanation.article.origin},
        "tags": [
            {
                "label": reason.tag.label,
                "key": reason.tag.key,
                "articles": reason.articles,
                "page": reason.has_page,
                "given": {"by": reason.given_by, "as": list(reason.given)}
                if reason.given
                else None,
                "extracted": _phrase_json(reason),
                "fix": {"drop": reason.drop, "merge": reason.merge or None},
            }
            for reason in explanation.tags
        ],
        "related": [
            {
                **_article_json(link.article, zone),
                "named": link.named,
                "score": round(link.score, 4),
                "words": list(link.words),
                "tags": list(link.tags),
            }
            for link in explanation.related
        ],
        "same_story": [
            {
                **_article_json(version.article, zone),
                "similarity": None if version.similarity is None else round(version.similarity, 4),
                "through": version.through.slug if version.through else None,
            }
            for version in explanation.same_story
        ],
    }


def _article_json(article: Article, zone: ZoneInfo) -> dict[str, str]:
    return {
        "slug": article.slug,
        "title": article.title,
        "source": article.source,
        "url": article.url,
        "date": article.published.astimezone(zone).isoformat(),
    }


def _phrase_json(reason: TagReason) -> dict[str, Any] | None:
    phrase = reason.extracted
    if phrase is None:
        return None
    return {
        "phrase": phrase.phrase,
        "other_form": reason.other_form,
        "count": phrase.count,
        "in_title": phrase.in_title,
        "articles": phrase.articles,
        "known_tag": phrase.known,
        "score": round(phrase.score, 4),
        "place": phrase.place,
        "window": reason.window,
    }


def _when(article: Article, zone: ZoneInfo) -> str:
    return article.published.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)
