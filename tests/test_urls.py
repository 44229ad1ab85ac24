"""urls: every URL and output path from base_url; nothing may leave the output."""

from __future__ import annotations

import tomllib
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sitegen.assign import Names, assign, place
from sitegen.config import SiteConfig
from sitegen.errors import ConfigError
from sitegen.kinds import BY_NAME
from sitegen.models import Article, CategoryPath
from sitegen.names import (
    SEGMENT_MAX_CHARS,
    UnsafePath,
    good_segment,
    name_segment,
    name_segments,
    output_file,
    short_hash,
)
from sitegen.render import relative_links
from sitegen.scaffold import SITE_TOML
from sitegen.size import NAME_FIELD
from sitegen.urls import Urls

from .conftest import make_config

BEIJING = ZoneInfo("Asia/Shanghai")
ARTICLE = Article(
    id="a.md",
    title="t",
    date=datetime(2021, 12, 31, 18, 0, tzinfo=ZoneInfo("UTC")),
    updated=None,
    categories=(),
    tags=(),
    author="",
    source="",
    editor="",
    original_title="",
    image="",
    body_html="",
    summary="",
    slug="稳增长",
    source_path="a.md",
    draft=False,
    image_in_body=False,
    explicit_slug=False,
    digest="d",
)


def assigned(config: SiteConfig, *paths: CategoryPath, source: str = "") -> Urls:
    """The Urls of a build whose one article is filed under `paths` and comes from `source`."""
    placed = place(config, [replace(ARTICLE, categories=paths)])
    every = {path[:depth] for path in paths for depth in range(1, len(path) + 1)}
    sources = ((BY_NAME["sources"], frozenset([source])),)
    return assign(placed, Names(categories=frozenset(every), kinds=sources)).links


def test_article_url_uses_the_day_in_the_site_time_zone() -> None:
    urls = Urls(make_config(Path()))
    assert urls.article(ARTICLE) == "/2022/01/稳增长/"


def test_a_new_sites_made_slugs_are_short_and_keep_article_paths_within_a_tar_header() -> None:
    """`sitegen init`'s bound, 40 bytes: a slug is written ~9 times (its canonical link, related
    links, lists), and a path over 100 bytes costs the upload 1 KB. A long made slug (also
    assign's, with its hash) is cut to the bound with a hash of it; a short one and an editor's
    explicit one stay as they are, and a site without the key (one already published) too."""
    config = tomllib.loads(SITE_TOML)["permalinks"]
    urls = Urls(make_config(Path(), permalinks=config))
    title = "国务院办公厅关于进一步优化支付服务提升支付便利性的意见全文发布"  # 93 bytes
    long = replace(ARTICLE, slug=title)
    made = {urls.article(long), urls.article(long, f"{title}-1a2b3c"), urls.article(ARTICLE)}
    assert len(made) == 3 and "/2022/01/稳增长.html" in made
    for url in made:
        assert len(f".{url}".encode()) <= NAME_FIELD and good_segment(url.split("/")[-1])
        assert len(url.split("/")[-1].removesuffix(".html").encode()) <= 40
    cut = f"/2022/01/{title[:11]}-{short_hash(title)}.html"  # 33 bytes and a hash
    assert urls.article(long) == cut
    explicit = replace(long, explicit_slug=True)
    assert urls.article(explicit) == f"/2022/01/{title}.html"
    assert Urls(make_config(Path())).article(long) == f"/2022/01/{title}/"
    with pytest.raises(ConfigError, match="slug_max_bytes"):
        make_config(Path(), permalinks={"slug_max_bytes": 10})


def test_href_is_an_iri_under_the_base_path_and_absolute_is_percent_encoded() -> None:
    urls = Urls(make_config(Path(), base_url="https://user.github.io/archive"))
    assert urls.href("/categories/金融 A/") == "/archive/categories/金融%20A/"
    assert urls.absolute("/categories/金融 A/") == (
        "https://user.github.io/archive/categories/%E9%87%91%E8%9E%8D%20A/"
    )
    assert urls.absolute("/") == "https://user.github.io/archive/"
    assert Urls(make_config(Path(), base_url="https://x.org/")).href("/") == "/"


