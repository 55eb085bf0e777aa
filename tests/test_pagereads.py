"""What a page reads of the site, as its template runs: through Jinja, through the site's
article map and set of tag pages, and printed whole."""

from __future__ import annotations

from datetime import UTC, date, datetime

from generator.model import Article, Digest, Story
from generator.pagereads import NotingEnvironment, Reads


def _article(article_id: str) -> Article:
    return Article(
        id=article_id,
        slug=article_id,
        title=f"title {article_id}",
        published=datetime(2026, 1, 1, tzinfo=UTC),
        source="source",
        origin="content/articles/x.md",
    )


def _trace(template: str, **variables: object) -> dict[str, str]:
    reads = Reads()
    reads.begin()
    NotingEnvironment(reads, autoescape=True).from_string(template).render(variables)
    return dict(reads.trace())


def test_fields_read_by_dot_by_subscript_and_by_filters_are_noted() -> None:
    one, two = _article("one"), _article("two")
    trace = _trace(
        "{{ a.title }}{{ a['source'] }}{{ listed | map(attribute='slug') | join }}",
        a=one,
        listed=(one, two),
    )
    assert trace == {"a:one": "slug source title", "a:two": "slug"}


def test_an_article_printed_whole_is_read_whole() -> None:
    one, two = _article("one"), _article("two")
    assert _trace("{{ a.title }}{{ a }}", a=one) == {"a:one": "*"}
    assert _trace("{{ listed }}", listed=(one, two)) == {"a:one": "*", "a:two": "*"}


def test_a_day_is_noted_by_its_date() -> None:
    day = Digest(date=date(2026, 1, 2), stories=(Story("one"),))
    assert _trace("{{ day.slug }}{{ day.stories | length }}", day=day) == {
        "d:2026-01-02": "slug stories"
    }


def test_the_site_wide_variables_note_what_is_looked_up() -> None:
    reads = Reads()
    env = NotingEnvironment(reads, autoescape=True)
    articles = reads.site_articles({"one": _article("one"), "two": _article("two")})
    tag_pages = reads.tag_pages(frozenset({"kept"}))

    def trace(template: str) -> dict[str, str]:
        reads.begin()
        env.from_string(template).render(articles=articles, tag_pages=tag_pages)
        return dict(reads.trace())

    looked_up = "{{ articles['one'].title }}{{ 'kept' in tag_pages }}{{ 'gone' in tag_pages }}"
    assert trace(looked_up) == {"a:one": " title", "t:kept": "", "t:gone": ""}
    assert trace("{{ articles | length }}{{ tag_pages | list }}") == {
        "*:articles": "*",
        "*:tag pages": "*",
    }
