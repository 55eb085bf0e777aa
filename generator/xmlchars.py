"""Characters that XML 1.0 cannot hold, kept out of everything the site publishes.

A single such character in one feed item (a C0 control, U+FFFE, U+FFFF, a lone
surrogate) makes the whole feed unreadable to every reader, and a lone surrogate cannot
even be written as UTF-8. So articles lose them as they enter the build, with a problem
naming the article; what is made from other text (the config, the theme's words) loses
them as it is written; and every XML file is parsed once before the site is written, so
that a broken feed stops the build instead of replacing a good one.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from pyexpat import ErrorString
from xml.etree.ElementTree import ParseError, XMLParser

from .model import Article, OutputFile
from .problems import BuildError, Problem

# Everything outside XML 1.0's Char production: #x9 | #xA | #xD | [#x20-#xD7FF] |
# [#xE000-#xFFFD] | [#x10000-#x10FFFF]. A pattern rather than str.translate, which looks
# up every character of a page one by one.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_FIELD_WORDS = {"body_html": "text", "given_tags": "tags", "url": "link", "source_url": "link"}
# Ids are keys between articles, never shown: changing one could merge two articles.
_KEYS = frozenset({"id", "explicit_related", "related", "same_story"})


def xml_text(text: str) -> str:
    """The text without the characters XML 1.0 cannot hold."""
    return _NOT_XML.sub("", text)


def articles_fit_for_xml(
    articles: Iterable[Article],
) -> tuple[tuple[Article, ...], tuple[Problem, ...]]:
    """The articles without characters XML cannot hold, and a problem for each article
    that had some (its text is published without them)."""
    fit: list[Article] = []
    problems: list[Problem] = []
    for article in articles:
        changed = {
            name: cleaned
            for name, value in _text_fields(article)
            if (cleaned := _cleaned(value)) != value
        }
        if changed:
            article = dataclasses.replace(article, **changed)
            words = dict.fromkeys(_FIELD_WORDS.get(name, name) for name in changed)
            problems.append(
                Problem(
                    article.origin,
                    None,
                    f"“{article.title}” had characters that no web page or feed may contain "
                    f"(in its {', '.join(words)})",
                    "removed them",
                )
            )
        fit.append(article)
    return tuple(fit), tuple(problems)


def _text_fields(article: Article) -> Iterable[tuple[str, str | tuple[str, ...]]]:
    for field in dataclasses.fields(article):
        if field.name in _KEYS:
            continue
        value = getattr(article, field.name)
        if isinstance(value, str) or (
            isinstance(value, tuple) and all(isinstance(item, str) for item in value)
        ):
            yield field.name, value


def _cleaned(value: str | tuple[str, ...]) -> str | tuple[str, ...]:
    return xml_text(value) if isinstance(value, str) else tuple(map(xml_text, value))


def check_well_formed(files: Iterable[OutputFile]) -> None:
    """Stop the build, naming the file and line, if an XML file made is not well-formed."""
    for file in files:
        if not file.path.endswith(".xml"):
            continue
        parser = XMLParser()
        try:
            parser.feed(file.content)
            parser.close()
        except ParseError as error:
            line, _ = error.position
            raise BuildError(
                f"{file.path}, line {line}: the XML made is broken "
                f"({ErrorString(error.code)}), so nothing was written"
            ) from error
