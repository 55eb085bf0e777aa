"""A story's lead: the first sentence of its text, as a news site shows under a headline.

The body is read before the summary, because a feed's summary is often cut mid-sentence;
only its first paragraph counts, so a heading or a dateline without a full stop does not
run on into the next paragraph. A full stop ends a sentence only after a few words:
``د.`` or ``أ. ف. ب.`` do not end it. A lead that only repeats the headline says
nothing, and is left out.
"""

from __future__ import annotations

import re

from .articles import summarize
from .model import Article
from .normalize import match_key
from .sanitize import html_to_text

_LEAD_WORDS = 40  # a longer first sentence is cut: a lead is read at a glance
_MIN_WORDS = 4  # a sentence end sooner is an abbreviation's full stop
_PARAGRAPH_END = re.compile(
    r"</(?:p|h[1-6]|li|blockquote|div|pre|td|figcaption)\s*>|<br\s*/?>", re.IGNORECASE
)
_SENTENCE_END = re.compile(r"[.!?؟…]+[\"'»”’)\]]*(?=\s|$)")


def lead_sentence(article: Article) -> str:
    """The first sentence of the article's text, plain (escape it before use); empty when
    the article has no text beyond its headline."""
    lead = first_sentence(_first_paragraph(article.body_html) or article.summary)
    return "" if match_key(lead.rstrip(".…")) == match_key(article.title) else lead


def first_sentence(text: str) -> str:
    """Up to the first end of sentence that follows ``_MIN_WORDS`` words, at most
    ``_LEAD_WORDS`` words."""
    for end in _SENTENCE_END.finditer(text):
        if len(text[: end.start()].split()) >= _MIN_WORDS:
            text = text[: end.end()]
            break
    return summarize(text, _LEAD_WORDS)


def _first_paragraph(body_html: str) -> str:
    for paragraph in _PARAGRAPH_END.split(body_html):
        text = html_to_text(paragraph)
        if text:
            return text
    return ""
