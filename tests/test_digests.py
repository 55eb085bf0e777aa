from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from generator.digests import group_into_digests
from generator.model import Article, Story


def _article(article_id: str, moment: datetime) -> Article:
    return Article(
        id=article_id, slug=article_id, title=article_id, published=moment, source="s", origin="o"
    )


def test_stories_fall_on_their_local_day_newest_first() -> None:
    articles = {
        a.id: a
        for a in (
            _article("late", datetime(2023, 9, 13, 22, 0, tzinfo=UTC)),  # 14th in Riyadh
            _article("morning", datetime(2023, 9, 13, 6, 0, tzinfo=UTC)),
            _article("noon", datetime(2023, 9, 13, 9, 0, tzinfo=UTC)),
            _article("tie", datetime(2023, 9, 13, 9, 0, tzinfo=UTC)),
        )
    }
    stories = [Story(i) for i in ("morning", "tie", "late", "noon")]
    digests = group_into_digests(stories, articles, ZoneInfo("Asia/Riyadh"))
    assert [d.date for d in digests] == [date(2023, 9, 14), date(2023, 9, 13)]
    assert [s.headline for s in digests[1].stories] == ["noon", "tie", "morning"]
    utc = group_into_digests(stories, articles, ZoneInfo("UTC"))
    assert [d.date for d in utc] == [date(2023, 9, 13)]
