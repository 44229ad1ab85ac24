"""Feeds, sitemaps and robots.txt of real builds, read back with feedparser and lxml.

The fixtures add to the seeds an article whose title, author and categories carry markup-like text
and one whose title carries characters XML forbids.
"""

from __future__ import annotations

import gzip
import re
import shutil
import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import feedparser
import lxml.etree
import lxml.html
import pytest

from sitegen.config import SiteConfig
from sitegen.names import name_segment
from sitegen.pages import sitemap
from sitegen.pipeline import build
from sitegen.scaffold import SITE_TOML

from .conftest import FIXTURES, SEEDS, make_config
from .sitecheck import parse

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
W3C_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")  # a page's lastmod: the day is enough for crawlers
W3C_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$")
MARKUP_TITLE = '<script>alert(1)</script> & "引号" 标题'
MARKUP_CATEGORIES = ["A&B", '<em>要闻 & "解读"']
BASE_URLS = {
    "root": ("https://archive.example.org", "https://archive.example.org/"),
    "subpath": ("https://user.github.io/archive/", "https://user.github.io/archive/"),
}


def feed_site(tmp_path: Path, base_url: str, **config: object) -> tuple[SiteConfig, Path]:
    shutil.copytree(SEEDS, tmp_path / "content")
    for fixture in (FIXTURES / "feeds").iterdir():
        shutil.copy(fixture, tmp_path / "content" / fixture.name)
    site = make_config(tmp_path, base_url=base_url, author="档案编辑部", **config)
    build(site)
    return site, tmp_path / "build"


def read_feed(path: Path) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


@pytest.fixture(params=list(BASE_URLS), ids=list(BASE_URLS))
def base(request: pytest.FixtureRequest) -> tuple[str, str]:
    """(base_url as written in site.toml, the prefix every absolute URL must carry)."""
    return BASE_URLS[request.param]


def test_site_feed_is_valid_atom_with_text_kept_as_text(
    tmp_path: Path, base: tuple[str, str]
) -> None:
    written, prefix = base
    _, output = feed_site(tmp_path, written)
    feed = read_feed(output / "atom.xml")

    assert feed.feed.id == prefix
    assert feed.feed.updated_parsed
    assert feed.feed.author == "档案编辑部"
    links = {link.rel: link.href for link in feed.feed.links}
    assert links == {"self": prefix + "atom.xml", "alternate": prefix}
    assert len(feed.entries) == 4
    for entry in feed.entries:
        assert entry.link.startswith(prefix), entry.link
        assert entry.id == entry.link
        assert entry.updated_parsed and entry.published_parsed
        assert entry.author
        assert entry.summary.strip()
        assert "content" not in entry, "full content only with [feeds] full_content = true"

    entries = {entry.title: entry for entry in feed.entries}
    markup = entries[MARKUP_TITLE]
    assert [tag.term for tag in markup.tags] == MARKUP_CATEGORIES
    assert markup.author == "编辑<b>部</b>"
    assert "含有 <b> 这样的文字" in markup.summary
    assert markup.updated.startswith("2023-05-07T09:00:00")
    assert markup.published.startswith("2023-05-06T10:20:30")
    assert "控制字符在标题里" in entries, "characters XML forbids are dropped, the rest stays"

    tree = lxml.etree.parse(str(output / "atom.xml"))
    root = tree.getroot()
    assert root.tag == f"{ATOM}feed"
    assert not root.xpath(
        "//*[local-name() = 'script' or local-name() = 'em' or local-name() = 'b']"
    )
    ids = [e.text for e in root.iter(f"{ATOM}id")]
    assert len(ids) == len(set(ids)) == 5
    for entry in root.iter(f"{ATOM}entry"):
        for name in ("title", "id", "updated", "author", "summary", "link"):
            assert entry.find(f"{ATOM}{name}") is not None, name
        assert entry.find(f"{ATOM}updated").text == entry.find(f"{ATOM}updated").text.strip()
        assert W3C_DATETIME.match(entry.find(f"{ATOM}updated").text)