def test_pagination_follows_hexo() -> None:
    urls = assigned(make_config(Path()), ("金融", "新浪财经"))
    assert urls.page("/", 1) == "/"
    assert urls.page("/", 2) == "/page/2/"
    assert urls.page(urls.category(("金融", "新浪财经")), 3) == "/categories/金融/新浪财经/page/3/"


def test_category_slugs_map_names_to_ascii() -> None:
    urls = assigned(make_config(Path(), category_slugs={"金融": "finance"}), ("金融", "新浪财经"))
    assert urls.category(("金融", "新浪财经")) == "/categories/finance/新浪财经/"


def test_permalink_patterns_are_configurable() -> None:
    urls = Urls(
        make_config(Path(), permalinks={"article": "/posts/{year}/{month}/{day}/{slug}.html"})
    )
    assert urls.article(ARTICLE) == "/posts/2022/01/01/稳增长.html"


@pytest.mark.parametrize("slug", ["..", ".", "a/b", "a\\b", "x\x00y", "x\ny"])
def test_unsafe_segments_are_refused(slug: str) -> None:
    with pytest.raises(UnsafePath):
        Urls(make_config(Path())).article(replace(ARTICLE, slug=slug))


@pytest.mark.parametrize(
    "name", ["..", ".", "a/../..", "x/\x00", "a<b", '引"号', "x?y#z%", ".net "]
)
def test_a_name_that_is_no_good_segment_is_given_one(name: str) -> None:
    url = assigned(make_config(Path()), ("金融", name)).category(("金融", name))
    segment = url.removeprefix("/categories/金融/").removesuffix("/")
    assert good_segment(segment)
    assert output_file(url) == f"categories/金融/{segment}/index.html"


def test_names_stay_readable_and_distinct_names_get_distinct_segments() -> None:
    names = ["新闻/国内", "新闻?国内", "新闻-国内", "新闻-国内-955053", "新闻", "BBC Chinese"]
    segments = [name_segment(name) for name in names]
    assert len(set(segments)) == len(names)
    assert segments[0].startswith("新闻-国内-")
    assert segments[2] == "新闻-国内" and segments[4:] == ["新闻", "BBC Chinese"]
    assert name_segment("新闻/国内") == segments[0]


def test_output_files() -> None:
    assert output_file("/") == "index.html"
    assert output_file("/2022/01/稳增长/") == "2022/01/稳增长/index.html"
    assert output_file("/404.html") == "404.html"
    with pytest.raises(UnsafePath):
        output_file("/../etc/passwd")


def test_a_dot_in_a_name_does_not_turn_a_folder_url_into_a_file() -> None:
    urls = assigned(make_config(Path()), ("新闻", "bbcchinese.com _ 兩岸三地"))
    assert (
        urls.category(("新闻", "bbcchinese.com _ 兩岸三地"))
        == "/categories/新闻/bbcchinese.com _ 兩岸三地/"
    )
    assert urls.article(replace(ARTICLE, slug="v1.2")) == "/2022/01/v1.2/"


def test_one_rule_keeps_a_good_name_of_up_to_60_characters_spaces_and_all() -> None:
    assert name_segment("中华人民共和国 证券法") == "中华人民共和国 证券法"
    assert name_segment("长" * SEGMENT_MAX_CHARS) == "长" * SEGMENT_MAX_CHARS
    longer = name_segment("长" * (SEGMENT_MAX_CHARS + 1))
    assert longer.startswith("长" * SEGMENT_MAX_CHARS + "-") and good_segment(longer)
    assert name_segments(["BBC Chinese", "人民日报"]) == {
        "BBC Chinese": "BBC Chinese",
        "人民日报": "人民日报",
    }
    urls = assigned(make_config(Path()), source="BBC Chinese")
    assert urls.href(urls.group("sources", "BBC Chinese")) == "/sources/BBC%20Chinese/"


