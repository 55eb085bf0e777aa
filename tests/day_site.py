"""A small site whose day has every part of a day's page: a story reported by two
sources, stories of each configured section and of none, a lead with markup characters,
and a previous day."""

from __future__ import annotations

from pathlib import Path

CONFIG = """title: موجز
base_url: https://example.org/news/
timezone: UTC
sections:
  اقتصاد: [اقتصاد]
  سياسة: [العالم]
"""
SUMMIT = "القمة الطارئة لوزراء الخارجية العرب تبحث الأزمة في عمان"


SUMMIT_LEAD = "اجتمع وزراء الخارجية العرب في عمان لبحث الأزمة الإقليمية المتصاعدة."


def add_article(
    site: Path, name: str, title: str, when: str, source: str, tags: str, body: str
) -> None:
    (site / "content" / "articles" / f"{name}.md").write_text(
        f"---\ntitle: {title}\ndate: {when}\nsource: {source}\ntags: [{tags}]\n---\n{body}\n",
        "utf-8",
    )


def add_summit_version(site: Path, name: str, when: str, source: str, tags: str = "") -> None:
    """One source's version of the day's story that several sources report."""
    add_article(site, name, SUMMIT, when, source, tags, f"{SUMMIT_LEAD} وتستمر القمة يومين.")


def day_site(tmp_path: Path) -> Path:
    site = tmp_path / "site-src"
    (site / "content" / "articles").mkdir(parents=True)
    (site / "config.yaml").write_text(CONFIG, "utf-8")
    # the day's first story, at the foot of its page until another source reports it
    add_summit_version(site, "summit-a", "2023-09-13T00:15:00Z", "صحيفة أ", "العالم")
    singles = [
        ("gold", "سعر الذهب يسجل رقما قياسيا جديدا", "اقتصاد", "سعر الذهب < 2000 دولار & أكثر."),
        ("match", "المنتخب يفوز على ضيفه بثلاثة أهداف", "رياضة", "فاز المنتخب في المباراة الودية."),
        ("treaty", "توقيع معاهدة للحدود البحرية بين البلدين", "العالم", "وقع البلدان معاهدة."),
        ("film", "مهرجان السينما يفتتح دورته العاشرة", "", "افتتح المهرجان دورته مساء أمس."),
        ("bank", "البنك المركزي يثبت أسعار الفائدة للمرة الثالثة", "اقتصاد", "قرر البنك التثبيت."),
        ("rain", "أمطار غزيرة متوقعة على المناطق الشمالية", "", "تتوقع الأرصاد أمطارا غزيرة."),
        ("vote", "البرلمان يصوت على قانون الانتخابات الجديد", "العالم", "صوت النواب اليوم."),
    ]
    for hour, (name, title, tags, body) in enumerate(singles, start=1):
        add_article(site, name, title, f"2023-09-13T{hour:02}:30:00Z", "صحيفة أ", tags, body)
    add_article(site, "older", "خبر من اليوم السابق", "2023-09-12T10:00:00Z", "صحيفة أ", "", "نص.")
    return site
