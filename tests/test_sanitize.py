import pytest

from generator.sanitize import clean_html, clean_text, html_to_text

HOSTILE = [
    ('<p onclick="steal()">x</p>', "<p>x</p>"),
    ("<script>alert(1)</script><p>x</p>", "<p>x</p>"),
    ('<a href="javascript:alert(1)">x</a>', '<a rel="noopener noreferrer nofollow">x</a>'),
    ('<a href="">x</a>', '<a rel="noopener noreferrer nofollow">x</a>'),
    ('<img src="data:image/png;base64,AAAA" onerror="x()">', "<img>"),
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
