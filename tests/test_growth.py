"""A day's growth is cheap to publish: a new article changes a few output files, whatever the
archive's size (its search tokens go to the index's small tail, format.py), and builds from
scratch of the same inputs are byte-identical."""

from __future__ import annotations

import random
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sitegen.holding import Holding
from sitegen.pipeline import build
from sitegen.search import format as fmt
from sitegen.search import postings
from sitegen.search.doc import Doc
from sitegen.search.postings import Folder
from sitegen.search.tokens import query
from sitegen.search.writer import SearchIndex

from .conftest import SEEDS, make_config
from .sitecheck import tree_digest
from .test_incremental import synthetic
from .test_search import stamps

WORDS = [
    "稳增长",
    "专精特新",
    "数字经济",
    "减税降费",
    "扩大内需",
    "乡村振兴",
    "工业互联网",
    "营商环境",
    "能源保供",
    "外贸",
]


def doc(n: int) -> Doc:
    day = datetime(2020, 1, 1, tzinfo=UTC) + timedelta(hours=n)
    return Doc(f"/a/{n}/", f"第{n}篇", day, f"{day:%Y-%m-%d}", day.year, "来源", ("新闻",), str(n))


def text_of(d: Doc) -> str:
    rng = random.Random(d.url)
    return "。".join("".join(rng.sample(WORDS, 3)) + str(rng.randrange(10**6)) for _ in range(8))


def changed(before: dict[str, tuple[bytes, int]], after: dict[str, tuple[bytes, int]]) -> set[str]:
    return {path for path in after.keys() | before.keys() if after.get(path) != before.get(path)}


