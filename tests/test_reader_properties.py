"""The readers of what curators write by hand (saved articles, config.yaml, saved pages)
answer any text with a result or their own readable failure, never a crash: checked on
generated hostile text, through real files."""

import dataclasses
import math
import tempfile
import tracemalloc
import typing
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator.articles import read_saved_articles
from generator.config import CONFIG_FILE, SiteConfig, load_config
from generator.frontmatter import FIELDS
from generator.importer import ImportFailure, read_input
from generator.problems import ConfigError
from generator.saved_page import PageError, parse_saved_page

BUDGET = settings(max_examples=150, deadline=None, derandomize=True)
SMALL_BUDGET = settings(max_examples=60, deadline=None, derandomize=True)
GOOD_CONFIG = "title: t\nbase_url: https://example.org/\ntimezone: Asia/Riyadh\n"
# Words of Python, not of a curator: none may reach a message.
PROGRAMMER_WORDS = ("NoneType", "Traceback", "Node(", "<class", " object at 0x", "Error:")

HOSTILE = st.sampled_from(
    ["&a [1, 2]", "*a", "*missing", "!!python/object/apply:os.system ['true']",
     "!!python/name:os.system", "!<tag:x> y", "!!binary AAAA", "!!timestamp x", "!!int x",
     "[" * 60 + "]" * 60, "{" * 30, "9" * 400, "1e400", "-.inf", ".nan", "0x_1", "2023-02-30",
     "2023-09-13T09:00:00+99:00", "\t", "\ufeff", "\x00", "\x85", "\u2028", "\ud800", "---",
     "...", ": :", "? ", "? [a]\n: b", "{a: 1}: b", "- x", "|", ">-", "'", '"', "%YAML 1.1",
     "<<: *a", "~", "null", "yes", "  ", "\n", "# c", "https://[::1", "نص عربي", "، ,"]
)  # fmt: skip
PIECES = st.one_of(HOSTILE, st.text(max_size=10), st.sampled_from([*FIELDS, "date_inherited"]))
LINES = st.lists(st.lists(PIECES, max_size=5).map(" ".join), max_size=8)
FRONT = st.one_of(
    LINES.map("\n".join),
    st.dictionaries(st.sampled_from(FIELDS), PIECES, max_size=6).map(
        lambda fields: "\n".join(f"{name}: {value}" for name, value in fields.items())
    ),
)
FILE_TEXT = st.builds(
    lambda bom, front, closed, body: f"{bom}---\n{front}\n{'---' if closed else ''}\n{body}",
    st.sampled_from(["", "\ufeff"]),
    FRONT,
    st.booleans(),
    st.text(max_size=40),
) | st.text(max_size=80)
BILLION_LAUGHS = (
    "---\ntitle: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    + "".join(f"tags: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]\n" for n in range(1, 10))
    + "related: *a9\ndate: 2023-09-13\n---\nbody\n"
)


@contextmanager
def _folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


def _site(root: Path, article: str) -> Path:
    (root / CONFIG_FILE).write_text(GOOD_CONFIG, encoding="utf-8")
    folder = root / "content" / "articles"
    folder.mkdir(parents=True)
    (folder / "story.md").write_text(article, encoding="utf-8", errors="surrogatepass")
    return root


@BUDGET
@given(FILE_TEXT)
@example("---\ntitle: a\x00b\ndate: 2023-09-13\n---\n")
@example("---\n? [a]\n: b\ntitle: t\ndate: 2023-09-13\n{a: 1}: b\n---\n")
@example("---\ntitle: !!python/object/apply:os.system ['true']\ndate: 2023-09-13\n---\n")
@example("\ufeff---\ntitle: x\ndate: 2023-09-13\n")
def test_a_saved_article_is_read_or_reported_with_its_line(text: str) -> None:
    with _folder() as root:
        articles, problems = read_saved_articles(load_config(_site(root, text)))
    lines = text.count("\n") + 2
    assert len(articles) + len(problems) >= 1
    assert len(articles) <= 1
    for problem in problems:
        assert problem.origin == "content/articles/story.md"
        assert problem.line is None or 1 <= problem.line <= lines, problem
        assert not any(word in problem.message for word in PROGRAMMER_WORDS), problem.message


def test_an_alias_bomb_is_read_without_expanding_it() -> None:
    tracemalloc.start()
    with _folder() as root:
        articles, problems = read_saved_articles(load_config(_site(root, BILLION_LAUGHS)))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 50 * 1024 * 1024  # expanded, the aliases would be 9**10 items
    assert articles == ()
    assert [(p.line, p.message) for p in problems] == [
        (2, "'title' should be a single value, not a list")
    ]


