"""Tokenized articles kept on disk, so a rebuild tokenizes only the articles that changed.

Same-story grouping and related stories read every article as token ids
(``textindex.encode``). When one article of thousands changes, both stages run again over
all of them, and tokenizing every text again was most of their cost (about 10 s of a
rebuild of 30,000 articles). The ids of each article are kept under a hash of the text
they come from, with the vocabulary they index; a build takes the kept ids of unchanged
texts, tokenizes the others, and numbers the words again by first appearance, as
``encode`` does, so the result is the very ``Corpus`` a build without the cache makes.

The file is binary (NumPy arrays, no pickle): a kept copy of every token as text would
take longer to read back than tokenizing it again.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import __version__, cache
from .atomicwrite import write_bytes_atomically
from .model import Article
from .textindex import Corpus, Vocabulary, article_text

# Bumped whenever tokenizing (normalize.tokenize, textindex.article_text) can give other
# tokens for the same text; a new release of the package invalidates them too.
TOKENS_VERSION = 1
FILE_NAME = "text-tokens.npz"
_SEPARATOR = "\n"  # never inside a token: tokens are words


@dataclass(frozen=True, slots=True)
class Tokens:
    """The articles tokenized, with what keeping them for the next build needs."""

    corpus: Corpus
    keys: tuple[str, ...]  # each article's text hash, in the corpus's order
    kept: bool  # the file holds these already


def encoded(articles: Sequence[Article], *, cache_dir: Path | None) -> Tokens:
    """``textindex.encode(articles)``, with the ids of texts tokenized by an earlier build
    read from ``cache_dir``; ``save`` keeps them once the site is written."""
    keys = [cache.text_key(article) for article in articles]
    kept_keys, words, rows = _load(cache_dir / FILE_NAME) if cache_dir else ([], [], {})
    numbered_here = not words  # no kept ids: numbered as ``encode`` numbers them
    missing = {key: article for key, article in zip(keys, articles, strict=True) if key not in rows}
    if missing:  # titles first, then bodies, as ``encode`` reads them
        vocabulary = Vocabulary(words)
        titles = {key: vocabulary.ids(article.title) for key, article in missing.items()}
        bodies = {key: vocabulary.ids(article_text(article)) for key, article in missing.items()}
        rows.update((key, (titles[key], bodies[key])) for key in missing)
        words = list(vocabulary)
    ids = [article.id for article in articles]
    if numbered_here:
        corpus = Corpus(
            tuple(ids),
            tuple(rows[key][0] for key in keys),
            tuple(rows[key][1] for key in keys),
            tuple(words),
        )
    else:
        corpus = _by_first_appearance(
            ids, [rows[key][0] for key in keys], [rows[key][1] for key in keys], words
        )
    return Tokens(corpus, tuple(keys), keys == kept_keys)


def save(cache_dir: Path, tokens: Tokens) -> None:
    """Keep the tokens for the next build, unless the file holds them already."""
    if not tokens.kept:
        _save(cache_dir / FILE_NAME, list(tokens.keys), tokens.corpus)


def _by_first_appearance(
    ids: list[str], titles: list[np.ndarray], bodies: list[np.ndarray], words: list[str]
) -> Corpus:
    """The corpus with its words numbered in the order they first appear, titles first,
    as ``encode`` numbers them: kept ids index an earlier build's vocabulary."""
    rows = [*titles, *bodies]
    flat = np.concatenate([*rows, np.zeros(0, dtype=np.int64)])
    seen, first = np.unique(flat, return_index=True)
    order = seen[np.argsort(first)]  # the kept ids, by first appearance
    renumbered = np.zeros(len(words), dtype=np.int64)
    renumbered[order] = np.arange(len(order))
    ends = np.cumsum([len(row) for row in rows])[:-1]
    split = np.split(renumbered[flat], ends) if rows else []
    return Corpus(
        tuple(ids),
        tuple(split[: len(titles)]),
        tuple(split[len(titles) :]),
        tuple(words[index] for index in order.tolist()),
    )


def _save(path: Path, keys: list[str], corpus: Corpus) -> None:
    rows = [*corpus.titles, *corpus.bodies]
    arrays = {
        "version": _text_array(_version()),
        "keys": _text_array(_SEPARATOR.join(keys)),
        "words": _text_array(_SEPARATOR.join(corpus.words)),
        "lengths": np.array([len(row) for row in rows], dtype=np.int64),
        "tokens": np.concatenate([*rows, np.zeros(0, dtype=np.int64)]).astype(np.int32),
    }
    stream = io.BytesIO()
    np.savez(stream, **arrays)
    write_bytes_atomically(path, stream.getvalue(), durable=False)


def _load(path: Path) -> tuple[list[str], list[str], dict[str, tuple[np.ndarray, np.ndarray]]]:
    """The kept articles' keys, the vocabulary, and each key's title and body ids; nothing
    from a file of another version or one that cannot be read whole."""
    try:
        with np.load(io.BytesIO(path.read_bytes()), allow_pickle=False) as stored:
            if _text(stored["version"]) != _version():
                return [], [], {}
            keys = _text(stored["keys"]).split(_SEPARATOR)
            words = _text(stored["words"]).split(_SEPARATOR)
            lengths = stored["lengths"]
            tokens = stored["tokens"].astype(np.int64)
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        return [], [], {}
    if (
        len(lengths) != 2 * len(keys)
        or lengths.sum() != len(tokens)
        or len(set(words)) != len(words)
        or not _within(tokens, words)
    ):
        return [], [], {}
    split = np.split(tokens, np.cumsum(lengths)[:-1])
    rows = {key: (split[i], split[len(keys) + i]) for i, key in enumerate(keys)}
    return keys, words, rows


def _within(tokens: np.ndarray, words: list[str]) -> bool:
    return not len(tokens) or (int(tokens.min()) >= 0 and int(tokens.max()) < len(words))


def _version() -> str:
    return f"{__version__}/{TOKENS_VERSION}"


def _text_array(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-8"), dtype=np.uint8)


def _text(array: np.ndarray) -> str:
    return array.tobytes().decode("utf-8")
