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


def _from(article_id: str, moment: datetime, source: str) -> Article:
    return Article(
        id=article_id,
        slug=article_id,
        title=article_id,
        published=moment,
        source=source,
        origin="o",
    )


def test_stories_reported_by_more_sources_come_first_then_the_newest() -> None:
    at = [datetime(2023, 9, 13, hour, 0, tzinfo=UTC) for hour in range(8)]
    articles = {
        a.id: a
        for a in (
            _from("newest-alone", at[7], "a"),
            _from("early-three", at[1], "a"),
            _from("early-three-b", at[2], "b"),
            _from("early-three-c", at[3], "c"),
            _from("late-two", at[5], "a"),
            _from("late-two-b", at[6], "b"),
            _from("earlier-two", at[0], "a"),
            _from("earlier-two-b", at[4], "b"),
            _from("one-source-twice", at[6], "c"),
            _from("one-source-twice-c", at[7], "c"),
        )
    }
    stories = [
        Story("newest-alone"),
        Story("earlier-two", ("earlier-two-b",)),
        Story("one-source-twice", ("one-source-twice-c",)),
        Story("early-three", ("early-three-b", "early-three-c")),
        Story("late-two", ("late-two-b",)),
    ]
    (digest,) = group_into_digests(stories, articles, ZoneInfo("UTC"))
    assert [s.headline for s in digest.stories] == [
        "early-three",
        "late-two",
        "earlier-two",
        "newest-alone",
        "one-source-twice",  # two versions, but one source: ranked as one source
    ]
