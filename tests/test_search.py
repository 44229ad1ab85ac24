"""The search index: its format on plain values, what the build writes, how it stays current."""

from __future__ import annotations

import json
import random
import re
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import opencc
import pytest

from sitegen.config import SiteConfig
from sitegen.content.load import load_data, read_file
from sitegen.content.normalize import normalize
from sitegen.folding import fold
from sitegen.live import Live
from sitegen.models import Source
from sitegen.pipeline import Report, Session, build, quiet
from sitegen.pipeline.articles import collect
from sitegen.pipeline.changes import classify
from sitegen.search import codes, postings, writer
from sitegen.search import format as fmt
from sitegen.search.tokens import query, tokens

from .conftest import SEEDS, make_config
from .sitecheck import html_files, parse, tree_digest
from .test_incremental import synthetic

NEWER = "000_f847cc9c3667cd96.txt"  # 2022-03-14, id 1
OLDER = "001_c31c58ede6f3a8cb.txt"  # 2021-12, id 0
SEED_TITLE = "工业和信息化部党组召开扩大会议"


def seed_site(tmp_path: Path, **config: object) -> SiteConfig:
    shutil.copytree(SEEDS, tmp_path / "content")
    return make_config(tmp_path, **config)


def index_of(output: Path) -> Path:
    return output / "search-index"


