"""``digest explain`` through the real command, on copies of the example site."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
import yaml
from conftest import build_site, copy_example_site

from generator.cli import main
from generator.config import load_config
from generator.model import Article
from generator.normalize import match_key, strip_clitics, tokenize
from generator.textindex import article_text

ARTICLES = Path("content") / "articles"
SAVED = "بوتين-يلتقي-كيم"  # a saved article of the example site, with given tags and links
_ARTICLE_KEYS = {"slug", "title", "source", "url", "date"}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return copy_example_site(tmp_path / "site")


def explain(site: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["explain", "--site", str(site), *args])
    out, err = capsys.readouterr()
    return code, out, err


def explained(site: Path, capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    code, out, err = explain(site, capsys, *args, "--json")
    assert code == 0, err
    return json.loads(out)


def built_articles(site: Path, tmp_path: Path) -> dict[str, Article]:
    """The articles as a build of a copy of the site makes them, by slug."""
    copy = tmp_path / "built"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(site, copy)
    return {a.slug: a for a in build_site(copy).site.articles.values()}


def front_matter(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])


def test_an_article_is_found_by_its_file_name_slug_and_address(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base_url = load_config(site).base_url
    address = f"{base_url}articles/{quote(SAVED)}/"
    names = (
        f"{ARTICLES.as_posix()}/{SAVED}.md",
        str(site / ARTICLES / f"{SAVED}.md"),
        f"{SAVED}.md",
        SAVED,
        address,
        f"articles/{SAVED}/",
        address.removeprefix("https://example.github.io"),
    )
    for name in names:
        assert explained(site, capsys, name)["article"]["slug"] == SAVED, name


def test_a_feed_item_is_found_by_its_slug_and_address(
    site: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    item = next(a for a in built_articles(site, tmp_path).values() if a.origin.endswith(".xml"))
    for name in (item.slug, f"{load_config(site).base_url}articles/{quote(item.slug)}/"):
        found = explained(site, capsys, name)["article"]
        assert (found["slug"], found["title"]) == (item.slug, item.title)


def test_the_json_of_an_article_has_its_tags_links_and_versions(
    site: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    result = explained(site, capsys, SAVED)
    assert set(result) == {"article", "tags", "related", "same_story"}
    assert set(result["article"]) == {*_ARTICLE_KEYS, "from"}
    article = built_articles(site, tmp_path)[SAVED]
    assert [tag["label"] for tag in result["tags"]] == [tag.label for tag in article.tags]
    given = front_matter(site / ARTICLES / f"{SAVED}.md")["tags"]
    for tag in result["tags"]:
        assert set(tag) == {"label", "key", "articles", "page", "given", "extracted", "fix"}
        assert tag["given"]["by"] == "the front matter"
        assert all(spelling in given for spelling in tag["given"]["as"])
        assert tag["extracted"] is None
        assert set(tag["fix"]) == {"drop", "merge"}


def test_related_links_are_those_built_with_what_they_share(
    site: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    articles = built_articles(site, tmp_path)
    by_id = {a.id: a for a in articles.values()}
    min_score = load_config(site).related.min_score
    for slug, article in articles.items():
        links = explained(site, capsys, slug)["related"]
        assert [link["slug"] for link in links] == [by_id[i].slug for i in article.related]
        for link in links:
            other = articles[link["slug"]]
            assert set(link) == {*_ARTICLE_KEYS, "named", "score", "words", "tags"}
            assert link["named"] == (other.id in article.explicit_related)
            assert link["named"] or link["score"] >= min_score
            assert link["words"] or link["tags"]
            assert set(link["tags"]) <= {t.label for t in article.tags} & {
                t.label for t in other.tags
            }
            for word in link["words"]:  # in both texts, as the comparison reads words
                stem = strip_clitics(match_key(word))
                for one in (article, other):
                    text = f"{one.title} {article_text(one)}"
                    assert stem in {strip_clitics(t) for t in tokenize(text)}, (word, one.slug)


def test_an_extracted_tag_says_why(
    site: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    articles = built_articles(site, tmp_path)
    min_articles = load_config(site).tags.min_articles
    found = 0
    for slug in articles:
        for tag in explained(site, capsys, slug)["tags"]:
            if tag["given"] is None:
                found += 1
                why = tag["extracted"]
                assert set(why) == {
                    "phrase",
                    "other_form",
                    "count",
                    "in_title",
                    "articles",
                    "known_tag",
                    "score",
                    "place",
                    "window",
                }
                assert why["window"] == "site"
                assert why["count"] >= why["in_title"] and why["score"] > 0
                assert why["articles"] >= min_articles or why["place"]
    assert found, "the example site has extracted tags"


def test_an_extracted_tag_by_month_says_it_was_scored_in_its_month(
    site: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = site / "config.yaml"
    text = config.read_text("utf-8")
    config.write_text(text.replace("\ntags:\n", "\ntags:\n  window: month\n"), "utf-8")
    slug, tag = _extracted(site, capsys, tmp_path)
    published = built_articles(site, tmp_path)[slug].published
    month = published.astimezone(load_config(site).tz).strftime("%Y-%m")
    assert tag["extracted"]["window"] == month
    code, out, _ = explain(site, capsys, slug)
    assert code == 0 and f"of its month ({month}); score" in out


def test_a_tag_the_article_writes_in_another_form_names_that_form(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A headline that says only مارادونا is tagged دييغو مارادونا, as the site writes him;
    the reason names the article's own word."""
    cases = yaml.safe_load((Path(__file__).parent / "cases" / "keyphrases.yaml").read_text("utf-8"))
    case = next(case for case in cases if case["name"].startswith("مارادونا alone"))
    site = tmp_path / "site"
    (site / ARTICLES).mkdir(parents=True)
    (site / "config.yaml").write_text(
        "title: t\nbase_url: https://example.org/\nlanguage: ar\n", encoding="utf-8"
    )
    for day, row in enumerate(case["articles"], start=1):
        matter = {"title": row["title"], "date": f"2018-06-{day:02}T12:00:00+00:00", "source": "s"}
        text = f"---\n{yaml.safe_dump(matter, allow_unicode=True)}---\n{row.get('text', '')}\n"
        (site / ARTICLES / f"{row['id']}.md").write_text(text, encoding="utf-8")
    tags = explained(site, capsys, f"{case['articles'][0]['id']}.md")["tags"]
    why = next(tag["extracted"] for tag in tags if tag["label"] == "دييغو مارادونا")
    assert why["phrase"] == "مارادونا" and why["other_form"]
    code, out, _ = explain(site, capsys, f"{case['articles'][0]['id']}.md")
    assert code == 0 and "written in the article as 'مارادونا'" in out


