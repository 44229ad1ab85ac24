"""Whole builds: the seeds and the real corpus, read back from the output HTML."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html
import pytest

from sitegen.cache import CACHE_DIR, ArticleCache
from sitegen.config import SiteConfig, load_config
from sitegen.errors import ConfigError, ContentErrors
from sitegen.names import name_segment, output_file
from sitegen.pipeline import Report, build, prepare
from sitegen.render import TemplateProblem, make_environment
from sitegen.views import Card, Link

from .conftest import FIXTURES, REPO, SEEDS, corpus_or_skip, make_config
from .sitecheck import html_files, internal_targets, parse, resolve, tree_digest


def seed_site(tmp_path: Path, **config: object) -> SiteConfig:
    shutil.copytree(SEEDS, tmp_path / "content")
    return make_config(tmp_path, **config)


def assert_links_resolve(output: Path, config: SiteConfig) -> int:
    broken = []
    checked = 0
    for page in html_files(output):
        for target in internal_targets(parse(page), config.origin):
            checked += 1
            if resolve(output, config.base_path, target) is None:
                broken.append(f"{page.relative_to(output)} → {target}")
    assert not broken, f"{len(broken)} broken links, e.g. {broken[:5]}"
    return checked


def tops_of(page: lxml.html.HtmlElement) -> set[str]:
    """The top-level categories an article page's trails name."""
    trails = page.xpath("//article/header/nav/p")
    return {trail.xpath("string((.//a)[1])").strip() for trail in trails}


def story_of(url: str, page: lxml.html.HtmlElement) -> frozenset[str]:
    """An article page's story: its own page and the copies its "也见于" links to, as paths."""
    also = page.xpath("//p[@class='article-also-in']/a/@href")
    return frozenset({"/" + url.removesuffix("index.html"), *map(unquote, also)})


def article_pages(output: Path) -> dict[str, lxml.html.HtmlElement]:
    pages = {}
    for path in html_files(output):
        page = parse(path)
        if page.xpath("//meta[@name='citation_title']"):
            pages[path.relative_to(output).as_posix()] = page
    return pages


@pytest.mark.parametrize("base_url", ["https://example.org/", "https://user.github.io/archive/"])
def test_seed_site_has_every_page_and_every_link_works(tmp_path: Path, base_url: str) -> None:
    config = seed_site(tmp_path, base_url=base_url)
    report = build(config)
    output = tmp_path / "build"
    assert report.articles == 2
    assert (output / "2022/03/000_f847cc9c3667cd96/index.html").is_file()
    assert (output / "2021/12/001_c31c58ede6f3a8cb/index.html").is_file()
    for level in ["金融", "金融/新浪财经", "金融/新浪财经/新浪财经－国內"]:
        page = parse(output / "categories" / level / "index.html")
        assert page.xpath("string(//h1)").strip().endswith(level.split("/")[-1])
        assert (
            len(page.xpath("//div[@class='cards']/*/a")) == 2
        )  # a card's heading: h2, h3 under 最新
    assert (output / "archives/2022/03/index.html").is_file()
    assert (output / "archives/2021/index.html").is_file()
    missing = lxml.html.fromstring((output / "404.html").read_bytes())  # served at any path
    assert all(link.startswith(("/", "#", "http")) for _, _, link, _ in missing.iterlinks())
    assert assert_links_resolve(output, config) > 50


