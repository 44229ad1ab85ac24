"""What a reader sees (issue 14), read back from real builds: tags, the excerpt mark, date-only
articles, category order, the archive chart's markup, the 404 page's search forms, the summary."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import lxml.html
import pytest

from sitegen.cli.serve import _what_changed
from sitegen.config import SiteConfig
from sitegen.pipeline import build
from sitegen.site import collation_key
from sitegen.url_record import RECORD_FILE

from .conftest import FIXTURES, make_config

READER = FIXTURES / "reader"
SITEGEN = Path(sys.executable).parent / "sitegen"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[SiteConfig, Path]:
    root = tmp_path_factory.mktemp("reader")
    shutil.copytree(READER / "content", root / "content")
    config = make_config(root, per_page=2, search={"enabled": False})
    report = build(config)
    assert not report.errors, report.errors
    return config, config.output_path


def html_at(output: Path, href: str) -> lxml.html.HtmlElement:
    """The page a link leads to (hrefs are IRIs under base_url's path)."""
    path = unquote(href).removeprefix("/")
    return lxml.html.fromstring((output / path / "index.html").read_bytes())


def article_titled(output: Path, title: str) -> lxml.html.HtmlElement:
    for file in output.glob("20*/*/*/index.html"):
        html = lxml.html.fromstring(file.read_bytes())
        if html.findtext(".//h1") == title:
            return html
    raise AssertionError(f"no article page titled {title}")


def test_each_tag_has_its_own_page_linked_from_its_articles(built: tuple[SiteConfig, Path]) -> None:
    _, output = built
    article = article_titled(output, "两会代表谈人工智能与芯片")
    links = article.xpath("//p[@class='article-tags']/a[@class='tag']")
    assert [a.text for a in links] == ["两会", "AI", "C/C++"]
    for link in links:
        page = html_at(output, link.get("href"))
        assert page.findtext(".//h1") == link.text
        folder = output / unquote(link.get("href")).removeprefix("/")
        listed = [
            title
            for file in [folder / "index.html", *folder.glob("page/*/index.html")]
            for title in lxml.html.fromstring(file.read_bytes()).xpath(
                "//div[@class='cards']//a/text()"
            )
        ]
        assert "两会代表谈人工智能与芯片" in listed
    index_link = article.xpath("//p[@class='article-tags']/a[@class='label']")[0]
    assert html_at(output, index_link.get("href")).findtext(".//h1") == "标签"


def test_distinct_tag_names_never_share_a_url_and_urls_are_safe_segments(
    built: tuple[SiteConfig, Path],
) -> None:
    _, output = built
    index = html_at(output, "/tags/")
    links = index.xpath("//nav[@class='chips']//a")
    names = [a.xpath("string(text())") for a in links]
    hrefs = [a.get("href") for a in links]
    assert sorted(names) == sorted(["两会", "AI", "ai", "C/C++", "100% 增长?"])
    assert len(set(hrefs)) == len(hrefs)
    assert len({href.lower() for href in hrefs}) == len(hrefs), "apart on a case-blind disk too"
    for href in hrefs:
        segment = unquote(href).removeprefix("/tags/").removesuffix("/")
        assert re.fullmatch(r"[^/\\?#%&\s]+", segment), href
        assert (output / "tags" / segment / "index.html").is_file()


def test_tag_pages_are_paginated_and_the_index_is_in_pinyin_order(
    built: tuple[SiteConfig, Path],
) -> None:
    _, output = built
    first = html_at(output, "/tags/两会/")
    assert "共 3 篇" in first.text_content()
    newest = first.xpath("//div[@class='cards']/h2/a/text()")
    assert len(newest) == 2
    second = html_at(output, "/tags/两会/page/2/")  # the oldest two: numbered from the oldest
    oldest = second.xpath("//div[@class='cards']/h2/a/text()")
    assert len(oldest) == 2 and len(set(newest) | set(oldest)) == 3
    names = [
        a.xpath("string(text())")
        for a in html_at(output, "/tags/").xpath("//nav[@class='chips']//a")
    ]
    assert names == sorted(names, key=collation_key)


def test_categories_are_in_pinyin_order() -> None:
    """The issue's example, in code point order 新媒体, 新闻, 游戏, 科技, 金融."""
    names = ["新媒体", "新闻", "游戏", "科技", "金融"]
    assert sorted(names, key=collation_key) == ["金融", "科技", "新媒体", "新闻", "游戏"]


def test_the_category_tree_is_in_pinyin_order(built: tuple[SiteConfig, Path]) -> None:
    _, output = built
    tree = html_at(output, "/categories/").xpath(
        "//ul[@class='tree']/li/a/span[@class='tree-name']"
    )
    assert [span.text for span in tree] == ["金融", "科技", "新媒体", "新闻", "游戏"]


def test_more_mark_ends_the_summary_and_the_body_keeps_the_rest(
    built: tuple[SiteConfig, Path],
) -> None:
    _, output = built
    article = article_titled(output, "带摘要分隔的统计公报")
    feed = (output / "atom.xml").read_text(encoding="utf-8")  # the summary: feeds and cards
    assert '<summary type="text">国家统计局发布一季度主要数据，经济运行开局良好。</summary>' in feed
    body = article.xpath("//div[contains(@class, 'article-body')]")[0]
    assert body.xpath(".//table") and "详细数据见下表之后的说明" in body.text_content()


def test_a_date_only_article_shows_no_time(built: tuple[SiteConfig, Path]) -> None:
    _, output = built
    article = article_titled(output, "《新闻联播》 (20240315)")
    time = article.xpath("//p[@class='article-meta']/time")[0]
    assert time.text == "2024年3月15日"
    assert time.get("datetime") == "2024-03-15"
    timed = article_titled(output, "两会代表谈人工智能与芯片")
    assert timed.xpath("//p[@class='article-meta']/time")[0].text == "2024年3月8日 09:30"


def test_the_chart_is_not_an_image_holding_links(built: tuple[SiteConfig, Path]) -> None:
    _, output = built
    archives = html_at(output, "/archives/")
    assert not archives.xpath("//*[@role='img']//a")
    chart = archives.xpath("//figure[@class='chart']")[0]
    cells = chart.xpath(".//div[@class='chart-grid']/a")
    assert chart.xpath(".//div[@class='chart-grid']/@aria-hidden") == ["true"]
    assert all(a.get("tabindex") == "-1" for a in cells), "the month list below is the tab route"
    month_links = {a.get("href") for a in archives.xpath("//ul[@class='months']//a")}
    assert {a.get("href") for a in cells} == month_links
    assert chart.xpath(".//figcaption//text()")


def test_the_404_page_offers_a_search_box_and_the_search_link(
    built: tuple[SiteConfig, Path],
) -> None:
    """A lost reader searches at once; the header, as on every page, links the search page."""
    config, _ = built
    root = make_config(config.root, search={"enabled": True}, output_dir="with-search")
    build(root)
    page = lxml.html.fromstring((root.output_path / "404.html").read_bytes())
    (form,) = page.xpath("//form[@role='search']")
    assert form.get("aria-label") and form.xpath(".//input[@type='search']/@name") == ["q"]
    assert page.xpath("//body/header/nav//a[.='搜索']/@href") == [form.get("action")]


def test_the_summary_adds_up_and_does_not_wrap_paths_in_a_log(tmp_path: Path) -> None:
    """stdout is a pipe, as in CI: the output's long path stays on one line."""
    shutil.copytree(READER / "content", tmp_path / "content")
    (tmp_path / "site.toml").write_text('title = "档案"\n[search]\nenabled = false\n', "utf-8")
    output = "public/一个很长的输出目录名称/another-rather-long-folder-name-that-would-wrap-at-80"
    done = subprocess.run(
        [str(SITEGEN), "build", "--jobs", "1", "--output", output],
        cwd=tmp_path,
        env={**os.environ, "COLUMNS": ""},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    rows = dict(re.findall(r"^  (\S.*?)  +(\S.*?)\s*$", done.stdout, re.M))
    assert rows["output"].startswith(output + ": "), done.stdout
    kinds = re.findall(r"^    \S.*?  +(\d+)\s*$", done.stdout, re.M)
    assert sum(map(int, kinds)) == int(rows["pages"]), done.stdout
    written, files, unchanged = map(int, re.findall(r"\d+", rows["written"]))
    assert files == written + unchanged > int(rows["pages"]), "pages and static files"
    assert not re.search(r"pages: ", done.stdout)
    labels = " ".join(rows) + " ".join(re.findall(r"^    (\S.*?)  ", done.stdout, re.M))
    assert not re.search(r"[\u4e00-\u9fff]", labels), "one language"


def test_the_watch_log_says_deleted_for_a_deleted_file(tmp_path: Path) -> None:
    kept = tmp_path / "kept.md"
    kept.write_text("x", encoding="utf-8")
    gone = tmp_path / "gone.md"
    assert _what_changed((kept,)).endswith("kept.md changed")
    assert _what_changed((gone,)).endswith("gone.md deleted")
    assert _what_changed((kept, gone)).endswith("and 1 more changed, 1 deleted")


def test_a_rebuild_follows_a_tag_url_that_another_article_moved(tmp_path: Path) -> None:
    """`AI` alone is /tags/ai/, and keeps it when `ai` arrives (the record); once the editor
    frees the URL (deletes urls.txt), both take a hash, and the incremental build rewrites the
    first article's page to link to its tag's new page, though the newcomer is neither its
    neighbour nor related to it."""
    content = tmp_path / "content"
    content.mkdir()
    for name in ("tagged_upper_case_ai.md", "date_only_transcript.md"):
        shutil.copy(READER / "content" / name, content)
    config = make_config(tmp_path, search={"enabled": False})
    build(config)
    title = "两会代表谈人工智能与芯片"

    def ai_href() -> str:
        links = article_titled(config.output_path, title).xpath("//a[@class='tag']")
        return next(a.get("href") for a in links if a.text == "AI")

    assert ai_href() == "/tags/ai/"
    (content / "later.md").write_text(
        "---\ntitle: 后来的文章\ndate: 2025-01-01 08:00:00\ncategories: [其他]\ntags: [ai]\n---\n正文。\n",
        encoding="utf-8",
    )
    build(config)
    assert ai_href() == "/tags/ai/"
    (tmp_path / RECORD_FILE).unlink()
    build(config)
    moved = ai_href()
    assert moved != "/tags/ai/"
    assert html_at(config.output_path, moved).findtext(".//h1") == "AI"
