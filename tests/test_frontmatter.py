"""The saved-article format: what the writer writes, the reader reads back, with lines."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import yaml

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


_SAMPLES = (
    "title: بوتين يلتقي كيم\ndate: 2023-09-13T09:00:00+03:00\nsource: صحيفة المناطق\n"
    "url: https://example.com/a?b=1\ntags: [بوتين, روسيا]\nrelated:\n  - صاروخ-جديد\n",
    'title: "عنوان: بين علامتي تنصيص"\ndate: 2023-09-11\ntags: أ، ب, ج\nlang: en\ndir: ltr\n',
    "title: Kim arrives\n  in Russia\ndate: 2023-09-12\ntagz: [x]\n",
)
_INSERTED = [
    *":-[]{},#&*!|>'\"%@`?\\ \t\n\r\x85\u2028\u2029\ufeff\x00\x07\x7f\u200f،",
    "\n  ",
    "\n- ",
]


def _outcome(text: str) -> tuple:
    """What a reader of the file gets: each field's value and lines, warnings and body, or
    the error's line and message."""

    def shape(node: yaml.Node | tuple) -> tuple:
        if isinstance(node, tuple):  # a key and its value
            return tuple(map(shape, node))
        inner = node.value if isinstance(node, yaml.ScalarNode) else tuple(map(shape, node.value))
        return type(node).__name__, node.tag, node.start_mark.line, inner

    try:
        front = frontmatter.read(text, "a.md")
    except frontmatter.FrontMatterError as error:
        return error.line, error.message
    fields = {name: shape(node) for name, node in front.fields.items()}
    return fields, front.warnings, front.body, front.line("title")


def test_libyaml_reads_a_file_as_pyyaml_does(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(7)
    texts = []
    for sample in _SAMPLES * 300:
        chars = list(sample)
        for _ in range(rng.randint(1, 3)):
            chars.insert(rng.randrange(len(chars) + 1), rng.choice(_INSERTED))
        texts.append(f"---\n{''.join(chars)}---\nنص\n")
    quick = [_outcome(text) for text in texts]
    monkeypatch.setattr(frontmatter, "_FAST_LOADER", yaml.SafeLoader)
    assert quick == [_outcome(text) for text in texts]
