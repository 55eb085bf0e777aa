from pathlib import Path

import pytest
import stopwordsiso
import yaml

from generator.normalize import (
    STOP_WORDS,
    arabic_letters,
    clitic_readings,
    display_form,
    is_stop_word,
    match_key,
    match_keys,
    strip_clitics,
    tokenize,
    word_keys,
    written_words,
)

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "normalize.yaml").read_text("utf-8"))


def _ids(cases):
    return [case["why"] for case in cases]


@pytest.mark.parametrize("case", CASES["match_key"], ids=_ids(CASES["match_key"]))
def test_match_key(case):
    assert match_key(case["text"]) == case["want"]


@pytest.mark.parametrize("case", CASES["tokenize"], ids=_ids(CASES["tokenize"]))
def test_tokenize(case):
    assert tokenize(case["text"]) == case["want"]


@pytest.mark.parametrize("case", CASES["display_form"], ids=_ids(CASES["display_form"]))
def test_display_form(case):
    assert display_form(case["text"]) == case["want"]


def test_display_form_follows_a_given_language():
    assert display_form("کتاب پارسی", lang="ar") == "كتاب پارسي"
    assert display_form("الکوری", lang="fa") == "الکوری"


@pytest.mark.parametrize("case", CASES["arabic_letters"], ids=_ids(CASES["arabic_letters"]))
def test_arabic_letters(case):
    assert arabic_letters(case["text"], case["lang"]) == case["want"]
    assert match_key(arabic_letters(case["text"], case["lang"])) == match_key(case["text"])


def test_display_form_keeps_urdu_letters_when_no_language_is_given():
    assert display_form("شہر") == "شہر"
    assert display_form("شہر", lang="ar") == "شهر"


def test_match_key_is_idempotent_and_display_form_keeps_the_key():
    for case in CASES["match_key"] + CASES["display_form"]:
        key = match_key(case["text"])
        assert match_key(key) == key
        assert match_key(display_form(case["text"])) == key


@pytest.mark.parametrize("pair", CASES["strip_clitics"]["same"], ids=" = ".join)
def test_strip_clitics_gives_one_key_with_or_without_proclitics(pair):
    plain, with_clitic = pair
    assert strip_clitics(plain) == strip_clitics(with_clitic)


@pytest.mark.parametrize("word", CASES["strip_clitics"]["kept"])
def test_strip_clitics_keeps_short_words(word):
    assert strip_clitics(word) == word


def test_strip_clitics_tells_different_words_apart():
    keys = {strip_clitics(word) for word in ("كوريا", "روسيا", "لبنان", "بكين", "كره", "القدم")}
    assert len(keys) == 6


@pytest.mark.parametrize("case", CASES["clitic_readings"], ids=_ids(CASES["clitic_readings"]))
def test_clitic_readings(case):
    assert clitic_readings(case["token"]) == tuple(case["want"])


@pytest.mark.parametrize("word", CASES["stop_words"]["stop"])
def test_stop_words(word):
    assert is_stop_word(word)


@pytest.mark.parametrize("word", CASES["stop_words"]["content"])
def test_content_words_are_not_stop_words(word):
    assert not is_stop_word(word)


def test_stop_words_come_from_the_maintained_list():
    listed = {match_key(word) for word in stopwordsiso.stopwords("ar")}
    assert len(listed & STOP_WORDS) > 300
    assert all(word == match_key(word) for word in STOP_WORDS)


def test_word_keys_match_tokenize_for_each_word():
    words = [word for case in CASES["match_key"] for word in case["text"].split()]
    words += ["كوفيد_19", "", "a-b"]
    assert word_keys(words) == ["".join(tokenize(word)) for word in words]
    assert word_keys([]) == []


def test_match_keys_are_match_key_of_each_word():
    """Also for a letter that NFKC writes as several words (ﷺ) or with a space."""
    texts = [case["text"] for case in CASES["match_key"]] + ["ﷺ ﷲ ﬁ Ⅻ ２٣ كـــتاب"]
    words = [word for text in texts for word in written_words(text) if word]
    words += ["", "\u00a0x", "ﷺ"]
    assert match_keys(words) == [match_key(word) for word in words]
    assert match_keys([]) == []


def test_written_words_keep_spelling_and_mark_clause_boundaries():
    text = "قال مُحَمَّدٌ: «كرة القدم» - في الســـلام، كوفيد-19 #عاجل_الآن"
    assert written_words(text) == [
        "قال", "مُحَمَّدٌ", "", "", "كرة", "القدم", "", "", "في", "الســـلام", "", "كوفيد", "19",
        "", "عاجل", "الآن",
    ]  # fmt: skip
    assert [match_key(word) for word in written_words(text) if word] == tokenize(text)
