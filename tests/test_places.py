from generator.places import country_names


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
    (الكونغو - كينشاسا): no headline writes those."""
    assert all(name.replace(" ", "").isalpha() for name in country_names(["ar"]))
    assert "العالم" not in country_names(["ar"])  # the world (001) is no country