def test_category_feeds_hold_their_category_and_pages_link_them(
    tmp_path: Path, base: tuple[str, str]
) -> None:
    written, prefix = base
    site, output = feed_site(tmp_path, written)
    path = output / "categories" / "A&B" / "atom.xml"
    feed = read_feed(path)
    assert [entry.title for entry in feed.entries] == [MARKUP_TITLE]
    assert feed.feed.title == f"A&B | {site.title}"
    assert feed.feed.id == prefix + "categories/A&B/"
    finance = read_feed(output / "categories" / "金融" / "atom.xml")
    assert len(finance.entries) == 2
    assert finance.entries[0].link.startswith(prefix)
    assert finance.feed.links[0].href == prefix + quote("categories/金融/atom.xml")

    base_path = urlsplit(prefix).path

    def feeds_linked(page: Path) -> list[str]:
        return [
            unquote(link.get("href"))
            for link in parse(page).xpath("//head/link[@type='application/atom+xml']")
        ]

    site_feed = base_path + "atom.xml"
    top_feed = base_path + "categories/A&B/atom.xml"
    child = output / "categories" / "A&B" / name_segment(MARKUP_CATEGORIES[1]) / "index.html"
    assert feeds_linked(output / "categories" / "A&B" / "index.html") == [site_feed, top_feed]
    assert feeds_linked(child) == [site_feed, top_feed]
    assert feeds_linked(output / "index.html") == [site_feed]
    article = output / "2023" / "05" / "markup" / "index.html"
    assert feeds_linked(article) == []  # its footer links the site feed
    for linked in (site_feed, top_feed):
        assert (output / linked.removeprefix(base_path)).is_file()


def test_full_content_only_when_configured(tmp_path: Path) -> None:
    _, output = feed_site(tmp_path, "https://user.github.io/archive", feeds={"full_content": True})
    feed = read_feed(output / "atom.xml")
    entry = next(e for e in feed.entries if e.title == MARKUP_TITLE)
    assert entry.content[0].type == "text/html"
    assert "<b>真正的粗体</b>" in entry.content[0].value
    assert entry.summary.strip()
    root = lxml.etree.parse(str(output / "atom.xml")).getroot()
    assert not root.xpath("//*[local-name() = 'b' or local-name() = 'p']"), "HTML stays escaped"


def test_a_picture_sends_no_referer_from_its_page_nor_from_a_feed_reader(tmp_path: Path) -> None:
    """A hot-linked host refuses foreign Referer headers. The page says so once for all its
    pictures (its referrer meta); a feed reader shows a body under its own policy, so each picture
    of the feed keeps its own."""
    _, output = feed_site(tmp_path, "https://user.github.io/archive", feeds={"full_content": True})
    pages = [p for p in output.glob("20*/*/*/index.html") if "<img " in p.read_text()]
    assert pages
    for page in map(parse, pages):
        assert page.xpath("//head/meta[@name='referrer']/@content") == ["same-origin"]
        assert page.xpath("//main//img") and not page.xpath("//img[@referrerpolicy]")
    feed = lxml.etree.parse(str(output / "atom.xml")).getroot()  # feedparser drops the attribute
    contents = feed.xpath("//*[local-name() = 'content']/text()")
    pictures = [img for c in contents for img in lxml.html.fromstring(c).iter("img")]
    assert pictures and all(img.get("referrerpolicy") == "no-referrer" for img in pictures)


def test_feed_limit(tmp_path: Path) -> None:
    _, output = feed_site(tmp_path, "https://archive.example.org/", feeds={"limit": 2})
    feed = read_feed(output / "atom.xml")
    assert [e.title for e in feed.entries][:1] == [MARKUP_TITLE]
    assert len(feed.entries) == 2


def sitemap_locs(output: Path, prefix: str) -> list[str]:
    """Every URL listed by the sitemap index's parts, checking each file's structure on the way."""
    index = lxml.etree.parse(str(output / "sitemap.xml")).getroot()
    assert index.tag == f"{SITEMAP}sitemapindex"
    locs = []
    for part in index:
        assert part.tag == f"{SITEMAP}sitemap"
        loc = part.findtext(f"{SITEMAP}loc")
        assert re.fullmatch(re.escape(prefix) + r"sitemap-\d+\.xml(\.gz)?", loc)
        assert W3C_DATETIME.match(part.findtext(f"{SITEMAP}lastmod"))
        data = (output / loc.removeprefix(prefix)).read_bytes()
        urlset = lxml.etree.fromstring(gzip.decompress(data) if loc.endswith(".gz") else data)
        assert urlset.tag == f"{SITEMAP}urlset"
        assert len(urlset) <= sitemap.SITEMAP_LIMIT
        newest = max(url.findtext(f"{SITEMAP}lastmod") for url in urlset)
        assert part.findtext(f"{SITEMAP}lastmod")[:10] >= newest[:10]
        for url in urlset:
            assert [child.tag for child in url] == [f"{SITEMAP}loc", f"{SITEMAP}lastmod"]
            assert url.findtext(f"{SITEMAP}loc").startswith(prefix)
            assert W3C_DATE.match(url.findtext(f"{SITEMAP}lastmod"))
            locs.append(url.findtext(f"{SITEMAP}loc"))
    return locs


