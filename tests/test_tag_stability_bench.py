"""The comparison of the tag stability bench (bench/tag_stability.py) on hand-made tags:
what counts as an older article changed, a tag gone or come, and a page gone."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from tag_stability import churn

EUROPE = ("اوروبا", "أوروبا")
CHAMPIONS = ("ابطال اوروبا", "أبطال أوروبا")
YEMEN = ("يمن", "اليمن")


def test_only_the_older_articles_are_compared_and_a_new_order_is_a_change():
    before = {"a": (EUROPE, YEMEN), "b": (YEMEN,)}
    after = {"a": (YEMEN, EUROPE), "b": (YEMEN,), "c": (CHAMPIONS,)}
    found = churn(before, after, min_articles=2)
    assert (found.articles, found.changed) == (2, 1)
    assert not found.gone and not found.came  # the same tags, shown in another order


def test_tags_gone_and_come_are_counted_per_article_with_what_each_tag_had():
    before = {"a": (EUROPE,), "b": (EUROPE, YEMEN), "c": (YEMEN,)}
    after = {"a": (CHAMPIONS,), "b": (CHAMPIONS, YEMEN), "c": (YEMEN,), "d": (CHAMPIONS,)}
    found = churn(before, after, min_articles=2)
    assert found.changed == 2
    assert found.gone == {EUROPE: 2}
    assert found.came == {CHAMPIONS: 2}
    assert found.carried[EUROPE] == 2 and found.carried[YEMEN] == 2


def test_a_page_is_gone_when_the_larger_site_has_too_few_articles_with_its_tag():
    before = {"a": (EUROPE,), "b": (EUROPE,), "c": (YEMEN,)}
    after = {"a": (EUROPE,), "b": (CHAMPIONS,), "c": (YEMEN,), "d": (YEMEN,)}
    found = churn(before, after, min_articles=2)
    assert found.pages_gone == ("أوروبا",)  # اليمن had no page before: none is gone
