"""What pages say about themselves: descriptions, Open Graph, JSON-LD, canonical links, the
web app manifest and heading order, unit by unit and on every page of the example site."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from html.parser import HTMLParser
from itertools import pairwise
from urllib.parse import unquote

import pytest
from conftest import BASE_PATH

from generator.metadata import (
    DESCRIPTION_LIMIT,
    cut_at_word,
    joined_headlines,
    json_for_script,
    open_graph_locale,
    page_metadata,
    short_name,
    web_manifest,
)
from generator.model import Article, Digest, Story
from generator.pages import Page

SITE_URL = "https://example.github.io" + BASE_PATH


def test_a_text_that_fits_is_kept_whole() -> None:
    assert cut_at_word("خبر قصير.", 20) == "خبر قصير."


def test_a_long_text_is_cut_at_a_word_with_an_ellipsis() -> None:
    text = " ".join(["كلمة"] * 60)
    cut = cut_at_word(text, DESCRIPTION_LIMIT)
    assert len(cut) <= DESCRIPTION_LIMIT and cut.endswith("…")
    assert cut.removesuffix("…").split() == ["كلمة"] * len(cut.removesuffix("…").split())


def test_a_single_word_longer_than_the_limit_is_cut_inside() -> None:
    assert cut_at_word("x" * 50, 10) == "x" * 9 + "…"


def test_headlines_are_joined_whole_while_they_fit() -> None:
    assert joined_headlines(["أ" * 70, "ب" * 70, "ج" * 70]) == "أ" * 70 + " · " + "ب" * 70


def test_a_first_headline_too_long_for_a_description_is_cut() -> None:
    headline = "عنوان طويل جدا " * 20
    joined = joined_headlines([headline, "آخر"])
    assert len(joined) <= DESCRIPTION_LIMIT and joined.endswith("…")
    assert joined_headlines([]) == ""


@pytest.mark.parametrize(
    ("language", "locale"),
    [("ar", "ar_AR"), ("ar-EG", "ar_EG"), ("ar_sa", "ar_SA"), ("en", "en_US"), ("fr", "fr_FR")],
)
def test_the_open_graph_locale_of_a_language(language: str, locale: str) -> None:
    assert open_graph_locale(language) == locale


def test_json_for_a_script_cannot_close_it_and_reads_back_the_same() -> None:
    data = {"headline": "</script><script>alert(1)</script> <!-- & -->", "n": "عربي"}
    text = json_for_script(data)
    assert "<" not in text and ">" not in text and "&" not in text
    assert "عربي" in text  # written as it is, not as \u escapes
    assert json.loads(text) == data


def test_a_short_name_is_the_first_words_that_fit_under_an_icon() -> None:
    assert short_name("موجز") == "موجز"
    assert short_name("موجز الأخبار اليومية") == "موجز الأخبار"
    assert short_name("Internationalization news") == "Internationalization"


@pytest.fixture(scope="module")
def site(built_example):
    return built_example[1].site


def _page(path: str, title: str = "") -> Page:
    return Page(path, title, SITE_URL + path, ())


def _article(**changes) -> Article:
    article = Article(
        id="a",
        slug="a",
        title="Kim Jong Un arrives in Russia",
        published=datetime(2023, 9, 12, 4, tzinfo=UTC),
        source="Example desk",
        origin="content/articles/a.md",
        body_html="<p>North Korea's leader crossed into Russia by train. He met Putin.</p>",
        lang="en",
        dir="ltr",
    )
    return replace(article, **changes)


def test_an_article_is_described_by_its_first_sentence(site) -> None:
    meta = page_metadata(site, _page("articles/a/", "Kim"), article=_article())
    assert meta.description == "North Korea's leader crossed into Russia by train."
    assert (meta.kind, meta.canonical) == ("article", SITE_URL + "articles/a/")
    assert meta.published == "2023-09-12T04:00:00+00:00"


def test_an_article_with_no_text_of_its_own_is_described_as_the_site_is(site) -> None:
    meta = page_metadata(site, _page("articles/a/"), article=_article(body_html=""))
    assert meta.description == site.config.description


def test_a_long_first_sentence_is_cut_to_the_description_limit(site) -> None:
    body = "<p>" + " ".join(["word"] * 100) + ".</p>"
    meta = page_metadata(site, _page("articles/a/"), article=_article(body_html=body))
    assert len(meta.description) <= DESCRIPTION_LIMIT and meta.description.endswith("…")


def test_an_article_s_structured_data_names_its_digest_only_when_one_lists_it(site) -> None:
    digest = Digest(datetime(2023, 9, 12).date(), (Story("a"),))
    article = _article(source_url="https://desk.example/", url="https://desk.example/kim")
    listed = json.loads(
        page_metadata(site, _page("articles/a/"), article=article, digest=digest).structured_data
    )
    assert listed["@type"] == "NewsArticle"
    assert listed["headline"] == article.title and listed["inLanguage"] == "en"
    assert listed["datePublished"] == "2023-09-12T04:00:00+00:00"
    assert listed["url"] == SITE_URL + "articles/a/"
    assert listed["publisher"] == {
        "@type": "Organization",
        "name": "Example desk",
        "url": "https://desk.example/",
    }
    assert listed["isPartOf"]["url"] == SITE_URL + "digests/2023-09-12/"
    alone = json.loads(page_metadata(site, _page("articles/a/"), article=article).structured_data)
    assert "isPartOf" not in alone


def test_an_article_in_the_site_s_language_when_it_names_none(site) -> None:
    data = page_metadata(site, _page("articles/a/"), article=_article(lang="")).structured_data
    assert json.loads(data)["inLanguage"] == site.config.language


def test_a_digest_lists_its_headlines_in_order(site) -> None:
    digest = next(d for d in site.digests if len(d.stories) > 1)
    meta = page_metadata(site, _page(f"digests/{digest.slug}/"), digest=digest)
    data = json.loads(meta.structured_data)
    assert data["@type"] == "ItemList"
    headlines = [site.articles[story.headline] for story in digest.stories]
    assert [item["url"] for item in data["itemListElement"]] == [
        site.urls.absolute(f"articles/{article.slug}/") for article in headlines
    ]
    assert [item["position"] for item in data["itemListElement"]] == [*range(1, len(headlines) + 1)]
    assert meta.description.startswith(headlines[0].title)
    assert meta.kind == "website" and meta.published == ""


def test_the_404_page_claims_no_address_of_its_own(site) -> None:
    meta = page_metadata(site, _page("404.html", "not found"))
    assert meta.canonical == "" and meta.structured_data == ""
    assert meta.description == site.config.description


def test_the_manifest_opens_the_site_under_its_sub_path(site) -> None:
    manifest = json.loads(web_manifest(site))
    assert manifest["name"] == site.config.title
    assert (manifest["lang"], manifest["dir"]) == ("ar", "rtl")
    assert manifest["start_url"] == manifest["scope"] == BASE_PATH
    assert manifest["icons"][0]["src"] == BASE_PATH + "static/favicon.svg"


# --- on every page of the built example site ------------------------------------------


class Head(HTMLParser):
    """The metadata, the structured data and the headings of a page, as a browser reads them."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: list[dict[str, str | None]] = []
        self.links: list[dict[str, str | None]] = []
        self.structured: list[str] = []
        self.headings: list[int] = []
        self._in_data_script = False
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "meta":
            self.meta.append(found)
        elif tag == "link":
            self.links.append(found)
        elif tag == "script" and found.get("type") == "application/ld+json":
            self._in_data_script = True
            self.structured.append("")
        elif len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            self.headings.append(int(tag[1]))

    def handle_endtag(self, tag: str) -> None:
        self._in_data_script = self._in_data_script and tag != "script"

    def handle_data(self, data: str) -> None:
        if self._in_data_script:
            self.structured[-1] += data

    def values(self, attribute: str, name: str) -> list[str | None]:
        return [m.get("content") for m in self.meta if m.get(attribute) == name]