def test_new_articles_change_only_the_tail_until_it_joins_the_base_as_from_scratch(
    tmp_path: Path,
) -> None:
    docs = [doc(n) for n in range(fmt.TAIL_SEGMENT + 1)]
    index, folder = SearchIndex(tmp_path / "state"), tmp_path / "index"
    index.update(folder, docs[:-2], text_of)
    assert not (folder / "s").exists()  # fewer than a segment: all of them in the tail
    assert index.update(folder, docs[:-1], text_of).full  # a whole segment: the base
    assert not any((folder / "t").iterdir()) and sum(1 for _ in (folder / "s").iterdir()) > 1000
    before = stamps(folder)
    added = index.update(folder, docs, text_of)  # one more: the tail
    assert not added.full
    files = changed(before, stamps(folder))
    tables = {fmt.INDEX, fmt.meta_path(len(docs) // fmt.META_BLOCK), fmt.facet_path(0)}
    assert files - tables and all(p.startswith("t/") for p in files - tables), files
    assert len(files) <= 2**fmt.TAIL_BITS + len(tables)
    fresh = tmp_path / "fresh"
    SearchIndex(tmp_path / "fresh-state").update(fresh, docs, text_of)
    assert tree_digest(fresh) == tree_digest(folder)
    for n in (3, len(docs) - 2, len(docs) - 1):  # in the base, its last, the tail's
        assert fmt.candidates(folder, query(f"第{n}篇")).tolist() == [n]


def test_the_tail_has_a_shard_for_about_four_articles_and_grows_as_from_scratch(
    tmp_path: Path,
) -> None:
    docs = [doc(n) for n in range(9)]
    index, folder = SearchIndex(tmp_path / "state"), tmp_path / "index"
    for n, shards in ((2, 1), (4, 1), (5, 2), (8, 2), (9, 4)):  # one file, not 256, for a tiny site
        assert index.update(folder, docs[:n], text_of).full == (n == 2)
        assert len(list((folder / "t").iterdir())) == shards
        fresh = tmp_path / f"fresh-{n}"
        SearchIndex(tmp_path / f"fresh-state-{n}").update(fresh, docs[:n], text_of)
        assert tree_digest(fresh) == tree_digest(folder), n
    assert fmt.candidates(folder, query("第7篇")).tolist() == [7]


def test_a_tail_update_keeps_the_bases_own_file_of_the_same_token(tmp_path: Path) -> None:
    base, tail = fmt.segments(fmt.TAIL_SEGMENT * 9 + 3)
    token = 0x12345678
    out = Folder(tmp_path)
    own = bytes([fmt.VERSION, fmt.BITMAP]) + b"\xff" * (fmt.EXTERNAL + 1)  # the base's long list
    out.put(fmt.outside_path(token), own)
    postings.update_shards(out, tail, {tail.shard_of(token): {token}}, {token: [(1, True)]}, {})
    assert (tmp_path / fmt.outside_path(token)).read_bytes() == own
    held = fmt.decode_shard((tmp_path / tail.path(tail.shard_of(token))).read_bytes())[token]
    assert held.kind != fmt.OUTSIDE
    postings.update_shards(out, tail, {tail.shard_of(token): {token}}, {}, {token: [1]})
    assert (tmp_path / fmt.outside_path(token)).read_bytes() == own
    assert base.outside and not tail.outside


NEWEST = """---
title: 今日新闻：一篇最新的文章
date: 2031-01-05 09:00:00
categories: [新闻, 今日]
---
<p>这是今天抓取的一篇新文章，讲的是春耕备耕有序推进。</p>
"""
NOW = Holding(datetime(2031, 1, 6, tzinfo=UTC))  # the build's now: the newest article is due


def test_one_new_article_changes_a_few_output_files_and_builds_from_scratch_agree(
    tmp_path: Path,
) -> None:
    site = tmp_path / "site"
    shutil.copytree(SEEDS, site / "content")
    synthetic(site / "content" / "more", 40)
    config = make_config(site, base_url="https://example.org/archive/")
    build(config, holding=NOW)
    output = site / "build"
    before = stamps(output)
    (site / "content" / "newest.md").write_text(NEWEST, encoding="utf-8")
    build(config, holding=NOW)
    files = changed(before, stamps(output))
    index = {p for p in files if p.startswith("search-index/")}
    pages = files - index
    assert "2031/01/newest/index.html" in pages
    assert len(index) <= 2**fmt.TAIL_BITS + 3, index
    # its page, lists, feeds, sitemap, the year's data file, the data page and its list: none per article
    assert len(pages) <= 19, sorted(pages)
    fresh = [tmp_path / "one", tmp_path / "two"]
    for root in fresh:
        shutil.copytree(site / "content", root / "content")
        build(make_config(root, base_url="https://example.org/archive/"), holding=NOW)
    assert tree_digest(fresh[0] / "build") == tree_digest(fresh[1] / "build")
    assert tree_digest(fresh[0] / "build") == tree_digest(output)


def dated(content: Path, n: int) -> None:
    """Article n of one category and one month, each an hour after the one before."""
    (content / f"a{n:03d}.md").write_text(
        f"---\ntitle: 第{n}号文件\ndate: 2030-12-01 {n // 60:02d}:{n % 60:02d}:00\n"
        f"categories: [政策]\n---\n<p>第{n}号文件的正文，讲的是稳增长。</p>\n",
        encoding="utf-8",
    )


def test_a_new_article_changes_as_few_pages_of_a_long_list_as_of_a_short_one(
    tmp_path: Path,
) -> None:
    """Stable pagination (pages.lists.stable_window): a list's numbered pages count from the
    oldest, so a new article changes its first page and the newest few, not every page its
    cards would push along. Each list is at a page's end, the worst case: a page is added."""
    touched = {}
    for length in (8, 24):  # 4 and 12 pages of 2
        site = tmp_path / str(length)
        content = site / "content"
        content.mkdir(parents=True)
        for n in range(length):
            dated(content, n)
        config = make_config(site, per_page=2, search={"enabled": False})
        build(config, holding=NOW)
        output = site / "build"
        before = stamps(output)
        dated(content, length)
        report = build(config, holding=NOW)
        after = stamps(output)
        lists_at = ("/categories/政策/", "/archives/2030/12/")
        assert before.keys() <= after.keys(), "every page published before still answers"
        lists = ("categories/政策/", "archives/2030/12/")
        touched[length] = {
            p for p in changed(before, after) if p.startswith(lists) and p.endswith(".html")
        }
        for first in lists:  # the first, the new, and the three newest before it: 5 of each
            assert len([p for p in touched[length] if p.startswith(first)]) == 5, touched
        # rendered again: the new page and the three before it of each list, not all of them
        numbered = [u for u in report.rewritten if u.startswith(lists_at) and "/page/" in u]
        assert len(numbered) == 8, numbered
    assert len(touched[8]) == len(touched[24])
    assert "categories/政策/page/2/index.html" not in touched[24]
