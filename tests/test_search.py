"""The search index: what Pagefind indexes, what it leaves out, and how it fails."""

from __future__ import annotations

import gzip
import json
import os
import shutil
from pathlib import Path

import lxml.html
import pytest
from click.testing import CliRunner

from sitegen.build import Session, build
from sitegen.build.report import quiet
from sitegen.cli import main
from sitegen.config import SiteConfig
from sitegen.live import Live
from sitegen.search import TITLE_END, SearchError, tokens

from .conftest import SEEDS, make_config
from .sitecheck import html_files, tree_digest

SEED_URLS = {"/2022/03/000_f847cc9c3667cd96/", "/2021/12/001_c31c58ede6f3a8cb/"}


def seed_site(tmp_path: Path, **config: object) -> SiteConfig:
    shutil.copytree(SEEDS, tmp_path / "content")
    return make_config(tmp_path, **config)


def fragments(output: Path) -> list[dict]:
    """Every indexed page as Pagefind stored it (gzip, after a `pagefind_dcd` signature)."""
    found = []
    for path in sorted((output / "pagefind/fragment").iterdir()):
        data = gzip.decompress(path.read_bytes())
        found.append(json.loads(data.removeprefix(b"pagefind_dcd")))
    return found


def contains(content: str, phrase: str) -> bool:
    """Whether the indexed content holds the phrase: its character pairs side by side."""
    pairs = " ".join(tokens(phrase)[:-1])
    return f" {pairs} " in f" {content.replace(chr(0x200B), '')} "


def test_seed_build_indexes_the_articles_only_in_chinese(tmp_path: Path) -> None:
    report = build(seed_site(tmp_path))
    output = tmp_path / "build"
    entry = json.loads((output / "pagefind/pagefind-entry.json").read_text(encoding="utf-8"))
    assert list(entry["languages"]) == ["zh-cn"]
    assert entry["languages"]["zh-cn"]["page_count"] == 2
    assert (output / "pagefind/pagefind.js").is_file()
    assert report.search is not None and report.search.pages == 2
    pages = fragments(output)
    assert {page["url"] for page in pages} == SEED_URLS
    newer = next(p for p in pages if p["url"].startswith("/2022/"))
    assert newer["meta"]["title"].startswith("工业和信息化部党组召开扩大会议")
    assert newer["meta"]["date"] == "2022-03-14"
    assert newer["meta"]["source"]
    assert newer["filters"]["year"] == ["2022"]
    assert set(newer["filters"]["category"]) == {
        "金融",
        "金融 › 新浪财经",
        "金融 › 新浪财经 › 新浪财经－国內",
    }
    assert contains(newer["content"], "主持召开党组扩大会议")
    title, _, text = newer["content"].partition(TITLE_END)
    assert contains(title, "工业和信息化部党组召开扩大会议"), "the title comes first, weighted"
    assert not contains(text, "工业和信息化部党组召开扩大会议"), "and is not repeated from the page"
    for outside in ("首页", "上一篇", "相关文章", "责任编辑", "订阅", "来源"):
        assert not contains(text, outside), outside


def test_list_and_category_pages_are_not_marked_for_indexing(tmp_path: Path) -> None:
    build(seed_site(tmp_path))
    output = tmp_path / "build"
    marked = {
        "/" + page.parent.relative_to(output).as_posix() + "/"
        for page in html_files(output)
        if "data-pagefind-body" in page.read_text(encoding="utf-8")
    }
    assert marked == SEED_URLS


def test_every_page_has_the_search_box_and_the_search_page_works_without_script(
    tmp_path: Path,
) -> None:
    build(seed_site(tmp_path, base_url="https://user.github.io/archive/"))
    output = tmp_path / "build"
    for page in html_files(output):
        form = lxml.html.fromstring(page.read_bytes()).xpath("//form[@role='search']")
        assert form and form[0].get("action") == "/archive/search/", page
    search = lxml.html.fromstring((output / "search/index.html").read_bytes())
    root = search.get_element_by_id("search")
    assert root.get("data-pagefind") == "/archive/pagefind/pagefind.js"
    assert root.get("data-base") == "/archive/"
    assert search.xpath("//script[@type='module']/@src") == ["/archive/search.js"]
    noscript = search.xpath("//noscript")[0]
    assert {"/archive/categories/", "/archive/archives/"} <= set(noscript.xpath(".//a/@href"))
    assert search.xpath("//meta[@name='robots']/@content") == ["noindex"]


def test_search_disabled_means_no_index_no_page_no_box(tmp_path: Path) -> None:
    report = build(seed_site(tmp_path, search={"enabled": False}))
    output = tmp_path / "build"
    assert report.search is None
    assert not (output / "pagefind").exists()
    assert not (output / "search").exists()
    for page in html_files(output):
        html = page.read_text(encoding="utf-8")
        assert 'role="search"' not in html, page
        assert "pagefind" not in html, page


def test_missing_binary_fails_the_build_and_keeps_the_previous_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = seed_site(tmp_path)
    build(config)
    before = tree_digest(tmp_path / "build")
    article = tmp_path / "content/001_c31c58ede6f3a8cb.txt"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("<div>", "<div><p>新的一段</p>", 1), encoding="utf-8")
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-such-pagefind"))
    with pytest.raises(SearchError, match="PAGEFIND_BINARY_PATH"):
        build(config)
    assert tree_digest(tmp_path / "build") == before


def test_a_binary_that_dies_is_an_error_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "pagefind"
    fake.write_text("#!/bin/sh\nhead -c 1 >/dev/null\nexit 3\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(fake))
    with pytest.raises(SearchError, match=r"exit status 3|cannot run"):
        build(seed_site(tmp_path))
    assert not (tmp_path / "build").exists()


def test_cli_reports_a_missing_binary_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_site(tmp_path)
    (tmp_path / "site.toml").write_text("", encoding="utf-8")  # the CLI wants a site.toml
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        main, ["build"], env={"PAGEFIND_BINARY_PATH": os.fspath(tmp_path / "missing")}
    )
    assert result.exit_code == 1
    assert "search index error" in result.output
    assert "pagefind[extended]" in result.output
    assert "Traceback" not in result.output


def test_rebuild_reindexes_changed_articles_and_skips_static_changes(tmp_path: Path) -> None:
    config = seed_site(tmp_path)
    (tmp_path / "static").mkdir()
    live = Live(Session(config))
    live.build(progress=quiet)
    article = tmp_path / "content/001_c31c58ede6f3a8cb.txt"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("<div>", "<div><p>独一无二的测试语句</p>", 1), encoding="utf-8")
    report = live.update({article})
    assert report.search is not None and report.search.pages == 2
    assert any(
        contains(page["content"], "独一无二的测试语句") for page in fragments(tmp_path / "build")
    )
    assert not list(tmp_path.glob(".build.pagefind-*"))

    extra = tmp_path / "static/extra.css"
    extra.write_text("body{}", encoding="utf-8")
    assert live.update({extra}).search is None