def urls_of(folder: Path) -> list[str]:
    """Every indexed URL by id, from the metadata blocks."""
    meta = json.loads((folder / fmt.INDEX).read_text(encoding="utf-8"))
    blocks = -(-meta["docs"] // meta["meta_block"])
    return [row[0] for block in range(blocks) for row in fmt.meta_rows(folder, block)]


def found(folder: Path, text: str) -> set[str]:
    """The URLs whose articles hold every token of the query, as search.js finds them."""
    urls = urls_of(folder)
    return {urls[i] for i in fmt.candidates(folder, query(text)).tolist()}


# --- the format on plain values -------------------------------------------------------------------


def test_varints_round_trip_small_and_large_values() -> None:
    values = np.array([0, 1, 127, 128, 16383, 16384, 2**21, 2**28 - 1, 2**32 - 1, 2**34])
    data = codes.varints(values)
    assert data[:4] == bytes([0, 1, 0x7F, 0x80]) and data[4] == 1
    assert codes.read_varints(data).tolist() == values.tolist()
    assert codes.varint(300) == codes.varints(np.array([300])) == bytes([0xAC, 0x02])
    assert codes.read_varint(bytes([0xAC, 0x02, 5]), 0) == (300, 2)
    with pytest.raises(fmt.FormatError):
        codes.read_varints(bytes([0x80]))


def test_postings_are_gaps_when_few_rice_when_many_and_a_bitmap_when_dense() -> None:
    sparse = np.array([3, 4, 1000, 70000], dtype=np.uint32)
    kind, data = fmt.encode_postings(sparse)
    assert kind == fmt.GAPS
    assert data == codes.varints(np.array([3, 0, 995, 68999]))
    dense = np.arange(0, 400, 2, dtype=np.uint32)
    kind, data = fmt.encode_postings(dense)
    assert kind == fmt.BITMAP and len(data) == 50 and data[0] == 0b01010101
    many = np.sort(np.random.default_rng(5).choice(1_000_000, 3000, replace=False)).astype(
        np.uint32
    )
    kind, data = fmt.encode_postings(many)
    gaps = np.diff(many.astype(np.int64), prepend=-1) - 1
    assert kind == fmt.RICE and len(data) < 0.75 * len(codes.varints(gaps))
    head, at = codes.read_varint(data, 0)  # n << 5 | k
    k = head & 31
    assert head >> 5 == 3000 and 2**k <= gaps.mean() < 2 ** (k + 2)
    assert data[at] & 1 == many[0] & 1  # the first gap's lowest bit comes first
    for ids in (sparse, dense, many, np.array([0], dtype=np.uint32), np.arange(3, dtype=np.uint32)):
        assert fmt.decode_postings(*fmt.encode_postings(ids)).tolist() == ids.tolist()
    with pytest.raises(fmt.FormatError):
        fmt.decode_postings(7, b"")


def test_a_partition_encoded_at_once_equals_each_token_on_its_own() -> None:
    rng = np.random.default_rng(3)
    lists = {
        5: np.array([1, 2, 3], dtype=np.uint32),
        9: np.sort(rng.choice(5000, 2000, replace=False)).astype(np.uint32),
        11: np.array([4999], dtype=np.uint32),
        12: np.sort(rng.choice(90_000, 700, replace=False)).astype(np.uint32),
        13: np.sort(rng.choice(2**31, 50, replace=False)).astype(np.uint32),
    }
    keys = np.concatenate([np.full(len(v), k, dtype=np.uint32) for k, v in lists.items()])
    ids = np.concatenate(list(lists.values()))
    runs = fmt.encode_runs(keys, ids)
    assert runs == [fmt.encode_postings(v) for v in lists.values()]
    assert {kind for kind, _ in runs} == {fmt.GAPS, fmt.BITMAP, fmt.RICE}
    assert [fmt.decode_postings(*run).tolist() for run in runs] == [
        v.tolist() for v in lists.values()
    ]


def test_shards_round_trip_and_long_postings_get_their_own_file() -> None:
    short = np.array([1, 5], dtype=np.uint32)
    long = np.arange(0, 3 * fmt.EXTERNAL * 8, 3, dtype=np.uint32)
    none = np.zeros(0, dtype=np.uint32)
    first, own = fmt.entry(fmt.encode_postings(short), fmt.encode_postings(short[:1]), 2)
    assert own is None
    second, own = fmt.entry(fmt.encode_postings(long), fmt.encode_postings(none), len(long))
    assert second.kind == fmt.OUTSIDE and own is not None
    assert fmt.decode_outside(own).tolist() == long.tolist()
    assert fmt.read_varint(second.data, 0) == (len(long), len(second.data))  # its count
    token_a, token_b = 0x12345678, 0x1234FFFF
    assert fmt.shard_of(token_a) == fmt.shard_of(token_b) == 0x123
    assert fmt.shard_path(0x123) == "s/123.bin" and fmt.outside_path(token_a) == "p/12345678.bin"
    data = fmt.encode_shard({token_b: second, token_a: first})
    assert data[0] == fmt.VERSION
    entries = fmt.decode_shard(data)
    assert list(entries) == [token_a, token_b]
    assert entries == {token_a: first, token_b: second}
    assert fmt.decode_postings(entries[token_a].title_kind, entries[token_a].title).tolist() == [1]


def test_the_base_has_more_shards_as_it_grows_and_the_tail_never_moves_it() -> None:
    """A shard of a part of 75,000 articles would hold 10 KB at 4,096 shards: a query pays one
    per token and part. A site alone has half a part's shards past 32,768 articles (a file
    costs the upload ~770 bytes; a query fetches one index). The bits follow the base alone, so
    a day's articles change none."""

    def bits(n: int, parted: bool) -> int:
        return fmt.segments(n, parted=parted)[0].bits

    assert [bits(n, True) for n in (1, 32_768, 33_791)] == [12, 12, 12]
    assert [bits(n, True) for n in (33_792, 65_536, 74_898)] == [13, 13, 14]
    assert fmt.segments(75_000, parted=True)[0].path(0x3FFF) == "s/3fff.bin"
    assert fmt.segments(75_000, closed=True)[0].bits == 14  # a closed part is a part
    assert [bits(n, False) for n in (33_792, 66_559, 66_560, 100_000)] == [12, 12, 13, 13]


def test_a_reader_refuses_another_version() -> None:
    data = fmt.encode_shard({})
    with pytest.raises(fmt.FormatError, match="version 9"):
        fmt.decode_shard(bytes([9]) + data[1:])
    with pytest.raises(fmt.FormatError, match="version"):
        fmt.decode_outside(b"")


# --- tokens ---------------------------------------------------------------------------------------


def test_any_run_of_characters_yields_tokens_its_text_holds() -> None:
    text = "工信部：加大“专精特新”企业培育力度，推进5G基站建设。Ｑ３增长"
    held = set(tokens(text).tolist())
    for phrase in ("专精特新", "精", "5G基站", "5g", "基站建设", "q3", "Q3增长", "。工信部"):
        assert query(phrase) and set(query(phrase)) <= held, phrase
    assert not set(query("新企")) <= held, "a pair across punctuation is not in the text"
    assert not set(query("5G6")) <= held


def test_traditional_and_simplified_fold_to_one_script() -> None:
    assert fold("發展經濟，ＡＢＣ") == "发展经济，abc"
    assert query("發展") == query("发展")
    assert set(tokens("台灣經濟發展").tolist()) == set(tokens("台湾经济发展").tolist())


def test_the_text_indexed_is_the_one_normalizing_made_with_the_body(tmp_path: Path) -> None:
    """One derivation of an article's text: normalize's, kept with its body; blocks stay apart
    (no phrase runs from one paragraph into the next) and entities are decoded."""
    body = "<div><p>第一段&amp;</p><p>第二段<b>加粗</b></p><script>x()</script><br>末尾</div>"
    config = make_config(tmp_path)
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "a.md").write_text(
        f"---\ntitle: 标题\ndate: 2024-03-01 08:00\n---\n{body}\n", encoding="utf-8"
    )
    session = Session(config)
    session.load()
    [article] = collect(session.outcomes.values(), False, session.bodies, Report(), session.holding)
    assert article.text == "" and session.bodies.text(article) == "第一段&\n第二段加粗\n末尾"


