"""Stories grouped into daily digests by their local date in the site's time zone."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date
from zoneinfo import ZoneInfo

from .model import Article, Digest, Story, newest_first


def group_into_digests(
    stories: Sequence[Story], articles: Mapping[str, Article], zone: ZoneInfo
) -> tuple[Digest, ...]:
    """Newest day first; inside a day, the stories reported by more sources first (what
    many outlets carried is the day's main news), then the newest, ties by id."""
    by_day: dict[date, list[Story]] = defaultdict(list)
    for story in stories:
        by_day[articles[story.headline].published.astimezone(zone).date()].append(story)

    def rank(story: Story) -> tuple[int, float, str]:
        sources = {articles[i].source for i in (story.headline, *story.also_reported_by)}
        return (-len(sources), *newest_first(articles[story.headline]))

    return tuple(
        Digest(date=day, stories=tuple(sorted(day_stories, key=rank)))
        for day, day_stories in sorted(by_day.items(), reverse=True)
    )
