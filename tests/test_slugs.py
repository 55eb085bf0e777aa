import pytest

from generator.slugs import slugify, unique_slugs


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("بوتين يلتقي “كيم جونج أون” اليوم!", "بوتين-يلتقي-كيم-جونج-أون-اليوم"),
        ("كُوريا الشَّمالية", "كوريا-الشمالية"),
        ("Hello, World", "hello-world"),
        ("../../etc/passwd", "etc-passwd"),
        ("a/b\\c", "a-b-c"),
        ("المناطق_ متابعات", "المناطق-متابعات"),
    ],
)
def test_slugs_keep_letters_and_lose_separators(text: str, slug: str) -> None:
    assert slugify(text) == slug


@pytest.mark.parametrize("text", ["", "...", "con", "index", "static"])
def test_empty_and_reserved_slugs_get_a_stable_suffix(text: str) -> None:
    slug = slugify(text)
    assert slug and slug not in {"", ".", "..", "con", "index", "static"}
    assert "/" not in slug and slug == slugify(text)


def test_long_slugs_are_cut_at_a_word() -> None:
    slug = slugify("كلمة " * 40)
    assert len(slug) <= 80 and not slug.endswith("-") and slug.endswith("كلمة")


def test_clashing_slugs_are_told_apart_without_renaming_the_others() -> None:
    first = unique_slugs([("a", "x"), ("b", "y")])
    second = unique_slugs([("a", "x"), ("b", "y"), ("c", "x")])
    assert first == {"a": "x", "b": "y"}
    assert second["b"] == "y"
    assert len({second["a"], second["c"]}) == 2
    assert second == unique_slugs([("c", "x"), ("b", "y"), ("a", "x")])
