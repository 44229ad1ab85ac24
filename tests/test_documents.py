"""Cited documents, sources and citations, on real builds of small fixtures.

`fixtures/documents/cites` holds three articles: two cite 《直播电商监督管理办法》 a month apart (one
also a document number and 《人民日报》, and carries the original's `link`), the third names only a
programme, a book and a magazine (《新闻联播》, 《孙子兵法》, 《财新周刊》), none of them a document.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import extruct
import feedparser
import lxml.html
import pytest

from sitegen.config import SiteConfig
from sitegen.content.clean import clean_body
from sitegen.content.load import load_data, read_file
from sitegen.documents import cited
from sitegen.names import name_segments
from sitegen.pipeline import build

from .conftest import FIXTURES, checked_rows, corpus_or_skip, make_config
from .sitecheck import parse, tree_digest

CITES = FIXTURES / "documents" / "cites"
SAMPLE = FIXTURES / "documents" / "precision_sample.tsv"
BASE = "https://archive.example.org/"
RULES = "/2026/01/2026-01-05-livestream-rules/"
FOLLOWUP = "/2026/02/2026-02-10-livestream-followup/"
NEWS = "/2026/02/2026-02-20-evening-news/"


def cites_site(root: Path) -> SiteConfig:
    shutil.copytree(CITES, root / "content")
    config = make_config(root, base_url=BASE)
    report = build(config)
    assert not report.errors
    return config


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("documents")
    cites_site(root)
    return root / "build"


def page(output: Path, url: str) -> lxml.html.HtmlElement:
    return parse(output / url.strip("/") / "index.html")


def hrefs(element: lxml.html.HtmlElement, xpath: str) -> list[str]:
    return [str(h) for h in element.xpath(xpath)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("总局公布《直播电商监督管理办法》，自2月1日起施行", ("直播电商监督管理办法",)),
        (
            "《资产管理信托管理办法（征求意见稿）》公开征求意见",
            ("资产管理信托管理办法（征求意见稿）",),
        ),
        ("依据《中华人民共和国 证券法》处罚", ("中华人民共和国 证券法",)),
        ("根据国办发〔2018〕128号文件", ("国办发〔2018〕128号",)),
        ("沪财发[2020] 18 号延期", ("沪财发〔2020〕18号",)),
        ("《意见》指出，《方案》明确，《实施方案》要求", ()),
        ("据《人民日报》报道，《新闻联播》播出，《财新周刊》刊发", ()),
        ("他读《孙子兵法》，玩《南极计划》，学《魔法》", ()),
        ("《规划》《规划》与《“十五五”规划纲要（草案）》", ("“十五五”规划纲要（草案）",)),
    ],
)
def test_documents_are_told_from_newspapers_books_and_abbreviations(
    text: str, expected: tuple[str, ...]
) -> None:
    assert cited(text) == expected


def test_each_document_is_listed_once_in_order_of_first_mention() -> None:
    text = "《信访工作条例》与《公共机构节约用水管理办法》；再谈《信访工作条例》"
    assert cited(text) == ("信访工作条例", "公共机构节约用水管理办法")


def test_names_that_are_not_safe_segments_get_distinct_urls() -> None:
    names = [
        "关于A/B的通知",
        "关于A?B的通知",
        "关于A-B的通知",
        "..",
        "长" * 80,
        "长" * 81,
        "人民日报",
    ]
    segments = name_segments(names)
    assert len(set(segments.values())) == len(names)
    assert segments["人民日报"] == "人民日报"
    for segment in segments.values():
        assert "/" not in segment and "?" not in segment and segment not in (".", "..")
        assert len(segment) <= 60 + 7


def test_a_document_page_lists_its_articles_newest_first_with_a_timeline(output: Path) -> None:
    doc = page(output, "/documents/直播电商监督管理办法/")
    assert doc.xpath("string(//h1)") == "《直播电商监督管理办法》"
    assert hrefs(doc, "//div[@class='cards']//h2/a/@href") == [FOLLOWUP, RULES]
    months = [li.text_content() for li in doc.xpath("//ol[@class='timeline']/li")]
    assert months == ["2026年2月1", "2026年1月1"]
    # Every article the page lists links back to it.
    for url in (FOLLOWUP, RULES):
        article = page(output, url)
        assert "/documents/直播电商监督管理办法/" in hrefs(
            article, "//p[@class='article-docs']/a/@href"
        )


def test_newspapers_programmes_and_books_get_no_document_page(output: Path) -> None:
    facets = {"kind", "year"}  # the lists by kind and by year
    documents = {p.name for p in (output / "documents").iterdir() if p.is_dir()} - facets
    assert documents == {
        "直播电商监督管理办法",
        "国务院办公厅关于加强数字经济治理的意见",
        "国办发〔2018〕128号",
    }
    assert not page(output, NEWS).xpath("//p[@class='article-docs']")
    index = page(output, "/documents/")
    listed = [a.text_content() for a in index.xpath("//ul[@class='names']/li/a")]
    assert listed[0] == "《直播电商监督管理办法》"  # the most cited first
    assert "《国务院办公厅关于加强数字经济治理的意见》" in listed  # with its number: one record
    assert not any("人民日报" in name or "新闻联播" in name for name in listed)


def test_sources_are_the_lifted_laiyuan_else_the_feed_each_with_a_feed(output: Path) -> None:
    index = page(output, "/sources/")
    sources = {a.text_content(): a.get("href") for a in index.xpath("//ul[@class='names']/li/a")}
    # 来源：新华社 in the text wins over the feed (36氪); the others have no 来源 line, so their
    # sources list what their feeds' categories list: links go there, their pages are aliases.
    assert sources == {
        "新华社": "/sources/新华社/",
        "人民日报": "/categories/新闻/人民日报/",
        "新闻联播": "/categories/新闻/新闻联播/",
    }
    alias = (output / "sources/人民日报/index.html").read_text(encoding="utf-8")
    assert 'http-equiv="refresh" content="0; url=/categories/新闻/人民日报/"' in alias
    assert (output / "sources/人民日报/atom.xml").is_file()  # its feed stays
    # Its article names it without a link: the trail above links that page already.
    rules = page(output, RULES)
    assert "/categories/新闻/人民日报/" in hrefs(rules, "//article/header/nav//a/@href")
    assert "/categories/新闻/人民日报/" not in hrefs(rules, "//p[@class='article-meta']//a/@href")
    assert "来源：人民日报" in rules.xpath("string(//p[@class='article-meta'])")
    xinhua = page(output, "/sources/新华社/")
    assert hrefs(xinhua, "//div[@class='cards']//h2/a/@href") == [FOLLOWUP]
    feed_href = hrefs(xinhua, "//link[@type='application/atom+xml']/@href")[-1]
    assert feed_href == "/sources/新华社/atom.xml"
    parsed = feedparser.parse((output / "sources/新华社/atom.xml").read_bytes())
    assert not parsed.bozo
    assert [e.link for e in parsed.entries] == [
        "https://archive.example.org/2026/02/2026-02-10-livestream-followup/"
    ]
    article = page(output, FOLLOWUP)
    assert hrefs(article, "//p[@class='article-meta']//a/@href") == ["/sources/新华社/"]


def test_an_article_naming_its_original_carries_newsarticle_json_ld(output: Path) -> None:
    html = (output / RULES.strip("/") / "index.html").read_text(encoding="utf-8")
    data = extruct.extract(html, base_url=BASE + RULES[1:], syntaxes=["json-ld"])["json-ld"]
    assert len(data) == 1
    article = data[0]
    assert article["@context"] == "https://schema.org"
    assert article["@type"] == "NewsArticle"
    assert article["headline"] == "市场监管总局发布直播电商新规"
    assert article["datePublished"] == "2026-01-05T09:00:00+08:00"
    assert "dateModified" not in article  # never updated
    html = (output / FOLLOWUP.strip("/") / "index.html").read_text(encoding="utf-8")
    assert extruct.extract(html, syntaxes=["json-ld"])["json-ld"] == []  # no original named: the
    # citation_* tags and the canonical link say all it would (460 bytes a page)
    assert article["author"] == {"@type": "Person", "name": "人民日报记者"}
    assert article["publisher"] == {"@type": "Organization", "name": "人民日报"}
    assert article["articleSection"] == "新闻 › 人民日报"
    assert article["isBasedOn"].startswith("https://paper.people.com.cn/")
    # Only properties schema.org defines for a NewsArticle (Article, CreativeWork, Thing).
    assert set(article) <= {
        "@context", "@type", "headline", "datePublished", "dateModified", "author",
        "publisher", "image", "articleSection", "isBasedOn",
    }  # fmt: skip


def test_json_ld_cannot_close_its_script_element(tmp_path: Path) -> None:
    shutil.copytree(CITES, tmp_path / "content")
    rules = tmp_path / "content" / "2026-01-05-livestream-rules.md"
    text = rules.read_text(encoding="utf-8")
    rules.write_text(text.replace("title: 市场监管", "title: 市场</script><b>监管"), "utf-8")
    build(make_config(tmp_path, base_url=BASE))
    html = (tmp_path / "build" / RULES.strip("/") / "index.html").read_text(encoding="utf-8")
    script = lxml.html.fromstring(html).xpath("//script[@type='application/ld+json']")[0]
    assert json.loads(script.text)["headline"] == "市场</script><b>监管总局发布直播电商新规"


def test_article_pages_carry_highwire_tags_and_the_script_writing_the_citation(
    output: Path,
) -> None:
    article = page(output, RULES)
    tags = {m.get("name"): m.get("content") for m in article.xpath("//meta[@name]")}
    assert tags["citation_title"] == "市场监管总局发布直播电商新规"
    assert tags["citation_author"] == "人民日报记者"
    assert tags["citation_date"] == "2026/01/05"
    assert tags["citation_publisher"] == "人民日报"
    assert "citation_public_url" not in tags  # the canonical link says it (page budget)
    # The 引用 box and its GB/T 7714 entry are cite.js's to write (test_documents_browser reads
    # them): not the tags again, and no box a reader without scripts would find empty.
    assert article.xpath("//footer[@class='article-footer']")
    assert not article.xpath("//details")
    assert article.xpath("//script[@defer]/@src") == ["/cite.js"]
    assert (output / "cite.js").is_file()
    other = page(output, FOLLOWUP)
    tags = {m.get("name"): m.get("content") for m in other.xpath("//meta[@name]")}
    assert tags["citation_publisher"] == "新华社"
    for shown in (article, other):  # a footer only with something in it (cite.js adds one)
        assert all(len(f) for f in shown.xpath("//footer[@class='article-footer']"))


def test_an_edit_updates_the_documents_it_touches(tmp_path: Path) -> None:
    config = cites_site(tmp_path)
    followup = tmp_path / "content" / "2026-02-10-livestream-followup.md"
    text = followup.read_text(encoding="utf-8")
    followup.write_text(
        text.replace("《直播电商监督管理办法》", "《网络交易平台规则监督管理办法》"), "utf-8"
    )
    build(config)
    output = tmp_path / "build"
    doc = page(output, "/documents/直播电商监督管理办法/")
    assert hrefs(doc, "//div[@class='cards']//h2/a/@href") == [RULES]
    new = page(output, "/documents/网络交易平台规则监督管理办法/")
    assert hrefs(new, "//div[@class='cards']//h2/a/@href") == [FOLLOWUP]


def test_precision_of_the_hand_checked_sample_of_the_real_corpus() -> None:
    """The sample's articles still cite what was checked, and most of what is found is a document."""
    corpus = corpus_or_skip()
    rows = checked_rows(SAMPLE)
    assert len(rows) == 100
    for rel_path, document, *_ in rows:
        source = load_data(corpus / rel_path, rel_path, read_file(corpus / rel_path))
        title = str(source.meta.get("title", ""))
        body = clean_body(source.body, markdown=None, title=title)
        assert document in cited(f"{title}\n{body.text}"), rel_path
    precision = sum(row[2] == "1" for row in rows) / len(rows)
    assert precision >= 0.95


