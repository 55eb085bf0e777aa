"""Stories grouped into daily digests by their local date in the site's time zone, and each
day laid out as a news site's page of the day: its top stories, then its sections.

What many outlets carried is the day's main news, so stories reported by more sources
rank first, then the newest. The top stories open the page; every other story goes to
the section of its first category that ``sections:`` in ``config.yaml`` names, or to a
last section for the rest, so each story appears once. A story's anchor on the page comes
from its first version, which a version arriving later does not change: a link to a
story keeps leading to it as other sources report it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from .leads import lead_sentence
from .model import Article, Digest, Story, newest_first
from .normalize import match_key

TOP_STORIES = 5  # what a reader takes in before choosing a section


@dataclass(frozen=True, slots=True)
class Entry:
    """One story as a day's page shows it."""

    story: Story
    anchor: str  # its id on the page, from its first version: see the module docstring
    lead: str  # the first sentence of the headline article, plain text; may be empty


@dataclass(frozen=True, slots=True)
class Section:
    name: str
    entries: tuple[Entry, ...]


@dataclass(frozen=True, slots=True)
class Edition:
    """A digest laid out for its page: the top stories, then the non-empty sections in the
    order of ``config.yaml``, the section of the others last."""

    digest: Digest
    top: tuple[Entry, ...]
    sections: tuple[Section, ...]


def group_into_digests(
    stories: Sequence[Story], articles: Mapping[str, Article], zone: ZoneInfo
) -> tuple[Digest, ...]:
    """Newest day first; inside a day, the stories ranked by ``rank_stories``."""
    by_day: dict[date, list[Story]] = defaultdict(list)
    for story in stories:
        by_day[articles[story.headline].published.astimezone(zone).date()].append(story)
    return tuple(
        Digest(date=day, stories=rank_stories(day_stories, articles))
        for day, day_stories in sorted(by_day.items(), reverse=True)
    )


def rank_stories(stories: Iterable[Story], articles: Mapping[str, Article]) -> tuple[Story, ...]:
    """Reported by more sources first (a source that ran a story twice counts once), then
    the newest, ties by id."""

    def rank(story: Story) -> tuple[int, float, str]:
        sources = {articles[i].source for i in (story.headline, *story.also_reported_by)}
        return (-len(sources), *newest_first(articles[story.headline]))

    return tuple(sorted(stories, key=rank))


def story_anchor(story: Story, articles: Mapping[str, Article]) -> str:
    """``story-`` and the slug of the story's first version: the earliest published, then
    the smallest id."""
    versions = (articles[i] for i in (story.headline, *story.also_reported_by))
    first = min(versions, key=lambda article: (article.published, article.id))
    return f"story-{first.slug}"


def category_sections(sections: Mapping[str, Sequence[str]]) -> Mapping[str, str]:
    """The match key of each category → its section; a category named by two sections
    belongs to the first. Keys match across spellings (أ or ا, ة or ه, case)."""
    found: dict[str, str] = {}
    for name, categories in sections.items():
        for category in categories:
            found.setdefault(match_key(category), name)
    return found


def section_of(
    story: Story, articles: Mapping[str, Article], by_category: Mapping[str, str]
) -> str | None:
    """The section of the first category that one names (``category_sections``), the
    headline's categories first, then the other versions'; None when none is named."""
    for article_id in (story.headline, *story.also_reported_by):
        for category in articles[article_id].given_tags:
            section = by_category.get(match_key(category))
            if section is not None:
                return section
    return None


def lay_out(
    digest: Digest,
    articles: Mapping[str, Article],
    sections: Mapping[str, Sequence[str]],
    others_name: str,
) -> Edition:
    """The digest's page: its ``TOP_STORIES`` best ranked stories, then the rest by section,
    those of no section under ``others_name``; each section keeps the digest's ranking."""

    def entry(story: Story) -> Entry:
        lead = lead_sentence(articles[story.headline])
        return Entry(story, story_anchor(story, articles), lead)

    top, rest = digest.stories[:TOP_STORIES], digest.stories[TOP_STORIES:]
    by_category = category_sections(sections)
    by_section: dict[str, list[Entry]] = defaultdict(list)
    for story in rest:
        section = section_of(story, articles, by_category) or others_name
        by_section[section].append(entry(story))
    order = dict.fromkeys([*sections, others_name])
    return Edition(
        digest=digest,
        top=tuple(entry(story) for story in top),
        sections=tuple(
            Section(name, tuple(by_section[name])) for name in order if name in by_section
        ),
    )
