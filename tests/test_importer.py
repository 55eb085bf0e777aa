"""``digest import`` end to end: real files in temporary sites, a real HTTP server."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote

import markdown
import pytest
import yaml

from generator.config import SiteConfig
from generator.fetch import FetchPolicy
from generator.importer import (
    ImportFailure,
    fetch_page,
    markdown_paragraph,
    run_import,
)

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures" / "import"
GOLDEN = HERE / "golden" / "import"
SEED = FIXTURES / "saved-article-ar.txt"
BAD_INPUTS = yaml.safe_load((HERE / "cases" / "import_bad_inputs.yaml").read_text("utf-8"))
MAIN = "بوتين-يلتقي-كيم-جونج-أون-اليوم-في-مركز-فوستوشني-للفضاء"
RELATED = "قادر-على-ضرب-أمريكا-كوريا-الشمالية-تستعرض-أحدث-الصواريخ-الباليستية"


def site(root: Path) -> SiteConfig:
    return SiteConfig(
        title="موجز", base_url="https://example.org/news/", timezone="Asia/Riyadh", root=root
    )


def run(config: SiteConfig, *inputs: str | Path, dry_run: bool = False) -> tuple[int, str]:
    lines: list[str] = []
    code = run_import(config, [str(item) for item in inputs], dry_run=dry_run, echo=lines.append)
    return code, "\n".join(lines)


def articles(config: SiteConfig) -> dict[str, str]:
    folder = config.content_dir / "articles"
    return {path.name: path.read_text("utf-8") for path in sorted(folder.glob("*.md"))}


def front_matter(text: str) -> dict:
    return yaml.safe_load(text.split("---\n")[1])


def test_the_seed_page_gives_the_golden_articles(tmp_path: Path, update_golden: bool) -> None:
    config = site(tmp_path)
    code, output = run(config, SEED)
    assert code == 0, output
    written = articles(config)
    assert sorted(written) == sorted([f"{MAIN}.md", f"{RELATED}.md"])
    if update_golden:
        shutil.rmtree(GOLDEN, ignore_errors=True)
        GOLDEN.mkdir(parents=True)
        for name, text in written.items():
            (GOLDEN / name).write_bytes(text.encode("utf-8"))
    for name in written:
        produced = (config.content_dir / "articles" / name).read_bytes()
        assert produced == (GOLDEN / name).read_bytes(), name


def test_the_seed_articles_have_the_expected_fields(tmp_path: Path) -> None:
    config = site(tmp_path)
    run(config, SEED)
    written = articles(config)
    main, related = written[f"{MAIN}.md"], written[f"{RELATED}.md"]
    fields = front_matter(main)
    assert fields["title"] == "بوتين يلتقي كيم جونج أون اليوم في مركز فوستوشني للفضاء"
    assert fields["date"].isoformat() == "2023-09-13T00:00:00+00:00"
    assert fields["source"] == "صحيفة المناطق السعودية"
    assert fields["tags"] == ["بوتين", "روسيا", "كوريا الشمالية", "الزعيم الكوري الشمالي"]
    assert fields["related"] == [RELATED]
    assert main.count("وسائل إعلام روسية عرضت لقطات") == 1
    assert "متابعات" not in main and "كلمات دلالية" not in main and "قادر على" not in main
    other = front_matter(related)
    assert other["title"] == "قادر على ضرب أمريكا.. كوريا الشمالية تستعرض أحدث الصواريخ الباليستية"
    assert other["related"] == [MAIN]
    assert other["date"] == fields["date"] and other["date_inherited"] is True
    assert other["source"] == fields["source"] and other["source_inherited"] is True
    assert "\n\n" in related.split("---\n", 2)[2]  # paragraphs separated by blank lines


def test_the_saved_articles_are_read_back_by_the_site(tmp_path: Path) -> None:
    from generator.articles import read_saved_articles

    config = site(tmp_path)
    run(config, SEED)
    read, problems = read_saved_articles(config)
    assert sorted(article.id for article in read) == sorted([MAIN, RELATED])
    main = next(article for article in read if article.id == MAIN)
    assert main.explicit_related == (RELATED,)
    assert "<p>" in main.body_html and main.given_tags[3] == "الزعيم الكوري الشمالي"
    assert problems == ()


def test_importing_again_changes_nothing(tmp_path: Path) -> None:
    config = site(tmp_path)
    run(config, SEED)
    before = articles(config)
    stamps = {p: p.stat().st_mtime_ns for p in (config.content_dir / "articles").iterdir()}
    code, output = run(config, SEED, SEED)
    assert code == 0
    assert output.count("already imported") == 4 and "wrote" not in output
    assert articles(config) == before
    assert {p: p.stat().st_mtime_ns for p in stamps} == stamps


def test_the_same_article_saved_by_hand_is_recognized_by_title_and_day(tmp_path: Path) -> None:
    config = site(tmp_path)
    folder = config.content_dir / "articles"
    folder.mkdir(parents=True)
    mine = folder / "putin-kim.md"
    mine.write_text(
        "---\ntitle: “بوتين” يلتقي “كيم جونج أون” اليوم في مركز فوستوشني للفضاء\n"
        "date: 2023-09-13T09:00:00+03:00\n---\nنصي.\n",
        encoding="utf-8",
    )
    code, output = run(config, SEED)
    assert code == 0
    assert "already imported: content/articles/putin-kim.md" in output
    assert mine.read_text("utf-8").endswith("نصي.\n")
    assert front_matter(articles(config)[f"{RELATED}.md"])["related"] == ["putin-kim"]


def test_an_article_found_in_a_sub_folder_is_linked_by_its_path(tmp_path: Path) -> None:
    from generator.articles import read_saved_articles

    config = site(tmp_path)
    for year, title in (("2023", "بوتين يلتقي كيم جونج أون اليوم في مركز فوستوشني للفضاء"),
                        ("2024", "خبر آخر بالاسم نفسه")):  # fmt: skip
        (config.content_dir / "articles" / year).mkdir(parents=True)
        (config.content_dir / "articles" / year / "putin-kim.md").write_text(
            f"---\ntitle: {title}\ndate: 2023-09-13T09:00:00+03:00\n---\nنصي.\n", "utf-8"
        )
    code, output = run(config, SEED)
    assert code == 0, output
    assert "already imported: content/articles/2023/putin-kim.md" in output
    read, problems = read_saved_articles(config)
    assert next(a for a in read if a.id == RELATED).explicit_related == ("2023/putin-kim",)
    assert problems == ()


def test_an_existing_file_with_the_same_name_is_never_overwritten(tmp_path: Path) -> None:
    config = site(tmp_path)
    folder = config.content_dir / "articles"
    folder.mkdir(parents=True)
    taken = folder / f"{MAIN}.md"
    taken.write_text("---\ntitle: شيء آخر\ndate: 2020-01-01\n---\nنص آخر.\n", encoding="utf-8")
    code, output = run(config, SEED)
    assert code == 0, output
    assert taken.read_text("utf-8") == "---\ntitle: شيء آخر\ndate: 2020-01-01\n---\nنص آخر.\n"
    [new] = [name for name in articles(config) if name.startswith(MAIN + "-")]
    assert new in output
    assert front_matter(articles(config)[f"{RELATED}.md"])["related"] == [new[:-3]]


def test_dry_run_writes_nothing_and_shows_the_files(tmp_path: Path) -> None:
    config = site(tmp_path)
    code, output = run(config, SEED, dry_run=True)
    assert code == 0
    assert not (tmp_path / "content").exists()
    assert f"would write content/articles/{MAIN}.md" in output
    assert "tags: بوتين، روسيا، كوريا الشمالية، الزعيم الكوري الشمالي" in output
    assert "      title: بوتين يلتقي كيم جونج أون اليوم في مركز فوستوشني للفضاء" in output


@pytest.mark.parametrize("case", BAD_INPUTS, ids=[case["name"] for case in BAD_INPUTS])
def test_bad_inputs_fail_with_a_reason(tmp_path: Path, case: dict) -> None:
    page = tmp_path / "page.txt"
    page.write_text(case["text"], encoding="utf-8")
    config = site(tmp_path / "site")
    code, output = run(config, page, SEED)
    assert code == 1
    assert f"{page}\n  failed: {case['error']}" in output
    assert f"{MAIN}.md" in "".join(articles(config))  # the other input was still imported


def test_a_binary_file_is_refused(tmp_path: Path) -> None:
    page = tmp_path / "photo.txt"
    page.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    code, output = run(site(tmp_path), page)
    assert code == 1 and "failed: this is not a text file (it contains binary data)" in output


def test_a_missing_file_is_reported(tmp_path: Path) -> None:
    code, output = run(site(tmp_path), tmp_path / "nothing.txt")
    assert code == 1 and "failed: cannot read the file (No such file or directory)" in output


def test_a_windows_1256_page_is_decoded(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    # The seed's keyword line has Persian-keyboard letters, which windows-1256 lacks.
    text = SEED.read_text("utf-8").translate(str.maketrans("یک", "يك"))
    page.write_bytes(text.encode("cp1256"))
    config = site(tmp_path / "utf8")
    run(config, SEED)
    legacy = site(tmp_path / "legacy")
    code, output = run(legacy, page)
    assert code == 0, output
    assert "read as cp1256 text" in output
    assert front_matter(articles(legacy)[f"{MAIN}.md"]) == front_matter(
        articles(config)[f"{MAIN}.md"]
    )


def test_an_html_page_is_extracted(tmp_path: Path) -> None:
    config = site(tmp_path)
    code, output = run(config, FIXTURES / "article.html")
    assert code == 0, output
    [text] = articles(config).values()
    fields = front_matter(text)
    assert fields["title"] == "قادر على ضرب أمريكا.. كوريا الشمالية تستعرض أحدث الصواريخ الباليستية"
    assert fields["date"].isoformat() == "2025-10-11T08:30:00+03:00"
    assert fields["source"] == "صحيفة المناطق السعودية"
    assert fields["url"] == "https://example.com/news/north-korea-parade"
    assert fields["tags"] == ["كوريا الشمالية", "هواسونغ-20", "صواريخ باليستية"]
    assert fields["lang"] == "ar"
    body = text.split("---\n", 2)[2]
    assert body.startswith("أفادت وسائل الإعلام") and body.count("\n\n") == 3
    assert "الرئيسية" not in body and "جميع الحقوق" not in body


@pytest.mark.parametrize(
    "text",
    [
        "# ليس عنوانا",
        "1. ليس قائمة",
        "2023) عام",
        "- ليس بندا",
        "> ليس اقتباسا",
        "+ ليس بندا",
        "نص فيه *نجوم* و_شرطة_ و`رمز` و[رابط](http://x) و\\ شرطة مائلة",
        "نص فيه <b>وسم</b> و&amp; كيان و< 5 و AT&T",
        "---",
        "نص عادي تماما.",
    ],
)
def test_markdown_paragraphs_render_as_the_same_text(text: str) -> None:
    html = markdown.markdown(markdown_paragraph(text), extensions=["extra", "sane_lists"])
    assert html.startswith("<p>") and html.endswith("</p>")
    rendered = html[3:-4].replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    assert rendered == text


# --- Fetching over HTTP from a real server on 127.0.0.1 ------------------------------


class _Handler(http.server.SimpleHTTPRequestHandler):
    seen_agents: list[str]

    def do_GET(self) -> None:
        self.seen_agents.append(self.headers.get("User-Agent", ""))
        if self.path == "/old":
            self.send_response(301)
            self.send_header("Location", "/article.html")
            self.end_headers()
        elif self.path == "/slow":
            time.sleep(0.5)
            self.send_error(500)
        elif self.path == "/huge":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            for _ in range(64):
                self.wfile.write(b"<p>" + b"x" * 1024 + b"</p>")
        else:
            super().do_GET()

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """Clients that stop reading at their limit or time out are expected here."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, list[str]]]:
    agents: list[str] = []
    handler = functools.partial(
        type("Handler", (_Handler,), {"seen_agents": agents}), directory=str(FIXTURES)
    )
    httpd = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", agents
    httpd.shutdown()
    httpd.server_close()