def test_disabled_kinds_make_no_pages_and_no_links_to_them(tmp_path: Path) -> None:
    shutil.copytree(CITES, tmp_path / "content")
    rules = tmp_path / "content" / "2026-01-05-livestream-rules.md"
    rules.write_text(
        rules.read_text(encoding="utf-8").replace("author:", "tags: [直播电商]\nauthor:", 1),
        "utf-8",
    )
    kinds = ["documents", "sources", "tags"]
    config = make_config(tmp_path, base_url=BASE, disable_kinds=kinds)
    assert not build(config).errors
    output = tmp_path / "build"
    assert not [kind for kind in kinds if (output / kind).exists()]
    for html in output.rglob("*.html"):
        links = lxml.html.fromstring(html.read_bytes()).xpath("//a/@href | //link/@href")
        leading = [h for h in links if h.startswith(("/documents/", "/sources/", "/tags/"))]
        assert not leading, html
    sitemap = "".join(p.read_text(encoding="utf-8") for p in output.glob("sitemap*.xml"))
    assert "/documents/" not in sitemap and "/sources/" not in sitemap
    article = page(output, RULES)
    assert article.xpath("string(//p[@class='article-meta']/span[1])") == "来源：人民日报"
    # Turned on again, an incremental build puts them back, equal to a build from scratch.
    config = make_config(tmp_path, base_url=BASE)
    assert not build(config).errors
    assert "/documents/直播电商监督管理办法/" in hrefs(page(output, RULES), "//a/@href")
    assert (output / "tags" / "直播电商" / "index.html").is_file()
    fresh = tmp_path / "fresh"
    shutil.copytree(tmp_path / "content", fresh / "content")
    build(make_config(fresh, base_url=BASE))
    assert tree_digest(output) == tree_digest(fresh / "build")
