from generator.places import city_names, country_names


def test_the_names_are_those_of_each_language_given():
    arabic, hebrew = country_names(["ar"]), country_names(["he"])
    assert {"الفلبين", "إيطاليا", "الكويت"} <= arabic
    assert "איטליה" in hebrew and "איטליה" not in arabic
    assert country_names(["ar", "he"]) == arabic | hebrew


def test_a_regional_tag_gives_its_language_and_an_unknown_one_nothing():
    assert country_names(["ar-SA"]) >= {"الفلبين", "إيطاليا"}
    assert country_names(["zz-unknown", ""]) == frozenset()


def test_only_names_of_words_are_kept():
    """CLDR also names regions by code and territories with parentheses or dashes
    (الكونغو - كينشاسا): no headline writes those. A name with a letter's mark is a name
    of words (عُمان)."""
    names = country_names(["ar"])
    assert not any(set(name) & set("()-,،0123456789") for name in names)
    assert "الكونغو - كينشاسا" not in names and "عُمان" in names
    assert "العالم" not in names  # the world (001) is no country


def test_the_cities_are_the_capitals_and_large_cities_of_each_language_given():
    """The cities CLDR names time zones by, but not the unknown one of Etc/Unknown."""
    arabic = city_names(["ar"])
    assert {"بغداد", "بروكسل", "سول", "شيكاغو", "الدار البيضاء"} <= arabic
    assert "مدينة غير معروفة" not in arabic and "עיר לא ידועה" not in city_names(["he"])
    assert "بغداد" not in city_names(["he"])
    assert "عمّان" in arabic and "بيولا، داكوتا الشمالية" not in arabic
    assert city_names(["zz-unknown"]) == frozenset()