def test_a_url_is_fetched_and_imported(tmp_path: Path, server: tuple[str, list[str]]) -> None:
    base, agents = server
    config = site(tmp_path)
    code, output = run(config, f"{base}/old")
    assert code == 0, output
    [text] = articles(config).values()
    fields = front_matter(text)
    assert fields["url"] == f"{base}/article.html"  # where the redirect led
    assert fields["date"].isoformat() == "2025-10-11T08:30:00+03:00"
    assert agents[-1] == "news-digest/0.1.0 (+https://example.org/news/)"
    code, output = run(config, f"{base}/article.html")
    assert code == 0 and "already imported" in output  # matched by the URL


def test_a_saved_text_page_can_be_fetched(tmp_path: Path, server: tuple[str, list[str]]) -> None:
    base, _ = server
    config = site(tmp_path)
    code, output = run(config, f"{base}/saved-article-ar.txt")
    assert code == 0, output
    assert sorted(articles(config)) == sorted([f"{MAIN}.md", f"{RELATED}.md"])


def test_http_failures_are_reported(tmp_path: Path, server: tuple[str, list[str]]) -> None:
    base, _ = server
    code, output = run(site(tmp_path), f"{base}/missing.html")
    assert code == 1 and "failed: the server answered 404" in output
    policy = FetchPolicy(user_agent="test", retries=0, max_bytes=10_000, read_timeout=0.2)
    with pytest.raises(ImportFailure, match="larger than 9 KiB"):
        fetch_page(f"{base}/huge", policy)
    with pytest.raises(ImportFailure, match="timed out"):
        fetch_page(f"{base}/slow", replace(policy, max_bytes=10 * 1024 * 1024))
    with pytest.raises(ImportFailure, match="could not be reached"):
        fetch_page("http://127.0.0.1:9/", policy)