def test_names_differing_only_in_case_get_segments_that_differ_in_more() -> None:
    segments = name_segments(["policy", "Policy", "POLICY", "财经"])
    assert len({segment.casefold() for segment in segments.values()}) == 4
    assert segments["财经"] == "财经"
    assert all(segments[name].startswith(f"{name}-") for name in ("policy", "Policy", "POLICY"))
    assert segments == name_segments(["财经", "POLICY", "Policy", "policy"])  # any order


def test_two_short_hashes_alike_are_widened() -> None:
    """Names cut to the same 60 characters whose six-digit hashes meet (found by trying)."""
    seen: dict[str, str] = {}
    for n in range(100_000):
        name = "长" * SEGMENT_MAX_CHARS + str(n)
        segment = name_segment(name)
        if segment in seen:
            break
        seen[segment] = name
    pair = [seen[segment], name]
    segments = name_segments(pair)
    assert len(set(segments.values())) == 2
    assert all(len(s) == SEGMENT_MAX_CHARS + 1 + 32 and good_segment(s) for s in segments.values())


def test_only_sibling_categories_are_told_apart_by_case() -> None:
    paths = [("新闻",), ("新闻", "Policy"), ("新闻", "policy"), ("科技",), ("科技", "Policy")]
    urls = assigned(make_config(Path()), *paths)
    upper, lower = urls.category(("新闻", "Policy")), urls.category(("新闻", "policy"))
    assert upper.casefold() != lower.casefold()
    assert lower.startswith("/categories/新闻/policy-") and upper.startswith(
        "/categories/新闻/Policy-"
    )
    assert urls.category(("科技", "Policy")) == "/categories/科技/Policy/"  # no sibling to meet


def test_links_to_the_sites_own_pages_are_relative_to_their_page_where_shorter() -> None:
    """As Hugo's relativeURLs: a link under the site's path becomes relative to the page's folder
    when that is shorter; anything else (absolute, another part's path, protocol-relative, data
    attributes, meta refresh) stays as written."""
    page = (
        '<link rel="canonical" href="https://u.github.io/archive/2024/01/a.html">'
        '<link rel="stylesheet" href="/archive/style.css">'
        '<a href="/archive/2024/01/b.html">b</a><a href="/archive/2024/03/c.html#x">c</a>'
        '<a href="/archive/2024/01/">month</a><a href="/archive/">home</a>'
        '<a href="/archive/2024/01/d:e.html">d</a><img src="/archive/2024/01/f.png">'
        '<form action="/archive/search/"></form><a href="/archive/search/?q=x">q</a>'
        '<a href="/archive-2024/2024/01/a.html">part</a><a href="//cdn.example/archive/">cdn</a>'
        '<nav data-href="/archive/x/"></nav><meta http-equiv="refresh" content="0; url=/archive/">'
    )
    assert relative_links(page, "/archive/", "/archive/2024/01/a.html") == (
        '<link rel="canonical" href="https://u.github.io/archive/2024/01/a.html">'
        '<link rel="stylesheet" href="../../style.css">'
        '<a href="b.html">b</a><a href="../03/c.html#x">c</a>'
        '<a href="./">month</a><a href="../../">home</a>'
        '<a href="./d:e.html">d</a><img src="f.png">'
        '<form action="../../search/"></form><a href="../../search/?q=x">q</a>'
        '<a href="/archive-2024/2024/01/a.html">part</a><a href="//cdn.example/archive/">cdn</a>'
        '<nav data-href="/archive/x/"></nav><meta http-equiv="refresh" content="0; url=/archive/">'
    )
    folders = '<a href="/archive/categories/x/">x</a><a href="/archive/2024/01/b/">b</a>'
    assert relative_links(folders, "/archive/", "/archive/2024/01/a/") == (
        '<a href="/archive/categories/x/">x</a><a href="../b/">b</a>'  # "../../../categories/x/"
    )