@pytest.mark.parametrize("place", ["الفلبين", "بغداد"])
def test_a_place_the_headline_names_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], place: str
) -> None:
    """الفلبين or بغداد, said once in one headline of the site, is a tag as the country or
    city the headline names, and the reason says so."""
    cases = yaml.safe_load(
        (Path(__file__).parent / "cases" / "tags_headline_places.yaml").read_text("utf-8")
    )
    case = next(case for case in cases if case["tag"] == place)
    site = tmp_path / "site"
    (site / ARTICLES).mkdir(parents=True)
    (site / "config.yaml").write_text(
        "title: t\nbase_url: https://example.org/\nlanguage: ar\n", encoding="utf-8"
    )
    for day, title in enumerate(case["titles"], start=1):
        matter = {"title": title, "date": f"2018-06-{day:02}T12:00:00+00:00", "source": "s"}
        text = f"---\n{yaml.safe_dump(matter, allow_unicode=True)}---\n{title}\n"
        (site / ARTICLES / f"a{day}.md").write_text(text, encoding="utf-8")
    tags = {tag["label"]: tag for tag in explained(site, capsys, "a1.md")["tags"]}
    assert tags[place]["extracted"]["place"]
    assert tags[place]["articles"] == 1
    assert not any(tag["extracted"]["place"] for label, tag in tags.items() if label != place)
    code, out, _ = explain(site, capsys, "a1.md")
    assert code == 0 and "a country or city the headline names" in out


def _apply(site: Path, fix: str) -> None:
    """Put a fix's lines into config.yaml, as the user is told to: they replace the same
    settings under tags:."""
    path = site / "config.yaml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    for name, value in yaml.safe_load(fix)["tags"].items():
        if isinstance(value, dict):
            config["tags"].setdefault(name, {}).update(value)
        else:
            config["tags"][name] = value
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")


