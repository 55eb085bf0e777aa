import pytest
from html_parts import Parts

from generator.sanitize import clean_html, clean_text, html_to_text

HOSTILE = [
    ('<p onclick="steal()">x</p>', "<p>x</p>"),
    ("<script>alert(1)</script><p>x</p>", "<p>x</p>"),
    ('<a href="javascript:alert(1)">x</a>', '<a rel="noopener noreferrer nofollow">x</a>'),
    ('<a href="">x</a>', '<a rel="noopener noreferrer nofollow">x</a>'),
    (
        '<img src="data:image/png;base64,AAAA" onerror="x()">',
        '<img loading="lazy" referrerpolicy="no-referrer">',
    ),
    ('<a href="vbscript:msgbox">x</a>', '<a rel="noopener noreferrer nofollow">x</a>'),
    ("<iframe src='https://evil.example/'></iframe>ok", "ok"),
    ("<style>body{display:none}</style><p>x</p>", "<p>x</p>"),
    ('<p style="position:fixed">x</p>', "<p>x</p>"),
    (
        '<a href="https://example.org/a">x</a>',
        '<a href="https://example.org/a" rel="noopener noreferrer nofollow">x</a>',
    ),
    ('<p dir="rtl" lang="ar">نص</p>', '<p dir="rtl" lang="ar">نص</p>'),
]


@pytest.mark.parametrize(("dirty", "clean"), HOSTILE)
def test_html_is_cleaned_with_an_allow_list(dirty: str, clean: str) -> None:
    assert clean_html(dirty) == clean


@pytest.mark.parametrize(
    ("src", "kept"),
    [
        ("https://example.org/a.png", "https://example.org/a.png"),
        ("http://example.org/a.png", "https://example.org/a.png"),
        ("HTTP://example.org/a.png", "https://example.org/a.png"),
        ("//example.org/a.png", "https://example.org/a.png"),
        ("\\\\example.org/a.png", "https://example.org/a.png"),
        (" http://example.org/a.png\n", "https://example.org/a.png"),
        ("ht\ttp://example.org/a.png", "https://example.org/a.png"),
        ("/static/a.png", "/static/a.png"),
        ("a.png?size=2:1", "a.png?size=2:1"),
        ("ftp://example.org/a.png", None),
        ("mailto:someone@example.org", None),
        ("data:image/png;base64,AAAA", None),
        ("javascript:alert(1)", None),
    ],
)
def test_images_load_over_https_lazily_and_without_a_referrer(src: str, kept: str | None) -> None:
    cleaned = clean_html(f'<img src="{src}" alt="x" loading="eager" referrerpolicy="unsafe-url">')
    expected = {"alt": "x", "loading": "lazy", "referrerpolicy": "no-referrer"}
    assert Parts(cleaned).elements == [("img", expected | {"src": kept} if kept else expected)]


def test_image_attributes_come_in_one_order_every_time() -> None:
    body = '<p><img src="https://example.org/a.png"></p>' * 20
    assert len({clean_html(body) for _ in range(20)}) == 1
    assert clean_html(clean_html(body)) == clean_html(body)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  عنوان\u202e مقلوب\u202c ", "عنوان مقلوب"),
        ("سطر\nآخر\t\x07هنا", "سطر آخر هنا"),
        ("\u2067معزول\u2069", "معزول"),
    ],
)
def test_text_loses_control_and_bidi_override_characters(text: str, expected: str) -> None:
    assert clean_text(text) == expected


def test_html_to_text_keeps_words_apart_and_unescapes() -> None:
    assert html_to_text("<p>أ &amp; ب</p><p>ج<script>x()</script></p>") == "أ & ب ج"
