"""Stored analysis results: reused for the same inputs, replaced for new ones, never trusted
when unreadable."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from generator import cache
from generator.config import RelatedConfig


def _counting(calls: list[int]):
    def compute() -> dict[str, list[str]]:
        calls.append(1)
        return {"a": ["ب", "c"]}

    return compute


def test_the_same_inputs_are_computed_once(tmp_path: Path) -> None:
    calls: list[int] = []
    inputs = (1, RelatedConfig(), [("a", datetime(2023, 9, 13, tzinfo=UTC))])
    first = cache.stored(tmp_path, "related", inputs, _counting(calls))
    again = cache.stored(tmp_path, "related", inputs, _counting(calls))
    assert first == again == {"a": ["ب", "c"]}
    assert len(calls) == 1


def test_changed_settings_replace_the_stored_result(tmp_path: Path) -> None:
    calls: list[int] = []
    cache.stored(tmp_path, "related", (1, RelatedConfig()), _counting(calls))
    cache.stored(tmp_path, "other", (1, RelatedConfig()), _counting(calls))
    cache.stored(tmp_path, "related", (1, RelatedConfig(count=2)), _counting(calls))
    assert len(calls) == 3
    assert len(list(tmp_path.glob("related-*.json"))) == 1  # replaced, not piled up
    assert len(list(tmp_path.glob("other-*.json"))) == 1  # another name is left alone


def test_an_unreadable_result_is_computed_again(tmp_path: Path) -> None:
    calls: list[int] = []
    cache.stored(tmp_path, "related", (1,), _counting(calls))
    (stored,) = tmp_path.glob("related-*.json")
    stored.write_text('{"a": [', encoding="utf-8")
    assert cache.stored(tmp_path, "related", (1,), _counting(calls)) == {"a": ["ب", "c"]}
    assert len(calls) == 2


def test_without_a_folder_it_is_always_computed() -> None:
    calls: list[int] = []
    cache.stored(None, "related", (1,), _counting(calls))
    cache.stored(None, "related", (1,), _counting(calls))
    assert len(calls) == 2


def test_a_new_version_of_digest_computes_again(tmp_path: Path, monkeypatch) -> None:
    calls: list[int] = []
    cache.stored(tmp_path, "related", (1,), _counting(calls))
    monkeypatch.setattr(cache, "__version__", "99.0")
    cache.stored(tmp_path, "related", (1,), _counting(calls))
    assert len(calls) == 2


def test_the_digest_of_texts_tells_every_change() -> None:
    rows = [("a", "bc", "د"), ("e",)]
    others = [
        [("a", "bc", "د"), ("e",), ()],  # one more row, even empty
        [("ab", "c", "د"), ("e",)],  # the same letters split otherwise
        [("a", "bc"), ("د", "e")],  # the same texts in other rows
        [("e",), ("a", "bc", "د")],  # the same rows in another order
        [("a", "bc", "ذ"), ("e",)],  # one letter
    ]
    assert cache.digest(iter(rows)) == cache.digest(list(rows))
    assert len({cache.digest(rows), *map(cache.digest, others)}) == 1 + len(others)