def _extracted(site: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> tuple[str, Any]:
    """An article of the site and one of its extracted tags."""
    for slug in built_articles(site, tmp_path):
        for tag in explained(site, capsys, slug)["tags"]:
            if tag["given"] is None:
                return slug, tag
    raise AssertionError("the example site has no extracted tag")


def test_the_fix_to_drop_a_tag_removes_it(
    site: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    slug, tag = _extracted(site, capsys, tmp_path)
    _apply(site, tag["fix"]["drop"])
    assert tag["label"] not in {t["label"] for t in explained(site, capsys, slug)["tags"]}
    given = explained(site, capsys, SAVED)["tags"][0]  # its fix keeps the tag dropped first
    _apply(site, given["fix"]["drop"])
    assert given["label"] not in {t["label"] for t in explained(site, capsys, SAVED)["tags"]}
    assert tag["label"] not in {t["label"] for t in explained(site, capsys, slug)["tags"]}


def test_the_fix_to_merge_a_tag_merges_it(
    site: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    saved = site / ARTICLES / f"{SAVED}.md"  # a writer's tag that a longer tag holds
    saved.write_text(
        saved.read_text(encoding="utf-8").replace("tags: [", "tags: [كوريا, ", 1), "utf-8"
    )
    code, out, _ = explain(site, capsys, SAVED)
    assert code == 0 and "to drop it, put in config.yaml" in out
    for slug in built_articles(site, tmp_path):
        for tag in explained(site, capsys, slug)["tags"]:
            if tag["fix"]["merge"]:
                into = next(iter(yaml.safe_load(tag["fix"]["merge"])["tags"]["aliases"]))
                _apply(site, tag["fix"]["merge"])
                labels = {t["label"] for t in explained(site, capsys, slug)["tags"]}
                assert tag["label"] not in labels and into in labels
                return
    raise AssertionError("the example site has tags held by longer ones (كوريا)")


def _add_a_version(site: Path) -> tuple[Path, Path]:
    """Another source's copy of a saved article, an hour later: one story, two versions."""
    original = site / ARTICLES / f"{SAVED}.md"
    matter = front_matter(original)
    body = original.read_text(encoding="utf-8").split("---", 2)[2]
    copy = site / ARTICLES / "نسخة-من-وكالة-أخرى.md"
    copy.write_text(
        "---\n"
        f'title: "{matter["title"].replace("اليوم ", "")}"\n'
        "date: 2023-09-13T10:00:00+03:00\n"
        "source: وكالة أخرى\n"
        "url: https://other.example.net/putin-kim\n"
        f"---{body}",
        encoding="utf-8",
    )
    return original, copy


def test_stories_lists_the_groups_of_the_site(
    site: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    original, copy = _add_a_version(site)
    groups = explained(site, capsys, "--stories")
    articles = built_articles(site, tmp_path)
    by_id = {a.id: a for a in articles.values()}
    expected = [
        sorted([a.slug, *(by_id[i].slug for i in a.same_story)])
        for a in articles.values()
        if a.same_story and a.published <= min(by_id[i].published for i in a.same_story)
    ]
    assert [sorted(a["slug"] for a in group["articles"]) for group in groups] == expected
    ours = next(g for g in groups if len(g["articles"]) == 2 and SAVED in str(g))
    assert set(ours) == {"date", "articles"}
    for article in ours["articles"]:
        assert set(article) == {"slug", "title", "source", "url"}
    headline = ours["articles"][0]
    assert headline["url"] == front_matter(original)["url"]
    zone = ZoneInfo(load_config(site).timezone)
    published = front_matter(original)["date"]
    assert ours["date"] == published.astimezone(zone).date().isoformat()
    assert [a["source"] for a in ours["articles"]] == [
        front_matter(path)["source"] for path in (original, copy)
    ]

    code, out, _ = explain(site, capsys, "--stories")
    assert code == 0
    assert all(a["slug"] in out and a["url"] in out for a in ours["articles"])


def test_an_article_names_the_other_versions_of_its_story(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, copy = _add_a_version(site)
    versions = explained(site, capsys, copy.name)["same_story"]
    assert [v["slug"] for v in versions] == [SAVED]
    threshold = load_config(site).same_story.threshold
    assert versions[0]["similarity"] >= threshold and versions[0]["through"] is None
    assert versions[0]["source"] == front_matter(site / ARTICLES / f"{SAVED}.md")["source"]
    code, out, _ = explain(site, capsys, copy.name)
    assert code == 0 and "Same story (1 other version):" in out and SAVED in out


def test_an_unknown_page_is_one_error_line_with_close_names(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = explain(site, capsys, "kim-in-rusia")
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and err.startswith("error: ")
    assert "kim-in-russia" in err


def test_explaining_writes_nothing(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = sorted(path.relative_to(site) for path in site.rglob("*"))
    explain(site, capsys, SAVED)
    explain(site, capsys, "--stories")
    assert sorted(path.relative_to(site) for path in site.rglob("*")) == before


def test_a_page_or_stories_is_needed(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["explain", "--site", str(site)])
    assert stopped.value.code == 2
    assert "PAGE" in capsys.readouterr().err
