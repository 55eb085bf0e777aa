from datetime import UTC, date, datetime, timedelta

import pytest

from generator.localize import Localizer, text_direction


def test_arabic_dates_have_arabic_month_names_in_the_site_time_zone() -> None:
    riyadh = Localizer("ar", "Asia/Riyadh")
    # 22:30 UTC on the 12th is already the 13th in Riyadh
    moment = datetime(2023, 9, 12, 22, 30, tzinfo=UTC)
    assert riyadh.long_date(moment) == "13 سبتمبر 2023"
    assert riyadh.full_date(date(2023, 9, 13)) == "الأربعاء، 13 سبتمبر 2023"
    assert riyadh.month(date(2023, 9, 1)) == "سبتمبر 2023"


def test_arabic_indic_digits_when_configured() -> None:
    arab = Localizer("ar", "UTC", digits="arab")
    assert arab.long_date(date(2023, 9, 13)) == "١٣ سبتمبر ٢٠٢٣"
    assert arab.number(2024) == "٢٠٢٤"


def test_other_languages_use_their_own_words() -> None:
    assert Localizer("en", "UTC").long_date(date(2023, 9, 13)) == "September 13, 2023"
    assert "בספטמבר" in Localizer("he", "UTC").long_date(date(2023, 9, 13))


@pytest.mark.parametrize(
    ("language", "expected"),
    [("ar", "rtl"), ("fa-IR", "rtl"), ("he_IL", "rtl"), ("ur", "rtl"), ("en-us", "ltr"),
     ("ru", "ltr"), ("not a language", "ltr"), ("", "ltr")],
)  # fmt: skip
def test_text_direction_follows_the_script_of_the_language(language, expected) -> None:
    assert text_direction(language) == expected


def test_a_localizer_used_for_many_pages_says_what_a_new_one_says() -> None:
    days = [date(2023, 9, 1) + timedelta(days=n % 40) for n in range(120)]
    moments = [
        datetime(2023, 11, 5, 4, 0, tzinfo=UTC) + timedelta(minutes=20 * n) for n in range(12)
    ]
    for language, zone, digits in [
        ("ar", "Asia/Riyadh", "arab"),
        ("en", "America/New_York", "latn"),
    ]:
        used = Localizer(language, zone, digits)
        calls = [(f, d) for d in days for f in ("long_date", "full_date", "month")]
        calls += [(f, m) for m in moments * 2 for f in ("long_date", "time_of_day")]
        assert [getattr(used, f)(v) for f, v in calls] == [
            getattr(Localizer(language, zone, digits), f)(v) for f, v in calls
        ]
        assert used == Localizer(language, zone, digits)
        assert hash(used) == hash(Localizer(language, zone, digits))


def test_hijri_dates_are_umm_al_qura_beside_the_gregorian_ones():
    # 1 Ramadan 1444 began on 23 March 2023 in Saudi Arabia; 13 September 2023 was 28 Safar 1445.
    hijri = Localizer("ar", "Asia/Riyadh", hijri=True)
    assert hijri.long_date(date(2023, 3, 23)) == "23 مارس 2023 · 1 رمضان 1444 هـ"
    assert hijri.full_date(date(2023, 9, 13)).endswith("· 28 صفر 1445 هـ")
    arab = Localizer("ar", "UTC", digits="arab", hijri=True)
    assert arab.long_date(date(2023, 9, 13)) == "١٣ سبتمبر ٢٠٢٣ · ٢٨ صفر ١٤٤٥ هـ"
    assert "هـ" not in Localizer("ar", "UTC").long_date(date(2023, 9, 13))


def test_a_date_outside_the_umm_al_qura_tables_keeps_the_gregorian_date_alone():
    assert Localizer("ar", "UTC", hijri=True).long_date(date(1900, 9, 13)) == "13 سبتمبر 1900"
