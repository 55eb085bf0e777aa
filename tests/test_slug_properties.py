"""Properties every slug keeps, whatever the title: checked on generated text."""

import unicodedata

from hypothesis import example, given
from hypothesis import strategies as st

from generator.slugs import MAX_SLUG_BYTES, NAME_MAX_BYTES, slugify, unique_slugs

# Whole Unicode, with more Arabic, CJK Extension B (four bytes a letter), marks and
# punctuation than uniform draws would give.
TITLES = st.text(
    st.one_of(
        st.characters(),
        st.characters(min_codepoint=0x0600, max_codepoint=0x06FF),
        st.characters(min_codepoint=0x20000, max_codepoint=0x2A6DF),
        st.sampled_from(" -_./\\:İ\u0307\u064e\u200f\u202e"),
    ),
    max_size=300,
)
BOUNDS = st.integers(min_value=16, max_value=400)
DEVICES = {"con", "prn", "aux", "nul"} | {f"{p}{n}" for p in ("com", "lpt") for n in range(10)}


@given(TITLES)
@example("\U00020000" * 64)
@example("con")
@example("\ud800")
@example("İ")
def test_a_slug_is_a_safe_bounded_name(title: str) -> None:
    slug = slugify(title)
    assert 0 < len(slug.encode()) <= MAX_SLUG_BYTES
    assert len(slug) <= 80
    assert not any(unicodedata.category(ch).startswith(("C", "Z")) for ch in slug)
    assert not set(slug) & set('/\\.:*?"<>| ')
    assert slug not in DEVICES | {"static", "page", "index"}
    assert not slug.startswith("-") and not slug.endswith("-") and "--" not in slug


@given(TITLES, BOUNDS)
def test_the_byte_bound_is_kept_at_whole_characters(title: str, max_bytes: int) -> None:
    slug = slugify(title, max_length=1000, max_bytes=max_bytes)
    assert len(slug.encode()) <= max_bytes
    words = slugify(title, max_length=1000, max_bytes=10_000)
    assert slug == words or words.startswith(slug) or slug.split("-")[0] in DEVICES


@given(TITLES)
@example("İstanbul")
def test_slugify_is_idempotent(title: str) -> None:
    slug = slugify(title)
    assert slugify(slug) == slug


@given(st.lists(st.tuples(st.text(max_size=5), TITLES.map(slugify)), unique_by=lambda p: p[0]))
def test_unique_slugs_are_unique_and_still_fit(wanted: list[tuple[str, str]]) -> None:
    result = unique_slugs(wanted)
    assert set(result) == {item_id for item_id, _ in wanted}
    assert len(set(result.values())) == len(result)
    assert all(len(f"{slug}.md".encode()) <= NAME_MAX_BYTES for slug in result.values())
