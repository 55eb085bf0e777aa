"""The saved-article format: what the writer writes, the reader reads back, with lines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from generator import frontmatter

RIYADH = ZoneInfo("Asia/Riyadh")


def test_written_fields_read_back_in_the_formats_order() -> None:
    published = datetime(2023, 9, 13, 9, 0, tzinfo=timezone(timedelta(hours=3)))
    text = frontmatter.write(
        {
            "source_inherited": True,
            "related": ["صاروخ-جديد", "Two_Story"],
            "tags": ["بوتين", "كوريا الشمالية"],
            "date": published,
            "title": "بوتين: يلتقي كيم",
        },
        "نص المقال",
    )
    assert text.splitlines() == [
        "---",
        "title: 'بوتين: يلتقي كيم'",
        "date: 2023-09-13T09:00:00+03:00",
        "tags: [بوتين, كوريا الشمالية]",
        "related: [صاروخ-جديد, Two_Story]",
        "source_inherited: true",
        "---",
        "نص المقال",
    ]
    front = frontmatter.read(text, "content/articles/a.md")
    assert front.required_text("title") == "بوتين: يلتقي كيم"
    assert front.moment("date", RIYADH) == published.astimezone(UTC)
    assert front.text_list("tags") == ("بوتين", "كوريا الشمالية")
    assert front.warnings == ()  # a note field is known, not reported
    assert front.body == "نص المقال"


def test_a_field_the_reader_does_not_know_is_not_written() -> None:
    with pytest.raises(ValueError, match="tagz"):
        frontmatter.write({"title": "t", "tagz": ["x"]}, "")


def test_list_entries_keep_their_lines() -> None:
    text = "---\ntitle: t\nrelated:\n  - one\n  - two\ntags: أ، ب, ج\n---\n"
    front = frontmatter.read(text, "a.md")
    assert front.entries("related") == (
        frontmatter.Entry("one", 4),
        frontmatter.Entry("two", 5),
    )
    assert front.entries("tags") == tuple(frontmatter.Entry(v, 6) for v in ("أ", "ب", "ج"))
    assert front.entries("lang") == ()


def test_a_date_without_an_offset_is_in_the_given_zone() -> None:
    front = frontmatter.read("---\ndate: 2023-09-13\n---\n", "a.md")
    assert front.moment("date", RIYADH) == datetime(2023, 9, 12, 21, 0, tzinfo=UTC)
