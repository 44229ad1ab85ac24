"""The warm build: cached articles, pages kept or linked, and output equal to a clean build."""

from __future__ import annotations

import importlib.util
import os
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from sitegen import cache as cache_module
from sitegen.cache import CACHE_DIR, ArticleCache
from sitegen.config import SiteConfig
from sitegen.pages import plan
from sitegen.pipeline import PARALLEL_FROM, Session, build
from sitegen.render import rendering_digest
from sitegen.url_record import RECORD_FILE

from .conftest import REPO, SEEDS, make_config
from .sitecheck import tree_digest


def synthetic(folder: Path, count: int) -> None:
    """The benchmark's own deterministic articles in the crawler's format."""
    spec = importlib.util.spec_from_file_location("bench_corpus", REPO / "benchmarks" / "corpus.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.write(count, folder)


def entries(root: Path) -> dict[str, int]:
    folder = root / ".sitegen-cache/articles"
    return {p.name: p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def site(tmp_path: Path) -> SiteConfig:
    shutil.copytree(SEEDS, tmp_path / "content")
    synthetic(tmp_path / "content" / "more", 40)
    # Search off: these tests count pages (test_search covers the index's own updates).
    return make_config(tmp_path, base_url="https://example.org/archive/", search={"enabled": False})


def test_a_warm_build_normalizes_nothing_it_has_seen(site: SiteConfig) -> None:
    build(site)
    first = entries(site.root)
    assert len(first) == 42
    report = build(site)
    assert entries(site.root) == first
    assert report.written == 0


def test_a_changed_file_is_normalized_again_and_only_it(site: SiteConfig) -> None:
    build(site)
    first = entries(site.root)
    seed = site.content_path / "000_f847cc9c3667cd96.txt"
    seed.write_text(
        seed.read_text(encoding="utf-8").replace("会议指出", "会议再次指出"), encoding="utf-8"
    )
    build(site)
    added = set(entries(site.root)) - set(first)
    assert len(added) == 1
    html = (site.output_path / "2022/03/000_f847cc9c3667cd96/index.html").read_text(
        encoding="utf-8"
    )
    assert "会议再次指出" in html


def test_a_config_that_changes_normalizing_misses_the_cache(site: SiteConfig) -> None:
    build(site)
    first = entries(site.root)
    build(replace(site, timezone="Europe/London"))
    assert not set(first) & (set(entries(site.root)) - set(first))
    assert len(entries(site.root)) == 2 * len(first)


def test_a_new_code_version_misses_the_cache(
    site: SiteConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = ArticleCache(site.root, site.timezone).key("digest")
    monkeypatch.setattr(cache_module, "code_version", lambda: "another version")
    assert ArticleCache(site.root, site.timezone).key("digest") != before


def test_a_corrupt_or_foreign_cache_is_ignored_and_rebuilt(
    site: SiteConfig, tmp_path: Path
) -> None:
    build(site)
    clean = tree_digest(site.output_path)
    for number, entry in enumerate((site.root / ".sitegen-cache").rglob("*")):
        if entry.is_file():
            entry.write_bytes(b"garbage" if number % 2 else cache_module.MAGIC + b"\x80\x05junk")
    shutil.rmtree(site.output_path)
    build(site)
    assert tree_digest(site.output_path) == clean


def age(folder: Path, seconds: int) -> None:
    """Date every file back, as if written that long before the build."""
    for path in folder.rglob("*"):
        stat = path.stat()
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns - seconds * 10**9))


def same_size_edit(path: Path, old: str, new: str) -> None:
    """Change a file's bytes but not its size or mtime: only reading it can tell."""
    stat = path.stat()
    text = path.read_text(encoding="utf-8")
    assert len(old.encode()) == len(new.encode()) and old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


SEED = "000_f847cc9c3667cd96.txt"
SEED_PAGE = "2022/03/000_f847cc9c3667cd96/index.html"


def test_a_file_whose_stamp_did_not_change_is_not_read_again(site: SiteConfig) -> None:
    age(site.content_path, 3600)
    build(site)
    same_size_edit(site.content_path / SEED, "会议指出", "会议认为")
    build(site)
    html = (site.output_path / SEED_PAGE).read_text(encoding="utf-8")
    assert "会议指出" in html and "会议认为" not in html


def test_a_file_stamped_just_before_a_build_is_read_again_by_the_next(site: SiteConfig) -> None:
    seed = site.content_path / SEED
    seed.write_bytes(seed.read_bytes())
    build(site)
    same_size_edit(site.content_path / SEED, "会议指出", "会议认为")
    build(site)
    assert "会议认为" in (site.output_path / SEED_PAGE).read_text(encoding="utf-8")


def test_the_stamp_index_is_rewritten_only_once_it_lags_by_more_than_a_few_files(
    tmp_path: Path,
) -> None:
    synthetic(tmp_path / "content", 160)  # it may lag by 159 // 50 = 3 files, then 160 // 50
    config = make_config(tmp_path, search={"enabled": False})
    age(config.content_path, 3600)
    build(config)
    index = tmp_path / ".sitegen-cache/index.pickle"
    first = index.stat().st_mtime_ns
    files = sorted(config.content_path.iterdir())
    files[0].unlink()
    for path in files[1:3]:
        path.write_text(path.read_text(encoding="utf-8") + "\n补记。\n", encoding="utf-8")
    build(config)  # one file gone, two read again: a lag of 3
    assert index.stat().st_mtime_ns == first
    (config.content_path / "new.md").write_text(
        "---\ntitle: 新文章\ndate: 2023-05-01 10:00\n---\n正文。\n", encoding="utf-8"
    )
    build(config)  # and one new: 4
    kept = ArticleCache(tmp_path / ".sitegen-cache", config.timezone).load_index(
        config.content_path.resolve()
    )
    assert index.stat().st_mtime_ns != first
    assert set(kept.files) == {p.name for p in config.content_path.iterdir()}


def test_with_nothing_changed_a_build_touches_nothing_but_mends_a_damaged_output(
    site: SiteConfig,
) -> None:
    build(site)
    site.output_path.joinpath(SEED_PAGE).unlink()
    build(site)  # now the twin is the first build's output
    before = tree_digest(site.output_path)
    twin = site.output_path.parent / f".{site.output_path.name}.next"
    twin_mtime = twin.stat().st_mtime_ns
    report = build(site)
    assert report.up_to_date and report.written == 0 and report.unchanged == len(before)
    assert twin.stat().st_mtime_ns == twin_mtime
    (site.output_path / SEED_PAGE).unlink()
    (site.output_path / "style.css").write_text("damaged", encoding="utf-8")
    assert not build(site).up_to_date
    assert tree_digest(site.output_path) == before


def test_an_incremental_build_equals_a_clean_build_byte_for_byte(
    site: SiteConfig, tmp_path: Path
) -> None:
    build(site)
    content = site.content_path
    first = sorted((content / "more").iterdir())
    first[0].unlink()
    first[1].rename(content / "renamed.md")
    text = first[2].read_text(encoding="utf-8")
    first[2].write_text(text.replace("</p>", "（修订）</p>", 1), encoding="utf-8")
    (content / "new.md").write_text(
        "---\ntitle: 新文章\ndate: 2023-05-01 10:00\ncategories: [政策]\n---\n正文。\n",
        encoding="utf-8",
    )
    build(site)
    build(site)
    clean = replace(site, root=tmp_path / "clean", content_dir=str(content))
    clean.root.mkdir()
    shutil.copy(site.root / RECORD_FILE, clean.root / RECORD_FILE)  # the same URLs given
    build(clean, cache=False)
    assert tree_digest(site.output_path) == tree_digest(clean.output_path)


def _same_as_clean(site: SiteConfig, clean_root: Path) -> None:
    """A build from scratch of the same files and URL record gives the same bytes and record."""
    clean = replace(site, root=clean_root, content_dir=str(site.content_path))
    clean.root.mkdir()
    shutil.copy(site.root / RECORD_FILE, clean.root / RECORD_FILE)
    build(clean, cache=False)
    assert tree_digest(site.output_path) == tree_digest(clean.output_path)
    assert (site.root / RECORD_FILE).read_bytes() == (clean.root / RECORD_FILE).read_bytes()


def test_edits_in_place_swapped_into_the_last_site_build_what_a_clean_build_does(
    site: SiteConfig, tmp_path: Path
) -> None:
    more = sorted((site.content_path / "more").iterdir())
    body, title, category = more[3], more[4], more[5]
    old_url = f"/2019/01/旧地址/\tarticle\t0\tmore/{body.name}\n"  # its line takes the digest too
    (site.root / RECORD_FILE).write_text(old_url, encoding="utf-8")
    build(site)  # the record it leaves has more lines: the next build makes the site anew
    for _ in range(2):  # then each edit to a body is swapped into the site the last left
        text = body.read_text(encoding="utf-8")
        body.write_text(text.replace("</p>", "另据报道，会议还研究了其他事项。</p>", 1), "utf-8")
        session = Session(site)
        session.build()
    assert session.last.swapped
    delta = site.root / CACHE_DIR / "site-delta.pickle"
    assert delta.is_file()  # the site saved as the edits since it was saved whole
    text = title.read_text(encoding="utf-8")
    title.write_text(text.replace("title: '", "title: '修订：", 1), encoding="utf-8")
    session = Session(site)  # reads the whole and the delta
    assert session.build().rendered and session.last.swapped
    _same_as_clean(site, tmp_path / "clean")
    text = category.read_text(encoding="utf-8")
    category.write_text(text.replace("categories: \n", "categories: \n - 新栏目\n", 1), "utf-8")
    session = Session(site)
    session.build()
    assert not session.last.swapped  # a new category: the site is made anew
    assert not delta.exists()
    _same_as_clean(site, tmp_path / "clean-again")


def test_a_retitled_article_swapped_in_keys_every_page_as_a_plan_made_afresh(
    site: SiteConfig, tmp_path: Path
) -> None:
    """Swapped in, a retitled article's lists are keyed again (its token changed) and the other
    list pages keep the keys the last plan gave them (Known.listed): every key is the one a
    plan made afresh of the same site gives, and the output is a clean build's."""
    retitled = sorted((site.content_path / "more").iterdir())[4]
    build(site)
    for title in ("修订：", "再修订："):  # the first edit's build leaves a record that settles
        text = retitled.read_text(encoding="utf-8")
        retitled.write_text(text.replace("title: '", f"title: '{title}", 1), encoding="utf-8")
        session = Session(site)
        report = session.build()
    assert session.last.swapped
    assert {"/", "/categories/政策/", "/archives/2022/04/"} <= set(report.rewritten)  # its lists
    made = session.made
    assert made.site is not None
    afresh = plan(made.site, site, rendering=rendering_digest(site), showing=session.showing)
    assert {page.url: page.key for page in afresh.pages} == made.keys
    _same_as_clean(site, tmp_path / "clean")


def test_unchanged_files_keep_their_mtime_across_builds(site: SiteConfig) -> None:
    build(site)
    page = site.output_path / "2021/12/001_c31c58ede6f3a8cb/index.html"
    mtime = page.stat().st_mtime_ns
    seed = site.content_path / "000_f847cc9c3667cd96.txt"
    seed.write_text(
        seed.read_text(encoding="utf-8").replace("会议指出", "会议又指出"), encoding="utf-8"
    )
    for _ in range(3):
        build(site)
    assert page.stat().st_mtime_ns == mtime


def test_the_number_of_jobs_does_not_change_the_output(tmp_path: Path) -> None:
    synthetic(tmp_path / "content", PARALLEL_FROM + 60)
    one = make_config(tmp_path, output_dir="one", search={"enabled": False})
    two = make_config(tmp_path, output_dir="two", search={"enabled": False})
    build(one, jobs=1, cache=False)
    build(two, jobs=2, cache=False)
    assert tree_digest(tmp_path / "one") == tree_digest(tmp_path / "two")


def test_a_changed_template_re_renders_every_page_that_uses_it(site: SiteConfig) -> None:
    build(site)
    (site.root / "templates").mkdir()
    base = (REPO / "templates" / "base.html").read_text(encoding="utf-8")
    (site.root / "templates" / "base.html").write_text(
        base.replace("</body>", "<!--新模板--></body>"), encoding="utf-8"
    )
    build(site)
    pages = list(site.output_path.rglob("*.html"))
    assert pages and all("新模板" in p.read_text(encoding="utf-8") for p in pages)