# --- the build ------------------------------------------------------------------------------------


def test_seed_build_indexes_the_articles_with_their_metadata(tmp_path: Path) -> None:
    report = build(seed_site(tmp_path))
    folder = index_of(tmp_path / "build")
    meta = json.loads((folder / fmt.INDEX).read_text(encoding="utf-8"))
    assert meta["version"] == fmt.VERSION and meta["docs"] == 2
    assert meta["years"] == [[2021, 0], [2022, 1]]
    assert report.search is not None and report.search.docs == 2 and report.search.full
    rows = fmt.meta_rows(folder, 0)
    url, title, day, group = rows[1]
    assert url.startswith("/2022/03/") and title.startswith(SEED_TITLE) and day == "2022-03-14"
    assert meta["sources"] == ["工业和信息化部办公厅", "工业和信息化部规划司、办公厅"]
    paths = ["金融", "金融 › 新浪财经", "金融 › 新浪财经 › 新浪财经－国內"]
    assert meta["categories"] == paths
    assert meta["groups"] == [[0, [0, 1, 2]], [1, [0, 1, 2]]] and group == 0
    files = {b: f for f, last in meta["fold"] for b in range(f, last + 1)}  # block → its file
    traditional = (folder / fmt.fold_path(files[ord("發") >> 8])).read_text(encoding="utf-8")
    simplified = (folder / fmt.fold_path(files[ord("发") >> 8])).read_text(encoding="utf-8")
    assert "發发" in traditional and "發发" in simplified
    assert len(list((folder / "fold").iterdir())) == len(meta["fold"]) < 120  # 314 blocks
    assert found(folder, "专精特新") == {url}
    assert found(folder, "党组扩大会议") == set(urls_of(folder))
    title_only = fmt.lookup(folder, query("扩大")[0])[1].tolist()
    assert title_only == [1], "the newer seed has it in its title, the older only in its text"
    for outside in ("首页", "上一篇", "相关文章", "订阅"):
        assert not found(folder, outside), outside


def test_the_search_page_knows_where_the_index_is_under_a_base_path(tmp_path: Path) -> None:
    build(seed_site(tmp_path, base_url="https://user.github.io/archive/"))
    output = tmp_path / "build"
    for page in html_files(output):  # every page's navigation leads to the search page
        link = parse(page).xpath("//body/header/nav//a[.='搜索']/@href")
        assert link == ["/archive/search/"], page
    search = parse(output / "search/index.html")
    assert search.xpath("//form[@role='search']/@action") == ["/archive/search/"]
    root = search.get_element_by_id("search")
    assert root.get("data-index") == "/archive/search-index/"
    assert root.get("data-base") == "/archive/"
    assert search.xpath("//script[@type='module']/@src") == ["/archive/search.js"]
    names = search.xpath("//form[@role='search']//select/@name")
    assert names == ["category", "source", "year", "sort"]
    noscript = search.xpath("//noscript")[0]
    assert {"/archive/categories/", "/archive/archives/"} <= set(noscript.xpath(".//a/@href"))
    assert search.xpath("//meta[@name='robots']/@content") == ["noindex"]


