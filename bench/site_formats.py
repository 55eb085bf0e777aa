"""One corpus article as each generator compared in the build benchmark reads it.

digest gets a saved Markdown article, Hugo a content file with YAML front matter, Pelican a
Markdown file with its ``Key: value`` metadata: the same title, date, tags and paragraphs,
so the three build the same site content. Article ``i`` of a site of any size is article
``i mod len(corpus)`` of the corpus, under a new id and a year later per round beyond it,
so every size is the same site on every run. Its source is named with the round too
(«الشرق الأوسط 2»): the same text from the same source is one article published twice,
which digest keeps once, so a 100,000-article site of the corpus's 31,525 texts would
otherwise build 31,525 articles.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import yaml

from generator import frontmatter
from generator.model import Article

_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)

# Hugo pages: an article with its 5 related pages (Hugo's own `related`, by shared tags and
# closeness in time), and paged lists for the home page, sections and tags.
HUGO_CONFIG = """\
baseURL = "https://example.org/"
languageCode = "ar"
paginate = 10
[related]
  includeNewer = true
  threshold = 80
  toLower = false
  [[related.indices]]
    name = "tags"
    weight = 100
  [[related.indices]]
    name = "date"
    weight = 10
"""
HUGO_SINGLE = """\
<!doctype html><html lang="ar" dir="rtl">
<head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><h1>{{ .Title }}</h1><p>{{ .Params.source }} · {{ .Date.Format "2006-01-02 15:04" }}</p>
{{ .Content }}
<ul>{{ range .Params.tags }}
<li><a href="{{ "tags/" | relURL }}{{ . | urlize }}/">{{ . }}</a></li>{{ end }}</ul>
{{ with first 5 (.Site.RegularPages.Related .) }}<h2>related</h2><ul>{{ range . }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
</body></html>
"""
HUGO_LIST = """\
<!doctype html><html lang="ar" dir="rtl">
<head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><h1>{{ .Title }}</h1>
<ul>{{ range (.Paginate .Pages).Pages }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "2006-01-02" }}</li>
{{ end }}</ul>
{{ with .Paginator.Next }}<a href="{{ .URL }}">next</a>{{ end }}
</body></html>
"""

# Pelican with its default theme, paged lists, and its content cache on (as digest keeps
# parsed articles in .cache/), so a rebuild with nothing changed can use it.
PELICAN_CONFIG = """\
SITENAME = "ANT"
SITEURL = ""
TIMEZONE = "UTC"
DEFAULT_LANG = "ar"
DEFAULT_PAGINATION = 10
PATH = "content"
OUTPUT_PATH = "output"
CACHE_PATH = "cache"
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
DELETE_OUTPUT_DIRECTORY = False
"""


@dataclass(frozen=True, slots=True)
class Post:
    """An article as all three generators are given it."""

    name: str  # file name without extension, unique in the site
    title: str
    date: datetime
    source: str
    url: str
    tags: tuple[str, ...]
    body_html: str  # the corpus's paragraphs as <p> elements

    @property
    def paragraphs(self) -> list[str]:
        return [html.unescape(p) for p in _PARAGRAPH.findall(self.body_html)]


def post(articles: Sequence[Article], index: int) -> Post:
    """Article ``index`` of a site of any size (see the module's docstring)."""
    round_, position = divmod(index, len(articles))
    article = articles[position]
    return Post(
        name=article.id if round_ == 0 else f"{article.id}-{round_}",
        title=article.title,
        date=article.published + timedelta(days=365 * round_),
        source=article.source if round_ == 0 else f"{article.source} {round_ + 1}",
        url=article.url,
        tags=article.given_tags,
        body_html=article.body_html,
    )


def digest_file(item: Post, extra: str = "") -> str:
    """A saved article, as ``digest import`` writes one; ``extra`` is a paragraph added
    at the end, as an edit would."""
    fields = {
        "title": item.title,
        "date": item.date,
        "source": item.source,
        "url": item.url,
        "tags": list(item.tags),
    }
    body = "\n\n".join([*item.paragraphs, extra] if extra else item.paragraphs)
    return frontmatter.write(fields, body)


def rss_item(item: Post) -> str:
    """An RSS 2.0 item as a news site's feed carries one (the body as its description)."""
    categories = "".join(f"<category>{html.escape(tag)}</category>" for tag in item.tags)
    return (
        f"<item><title>{html.escape(item.title)}</title>"
        f"<link>{html.escape(item.url)}</link>"
        f'<guid isPermaLink="false">{html.escape(item.name)}</guid>'
        f"<pubDate>{item.date.strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate>"
        f"{categories}<description>{html.escape(item.body_html)}</description></item>"
    )


def rss_feed(items: Sequence[Post]) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        "<title>ANT</title><link>https://example.org/</link><description>ANT</description>"
        f"<language>ar</language>{''.join(rss_item(item) for item in items)}</channel></rss>\n"
    )


def hugo_site(folder: Path, items: Sequence[Post]) -> None:
    """A Hugo site of the posts: configuration, two layouts, one content file a post."""
    (folder / "layouts" / "_default").mkdir(parents=True)
    (folder / "hugo.toml").write_text(HUGO_CONFIG, "utf-8")
    (folder / "layouts" / "_default" / "single.html").write_text(HUGO_SINGLE, "utf-8")
    (folder / "layouts" / "_default" / "list.html").write_text(HUGO_LIST, "utf-8")
    content = folder / "content" / "articles"
    content.mkdir(parents=True)
    for item in items:
        fields = {
            "title": item.title,
            "date": item.date.isoformat(),
            "tags": list(item.tags),
            "source": item.source,
            "link": item.url,  # not `url`, which Hugo takes for the page's own address
        }
        front = yaml.safe_dump(fields, allow_unicode=True, sort_keys=False, width=10**6)
        body = "\n\n".join(item.paragraphs)
        (content / f"{item.name}.md").write_text(f"---\n{front}---\n{body}\n", "utf-8")


def pelican_site(folder: Path, items: Sequence[Post]) -> None:
    """A Pelican site of the posts: a minimal pelicanconf.py and one Markdown file a post."""
    content = folder / "content"
    content.mkdir(parents=True)
    (folder / "pelicanconf.py").write_text(PELICAN_CONFIG, "utf-8")
    for item in items:
        meta = [
            f"Title: {item.title}",
            f"Date: {item.date.strftime('%Y-%m-%d %H:%M')}",
            f"Slug: {item.name.lower()}",
            f"Tags: {', '.join(item.tags)}",
            f"Source: {item.source}",
            f"Link: {item.url}",
        ]
        body = "\n\n".join(item.paragraphs)
        (content / f"{item.name}.md").write_text("\n".join(meta) + f"\n\n{body}\n", "utf-8")
