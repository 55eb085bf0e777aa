from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from generator.config import load_config, parse_duration
from generator.problems import ConfigError

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "config_errors.yaml").read_text("utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_every_error_is_reported_with_its_line(tmp_path: Path, case: dict) -> None:
    (tmp_path / "config.yaml").write_text(case["config"], encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert list(caught.value.messages) == case["errors"]


def test_valid_config_fills_defaults_and_nested_settings(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text(
        "title: موجز\nbase_url: https://example.github.io/news-digest\n"
        "timezone: Asia/Riyadh\nfeeds:\n  - url: https://example.org/rss\n    tags: عاجل\n"
        "  - url: feeds/local.xml\n    refresh: 30m\n"
        "tags:\n  aliases:\n    كوريا الشمالية: [كوريا الديمقراطية]\n",
        encoding="utf-8",
    )
    config = load_config(tmp_path)
    assert config.base_path == "/news-digest/"
    assert config.direction == "rtl"
    assert config.feeds[0].url == "https://example.org/rss"
    assert config.feeds[0].tags == ("عاجل",)
    assert [feed.refresh for feed in config.feeds] == [timedelta(hours=1), timedelta(minutes=30)]
    assert config.tags.aliases == {"كوريا الشمالية": ("كوريا الديمقراطية",)}
    assert config.root == tmp_path.resolve()


def test_missing_config_file_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert "digest init" in caught.value.messages[0]


def test_base_url_given_on_the_command_line_replaces_the_file_and_is_checked(
    tmp_path: Path,
) -> None:
    (tmp_path / "config.yaml").write_text(
        "title: موجز\nbase_url: https://example.github.io/news/\n", encoding="utf-8"
    )
    assert load_config(tmp_path, base_url="https://news.example.org").base_path == "/"
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path, base_url="news.example.org")
    assert caught.value.messages[0].startswith("config.yaml, line 2: 'base_url' should be")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30m", timedelta(minutes=30)),
        ("1h", timedelta(hours=1)),
        (" 2d ", timedelta(days=2)),
        ("1w", timedelta(weeks=1)),
        ("45s", timedelta(seconds=45)),
    ],
)
def test_parse_duration(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "1", "h", "1.5h", "-1h", "1 hour", "1y"])
def test_parse_duration_rejects_with_a_plain_message(text):
    with pytest.raises(ValueError, match="like 30m"):
        parse_duration(text)
