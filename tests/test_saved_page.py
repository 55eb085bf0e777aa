"""Reading saved text pages: labels, desk line, related stories, repeats and keyword lines."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from generator.saved_page import (
    PageError,
    clean_line,
    clean_title,
    drop_repeats,
    parse_saved_page,
    split_keywords,
)

HERE = Path(__file__).parent
SEED = (HERE / "fixtures" / "import" / "saved-article-ar.txt").read_text("utf-8")
KEYWORD_CASES = yaml.safe_load((HERE / "cases" / "import_keywords.yaml").read_text("utf-8"))


def test_the_seed_page_is_read_into_its_parts() -> None:
    page = parse_saved_page(SEED)
    assert page.title == "بوتين يلتقي كيم جونج أون اليوم في مركز فوستوشني للفضاء"
    assert page.date == "13th, September 2023 GMT"
    assert page.source == "صحيفة المناطق السعودية"
    assert page.keywords.startswith("بوتين روسيا")
    assert page.paragraphs[0].startswith("من المقرر أن يعقد")
    assert not any("متابعات" in paragraph for paragraph in page.paragraphs)  # the desk line
    assert sum("وسائل إعلام روسية عرضت لقطات" in p for p in page.paragraphs) == 1
    assert len(page.paragraphs) == 18  # 19 in the page, one of them repeated
    [related] = page.related
    assert related.title == "قادر على ضرب أمريكا.. كوريا الشمالية تستعرض أحدث الصواريخ الباليستية"
    assert related.date == "" and related.source == ""
    assert len(related.paragraphs) == 6
    assert related.paragraphs[3] == "و صاروخ هواسونغ-20 قادر على ضرب البر الرئيسي للولايات المتحدة"


def test_labels_are_matched_loosely() -> None:
    page = parse_saved_page(
        "عنوان الخبر\n"
        "تاريخ النشر ١٣ أيلول ٢٠٢٣\n"
        "نص الخبر الأول في هذه الصفحة، وهو فقرة كاملة.\n"
        "المصدر : وكالة الأنباء.\n"
        "الكلمات الدلالية\n"
        "بوتين روسيا\n"
        "اقرأ ايضا: خبر آخر عن القمة\n"
        "نص الخبر الآخر، وهو فقرة كاملة أيضا.\n"
    )
    assert page.date == "١٣ أيلول ٢٠٢٣"
    assert page.source == "وكالة الأنباء"
    assert page.keywords == "بوتين روسيا"
    assert page.paragraphs == ("نص الخبر الأول في هذه الصفحة، وهو فقرة كاملة.",)
    assert [(story.title, story.paragraphs) for story in page.related] == [
        ("خبر آخر عن القمة", ("نص الخبر الآخر، وهو فقرة كاملة أيضا.",))
    ]


def test_a_paragraph_starting_with_a_label_word_stays_a_paragraph() -> None:
    paragraph = (
        "المصدر الذي تحدث إلى الصحيفة قال إن المفاوضات ستستمر أياما أخرى قبل أن يعلن"
        " الطرفان عن أي اتفاق نهائي بينهما."
    )
    page = parse_saved_page(f"عنوان\nتاريخ النشر: 2023/09/13\n{paragraph}")
    assert page.paragraphs == (paragraph,) and page.source == ""


def test_an_unlabelled_date_line_under_the_headline() -> None:
    page = parse_saved_page("عنوان الخبر\nالأربعاء 13 سبتمبر 2023\nنص الخبر، وهو فقرة كاملة.")
    assert page.date == "الأربعاء 13 سبتمبر 2023"
    assert page.paragraphs == ("نص الخبر، وهو فقرة كاملة.",)


def test_several_related_stories() -> None:
    page = parse_saved_page(
        "العنوان الرئيسي\nتاريخ النشر: 2023/09/13\nالفقرة الأولى من الخبر الرئيسي.\n"
        "إقرأ أيضاً:\n"
        "الخبر الثاني\nتاريخ النشر: 2023/09/10\nفقرة الخبر الثاني.\nعنوان فرعي داخل الخبر\n"
        "فقرة أخرى من الخبر الثاني.\n"
        "الخبر الثالث\nتاريخ النشر: 2023/09/11\nفقرة الخبر الثالث.\nالمصدر: واس\n"
        "الخبر الرابع\nفقرة الخبر الرابع.\n"
        "اقرأ أيضا\nعنوان بلا نص\n"
    )
    assert [(s.title, s.date, s.source, len(s.paragraphs)) for s in page.related] == [
        ("الخبر الثاني", "2023/09/10", "", 3),
        ("الخبر الثالث", "2023/09/11", "واس", 1),
        ("الخبر الرابع", "", "", 1),
        ("عنوان بلا نص", "", "", 0),
    ]


@pytest.mark.parametrize(
    "text",
    ["", "\n \n", "تاريخ النشر: 13 سبتمبر 2023\nنص", "كلمات دلالية: بوتين\nنص", "x" * 400],
)
def test_no_headline(text: str) -> None:
    with pytest.raises(PageError):
        parse_saved_page(text)


@pytest.mark.parametrize(
    ("title", "cleaned"),
    [
        ("“بوتين” يلتقي “كيم جونج أون” اليوم", "بوتين يلتقي كيم جونج أون اليوم"),
        ("«حماس» توافق على الهدنة", "حماس توافق على الهدنة"),
        (
            "بوتين: “لدي برنامج مناسب هناك وستعرفون ذلك”",
            "بوتين: “لدي برنامج مناسب هناك وستعرفون ذلك”",
        ),
        ("قال “نعم.” ثم غادر", "قال “نعم.” ثم غادر"),
        ("عنوان بلا علامات", "عنوان بلا علامات"),
    ],
)
def test_quote_marks_around_names_are_dropped_from_titles(title: str, cleaned: str) -> None:
    assert clean_title(title) == cleaned


def test_invisible_characters_and_stray_spaces_are_removed() -> None:
    assert clean_line("\u200f  كيم\u200b جونج\u00a0 أون\ufeff  وفقا . ") == "كيم جونج أون وفقا."
    assert clean_line("می\u200cخواهم") == "می\u200cخواهم"  # ZWNJ is Persian spelling


def test_repeated_paragraphs_are_kept_once() -> None:
    first = (
        "إلا أن وسائل إعلام روسية عرضت لقطات تظهر استقبال كيم في محطة خاسان للقطارات القريبة"
        " من حدود روسيا مع كوريا الشمالية، بمشاركة وفد رسمي وحرس الشرف."
    )
    again = (
        "وكانت وسائل إعلام روسية عرضت لقطات تظهر استقبال كيم في محطة خاسان للقطارات القريبة"
        " من الحدود، بمشاركة وفد رسمي وحرس الشرف."
    )
    other = (
        "وتخشى واشنطن أن تحصل موسكو على أسلحة تستخدمها في أوكرانيا، من بيونغ يانغ الخاضعة"
        " بدورها لعقوبات."
    )
    assert drop_repeats([first, other, again]) == (first, other)
    assert drop_repeats([again, other, first]) == (first, other)  # the longer, where it stood
    assert drop_repeats(["قصير.", "قصير.", "قصير جدا."]) == ("قصير.", "قصير جدا.")
    assert drop_repeats([other, other.replace("أوكرانيا", "اوكرانيا")]) == (other,)


def test_different_paragraphs_on_the_same_topic_are_all_kept() -> None:
    page = parse_saved_page(SEED)
    assert drop_repeats(page.paragraphs) == page.paragraphs


@pytest.mark.parametrize("case", KEYWORD_CASES, ids=[case["name"] for case in KEYWORD_CASES])
def test_keyword_lines(case: dict) -> None:
    assert list(split_keywords(case["line"], case["text"])) == case["tags"]


def test_the_seed_keyword_line() -> None:
    page = parse_saved_page(SEED)
    assert split_keywords(page.keywords, (*page.paragraphs, page.title)) == (
        "بوتين", "روسيا", "كوريا الشمالية", "الزعيم الكوري الشمالي",
    )  # fmt: skip
