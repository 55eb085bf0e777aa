"""Publication dates in the forms news pages print them (cases in cases/import_dates.yaml)."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from generator.dates import DateError, parse_date

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "import_dates.yaml").read_text("utf-8"))
SITE_ZONE = ZoneInfo("Asia/Riyadh")


@pytest.mark.parametrize("case", CASES, ids=[case["text"] for case in CASES])
def test_date_forms(case: dict) -> None:
    if "error" in case:
        with pytest.raises(DateError, match=case["error"]):
            parse_date(case["text"], SITE_ZONE)
    else:
        assert parse_date(case["text"], SITE_ZONE).isoformat() == case["date"]


def test_a_date_without_zone_follows_the_site_zone() -> None:
    assert parse_date("13 سبتمبر 2023", ZoneInfo("UTC")).isoformat() == "2023-09-13T00:00:00+00:00"
    assert (
        parse_date("13 سبتمبر 2023", ZoneInfo("America/New_York")).utcoffset().total_seconds()
        == -4 * 3600
    )