def test_article_page_shows_metadata_once_and_no_boilerplate(tmp_path: Path) -> None:
    build(seed_site(tmp_path))
    html = (tmp_path / "build/2021/12/001_c31c58ede6f3a8cb/index.html").read_text(encoding="utf-8")
    page = lxml.html.fromstring(html)
    assert page.get("lang") == "zh-CN"
    assert (
        page.xpath("string(//h1)").strip() == "工信部：全力稳定工业经济增长，保持制造业占比基本稳定"
    )
    for citation in page.xpath("//script"):
        citation.drop_tree()  # the citation data repeats the source on purpose
    text = page.text_content()
    assert "2021年12月13日 15:34" in text
    assert text.count("工业和信息化部规划司、办公厅") == 1
    assert text.count("李墨轩") == 1
    assert "原标题" in text
    for junk in ["海量资讯、精准解读", "<style", "<!--", "　　", "appendQr"]:
        assert junk not in html
    assert page.xpath("//link[@rel='canonical']/@href") == [
        "http://127.0.0.1:8000/2021/12/001_c31c58ede6f3a8cb/"
    ]
    assert not page.xpath("//meta[@property='og:title'] | //meta[@name='description']")  # the
    # title and the first sentence again: readers of a shared link get <title>, crawlers the text
    assert not page.xpath("//meta[@property='og:type']")  # a preview without it is a website's;
    # what a researcher's tools read stays: Zotero and Google Scholar take the citation tags
    assert page.xpath("string(//title)").startswith("工信部：全力稳定工业经济增长")
    cited = {m.get("name"): m.get("content") for m in page.xpath("//meta[@name]")}
    assert cited["citation_title"] == page.xpath("string(//h1)").strip()
    assert cited["citation_date"].startswith("2021/12/13") and cited["citation_author"]
    nav = page.xpath("//body/header/nav[@aria-label='主导航']")[0]  # links in a landmark, no list
    assert nav.xpath("a/text()") == ["分类", "归档", "搜索"] and not nav.xpath(".//li")
    footer = page.xpath("//body/footer")[0]  # the feed stays; the generator's credit is the home's
    assert footer.xpath("a/@href") and "生成" not in footer.text_content()
    home = lxml.html.fromstring((tmp_path / "build/index.html").read_bytes())
    assert "由 sitegen" in home.xpath("string(//body/footer)")
    assert "<generator>sitegen" in (tmp_path / "build/atom.xml").read_text(encoding="utf-8")
    assert not page.xpath("//nav[@class='post-nav']")  # another feed's story, by date: gone


def test_rebuilding_with_no_change_is_byte_identical_and_keeps_mtimes(tmp_path: Path) -> None:
    config = seed_site(tmp_path)
    build(config)
    first = tree_digest(tmp_path / "build")
    index = tmp_path / "build/index.html"
    mtime = index.stat().st_mtime_ns
    report = build(config)
    assert tree_digest(tmp_path / "build") == first
    assert index.stat().st_mtime_ns == mtime
    assert report.written == 0


def test_a_failed_build_leaves_the_previous_output_exactly_as_it_was(tmp_path: Path) -> None:
    config = seed_site(tmp_path)
    build(config)
    before = tree_digest(tmp_path / "build")
    (tmp_path / "content/sub").mkdir()
    shutil.copy(FIXTURES / "load/bad_yaml.md", tmp_path / "content/bad.md")
    shutil.copy(FIXTURES / "load/missing_date.md", tmp_path / "content/sub/undated.md")
    with pytest.raises(ContentErrors) as caught:
        build(config)
    assert [e.path.name for e in caught.value.errors] == ["bad.md", "undated.md"]
    assert tree_digest(tmp_path / "build") == before
    assert not list(tmp_path.glob(".build.*/**/bad/index.html"))


def test_skip_bad_builds_the_rest_and_lists_what_it_skipped(tmp_path: Path) -> None:
    config = seed_site(tmp_path)
    shutil.copy(FIXTURES / "load/bad_yaml.md", tmp_path / "content/bad.md")
    report = build(config, skip_bad=True)
    assert report.articles == 2
    assert [e.path.name for e in report.skipped] == ["bad.md"]


def test_drafts_are_left_out_unless_asked(tmp_path: Path) -> None:
    config = seed_site(tmp_path)
    (tmp_path / "content/draft.md").write_text(
        "---\ntitle: 草稿\ndate: 2022-05-01 10:00\ndraft: true\n---\n正文\n", encoding="utf-8"
    )
    assert build(config).drafts == 1
    assert not (tmp_path / "build/2022/05").exists()
    assert build(config, drafts=True).articles == 3
    assert (tmp_path / "build/2022/05/draft/index.html").is_file()