@pytest.fixture(scope="module")
def pages(built_example) -> dict[str, Head]:
    site_dir, _ = built_example
    output = site_dir / "site"
    return {
        path.relative_to(output).as_posix(): Head(path.read_text("utf-8"))
        for path in sorted(output.rglob("*.html"))
    }


def test_the_example_site_has_every_kind_of_page(pages) -> None:
    kinds = {path.split("/")[0] for path in pages}
    assert {"index.html", "page", "digests", "articles", "tags", "archive", "sources"} <= kinds
    assert "404.html" in pages


def test_every_page_has_one_description_and_its_open_graph_card(pages) -> None:
    for path, head in pages.items():
        (description,) = head.values("name", "description")
        assert description and len(description) <= DESCRIPTION_LIMIT, path
        assert head.values("property", "og:description") == [description], path
        for name in ("og:title", "og:type", "og:locale", "og:site_name"):
            assert len(head.values("property", name)) == 1 and head.values("property", name)[0]
        assert head.values("property", "og:locale") == ["ar_AR"]
        assert head.values("name", "twitter:card") == ["summary"]
        kind = "article" if path.startswith("articles/") else "website"
        assert head.values("property", "og:type") == [kind], path


def test_every_page_but_the_404_page_names_its_own_address(pages) -> None:
    for path, head in pages.items():
        canonical = [link["href"] for link in head.links if link.get("rel") == "canonical"]
        if path == "404.html":
            assert canonical == [] and head.values("property", "og:url") == []
            continue
        assert [unquote(c) for c in canonical] == [SITE_URL + path.removesuffix("index.html")]
        assert head.values("property", "og:url") == canonical, path


def test_every_page_links_its_icon_and_the_manifest_under_the_sub_path(pages, built_example):
    site_dir, _ = built_example
    for path, head in pages.items():
        links = {link["rel"]: link["href"] for link in head.links}
        assert links["icon"] == BASE_PATH + "static/favicon.svg", path
        assert links["manifest"] == BASE_PATH + "static/manifest.webmanifest", path
    icon = (site_dir / "site" / "static" / "favicon.svg").read_text("utf-8")
    assert icon.startswith("<svg") and len(icon) < 1024
    json.loads((site_dir / "site" / "static" / "manifest.webmanifest").read_text("utf-8"))


def test_articles_and_digests_carry_structured_data_of_their_kind(pages) -> None:
    for path, head in pages.items():
        found = [json.loads(text) for text in head.structured]
        expected = {"articles": ["NewsArticle"], "digests": ["ItemList"]}.get(path.split("/")[0])
        assert [data["@type"] for data in found] == (expected or []), path
        for data in found:
            assert data["@context"] == "https://schema.org"
            assert unquote(data["url"]) == SITE_URL + path.removesuffix("index.html")


@pytest.mark.parametrize(
    "kind", ["index.html", "page/", "digests/", "articles/", "tags/", "archive/", "sources/", "404"]
)
def test_every_kind_of_page_has_one_h1_and_skips_no_heading_level(pages, kind: str) -> None:
    chosen = {path: head for path, head in pages.items() if path.startswith(kind)}
    assert chosen
    for path, head in chosen.items():
        levels = head.headings
        assert levels.count(1) == 1 and levels[0] == 1, (path, levels)
        assert all(b <= a + 1 for a, b in pairwise(levels)), (path, levels)