def test_search_disabled_means_no_index_no_page_no_box(tmp_path: Path) -> None:
    report = build(seed_site(tmp_path, search={"enabled": False}))
    output = tmp_path / "build"
    assert report.search is None
    assert not index_of(output).exists()
    assert not (output / "search").exists()
    for page in html_files(output):
        html = page.read_text(encoding="utf-8")
        assert 'role="search"' not in html and ">搜索</a>" not in html, page


def test_two_builds_from_scratch_are_byte_identical_index_included(tmp_path: Path) -> None:
    digests = []
    for name in ("one", "two"):
        root = tmp_path / name
        build(seed_site(root), jobs=2)
        digests.append(tree_digest(root / "build"))
    assert any(path.startswith("search-index/t/") for path in digests[0])  # 2 articles: the tail
    assert digests[0] == digests[1]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def stamps(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_an_edit_rewrites_only_the_files_that_hold_its_tokens(tmp_path: Path) -> None:
    config = seed_site(tmp_path)
    build(config)
    folder = index_of(tmp_path / "build")
    before = stamps(folder)
    article = tmp_path / "content" / NEWER
    edit(article, "<div>", "<div><p>独一无二的测试语句</p>")
    report = build(config)
    assert report.search is not None and not report.search.full
    after = stamps(folder)
    changed = {path for path in after if after[path] != before.get(path)}
    sentence = {p for t in tokens("独一无二的测试语句").tolist() for p in fmt.files_of(2, t)}
    assert changed <= sentence | {fmt.INDEX, fmt.meta_path(0)}, changed - sentence
    assert {p for p in changed if p.startswith("t/")}, "the shards of its new tokens"
    for path in set(before) - changed:
        assert after[path] == before[path], path  # bytes and mtime
    assert found(folder, "独一无二的测试语句") == {urls_of(folder)[1]}
    fresh = tmp_path / "fresh"
    shutil.copytree(tmp_path / "content", fresh / "content")
    build(make_config(fresh))
    assert tree_digest(index_of(fresh / "build")) == tree_digest(folder)


def test_an_article_dated_before_the_others_renumbers_and_equals_a_fresh_build(
    tmp_path: Path,
) -> None:
    config = seed_site(tmp_path)
    build(config)
    older = tmp_path / "content" / "older.txt"
    text = (SEEDS / OLDER).read_text(encoding="utf-8")
    front, _, _ = re.sub(r"date: .*", "date: 2020-01-02 08:00:00", text, count=1).rpartition("---")
    body = "<p>一篇更早的文章，说的是另一件事：春耕备耕有序推进，农资供应总体充足。</p>"
    older.write_text(f"{front}---\n{body}\n", "utf-8")  # another text: not a copy of its seed
    report = build(config)
    assert report.search is not None and report.search.full and report.search.docs == 3
    fresh = tmp_path / "fresh"
    shutil.copytree(tmp_path / "content", fresh / "content")
    build(make_config(fresh))
    assert tree_digest(index_of(fresh / "build")) == tree_digest(index_of(tmp_path / "build"))
    older.unlink()
    assert build(config).search.docs == 2  # type: ignore[union-attr]


def test_rebuild_in_place_updates_the_index_and_skips_static_changes(tmp_path: Path) -> None:
    config = seed_site(tmp_path)
    (tmp_path / "static").mkdir()
    live = Live(Session(config))
    live.build(progress=quiet)
    folder = index_of(tmp_path / "build")
    article = tmp_path / "content" / OLDER
    edit(article, "<div>", "<div><p>独一无二的测试语句</p>")
    report = live.update(classify({article}, config))
    assert report.search is not None and not report.search.full
    assert found(folder, "独一无二的测试语句") == {urls_of(folder)[0]}
    extra = tmp_path / "static/extra.css"
    extra.write_text("body{}", encoding="utf-8")
    assert live.update(classify({extra}, config)).search is None
    article.unlink()
    report = live.update(classify({article}, config))
    assert report.search is not None and report.search.docs == 1
    assert not found(folder, "独一无二的测试语句")


def test_a_damaged_index_file_is_made_anew(tmp_path: Path) -> None:
    config = seed_site(tmp_path)
    build(config)
    folder = index_of(tmp_path / "build")
    good = tree_digest(folder)
    held = set(tokens((SEEDS / NEWER).read_text(encoding="utf-8")).tolist())
    touched = [
        folder / path
        for token in tokens("再改一句").tolist()
        for path in fmt.files_of(2, token)
        if token not in held and (folder / path).exists()
    ]
    touched[0].write_bytes(b"\x09broken")  # a shard the edit has to update
    edit(tmp_path / "content" / NEWER, "<div>", "<div><p>再改一句</p>")
    build(config)
    edit(tmp_path / "content" / NEWER, "<div><p>再改一句</p>", "<div>")
    report = build(config)
    assert report.search is not None
    assert tree_digest(folder) == good


# --- Traditional and Simplified -------------------------------------------------------------------

PHRASES = 30


def convert_site(tmp_path: Path, config: str) -> Path:
    """The seeds, their text converted by OpenCC (s2t: into Traditional; none: as they are)."""
    content = tmp_path / config / "content"
    content.mkdir(parents=True)
    for path in SEEDS.iterdir():
        text = path.read_text(encoding="utf-8")
        if config != "none":
            text = opencc.OpenCC(config).convert(text)
        (content / path.name).write_text(text, encoding="utf-8")
    build(make_config(tmp_path / config))
    return index_of(tmp_path / config / "build")


def differing_phrases() -> list[tuple[str, str]]:
    """Seeded: phrases of 2-6 characters from the seeds whose Traditional form differs."""
    rng = random.Random(19)
    texts = []
    for path in sorted(SEEDS.iterdir()):
        source = load_data(path, path.name, read_file(path))
        assert isinstance(source, Source)
        article = normalize(source, ZoneInfo("Asia/Shanghai"))
        texts.append(f"{article.title}\n{article.text}")  # what the index holds of it
    runs = [run for text in texts for run in re.findall(r"[\u4e00-\u9fff]{2,}", text)]
    to_traditional = opencc.OpenCC("s2t").convert
    phrases: dict[str, str] = {}
    while len(phrases) < PHRASES:
        run = rng.choice(runs)
        length = rng.randint(2, min(6, len(run)))
        start = rng.randint(0, len(run) - length)
        phrase = run[start : start + length]
        if to_traditional(phrase) != phrase:
            phrases[phrase] = to_traditional(phrase)
    return sorted(phrases.items())


def test_traditional_queries_find_simplified_articles_and_the_other_way_round(
    tmp_path: Path,
) -> None:
    simplified = convert_site(tmp_path, "none")
    traditional = convert_site(tmp_path, "s2t")
    missed = []
    for plain, trad in differing_phrases():
        if not found(simplified, trad):
            missed.append(f"{trad} in the Simplified site")
        if not found(traditional, plain):
            missed.append(f"{plain} in the Traditional site")
    assert not missed, missed


def test_the_number_of_jobs_does_not_change_the_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Small chunks, so that two workers tokenize and merge a few hundred articles."""
    monkeypatch.setattr(postings, "CHUNK", 64)
    monkeypatch.setattr(writer, "PARALLEL_FROM", 100)
    synthetic(tmp_path / "content", 300)
    digests = []
    for jobs in (1, 2):
        config = make_config(tmp_path, output_dir=f"out-{jobs}")
        report = build(config, jobs=jobs, cache=False)
        assert report.search is not None and report.search.docs == 300
        digests.append(tree_digest(index_of(config.output_path)))
    assert digests[0] == digests[1]