def test_same_explicit_slug_twice_is_an_error_naming_both_files(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    for name in ["one.md", "two.md"]:
        (tmp_path / "content").mkdir(exist_ok=True)
        (tmp_path / "content" / name).write_text(
            "---\ntitle: x\ndate: 2022-05-01 10:00\nslug: same\n---\n正文\n", encoding="utf-8"
        )
    with pytest.raises(ContentErrors) as caught:
        build(config)
    message = str(caught.value.errors[0])
    assert "one.md" in message and "two.md" in message


def test_derived_slugs_that_collide_get_distinct_urls(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    for folder in ["a", "b"]:
        (tmp_path / "content" / folder).mkdir(parents=True)
        (tmp_path / "content" / folder / "同名.md").write_text(
            "---\ntitle: 同名\ndate: 2022-05-01 10:00\n---\n正文\n", encoding="utf-8"
        )
    build(config)
    assert len(list((tmp_path / "build/2022/05").iterdir())) == 2


@pytest.mark.parametrize("category", ["..", "../../escape", "a/b"])
def test_a_category_that_would_escape_the_output_stays_inside_it(
    tmp_path: Path, category: str
) -> None:
    config = make_config(tmp_path)
    (tmp_path / "content").mkdir()
    (tmp_path / "content/evil.md").write_text(
        f"---\ntitle: x\ndate: 2022-05-01 10:00\ncategories: ['{category}']\n---\nx\n",
        encoding="utf-8",
    )
    build(config)
    [page] = (tmp_path / "build/categories").glob("*/index.html")
    assert page.parent.name == name_segment(category) != category
    assert lxml.html.parse(page).findtext(".//h1") == category
    assert not (tmp_path / "escape").exists() and not (tmp_path / "build/escape").exists()


def test_two_categories_mapped_to_one_url_are_a_config_error(tmp_path: Path) -> None:
    config = make_config(tmp_path, category_slugs={"金融": "finance"})
    (tmp_path / "content").mkdir()
    for name in ["金融", "finance"]:
        (tmp_path / "content" / f"{name}.md").write_text(
            f"---\ntitle: x\ndate: 2022-05-01 10:00\ncategories: [{name}]\n---\nx\n",
            encoding="utf-8",
        )
    with pytest.raises(ConfigError) as caught:
        build(config)
    assert caught.value.key == "category_slugs" and "/categories/finance/" in caught.value.message
    assert not (tmp_path / "build").exists()


def test_site_templates_and_static_override_the_theme_file_by_file(tmp_path: Path) -> None:
    config = seed_site(tmp_path)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates/404.html").write_text(
        "<!doctype html><title>自己的 404</title>", encoding="utf-8"
    )
    (tmp_path / "static").mkdir()
    (tmp_path / "static/extra.txt").write_text("mine", encoding="utf-8")
    build(config)
    assert "自己的 404" in (tmp_path / "build/404.html").read_text(encoding="utf-8")
    assert (tmp_path / "build/extra.txt").read_text(encoding="utf-8") == "mine"
    assert (tmp_path / "build/style.css").is_file()
    assert "<h1" in (tmp_path / "build/index.html").read_text(encoding="utf-8")


def test_lists_place_the_card_of_the_sites_own_card_template(tmp_path: Path) -> None:
    config = seed_site(tmp_path)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates/_card.html").write_text(
        '{% macro card(card, level="h2") %}<p class="mine">{{ card.title }}</p>{% endmacro %}',
        encoding="utf-8",
    )
    build(config)
    home = (tmp_path / "build/index.html").read_text(encoding="utf-8")
    assert '<p class="mine">' in home and "card-title" not in home
    (tmp_path / "templates/_card.html").write_text("no macro here", encoding="utf-8")
    with pytest.raises(TemplateProblem, match=r"_card\.html defines no macro 'card'"):
        build(config)


def test_card_and_trail_html_reuse_html_and_render_an_edited_card_anew(tmp_path: Path) -> None:
    env = make_environment(make_config(tmp_path))
    card_html, trail_html = env.globals["card_html"], env.globals["trail_html"]
    trail = (Link("金融", "/categories/金融/"),)
    card = Card(
        "标题",
        "/a/",
        "2024-01-02T03:04:00+08:00",
        "2024年1月2日 03:04",
        "2024-01-02",
        (trail,),
        "",
        "",
        "",
    )
    first = card_html(card)
    assert card_html(card) is first
    assert card_html(replace(card)) is first
    edited = card_html(replace(card, title="新 & 标题"))
    assert "新 &amp; 标题" in edited and "标题</a>" in first
    assert "<h3" in card_html(card, "h3")
    assert trail_html(trail) is trail_html((Link("金融", "/categories/金融/"),))
    assert trail_html(list(trail)) == trail_html(trail)  # unhashable: rendered, not kept


def test_output_that_would_replace_the_site_is_refused(tmp_path: Path) -> None:
    config = seed_site(tmp_path)
    with pytest.raises(ConfigError):
        build(config, output=tmp_path)
    assert (tmp_path / "content").is_dir()


