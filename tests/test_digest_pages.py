"""A day's page, the front page and the archive as built from a real site folder: the top
stories first, then the sections of config.yaml, each story once, and a story's place
kept as other sources report it."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import build_site
from day_site import SUMMIT_LEAD, add_summit_version, day_site
from html_parts import Parts


def _page(site: Path, path: str) -> str:
    return (site / "site" / path / "index.html").read_text("utf-8")


def _headings(html: str) -> list[str]:
    return [Parts(heading).text for heading in re.findall(r"<h2[^>]*>.*?</h2>", html)]


def _story_ids(html: str) -> list[str]:
    return [attrs["id"] for tag, attrs in Parts(html).elements if tag == "li" and "id" in attrs]


def test_a_day_opens_with_its_top_stories_then_each_other_story_once_by_section(
    tmp_path: Path,
) -> None:
    site = day_site(tmp_path)
    add_summit_version(site, "summit-b", "2023-09-13T09:00:00Z", "صحيفة ب")
    build_site(site)
    html = _page(site, "digests/2023-09-13/")
    assert _headings(html) == ["أهم الأخبار", "اقتصاد", "سياسة", "منوعات"]
    ids = _story_ids(html)
    assert ids == [
        "story-summit-a",  # two sources
        "story-vote",  # then the newest
        "story-rain",
        "story-bank",
        "story-film",
        "story-gold",  # اقتصاد
        "story-treaty",  # سياسة
        "story-match",  # رياضة is no section here: منوعات
    ]
    top = html[: html.index("</section>")]
    assert "نشرته أيضاً" in top and "صحيفة ب" in Parts(top).text
    assert SUMMIT_LEAD in top
    assert "وتستمر القمة" not in top  # the lead is the first sentence only


def test_a_lead_is_shown_as_text(tmp_path: Path) -> None:
    site = day_site(tmp_path)
    build_site(site)
    html = _page(site, "digests/2023-09-13/")
    assert "سعر الذهب &lt; 2000 دولار &amp; أكثر." in html
    assert "سعر الذهب < 2000 دولار & أكثر." in Parts(html).text


def test_the_front_page_shows_the_latest_day_then_lists_the_others(tmp_path: Path) -> None:
    site = day_site(tmp_path)
    build_site(site)
    front, day = _page(site, ""), _page(site, "digests/2023-09-13/")
    assert _story_ids(front) == _story_ids(day)
    assert _headings(front) == [*_headings(day), "الأيام السابقة"]
    links = [attrs.get("href") for tag, attrs in Parts(front).elements if tag == "a"]
    assert "/news/digests/2023-09-13/" in links and "/news/digests/2023-09-12/" in links
    listed = front[front.index('class="previous-days"') :]
    assert "خبر من اليوم السابق" in Parts(listed).text


def test_the_archive_is_a_calendar_of_weeks_from_saturday(tmp_path: Path) -> None:
    site = day_site(tmp_path)
    build_site(site)
    html = _page(site, "archive/")
    parts = Parts(html)
    assert "سبتمبر 2023" in parts.text
    headers = re.findall(r"<th scope=\"col\">(.*?)</th>", html)
    assert headers == ["سبت", "أحد", "إثنين", "ثلاثاء", "أربعاء", "خميس", "جمعة"]
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.DOTALL)[1:]
    first_week = [Parts(cell).text for cell in re.findall(r"<td.*?</td>", rows[0])]
    assert first_week == ["", "", "", "", "", "", "1"]  # 1 September 2023 was a Friday
    linked = [a for tag, a in parts.elements if tag == "a" and "digests/" in a["href"]]
    assert [a["href"] for a in linked] == ["/news/digests/2023-09-12/", "/news/digests/2023-09-13/"]


def test_a_story_keeps_its_anchor_when_another_source_reports_it_later(tmp_path: Path) -> None:
    site = day_site(tmp_path)
    build_site(site)
    before = _story_ids(_page(site, "digests/2023-09-13/"))
    assert before[-3:] == ["story-gold", "story-summit-a", "story-match"]  # in سياسة
    add_summit_version(site, "summit-b", "2023-09-13T12:00:00Z", "صحيفة ب")
    build_site(site)
    html = _page(site, "digests/2023-09-13/")
    after = _story_ids(html)
    anchor = "story-summit-a"
    assert sorted(after) == sorted(before) and anchor in after
    story = html[html.index(f'id="{anchor}"') :]
    story = story[: story.index("</li>")]
    assert "صحيفة ب" in Parts(story).text  # the new version is listed under the story
    assert after[0] == anchor  # and, reported by two sources now, it leads the day