def _wrong_value(kind: object) -> st.SearchStrategy[object]:
    """Any YAML value, with more of the kind the setting expects (and of its neighbours)."""
    scalars = st.one_of(
        st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=12),
        st.sampled_from(["1h", "0s", "99999999999999999999d", "-1", "ar", "UTC", "latn",
                         "http://[::1", "https://example.org/", "javascript:x", ".nan"]),
    )  # fmt: skip
    if dataclasses.is_dataclass(kind):
        return st.one_of(_mapping(kind), scalars, st.lists(_mapping(kind), max_size=2))
    return st.one_of(
        scalars,
        st.lists(scalars, max_size=3),
        st.dictionaries(st.text(max_size=5), scalars, max_size=3),
    )


def _mapping(cls: type) -> st.SearchStrategy[dict]:
    """A settings block with the real names of ``cls`` (and a few wrong ones)."""
    hints = typing.get_type_hints(cls)
    names = [f.name for f in dataclasses.fields(cls) if not f.metadata.get("internal")]
    fields = {name: _value_of(hints[name]) for name in names}
    return st.fixed_dictionaries(
        {}, optional={**fields, "titel": st.text(max_size=5), "": st.none()}
    )


def _value_of(kind: object) -> st.SearchStrategy[object]:
    if typing.get_origin(kind) is tuple and dataclasses.is_dataclass(typing.get_args(kind)[0]):
        item = typing.get_args(kind)[0]
        return st.one_of(st.lists(st.deferred(lambda: _mapping(item)), max_size=2),
                         _wrong_value(kind))  # fmt: skip
    return st.deferred(lambda: _wrong_value(kind))


def _config_text(values: dict) -> str:
    return yaml.safe_dump(values, allow_unicode=True, sort_keys=False)


CONFIG_TEXT = st.one_of(
    _mapping(SiteConfig).map(_config_text),
    _mapping(SiteConfig)
    .map(lambda values: {"title": "t", "base_url": "https://e.org/", **values})
    .map(_config_text),
    LINES.map("\n".join),
    st.builds(lambda a, b: GOOD_CONFIG + a + "\n" + b, LINES.map("\n".join), HOSTILE),
)


@BUDGET
@given(CONFIG_TEXT)
@example(GOOD_CONFIG + "related:\n  min_score: .nan\n")
@example("title: a\x00\n")
@example("[a]: b\n")
@example(GOOD_CONFIG + "fetch_deadline: 99999999999999999999d\n")
@example("title: t\nbase_url: http://[::1\n")
@example(GOOD_CONFIG + "feeds: [{url: 'http://[::1'}]\n")
def test_config_is_read_or_refused_in_plain_words(text: str) -> None:
    with _folder() as root:
        (root / CONFIG_FILE).write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            config = load_config(root)
        except ConfigError as error:
            assert error.messages
            for message in error.messages:
                assert message.startswith(CONFIG_FILE), message
                assert not any(word in message for word in PROGRAMMER_WORDS), message
            return
    assert config.title and config.base_url.startswith(("http://", "https://"))
    assert config.max_file_mib >= 1 and config.feed_items >= 1
    assert not math.isnan(config.related.min_score)
    assert config.fetch_deadline > timedelta(0)


SAVED_PAGE = st.lists(
    st.one_of(
        st.text(max_size=30),
        st.sampled_from(["تاريخ النشر: 2023-09-13", "تاريخ النشر:", "بتاريخ 31/02/2023",
                         "المصدر: واس", "كلمات دلالية: أ، ب، ج", "كلمات دلالية:", "إقرأ أيضاً",
                         "اقرأ أيضا:", "المناطق_ متابعات", "«بوتين» يلتقي", "\u200f\u202e",
                         "\x00", "<html>", "2023", "تاريخ النشر: 9999-99-99"]),
        HOSTILE,
    ),
    max_size=12,
).map("\n".join)  # fmt: skip


@BUDGET
@given(SAVED_PAGE)
@example("")
@example("عنوان\nإقرأ أيضاً\nإقرأ أيضاً")
def test_a_saved_page_is_read_or_refused_as_no_page(text: str) -> None:
    try:
        page = parse_saved_page(text)
    except PageError as error:
        assert str(error)
        return
    assert page.title


@SMALL_BUDGET
@given(SAVED_PAGE, st.sampled_from(["utf-8", "utf-16", "cp1256"]))
@example("عنوان\nتاريخ النشر: 2023-09-13\nنص", "utf-8")
@example("<html><body>x</body></html>", "utf-8")
def test_importing_a_saved_page_gives_articles_or_an_import_failure(
    text: str, encoding: str
) -> None:
    with _folder() as root:
        _site(root, "---\ntitle: t\ndate: 2023-09-13\n---\n")
        page = root / "page.txt"
        page.write_bytes(text.encode(encoding, errors="replace"))
        try:
            articles, _ = read_input(str(page), load_config(root))
        except ImportFailure as failure:
            assert str(failure)
            return
    assert articles and all(article.title and article.paragraphs for article in articles)