def test_a_killed_build_leaves_the_previous_output(tmp_path: Path) -> None:
    corpus = corpus_or_skip()
    config = make_config(tmp_path, content_dir=str(corpus))
    (tmp_path / "site.toml").write_text(f'content_dir = "{corpus}"\n', encoding="utf-8")
    (tmp_path / "build").mkdir()
    (tmp_path / "build/index.html").write_text("previous", encoding="utf-8")
    sitegen = Path(sys.executable).parent / "sitegen"
    process = subprocess.Popen(
        [sitegen, "build", "--jobs", "1"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".build.next/**/index.html")) and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert (tmp_path / "build/index.html").read_text(encoding="utf-8") == "previous"
    assert config.output_path == tmp_path / "build"


@pytest.fixture(scope="module")
def corpus_builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[SiteConfig, Report]]:
    corpus = corpus_or_skip()
    builds = {}
    for name, base_url in [
        ("root", "https://example.org/"),
        ("sub", "https://user.github.io/archive/"),
    ]:
        root = tmp_path_factory.mktemp(name)
        config = make_config(root, content_dir=str(corpus), base_url=base_url)
        builds[name] = (config, build(config))
    return builds


@pytest.mark.corpus
def test_corpus_every_article_has_its_page_and_the_right_counts(corpus_builds: dict) -> None:
    config, report = corpus_builds["root"]
    output = config.output_path
    pages = article_pages(output)
    assert len(pages) == report.articles == 2933
    assert report.pages["article"] == 2933
    top = parse(output / "categories/新闻/index.html")
    stories = {story_of(url, page) for url, page in pages.items() if tops_of(page) & {"新闻"}}
    assert f"共 {len(stories)} 篇" in top.xpath("string(//main)")
    assert len(stories) < 1178  # the 新闻 files, BBC's channels carrying one item many times
    month = parse(output / "archives/2026/01/index.html")
    assert month.xpath("//div[@class='cards']/h2")


@pytest.mark.corpus
def test_corpus_data_files_parse_and_match_the_pages(corpus_builds: dict) -> None:
    """The archive's data for download on the real corpus: one JSON Lines record per published
    article, each at a page with its title; each document and issuing body row at its page."""
    config, report = corpus_builds["root"]
    output, data = config.output_path, config.output_path / "data"

    def page(url: str) -> lxml.html.HtmlElement:
        return parse(output / output_file(unquote(urlsplit(url).path)))

    records = [
        json.loads(line)
        for year in sorted(data.glob("articles-*.jsonl.gz"))
        for line in gzip.decompress(year.read_bytes()).splitlines()
    ]
    assert len(records) == len({r["url"] for r in records}) == report.articles
    for record in records:
        assert page(record["url"]).xpath("string(//h1)").strip() == record["title"].strip()
    for table in ("documents.csv", "authorities.csv"):
        rows = list(csv.DictReader(io.StringIO((data / table).read_text(encoding="utf-8"))))
        assert len(rows) > 50, table
        for row in rows:
            assert row["name"] in page(row["url"]).xpath("string(//h1)"), (table, row["name"])


@pytest.mark.corpus
@pytest.mark.parametrize("name", ["root", "sub"])
def test_corpus_every_internal_link_and_image_resolves(corpus_builds: dict, name: str) -> None:
    config, _ = corpus_builds[name]
    assert assert_links_resolve(config.output_path, config) > 10000