def test_sitemap_lists_every_page_under_base_url_and_robots_points_at_it(
    tmp_path: Path, base: tuple[str, str]
) -> None:
    written, prefix = base
    _, output = feed_site(tmp_path, written)
    locs = sitemap_locs(output, prefix)
    assert len(locs) == len(set(locs))
    listed = {unquote(loc.removeprefix(prefix)) for loc in locs}
    pages_built = {
        p.relative_to(output).as_posix().removesuffix("index.html")
        for p in output.rglob("*.html")
        if p.name != "404.html" and 'http-equiv="refresh"' not in p.read_text(encoding="utf-8")
    }  # an alias page (a source shown by its category's list) sends the reader on: not listed
    assert listed == pages_built - {"search/"}, "the search page is noindex: not in the sitemap"
    assert "sources/政策/" not in listed and (output / "sources/政策/index.html").is_file()
    assert "2023/05/markup/" in listed
    assert (output / "robots.txt").read_text(encoding="utf-8").splitlines()[-1] == (
        f"Sitemap: {prefix}sitemap.xml"
    )


def test_sitemap_is_split_into_parts_over_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sitemap, "SITEMAP_LIMIT", 2)
    prefix = "https://user.github.io/archive/"
    _, output = feed_site(tmp_path, prefix)
    locs = sitemap_locs(output, prefix)
    parts = sorted(p.name for p in output.glob("sitemap-*.xml"))
    assert len(parts) == -(-len(locs) // 2) > 1
    assert len(locs) == len(set(locs))
    index = lxml.etree.parse(str(output / "sitemap.xml")).getroot()
    assert sorted(loc.rsplit("/", 1)[-1] for loc in index.itertext() if "sitemap-" in loc) == parts


def test_a_new_site_gzips_the_sitemap_parts_and_lists_the_same_pages(tmp_path: Path) -> None:
    """`sitegen init` writes `sitemap_part = "/sitemap-{n}.xml.gz"`: each part is the plain one
    gzipped without a time stamp (the same bytes every build), and the index names it."""
    prefix = "https://user.github.io/archive/"
    init_links = tomllib.loads(SITE_TOML)["permalinks"]
    assert init_links["sitemap_part"] == "/sitemap-{n}.xml.gz"
    _, plain = feed_site(tmp_path / "plain", prefix)
    _, zipped = feed_site(
        tmp_path / "new", prefix, permalinks={"sitemap_part": "/sitemap-{n}.xml.gz"}
    )
    assert sitemap_locs(zipped, prefix) == sitemap_locs(plain, prefix)
    part = (zipped / "sitemap-1.xml.gz").read_bytes()
    assert gzip.decompress(part) == (plain / "sitemap-1.xml").read_bytes()
    assert len(part) < (plain / "sitemap-1.xml").stat().st_size / 3
    assert not list(zipped.glob("sitemap-*.xml"))


def test_a_new_article_leaves_the_sitemap_parts_of_older_articles_as_they_were(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Articles are listed oldest first, the other pages after them: one more article changes
    the part it joins and those after it, never a part of older articles."""
    monkeypatch.setattr(sitemap, "SITEMAP_LIMIT", 1)
    site, output = feed_site(tmp_path, "https://user.github.io/archive/")
    before = {p.name: p.read_bytes() for p in output.glob("sitemap-*.xml")}
    yesterday = f"{datetime.now(UTC) - timedelta(days=1):%Y-%m-%d %H:%M:%S}"  # due, and newest
    (tmp_path / "content" / "newest.md").write_text(
        f"---\ntitle: 最新的一篇\ndate: {yesterday}\n---\n<p>今天的新文章。</p>\n",
        encoding="utf-8",
    )
    build(site)
    after = {p.name: p.read_bytes() for p in output.glob("sitemap-*.xml")}
    articles = sum(1 for _ in output.glob("20[0-9][0-9]/*/*/index.html"))
    kept = articles - 1  # a part a page: those of the articles older than the new one
    assert kept >= 3
    for n in range(1, kept + 1):
        assert after[f"sitemap-{n}.xml"] == before[f"sitemap-{n}.xml"], n