def test_files_are_written_inside_the_articles_folder(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text(
        "../../etc/passwd /tmp/x\\y CON\nتاريخ النشر: 2023/09/13\nنص الخبر، وهو فقرة كاملة.\n",
        encoding="utf-8",
    )
    config = site(tmp_path / "site")
    code, output = run(config, page)
    assert code == 0, output
    [written] = (config.content_dir / "articles").iterdir()
    assert written.name == "etc-passwd-tmp-x-y-con.md"
    assert os.sep not in written.stem


def test_related_stories_without_text_are_reported_not_saved(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text(
        "العنوان الرئيسي\nتاريخ النشر: 2023/09/13\nنص الخبر، وهو فقرة كاملة.\n"
        "اقرأ أيضا: خبر بلا نص\nاقرأ أيضا: خبر له نص\nنص الخبر الثاني، وهو فقرة كاملة.\n",
        encoding="utf-8",
    )
    config = site(tmp_path / "site")
    code, output = run(config, page)
    assert code == 0
    assert "related story without text, not saved: خبر بلا نص" in output
    assert sorted(articles(config)) == ["العنوان-الرئيسي.md", "خبر-له-نص.md"]
    page.write_text(page.read_text("utf-8") + "اقرأ أيضا: خبر جديد\nنص جديد، وهو فقرة.\n", "utf-8")
    code, output = run(config, page)
    assert code == 0 and "does not link to its new related stories" in output
    assert front_matter(articles(config)["خبر-جديد.md"])["related"] == ["العنوان-الرئيسي"]


def test_imported_seed_builds_into_linked_article_pages(tmp_path: Path) -> None:
    """`digest import` then `digest build`: the article, its four tags, its related story."""
    from generator.cli import main

    (tmp_path / "config.yaml").write_text(
        "title: موجز\nbase_url: https://example.org/news/\ntimezone: Asia/Riyadh\n"
        "tags:\n  min_articles: 1\n",
        encoding="utf-8",
    )
    assert main(["import", "--site", str(tmp_path), str(SEED)]) == 0
    assert main(["build", "--offline", "--quiet", "--site", str(tmp_path)]) == 0
    page = (tmp_path / "site" / "articles" / MAIN / "index.html").read_text("utf-8")
    for tag in ("بوتين", "روسيا", "كوريا الشمالية", "الزعيم الكوري الشمالي"):
        assert f'rel="tag"><bdi>{tag}</bdi></a>' in page
    assert f"/news/articles/{quote(RELATED)}/" in page
    other = (tmp_path / "site" / "articles" / RELATED / "index.html").read_text("utf-8")
    assert f"/news/articles/{quote(MAIN)}/" in other


PERSIAN_KEYBOARD_PAGE = (
    "معرض الکتاب الدولی یفتتح أبوابه\n"
    "تاريخ النشر: 2023/09/13\n"
    "افتتح معرض الكتاب الدولي أبوابه اليوم بمشاركة مئات الناشرين.\n"
)


def test_a_title_typed_on_a_persian_keyboard_is_written_in_arabic_letters(tmp_path: Path) -> None:
    """Title, file name and the built page's address all use ك and ي, not ک and ی."""
    from generator.cli import main

    (tmp_path / "config.yaml").write_text(
        "title: موجز\nbase_url: https://example.org/news/\ntimezone: Asia/Riyadh\n",
        encoding="utf-8",
    )
    page = tmp_path / "page.txt"
    page.write_text(PERSIAN_KEYBOARD_PAGE, encoding="utf-8")
    assert main(["import", "--site", str(tmp_path), str(page)]) == 0
    [written] = (tmp_path / "content" / "articles").iterdir()
    assert written.name == "معرض-الكتاب-الدولي-يفتتح-أبوابه.md"
    assert front_matter(written.read_text("utf-8"))["title"] == "معرض الكتاب الدولي يفتتح أبوابه"
    assert main(["build", "--offline", "--quiet", "--site", str(tmp_path)]) == 0
    built = tmp_path / "site" / "articles" / written.stem / "index.html"
    assert "معرض الكتاب الدولي يفتتح أبوابه</h1>" in built.read_text("utf-8")
    assert not any("ک" in path.name for path in (tmp_path / "site").rglob("*"))


def test_a_persian_page_keeps_its_letters(tmp_path: Path) -> None:
    config = replace(site(tmp_path), language="fa")
    page = tmp_path / "page.txt"
    page.write_text(PERSIAN_KEYBOARD_PAGE, encoding="utf-8")
    code, output = run(config, page)
    assert code == 0, output
    [(name, text)] = articles(config).items()
    assert name == "معرض-الکتاب-الدولی-یفتتح-أبوابه.md"
    assert front_matter(text)["title"] == "معرض الکتاب الدولی یفتتح أبوابه"