@pytest.mark.corpus
def test_corpus_category_and_month_counts_match_the_articles(corpus_builds: dict) -> None:
    config, _ = corpus_builds["root"]
    output = config.output_path
    files: Counter[str] = Counter()
    stories: dict[str, set[frozenset[str]]] = {}
    earliest: dict[frozenset[str], str] = {}  # a story is listed under its earliest copy
    pages = article_pages(output)
    for url, page in pages.items():
        for top in tops_of(page):
            files[top] += 1
            stories.setdefault(top, set()).add(story_of(url, page))
        moment, story = page.xpath("//article//time/@datetime")[0], story_of(url, page)
        earliest[story] = min(earliest.get(story, moment), moment)
    per_month = Counter(moment[:7] for moment in earliest.values())
    assert files["新闻"] == 1178 and files["科技"] == 1093 and files["金融"] == 532 + 8
    per_top = {top: len(found) for top, found in stories.items()}
    filed = set().union(*stories.values())
    loose = {story_of(url, page) for url, page in pages.items() if not tops_of(page)}
    per_top["未分类"] = len(loose - filed)  # the stories none of whose copies has a category
    tree = parse(output / "categories/index.html")
    shown = {
        li.xpath("string(a/span[@class='tree-name'])"): int(
            li.xpath("string(a/span[@class='count'])").split()[0]
        )
        for li in tree.xpath("//ul[@class='tree']/li")
    }
    assert shown == dict(per_top)
    archive = parse(output / "archives/index.html")
    for year, count in Counter(m[:4] for m in per_month.elements()).items():
        heading = archive.xpath(f"//h2[a[text()='{year}年']]/span[@class='count']/text()")
        assert heading == [f"{count} 篇"]
    january = parse(output / "archives/2026/01/index.html")
    assert len(january.xpath("//div[@class='cards']/h2")) == config.per_page
    assert f"共 {per_month['2026-01']} 篇" in january.text_content()


def visible_text(html: str) -> str:
    return " ".join(lxml.html.fromstring(f"<div>{html}</div>").text_content().split())


@pytest.mark.corpus
def test_corpus_no_text_of_one_article_leaks_into_another(corpus_builds: dict) -> None:
    config, _ = corpus_builds["root"]
    (site,), _ = prepare(config, drafts=False, skip_bad=False, jobs=2, progress=lambda *_: None)
    bodies = ArticleCache(config.root / CACHE_DIR, config.timezone)
    for article, url in zip(site.articles, site.urls, strict=True):
        page = parse(config.output_path / output_file(url))
        body = page.xpath("//*[contains(@class,'article-body')]")[0]
        stored = bodies.body(article)
        assert stored is not None
        assert " ".join(body.text_content().split()) == visible_text(stored.html), url
        assert page.xpath("string(//h1)").strip() == article.title


@pytest.mark.corpus
def test_corpus_rebuild_is_byte_identical(corpus_builds: dict, tmp_path: Path) -> None:
    config, _ = corpus_builds["root"]
    other = replace(config, root=tmp_path, output_dir="again")
    build(other, jobs=1)
    assert tree_digest(tmp_path / "again") == tree_digest(config.output_path)


def test_repository_site_toml_builds_the_seeds(tmp_path: Path) -> None:
    config = replace(load_config(REPO / "site.toml"), output_dir=str(tmp_path / "out"))
    report = build(config)
    assert report.articles >= 2


@pytest.mark.parametrize("slug", ["archives", "search", "categories"])
def test_an_article_on_a_generated_pages_url_is_an_error_naming_it(
    tmp_path: Path, slug: str
) -> None:
    config = make_config(tmp_path, permalinks={"article": "/{slug}/"})
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "clash.md").write_text(
        f"---\ntitle: x\ndate: 2022-05-01 10:00\nslug: {slug}\n---\n正文\n", encoding="utf-8"
    )
    with pytest.raises(ContentErrors) as caught:
        build(config)
    [error] = caught.value.errors
    assert error.path.name == "clash.md"
    assert f"/{slug}/" in error.message
    assert not (tmp_path / "build").exists()


def test_bodies_that_cannot_be_cleaned_are_warned_about_and_marked_on_their_pages(
    tmp_path: Path,
) -> None:
    config = seed_site(tmp_path)
    shutil.copytree(FIXTURES / "cut_short", tmp_path / "content/cut_short")
    report = build(config)
    warned = {w.path.name: w.message for w in report.warnings}
    assert "empty" in warned["empty_print_page.md"]
    assert "paywall" in warned["sspai_member_teaser.md"]
    pages = {page.findtext(".//h1"): page for page in article_pages(tmp_path / "build").values()}
    notices = {
        title: "".join(n.text_content() for n in page.xpath("//p[@class='article-notice']"))
        for title, page in pages.items()
    }
    assert "正文为空" in notices["01版 - 要闻"]
    assert "付费" in notices["从「墓碑」到见机行事：iOS 后台机制现状分析"]
    teaser = next(
        p for p in article_pages(tmp_path / "build").values() if "墓碑" in p.findtext(".//h1")
    )
    assert "会员文章" not in teaser.text_content() and "后台 API" in teaser.text_content()
    seeds = [text for title, text in notices.items() if "墓碑" not in title and "要闻" not in title]
    assert seeds and not any(seeds)
